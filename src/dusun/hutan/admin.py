"""Read-only admin views (all writes go through `services`: consistency checks and history)."""

from django.contrib import admin

from .models import AlertThreshold, Allocation, FactorTable, LedgerEdit, Payment, Scheme, Spending


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.register(Scheme, ReadOnly)
admin.site.register(Payment, ReadOnly)
admin.site.register(Allocation, ReadOnly)
admin.site.register(FactorTable, ReadOnly)
admin.site.register(Spending, ReadOnly)
admin.site.register(LedgerEdit, ReadOnly)
admin.site.register(AlertThreshold, ReadOnly)
