"""`/api/v1/idm/<kode>/<tahun>/`: both series of one dusun and year, as JSON (public data)."""

from django.http import Http404, HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from . import engine, selectors
from .models import Result, Series


def _number(value) -> float | None:
    return float(value) if value is not None else None


def _series_payload(result: Result | None, spec: engine.DefinitionSpec, definition) -> dict | None:
    if result is None:
        return None
    items = sorted(result.items.all(), key=lambda ri: ri.item.order)
    scores = {ri.item.code: ri.score for ri in items}
    complete = result.is_complete
    payload = {
        "seri": result.series,
        "versi": result.version,
        "lengkap": complete,
        "indikator_terisi": result.filled_count,
        "indikator_kosong": [i.code for i in spec.items if i.code not in scores],
        "sumber": result.source,
        "dibuat": result.created_at.isoformat(),
    }
    for component in spec.components:
        payload[component.code] = _number((result.components.get(component.code) or {}).get("value"))
    payload |= {
        definition.abbreviation: _number(result.value),
        "jumlah_skor": {c.code: (result.components.get(c.code) or {}).get("sum") for c in spec.components},
        "status": result.status or None,
        "target_status": result.target_status or None,
        "skor_minimal": f"{result.minimum_score:.4f}" if result.minimum_score is not None else None,
        "penambahan": _number(result.gap),
        "indikator": [
            {
                "kode": ri.item.code,
                "no": ri.item.number,
                "komponen": spec.item_by_code[ri.item.code].component,
                "indikator": ri.item.official_label,
                "skor": ri.score,
                "asal": ri.provenance,
                "keterangan": ri.note,
                # Kemendesa's "+NILAI": the index gain if this item alone reached the top score.
                "nilai_tambah": float(engine.gain_if_maxed(spec, scores, ri.item.code)) if complete else None,
            }
            for ri in items
        ],
    }
    if result.series == Series.OFFICIAL:
        payload["dilaporkan"] = {k: v for k, v in (result.reported or {}).items() if k != "IDENTITAS"}
        payload["peringatan"] = result.warnings
    return payload


@require_GET
def idm(request: HttpRequest, kode: str, tahun: int) -> JsonResponse:
    try:
        dusun = selectors.get_village(kode)
    except Http404:  # answer in JSON, not with the HTML 404 page
        return JsonResponse({"detail": selectors.unknown_village_message(kode)}, status=404)
    definition = selectors.definition_for_year(tahun)
    if definition is None:
        return JsonResponse({"detail": selectors.no_definition_message(tahun)}, status=404)
    spec = selectors.spec_of(definition)
    computed = selectors.current_result(dusun, tahun, Series.COMPUTED, definition)
    official = selectors.current_result(dusun, tahun, Series.OFFICIAL, definition)
    if computed is None and official is None:
        return JsonResponse(
            {
                "detail": _(
                    "Belum ada hasil IDM %(nama)s tahun %(year)s: belum diisi dan belum ada hasil resmi. "
                    "Lihat tahun lain di /api/v1/idm/%(kode)s/<tahun>/."
                )
                % {"nama": dusun.nama, "year": tahun, "kode": dusun.kode}
            },
            status=404,
        )
    comparison = selectors.compare(dusun, tahun)
    body = {
        "kode": dusun.kode,
        "kode_kemendesa": dusun.kode_nodot,
        "nama": dusun.nama,
        "kecamatan": {"kode": dusun.parent.kode, "nama": dusun.parent.nama},
        "tahun": tahun,
        "definisi": {"kode": definition.code, "nama": definition.name, "versi": definition.version_label},
        "hitung": _series_payload(computed, spec, definition),
        "resmi": _series_payload(official, spec, definition),
        "selisih": {
            "jumlah": comparison.differences if computed and official else None,
            "indikator": [
                {
                    "kode": row.item.code,
                    "hitung": row.computed.score if row.computed else None,
                    "resmi": row.official.score if row.official else None,
                }
                for row in comparison.rows
                if row.differs
            ]
            if computed and official
            else [],
        },
    }
    response = JsonResponse(body, json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"  # public data, readable from other sites' dashboards
    return response
