"""Read-only admin views: definitions change only through their data file (`load_idm`), results only
through the services (each change is a new version), so the admin never edits either."""

from django.contrib import admin

from .models import IndexDefinition, Item, Result, ResultItem, ScoreBand, StatusBand


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class StatusInline(ReadOnlyInline):
    model = StatusBand
    fields = ["order", "code", "name", "upper_bound", "entry_score", "colour"]


@admin.register(IndexDefinition)
class IndexDefinitionAdmin(ReadOnly):
    list_display = ["code", "abbreviation", "version_label", "first_year", "last_year", "loaded_at"]
    inlines = [StatusInline]


class BandInline(ReadOnlyInline):
    model = ScoreBand
    fields = ["score", "text", "verified", "activity"]


@admin.register(Item)
class ItemAdmin(ReadOnly):
    list_display = ["code", "official_label", "component", "variable", "bands_complete"]
    list_filter = ["definition", "component"]
    search_fields = ["code", "official_label", "name"]
    inlines = [BandInline]


class ResultItemInline(ReadOnlyInline):
    model = ResultItem
    fields = ["item", "score", "provenance", "note", "entered_by", "entered_at"]


@admin.register(Result)
class ResultAdmin(ReadOnly):
    list_display = ["dusun", "year", "series", "version", "is_current", "is_complete", "value", "status", "source"]
    list_filter = ["series", "year", "is_current", "is_complete", "status"]
    search_fields = ["dusun__kode", "dusun__nama"]
    list_select_related = ["dusun"]
    exclude = ["payload"]
    inlines = [ResultItemInline]
