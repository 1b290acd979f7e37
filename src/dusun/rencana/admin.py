from django.contrib import admin

from .models import BudgetCeiling, PriorityWeights


@admin.register(PriorityWeights)
class PriorityWeightsAdmin(admin.ModelAdmin):
    list_display = ["kabupaten", "beneficiaries", "idm_gain", "urgency", "cost_efficiency", "equity", "updated_at"]


@admin.register(BudgetCeiling)
class BudgetCeilingAdmin(admin.ModelAdmin):
    list_display = ["kabupaten", "year", "amount"]
