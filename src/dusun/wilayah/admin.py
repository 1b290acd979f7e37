from django.contrib import admin

from .models import ProfilDusun, Wilayah


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


@admin.register(ProfilDusun)
class ProfilDusunAdmin(admin.ModelAdmin):
    """The public profile of a village (operators edit it on /dusun/<kode>/profil/ubah/; this is for staff)."""

    list_display = ["wilayah", "rio_nama", "rio_mulai", "rio_selesai", "diperbarui"]
    search_fields = ["wilayah__kode", "wilayah__nama", "rio_nama"]
    autocomplete_fields = ["wilayah"]
    readonly_fields = ["diperbarui", "diperbarui_oleh"]

    def save_model(self, request, obj, form, change):
        obj.diperbarui_oleh = request.user
        super().save_model(request, obj, form, change)
