"""Admin for the data that has no page of its own: legends, land-cover snapshots, edit history.

Features themselves are edited on the map editor and through the import (both keep revisions and check
scope); the admin only lets technical staff create snapshots, correct legend labels and colours, and
read the history.
"""

from django.contrib import admin

from .models import FeatureRevision, LandCoverSnapshot, Legend, LegendClass, LegendMapping


class LegendClassInline(admin.TabularInline):
    model = LegendClass
    extra = 0
    fields = ["code", "name_id", "name_en", "colour", "forest_category", "natural_forest", "carbon_tc_ha", "sort_order"]


@admin.register(Legend)
class LegendAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "source"]
    search_fields = ["code", "name"]
    inlines = [LegendClassInline]


@admin.register(LegendMapping)
class LegendMappingAdmin(admin.ModelAdmin):
    list_display = ["source_class", "target_class"]
    list_select_related = ["source_class__legend", "target_class__legend"]
    autocomplete_fields = ["source_class", "target_class"]


@admin.register(LegendClass)
class LegendClassAdmin(admin.ModelAdmin):
    list_display = ["code", "name_id", "legend", "carbon_tc_ha", "natural_forest"]
    list_filter = ["legend"]
    search_fields = ["code", "name_id", "name_en"]


@admin.register(LandCoverSnapshot)
class LandCoverSnapshotAdmin(admin.ModelAdmin):
    list_display = ["name", "year", "legend", "is_demo", "created_at"]
    list_filter = ["legend", "is_demo", "year"]
    search_fields = ["name", "source"]


@admin.register(FeatureRevision)
class FeatureRevisionAdmin(admin.ModelAdmin):
    """History is evidence: readable, never editable."""

    list_display = ["at", "layer", "feature_id", "action", "dusun", "user"]
    list_filter = ["layer", "action"]
    list_select_related = ["dusun", "user"]
    search_fields = ["dusun__kode", "dusun__nama"]
    date_hierarchy = "at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
