"""The map editor page of one village: choose a layer, draw and edit its features (editor.js does the
drawing with Terra Draw; every save goes through the JSON API in api_edit and so through services)."""

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from dusun.akun import scope

from . import selectors_edit as selectors
from .forms_edit import FeatureAttributesForm, geometry_words
from .layers import LAYERS, LayerSpec

DEFAULT_LAYER = "tutupan-lahan"
ID_PLACEHOLDER = "__id__"
# Terra Draw's mode for each OGC type a layer accepts (multi-part features are edited part by part).
DRAW_MODES = {
    "Point": "point",
    "LineString": "linestring",
    "MultiLineString": "linestring",
    "Polygon": "polygon",
    "MultiPolygon": "polygon",
}


@require_GET
def village_editor(request: HttpRequest, kode: str) -> HttpResponse:
    village = selectors.get_village(kode)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not scope.can_edit(request.user, village):
        return render(request, "ruang/edit/forbidden.html", {"village": village}, status=403)
    slug = request.GET.get("lapisan") or DEFAULT_LAYER
    if slug not in LAYERS:
        raise Http404(_("Lapisan tidak dikenal."))
    spec = LAYERS[slug]
    snapshots = list(selectors.snapshots()) if _has_snapshot(spec) else []
    snapshot = _chosen_snapshot(snapshots, request.GET.get("potret"))
    ready = snapshot is not None or not _has_snapshot(spec)
    context = {
        "village": village,
        "kecamatan": village.parent,
        "spec": spec,
        "layers": selectors.editable_layers(),
        "snapshots": snapshots,
        "snapshot": snapshot,
        "ready": ready,
        "accepted": geometry_words(spec.geometry_types),
        "form": FeatureAttributesForm(spec, snapshot=snapshot) if ready else None,
    }
    if ready:
        context["editor_config"] = _editor_config(village, spec, snapshot)
    return render(request, "ruang/edit/editor.html", context)


def _has_snapshot(spec: LayerSpec) -> bool:
    return any(f.name == "snapshot" for f in spec.attribute_fields)


def _chosen_snapshot(snapshots, value):
    if not snapshots:
        return None
    for snapshot in snapshots:
        if str(snapshot.pk) == value:
            return snapshot
    return snapshots[0]  # the newest year: what an operator maps today


def _editor_config(village, spec: LayerSpec, snapshot) -> dict:
    query = {"dusun": village.kode} | ({"snapshot": snapshot.pk} if snapshot else {})
    collection_url = reverse("ruang:api-features", args=[spec.slug])
    return {
        "layer": spec.slug,
        "dusun": village.kode,
        "idPlaceholder": ID_PLACEHOLDER,
        "snapshot": snapshot.pk if snapshot else None,
        "drawModes": sorted({DRAW_MODES[t] for t in spec.geometry_types}, key=["point", "linestring", "polygon"].index),
        "multi": spec.model._meta.get_field("geom").geom_type.startswith("MULTI"),
        "categoryField": spec.category_field,
        "measure": list(spec.measure) if spec.measure else None,
        "classColours": {c.pk: c.colour for c in snapshot.legend.classes.all()} if snapshot else {},
        "urls": {
            "list": f"{collection_url}?{urlencode(query)}",
            "create": collection_url,
            # The editor puts the feature id in place of the placeholder.
            "feature": reverse("ruang:api-feature", args=[spec.slug, ID_PLACEHOLDER]),
            "history": reverse("ruang:api-feature-history", args=[spec.slug, ID_PLACEHOLDER]),
        },
        "boundary": selectors.boundary(village),
        "bounds": village.geom.extent if village.geom else None,
        "text": _texts(spec),
    }


def _texts(spec: LayerSpec) -> dict:
    """The editor's sentences, translated here because the page ships no JavaScript message catalogue."""
    return {
        "loading": _("Memuat…"),
        "loaded": _("%(n)s fitur dimuat."),
        "loadFailed": _("Fitur tidak dapat dimuat. Periksa sambungan lalu muat ulang halaman."),
        "mode_point": _(
            "Ketuk peta di lokasi titik, atau geser peta sampai tanda + tepat di lokasi lalu tekan "
            '"Tambah titik di tengah".'
        ),
        "mode_linestring": _(
            'Ketuk peta (atau pakai "Tambah titik di tengah") untuk setiap titik garis, lalu ketuk titik '
            'terakhir sekali lagi atau tekan "Selesai menggambar".'
        ),
        "mode_polygon": _(
            'Ketuk peta (atau pakai "Tambah titik di tengah") untuk setiap sudut, lalu ketuk sudut pertama '
            'atau tekan "Selesai menggambar" untuk menutup poligon.'
        ),
        "mode_select": _(
            "Ketuk fitur di peta atau pilih di daftar untuk menyuntingnya. Seret titik sudut untuk mengubah "
            "bentuk; seret titik kecil di tengah sisi untuk menambah sudut."
        ),
        "drawn": _("Bentuk baru selesai digambar. Isi atribut lalu tekan Simpan."),
        "selected": _("Fitur dipilih. Ubah bentuk atau atribut, lalu tekan Simpan."),
        "noneSelected": _("Belum ada fitur dipilih"),
        "saving": _("Menyimpan…"),
        "saved": _("Tersimpan."),
        "deleted": _("Fitur dihapus."),
        "confirmDelete": _("Hapus fitur ini? Riwayatnya tetap tersimpan."),
        "confirmDiscard": _("Perubahan yang belum disimpan akan hilang. Lanjutkan?"),
        "networkError": _("Tidak tersambung ke server. Perubahan belum tersimpan; coba lagi saat sinyal membaik."),
        "serverError": _("Server gagal memproses permintaan (kode %(status)s). Coba lagi sebentar lagi."),
        "checkFields": _("Periksa isian yang ditandai di bawah."),
        "newFeature": _("Fitur baru (belum disimpan)"),
        "unsaved": _("belum disimpan"),
        "noName": _("tanpa nama"),
        "centreAdded": _("Titik ditambahkan di tanda +."),
        "centreNeedMore": _(
            "Bentuk belum dapat diselesaikan: perlu sedikitnya %(n)s titik, dan sisi-sisinya tidak boleh "
            "saling bersilangan."
        ),
        "centreNoMode": _("Pilih dulu Titik, Garis atau Poligon."),
        "historyEmpty": _("Belum ada riwayat."),
        "historyFailed": _("Riwayat tidak dapat dimuat."),
        "readOnly": _("Bentuk fitur ini tidak dapat disunting di peta; atributnya tetap dapat diubah."),
        "measure_ha": _("Luas geodesik: %(value)s ha"),
        "measure_m2": _("Luas geodesik: %(value)s m²"),
        "measure_m": _("Panjang geodesik: %(value)s m"),
        "measureStale": _("(dihitung ulang saat disimpan)"),
        "short_ha": _("%(value)s ha"),
        "short_m2": _("%(value)s m²"),
        "short_m": _("%(value)s m"),
        "layerTitle": str(spec.title),
    }
