"""Economy pages: the public village page (commodities, enterprises, markets, APBDes with realisation),
kecamatan/kabupaten summaries, the operator's management page, and a public JSON endpoint."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.models import model_to_dict
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dusun.akun import scope
from dusun.warga import selectors as warga_selectors
from dusun.warga.views import private
from dusun.wilayah.models import Level

from . import selectors, services
from .forms import BudgetLineForm, DeriveForm, DusunCommodityForm, EnterpriseForm, HouseholdCommodityForm, MarketForm
from .models import BudgetLine, DusunCommodity, Enterprise, Market


def _money_bars(rows: list[dict], width: int = 520, bar_height: int = 16, gap: int = 10) -> dict:
    """Planned vs realised, one pair of bars per line (inline SVG, no script)."""
    top = max([float(r["planned"] or 0) for r in rows] + [1])
    plot = width - 230
    out = []
    for i, r in enumerate(rows):
        y = i * (2 * bar_height + gap)
        out.append(
            {
                "label": r["label"],
                "y": y,
                "planned_w": plot * float(r["planned"] or 0) / top,
                "realised_w": plot * float(r["realised"] or 0) / top,
                "pct": r["pct"],
            }
        )
    return {"rows": out, "width": width, "height": len(rows) * (2 * bar_height + gap), "bar_height": bar_height}


@require_GET
def dusun(request: HttpRequest, kode: str) -> HttpResponse:
    area = warga_selectors.get_area(kode, (Level.DESA,))
    year, years, commodities = selectors.village_commodities(area, _int(request.GET.get("tahun")))
    budgets = selectors.budgets(area)
    budget = next((b for b in budgets if str(b.year) == request.GET.get("apbdes")), budgets[0] if budgets else None)
    summary = selectors.budget_summary(budget) if budget else None
    return render(
        request,
        "ekonomi/dusun.html",
        {
            "area": area,
            "year": year,
            "years": years,
            "commodities": commodities,
            "enterprises": selectors.enterprises(area),
            "markets": selectors.markets(area),
            "budgets": budgets,
            "budget": budget,
            "summary": summary,
            "income_chart": _money_bars(summary["income"]) if summary else None,
            "spending_chart": _money_bars(summary["spending"]) if summary else None,
            "can_edit": scope.can_edit(request.user, area),
        },
    )


@require_GET
def area(request: HttpRequest, level: str, kode: str) -> HttpResponse:
    levels = {"kecamatan": Level.KECAMATAN, "kabupaten": Level.KABUPATEN}
    region = warga_selectors.get_area(kode, (levels[level],))
    finance = selectors.area_finance(region, _int(request.GET.get("tahun")))
    return render(
        request,
        "ekonomi/area.html",
        {
            "area": region,
            "level": level,
            "finance": finance,
            "commodities": selectors.area_commodities(region),
            "income_chart": _money_bars(finance["income"]),
            "spending_chart": _money_bars(finance["spending"]),
        },
    )


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


FORMS = {
    "apbdes": BudgetLineForm,
    "usaha": EnterpriseForm,
    "pasar": MarketForm,
    "komoditas": DusunCommodityForm,
    "hitung": DeriveForm,
}


@private
@require_http_methods(["GET", "POST"])
def manage(request: HttpRequest, kode: str) -> HttpResponse:
    area = warga_selectors.get_area(kode, (Level.DESA,))
    if not scope.can_edit(request.user, area):
        raise PermissionDenied(_("Anda tidak berwenang mengubah data ekonomi wilayah ini."))
    forms = {name: cls(prefix=name) for name, cls in FORMS.items()}
    # Enterprises and markets can be corrected in place: ?ubah=usaha-12 fills that form with the record.
    editing = _record_to_edit(area, request.POST.get("ubah") or request.GET.get("ubah") or "")
    if editing and request.method == "GET":
        name, record = editing
        forms[name] = FORMS[name](prefix=name, initial=model_to_dict(record, fields=list(FORMS[name].base_fields)))
    if request.method == "POST":
        name = request.POST.get("form")
        if name not in FORMS:
            return HttpResponse(status=400)
        if editing and editing[0] != name:
            editing = None
        form = forms[name] = FORMS[name](request.POST, prefix=name)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if name == "apbdes":
                    services.save_budget_line(
                        request.user,
                        area,
                        year=data["year"],
                        kind=data["kind"],
                        code=data["code"],
                        planned=data["planned"],
                        realised=data["realised"],
                    )
                elif name == "usaha":
                    services.save_enterprise(request.user, area, instance=editing and editing[1], **data)
                elif name == "pasar":
                    services.save_market(request.user, area, instance=editing and editing[1], **data)
                elif name == "komoditas":
                    services.save_dusun_commodity(request.user, area, **data)
                else:
                    n = services.derive_dusun_commodities(request.user, area, data["year"])
                    messages.info(request, _("%(n)s komoditas dihitung dari data rumah tangga.") % {"n": n})
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                messages.success(request, _("Tersimpan."))
                return redirect("ekonomi:manage", kode=area.kode)
    year, _years, commodities = selectors.village_commodities(area)
    return render(
        request,
        "ekonomi/manage.html",
        {
            "area": area,
            "forms": forms,
            "budgets": [(b, selectors.budget_summary(b)) for b in selectors.budgets(area)],
            "enterprises": selectors.enterprises(area),
            "markets": selectors.markets(area),
            "commodities": commodities,
            "year": year,
            "editing": editing,
        },
    )


EDITABLE = {"usaha": Enterprise, "pasar": Market}


def _record_to_edit(area, token: str) -> tuple[str, Enterprise | Market] | None:
    """The (form name, record) named by an `ubah` value such as "usaha-12"; 404 for another village's record."""
    name, _sep, pk = token.partition("-")
    if name not in EDITABLE or not pk.isdigit():
        return None
    return name, get_object_or_404(EDITABLE[name], pk=int(pk), dusun=area)


DELETABLE = {
    "apbdes": (BudgetLine, "budget__dusun", services.delete_budget_line),
    "usaha": (Enterprise, "dusun", services.delete_enterprise),
    "pasar": (Market, "dusun", services.delete_market),
    "komoditas": (DusunCommodity, "dusun", services.delete_dusun_commodity),
}


@private
@require_POST
def delete(request: HttpRequest, kode: str, kind: str, pk: int) -> HttpResponse:
    area = warga_selectors.get_area(kode, (Level.DESA,))
    if kind not in DELETABLE:
        return HttpResponse(status=404)
    model, path, remove = DELETABLE[kind]
    obj = get_object_or_404(model, pk=pk, **{path: area})
    remove(request.user, obj)
    messages.success(request, _("Dihapus."))
    return redirect("ekonomi:manage", kode=area.kode)


@private
@require_POST
def household_commodity(request: HttpRequest, uuid) -> HttpResponse:
    household = warga_selectors.household_for(request.user, uuid)
    form = HouseholdCommodityForm(request.POST)
    if form.is_valid():
        services.save_household_commodity(request.user, household, request=request, **form.cleaned_data)
        messages.success(request, _("Produksi komoditas tersimpan."))
    else:
        messages.error(request, _("Isian komoditas tidak sah: %(e)s") % {"e": form.errors.as_text()})
    return redirect("warga:household", uuid=household.uuid)


@require_GET
def api(request: HttpRequest, kode: str) -> JsonResponse:
    area = warga_selectors.get_area(kode, (Level.DESA,))
    year, _years, commodities = selectors.village_commodities(area)
    budgets = selectors.budgets(area)
    return JsonResponse(
        {
            "wilayah": {"kode": area.kode, "nama": area.nama},
            "komoditas": {
                "tahun": year,
                "baris": [
                    {
                        "kode": r.commodity.code,
                        "nama": r.commodity.name,
                        "luas_ha": _f(r.area_ha),
                        "produksi_kg": _f(r.production_kg),
                        "harga_per_kg": _f(r.price_per_kg),
                        "sumber": r.source,
                    }
                    for r in commodities
                ],
            },
            "usaha": [
                {"nama": e["name"], "bentuk": e["kind"], "sektor": e["sector"], "aktif": e["active"]}
                for e in selectors.enterprises(area)
            ],
            "pasar": [{"nama": m.name, "jenis": m.kind, "hari": m.market_day} for m in selectors.markets(area)],
            "apbdes": [
                {
                    "tahun": b.year,
                    **{
                        k: [
                            {
                                "kode": x["code"],
                                "label": x["label"],
                                "anggaran": _f(x["planned"]),
                                "realisasi": _f(x["realised"]),
                            }
                            for x in v
                        ]
                        for k, v in selectors.budget_summary(b).items()
                        if k in ("income", "spending")
                    },
                }
                for b in budgets
            ],
        },
        json_dumps_params={"ensure_ascii": False},
    )


def _f(value):
    return float(value) if value is not None else None
