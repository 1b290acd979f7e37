from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet

from .models import ApiToken, RoleAssignment, User


class RoleInlineFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        for form in self.forms:
            if form.cleaned_data and not form.cleaned_data.get("DELETE"):
                try:
                    form.instance.clean()
                except ValidationError as exc:
                    form.add_error(None, exc)


class RoleInline(admin.TabularInline):
    model = RoleAssignment
    formset = RoleInlineFormSet
    extra = 0
    autocomplete_fields = ["wilayah"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    inlines = [RoleInline]
    list_display = ["username", "email", "first_name", "last_name", "is_active", "is_staff"]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "wilayah", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__username", "wilayah__nama", "wilayah__kode"]
    autocomplete_fields = ["user", "wilayah"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens can be inspected and revoked here; they are created by their owner on /akun/token/, where the
    key is shown once (the admin never sees a key, only its prefix)."""

    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "expires_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["name", "user__username", "prefix"]
    readonly_fields = ["user", "prefix", "created_at", "last_used_at"]
    fields = ["user", "name", "prefix", "created_at", "last_used_at", "expires_at", "revoked_at"]

    def has_add_permission(self, request) -> bool:
        return False
