"""Map and statistics endpoints of the spatial layers: vector tiles, TileJSON, statistics JSON and CSV.

Views only orchestrate: tile SQL, versions and the cache live in `tiles`, statistics in `selectors`.
Every error answers JSON with a Bahasa message (never an HTML page, never a 500 for bad input).

Caching of tiles (public data)
- Validators: a weak ETag from the layer version (kept by database triggers, so it moves on any write)
  and Last-Modified from the version's change time; a conditional GET with a matching validator is a 304
  without touching the tile.
- Cache-Control: a tile URL carrying the current version (`?v=`, as the TileJSON and the pages write it)
  never changes content, so it is cached for a day; without it (or with an old one) for a minute, then
  revalidated. The server keeps rendered tiles keyed by (layer, version, snapshot, z, x, y).
- Tiles travel gzip-compressed to clients that accept it (all browsers), with `Vary: Accept-Encoding`.
"""

import csv
import gzip

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from dusun.wilayah.models import Level

from . import selectors, tiles

JSON_OPTIONS = {"ensure_ascii": False, "separators": (",", ":")}
MVT_TYPE = "application/vnd.mapbox-vector-tile"
LEVELS = {"dusun": Level.DESA, "kecamatan": Level.KECAMATAN, "kabupaten": Level.KABUPATEN}
VERSIONED_MAX_AGE = 24 * 3600
UNVERSIONED_MAX_AGE = 60


def _error(message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": message}, status=status, json_dumps_params=JSON_OPTIONS)


def _tile_layer(slug: str) -> tiles.TileLayer:
    layer = tiles.TILE_LAYERS.get(slug)
    if layer is None:
        raise tiles.TileError(
            _("Lapisan '%(layer)s' tidak ada. Lapisan yang tersedia: %(layers)s.")
            % {"layer": slug[:40], "layers": ", ".join(tiles.TILE_LAYERS)}
        )
    return layer


def _snapshot_param(request: HttpRequest, layer: tiles.TileLayer) -> int | None:
    value = request.GET.get("snapshot")
    if value in (None, "") or layer.slug != "tutupan-lahan":
        return None
    if not value.isdigit() or len(value) > 12:
        raise tiles.TileError(
            _("Parameter snapshot harus berupa nomor potret tutupan lahan, mis. ?snapshot=3 (diterima: %(v)s).")
            % {"v": value[:20]},
            status=400,
        )
    return int(value)


def tiles_url(request: HttpRequest, layer: tiles.TileLayer, state: tiles.LayerState) -> str:
    """Absolute {z}/{x}/{y} URL template of a layer, pinned to its snapshot and current version."""
    path = reverse("ruang:tile", kwargs={"layer": layer.slug, "z": 0, "x": 0, "y": 0}).removesuffix("0/0/0.pbf")
    query = f"v={state.token(layer.slug)}"
    if state.snapshot_id is not None:
        query = f"snapshot={state.snapshot_id}&{query}"
    # The placeholders are appended after building the URL, which would percent-encode the braces.
    return request.build_absolute_uri(path) + "{z}/{x}/{y}.pbf?" + query


@require_safe
def tile(request: HttpRequest, layer: str, z: str, x: str, y: str) -> HttpResponse:
    """`/tiles/<layer>/{z}/{x}/{y}.pbf[?snapshot=<id>]`: one Mapbox Vector Tile (204 when empty)."""
    try:
        tile_layer = _tile_layer(layer)
        z_, x_, y_ = int(z), int(x), int(y)
        tiles.check_tile(tile_layer, z_, x_, y_)
        snapshot = _snapshot_param(request, tile_layer)
        state = tiles.layer_state(tile_layer, snapshot)
        if not state.snapshot_exists:
            raise tiles.TileError(_("Potret tutupan lahan nomor %(id)s tidak ada.") % {"id": snapshot})
    except tiles.TileError as exc:
        return _error(exc.message, exc.status)

    token = state.token(tile_layer.slug)
    # The snapshot is part of the validator: a client switching snapshots revalidates with the ETag it has
    # (MapLibre does), and the other snapshot's tile must not be "not modified".
    etag = f'W/"{token}-{state.snapshot_id}"' if state.snapshot_id else f'W/"{token}"'
    # Whole seconds, as HTTP dates carry them (else If-Modified-Since never matches).
    last_modified = int(state.changed_at.timestamp()) if state.changed_at else None
    not_modified = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if not_modified is not None:
        _cache_headers(not_modified, request, token, etag, last_modified)
        return not_modified

    data, _hit = tiles.cached_tile_gzip(tile_layer, state, z_, x_, y_)
    if not data:
        response = HttpResponse(status=204)
        del response["Content-Type"]
    elif "gzip" in request.headers.get("Accept-Encoding", ""):
        response = HttpResponse(data, content_type=MVT_TYPE)
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(gzip.decompress(data), content_type=MVT_TYPE)
    _cache_headers(response, request, token, etag, last_modified)
    return response


def _cache_headers(response: HttpResponse, request: HttpRequest, token: str, etag: str, last_modified) -> None:
    response["ETag"] = etag
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified)
    if request.GET.get("v") == token:
        response["Cache-Control"] = f"public, max-age={VERSIONED_MAX_AGE}"
    else:
        response["Cache-Control"] = f"public, max-age={UNVERSIONED_MAX_AGE}, must-revalidate"
    patch_vary_headers(response, ["Accept-Encoding"])
    response["Access-Control-Allow-Origin"] = "*"  # public data, usable from other map clients


@require_safe
def tilejson(request: HttpRequest, layer: str) -> HttpResponse:
    """`/tiles/<layer>.json[?snapshot=<id>]`: the layer's TileJSON 3.0.0 document."""
    try:
        tile_layer = _tile_layer(layer)
        snapshot = _snapshot_param(request, tile_layer)
        state = tiles.layer_state(tile_layer, snapshot)
        if not state.snapshot_exists:
            raise tiles.TileError(_("Potret tutupan lahan nomor %(id)s tidak ada.") % {"id": snapshot})
    except tiles.TileError as exc:
        return _error(exc.message, exc.status)
    token = state.token(tile_layer.slug)
    etag = f'W/"{token}-{state.snapshot_id}"' if state.snapshot_id else f'W/"{token}"'
    not_modified = get_conditional_response(request, etag=etag)
    if not_modified is None:
        doc = tiles.tilejson(tile_layer, tiles_url(request, tile_layer, state), tiles.kabupaten_bounds())
        response = JsonResponse(doc, json_dumps_params=JSON_OPTIONS)
    else:
        response = not_modified
    response["ETag"] = etag
    # Always revalidated: it names the current version, which changes with the data.
    response["Cache-Control"] = "public, no-cache"
    response["Access-Control-Allow-Origin"] = "*"
    return response


# ---------------------------------------------------------------------------------------------------------
# Statistics: JSON and CSV
# ---------------------------------------------------------------------------------------------------------


def _stats_data(request: HttpRequest, level: str, kode: str, stat: str) -> dict:
    area = selectors.get_area(kode, LEVELS[level])
    if stat == "landcover":
        snapshot = selectors.resolve_snapshot(area, request.GET.get("snapshot"), request.GET.get("legend") or None)
        body = selectors.landcover_stats(area, snapshot).as_dict()
        body["snapshots_available"] = [
            {"id": s.pk, "year": s.year, "legend": s.legend.code, "name": s.name} for s in selectors.snapshots_in(area)
        ]
        return body
    wilayah = {"kode": area.kode, "nama": area.nama, "tingkat": level}
    if stat == "villages":
        if area.level == Level.DESA:
            raise selectors.StatsError(_("Ringkasan per desa tersedia untuk kecamatan dan kabupaten."), status=404)
        snapshot = selectors.resolve_snapshot(area, request.GET.get("snapshot"), request.GET.get("legend") or None)
        shares = {s.kode: s for s in selectors.managed_area_shares(area)}
        rows = []
        for v in selectors.landcover_by_village(area, snapshot):
            share = shares.get(v.kode)
            rows.append(
                {
                    "kode": v.kode,
                    "nama": v.nama,
                    "area_ha": round(v.area_ha, 2) if v.area_ha is not None else None,
                    "mapped_ha": round(v.mapped_ha, 4),
                    "natural_forest_ha": round(v.natural_forest_ha, 4),
                    "dominant_class": v.dominant_code,
                    "dominant_name": v.dominant_name,
                    "managed_ha": round(share.managed_ha, 4) if share else 0.0,
                }
            )
        return {
            "wilayah": wilayah,
            "snapshot": {"id": snapshot.pk, "year": snapshot.year, "legend": snapshot.legend.code},
            "villages": rows,
        }
    if stat == "facilities":
        rows = selectors.facility_counts(area)
        return {
            "wilayah": wilayah,
            "facilities": [{"kind": r.code, "label": r.label, "count": r.count} for r in rows],
            "total": sum(r.count for r in rows),
        }
    if stat == "roads":
        table = selectors.road_lengths(area)
        return {
            "wilayah": wilayah,
            "unit": "km",
            "roads": [{"surface": s, "condition": c, "km": round(km, 3)} for (s, c), km in sorted(table.km.items())],
            "total_km": round(table.total, 3),
            "other_lines": [{"kind": k, "label": label, "km": round(km, 3)} for k, label, km in table.other_lines],
            "method": _("Panjang geodesik pada elipsoid WGS 84 (PostGIS ST_Length pada geography)."),
        }
    shares = selectors.managed_area_shares(area)
    return {
        "wilayah": wilayah,
        "villages": [
            {
                "kode": s.kode,
                "nama": s.nama,
                "area_ha": round(s.area_ha, 2) if s.area_ha is not None else None,
                "managed_ha": round(s.managed_ha, 4),
                "share": round(s.share, 6) if s.share is not None else None,
                "by_kind_ha": {k: round(v, 4) for k, v in s.by_kind.items()},
            }
            for s in shares
        ],
        "method": _(
            "Gabungan (union) semua poligon kawasan yang bertampalan dengan desa, dipotong batas desa; luas "
            "geodesik. Kawasan yang saling tumpang tindih dihitung sekali."
        ),
    }


@require_safe
def stats(request: HttpRequest, level: str, kode: str, stat: str) -> JsonResponse:
    """`/api/v1/<dusun|kecamatan|kabupaten>/<kode>/<landcover|villages|facilities|roads|managed-areas>/`."""
    try:
        body = _stats_data(request, level, kode, stat)
    except selectors.StatsError as exc:
        return _error(exc.message, exc.status)
    response = JsonResponse(body, json_dumps_params=JSON_OPTIONS)
    response["Cache-Control"] = "public, max-age=60"
    return response


@require_safe
def stats_csv(request: HttpRequest, level: str, kode: str, stat: str) -> HttpResponse:
    """The same statistics as a CSV download (UTF-8, comma-separated, decimal point)."""
    try:
        body = _stats_data(request, level, kode, stat)
    except selectors.StatsError as exc:
        return _error(exc.message, exc.status)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"{stat}-{kode}"
    if stat in ("landcover", "villages"):
        name += f"-{body['snapshot']['year']}"
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    writer = csv.writer(response)
    for row in _csv_rows(stat, body):
        writer.writerow(row)
    return response


def _csv_rows(stat: str, body: dict):
    area = body["wilayah"]
    if stat == "landcover":
        yield ["kode_wilayah", "tahun", "legenda", "kode_kelas", "nama_kelas", "hutan_alam", "luas_ha", "persen"]
        for c in body["classes"]:
            yield [
                area["kode"],
                body["snapshot"]["year"],
                body["legend"]["code"],
                c["code"],
                c["name"],
                "ya" if c["natural_forest"] else "tidak",
                f"{c['ha']:.4f}",
                f"{100 * c['share']:.2f}",
            ]
        yield [
            area["kode"],
            body["snapshot"]["year"],
            body["legend"]["code"],
            "",
            "JUMLAH",
            "",
            f"{body['total_ha']:.4f}",
            "100.00",
        ]
    elif stat == "villages":
        yield [
            "kode_desa",
            "nama_desa",
            "tahun",
            "luas_desa_ha",
            "terpetakan_ha",
            "hutan_alam_ha",
            "kode_kelas_dominan",
            "kelas_dominan",
            "kawasan_ha",
        ]
        for v in body["villages"]:
            yield [
                v["kode"],
                v["nama"],
                body["snapshot"]["year"],
                v["area_ha"],
                f"{v['mapped_ha']:.4f}",
                f"{v['natural_forest_ha']:.4f}",
                v["dominant_class"] or "",
                v["dominant_name"] or "",
                f"{v['managed_ha']:.4f}",
            ]
    elif stat == "facilities":
        yield ["kode_wilayah", "jenis", "nama_jenis", "jumlah"]
        for f in body["facilities"]:
            yield [area["kode"], f["kind"], f["label"], f["count"]]
    elif stat == "roads":
        yield ["kode_wilayah", "jenis", "permukaan", "kondisi", "panjang_km"]
        for r in body["roads"]:
            yield [area["kode"], "jalan", r["surface"], r["condition"], f"{r['km']:.3f}"]
        for o in body["other_lines"]:
            yield [area["kode"], o["kind"], "", "", f"{o['km']:.3f}"]
    else:
        kinds = sorted({k for v in body["villages"] for k in v["by_kind_ha"]})
        yield ["kode_desa", "nama_desa", "luas_desa_ha", "luas_kawasan_ha", "persen", *[f"{k}_ha" for k in kinds]]
        for v in body["villages"]:
            yield [
                v["kode"],
                v["nama"],
                v["area_ha"],
                f"{v['managed_ha']:.4f}",
                f"{100 * v['share']:.2f}" if v["share"] is not None else "",
                *[f"{v['by_kind_ha'].get(k, 0):.4f}" for k in kinds],
            ]
