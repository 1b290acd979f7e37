from django.contrib import admin

from .models import Wilayah


@admin.register(Wilayah)
class WilayahAdmin(admin.ModelAdmin):
    """Codes and names are editable; boundaries change only through the reference-data loader.

    (GeoDjango's map widget loads OpenLayers from a CDN, which this product never does.)
    """

    list_display = ["kode", "nama", "level", "jenis", "kode_bps", "luas_ha"]
    list_filter = ["level", "jenis"]
    search_fields = ["kode", "nama", "kode_bps"]
    readonly_fields = ["geom", "luas_ha", "updated_at"]
    autocomplete_fields = ["parent"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return fields + ["kode", "level"] if obj else fields
