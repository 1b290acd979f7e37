from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet

from .models import RoleAssignment, User


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
