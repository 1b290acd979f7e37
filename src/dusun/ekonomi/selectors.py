"""Reads of village economy data. Village-level tables (commodities reported by the dusun, BUMDes,
markets, APBDes) are public. Household commodities are personal and are read only through the census
selectors (`dusun.warga.selectors`), which apply the area scope."""

from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Max, Sum

from dusun.wilayah.models import Level, Wilayah

from .models import (
    Budget,
    BudgetLine,
    DusunCommodity,
    Enterprise,
    EnterpriseKind,
    IncomeSource,
    Market,
    Sector,
    SpendingField,
)


def commodity_years(dusun: Wilayah) -> list[int]:
    return sorted(set(DusunCommodity.objects.filter(dusun=dusun).values_list("year", flat=True)), reverse=True)


def village_commodities(dusun: Wilayah, year: int | None = None):
    years = commodity_years(dusun)
    year = year if year in years else (years[0] if years else None)
    rows = (
        DusunCommodity.objects.filter(dusun=dusun, year=year)
        .select_related("commodity")
        .order_by("commodity__sort_order")
    )
    return year, years, list(rows)


def enterprises(dusun: Wilayah):
    """Public fields only: the owner household is never part of a public page."""
    rows = list(
        Enterprise.objects.filter(dusun=dusun)
        .order_by("kind", "name")
        .values("pk", "name", "kind", "sector", "year_established", "turnover_per_year", "workers", "active", "is_demo")
    )
    kinds, sectors = dict(EnterpriseKind.choices), dict(Sector.choices)
    for row in rows:  # the pages show labels, never the stored codes
        row["kind_label"] = kinds.get(row["kind"], row["kind"])
        row["sector_label"] = sectors.get(row["sector"], row["sector"])
    return rows


def markets(dusun: Wilayah):
    return list(Market.objects.filter(dusun=dusun).order_by("name"))


def budgets(dusun: Wilayah):
    return list(Budget.objects.filter(dusun=dusun).prefetch_related("lines").order_by("-year"))


def _label(kind: str, code: str) -> str:
    choices = IncomeSource if kind == BudgetLine.Kind.INCOME else SpendingField
    return str(dict(choices.choices).get(code, code))


def budget_summary(budget: Budget) -> dict:
    lines = list(budget.lines.all())
    out = {"income": [], "spending": []}
    for line in sorted(lines, key=lambda item: item.code):
        key = "income" if line.kind == BudgetLine.Kind.INCOME else "spending"
        out[key].append(
            {
                "label": line.label,
                "code": line.code,
                "planned": line.planned,
                "realised": line.realised,
                "pct": line.realisation_pct,
                "pk": line.pk,
            }
        )
    for key in ("income", "spending"):
        planned = sum((x["planned"] for x in out[key]), Decimal(0))
        realised = sum((x["realised"] or 0 for x in out[key]), Decimal(0))
        out[key + "_total"] = {
            "planned": planned,
            "realised": realised,
            "pct": float(realised) / float(planned) * 100 if planned else None,
        }
    return out


def area_finance(area: Wilayah, year: int | None = None) -> dict:
    """APBDes of all desa inside an area (kecamatan/kabupaten), summed by source and by bidang."""
    villages = Wilayah.objects.villages().within(area)
    lines = BudgetLine.objects.filter(budget__dusun__in=villages)
    latest = lines.aggregate(y=Max("budget__year"))["y"]
    year = year or latest
    rows = (
        lines.filter(budget__year=year)
        .values("kind", "code")
        .annotate(planned=Sum("planned"), realised=Sum("realised"))
    )
    out = defaultdict(list)
    for row in rows.order_by("kind", "code"):
        out[row["kind"]].append(
            {
                **row,
                "label": _label(row["kind"], row["code"]),
                "pct": float(row["realised"] or 0) / float(row["planned"]) * 100 if row["planned"] else None,
            }
        )
    reported = Budget.objects.filter(dusun__in=villages, year=year).count()
    return {
        "year": year,
        "income": out[BudgetLine.Kind.INCOME],
        "spending": out[BudgetLine.Kind.SPENDING],
        "villages_reported": reported,
        "villages": villages.filter(jenis="desa").count(),
    }


def area_commodities(area: Wilayah, year: int | None = None) -> dict:
    villages = (
        Wilayah.objects.villages().within(area) if area.level != Level.DESA else Wilayah.objects.filter(pk=area.pk)
    )
    rows = DusunCommodity.objects.filter(dusun__in=villages)
    year = year or rows.aggregate(y=Max("year"))["y"]
    data = (
        rows.filter(year=year)
        .values("commodity__name", "commodity__sort_order")
        .annotate(area_ha=Sum("area_ha"), production_kg=Sum("production_kg"), villages=Count("dusun", distinct=True))
        .order_by("commodity__sort_order")
    )
    return {"year": year, "rows": list(data)}
