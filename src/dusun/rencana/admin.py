from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .classification import sub_bidang_name
from .models import BudgetCeiling, OpdMapping, PriorityWeights


@admin.register(PriorityWeights)
class PriorityWeightsAdmin(admin.ModelAdmin):
    list_display = ["kabupaten", "beneficiaries", "idm_gain", "urgency", "cost_efficiency", "equity", "updated_at"]


@admin.register(BudgetCeiling)
class BudgetCeilingAdmin(admin.ModelAdmin):
    list_display = ["kabupaten", "year", "amount"]


@admin.register(OpdMapping)
class OpdMappingAdmin(admin.ModelAdmin):
    """Bappeda corrects which OPD takes up each sub-bidang; a corrected row survives `load_opd`."""

    list_display = ["sub_bidang", "sub_bidang_nama", "opd_code", "opd_name", "edited"]
    list_filter = ["opd_code", "edited"]
    search_fields = ["sub_bidang", "opd_code", "opd_name"]
    readonly_fields = ["sub_bidang", "edited"]

    @admin.display(description=_("sub-bidang (Permendagri 20/2018)"))
    def sub_bidang_nama(self, obj):
        return sub_bidang_name(obj.sub_bidang)

    def has_add_permission(self, request):
        return False  # one row per sub-bidang, created by load_opd

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        obj.edited = True
        super().save_model(request, obj, form, change)
