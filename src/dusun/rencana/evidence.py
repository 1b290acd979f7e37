"""Evidence for problems and potentials, drawn from the other modules' data: census conditions counted
inside the location, IDM items of the village's latest result (items at score 0 first), and road segments
the spatial layer records in bad condition."""

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dusun.indeks.models import Result, ResultItem
from dusun.ruang.models import LineFeature, LineKind, RoadCondition
from dusun.warga.choices import Lighting, Toilet, WaterSource

from . import spatial

# Census conditions an operator can cite; each is a filter on `warga.Household`.
CENSUS_CONDITIONS = {
    "air_tidak_layak": (
        gettext_lazy("KK tanpa air minum layak"),
        Q(
            drinking_water__in=[
                WaterSource.SUMUR_TAK_TERLINDUNG,
                WaterSource.MATA_AIR,
                WaterSource.SUNGAI,
                WaterSource.HUJAN,
            ]
        ),
    ),
    "tanpa_jamban": (gettext_lazy("KK tanpa jamban"), Q(toilet=Toilet.TIDAK_ADA)),
    "tanpa_listrik": (gettext_lazy("KK tanpa listrik"), Q(lighting=Lighting.TIDAK_ADA)),
}


def census_choices() -> list[tuple[str, str]]:
    return [("", _("— tidak ada —"))] + [(k, str(v[0])) for k, v in CENSUS_CONDITIONS.items()]


def latest_result(dusun) -> Result | None:
    """The village's most recent current IDM result (official before computed within a year)."""
    return Result.objects.filter(dusun=dusun, is_current=True).order_by("-year", "-series").first()


def idm_scores(dusun) -> tuple[Result | None, dict[str, tuple[int, str]]]:
    """{item code: (score, indicator name)} of the latest result."""
    result = latest_result(dusun)
    if result is None:
        return None, {}
    rows = ResultItem.objects.filter(result=result).select_related("item").order_by("item__order")
    return result, {ri.item.code: (ri.score, ri.item.name) for ri in rows}


def idm_choices(dusun) -> list[tuple[str, str]]:
    """IDM items of the village, lowest score first, labelled with the score (score 0 = evidence)."""
    _result, scores = idm_scores(dusun)
    ordered = sorted(scores.items(), key=lambda kv: (kv[1][0], kv[0]))
    return [(code, f"{code} · skor {score} · {name[:90]}") for code, (score, name) in ordered]


def bad_roads(dusun):
    return LineFeature.objects.filter(
        dusun=dusun, kind=LineKind.JALAN, condition__in=[RoadCondition.RUSAK_RINGAN, RoadCondition.RUSAK_BERAT]
    ).order_by("name", "pk")


def road_label(road: LineFeature) -> str:
    return _("%(name)s, %(condition)s, %(length)s m") % {
        "name": road.name or _("ruas tanpa nama #%(pk)s") % {"pk": road.pk},
        "condition": road.get_condition_display(),
        "length": f"{float(road.length_m or 0):,.0f}".replace(",", "."),
    }


def compute(dusun, geom, buffer_m: int, census_condition: str, idm_items: list[str], road) -> list[dict]:
    """The evidence list stored with an issue: each entry has a kind, a sentence and its number."""
    out = []
    if census_condition:
        label, condition = CENSUS_CONDITIONS[census_condition]
        inside = spatial.households_inside(dusun, geom, buffer_m)
        count = inside.filter(condition).count()
        total = inside.count()
        out.append(
            {
                "kind": "sensus",
                "value": count,
                "text": _("%(n)s %(label)s dari %(total)s KK di lokasi (jangkauan %(m)s m), menurut data sensus")
                % {"n": count, "label": label, "total": total, "m": buffer_m},
            }
        )
    if idm_items:
        result, scores = idm_scores(dusun)
        for code in idm_items:
            score, name = scores[code]
            out.append(
                {
                    "kind": "idm",
                    "code": code,
                    "value": score,
                    "text": _("IDM %(year)s indikator %(code)s (%(name)s): skor %(score)s")
                    % {"year": result.year, "code": code, "name": name, "score": score},
                }
            )
    if road is not None:
        out.append({"kind": "jalan", "road": road.pk, "value": float(road.length_m or 0), "text": road_label(road)})
    return out
