"""Index pages. Views only orchestrate: reads come from `selectors`, writes from `services`."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dusun.wilayah import selectors as wilayah_selectors
from dusun.wilayah.models import Jenis, Level

from . import charts, derivations, engine, selectors, services
from .export import workbook
from .forms import EntryForm, OfficialUploadForm
from .models import IndexDefinition, Provenance, Series
from .permissions import can_enter_scores, can_import_official


def _series(request: HttpRequest) -> str:
    value = request.GET.get("seri", Series.COMPUTED)
    return value if value in Series.values else Series.COMPUTED


def _year_param(request: HttpRequest, years: list[int]) -> int | None:
    try:
        year = int(request.GET.get("tahun", ""))
    except ValueError:
        year = None
    if year in years:
        return year
    return years[-1] if years else None


def _latest_definition() -> IndexDefinition:
    definition = IndexDefinition.objects.order_by("-first_year").first()
    if definition is None:
        raise Http404(_("Definisi indeks belum dimuat (manage.py load_idm)."))
    return definition


# --- Kabupaten and kecamatan ------------------------------------------------------------------------------------


def _area_context(request: HttpRequest, area) -> dict:
    series = _series(request)
    years = selectors.available_years(area, series)
    year = _year_param(request, years)
    definition = (selectors.definition_for_year(year) if year else None) or _latest_definition()
    spec = selectors.spec_of(definition)
    counts = selectors.status_counts(area, series)
    rows = selectors.year_rows(area, series, year) if year else []
    ranked = sorted((r for r in rows if r.rank is not None), key=lambda r: (r.rank, r.kode))
    statuses = {s.code: s for s in spec.statuses}
    colours = {r.kode: statuses[r.status].colour for r in rows if r.status in statuses}
    return {
        "area": area,
        "definition": definition,
        "spec": spec,
        "statuses": spec.statuses,
        "status_names": {s.code: s.name for s in spec.statuses},
        "series": series,
        "series_choices": Series.choices,
        "years": years,
        "year": year,
        "chart": charts.status_chart(spec, counts, _("Belum lengkap")),
        "rows": rows,
        "ranked": ranked,
        "without_result": [r for r in rows if r.value is None],
        "movers": selectors.movers(rows, spec),
        "map_config": {
            "tiles": request.build_absolute_uri("/tiles/dusun/") + "{z}/{x}/{y}.pbf",
            "bounds": area.geom.extent if area.geom else None,
            "colours": colours,
            "names": {r.kode: statuses[r.status].name for r in rows if r.status in statuses},
            "values": {r.kode: float(r.value) for r in rows if r.value is not None},
            "focus": area.kode,
            "url": "/indeks/dusun/",
            "year": year,
            "noData": _("belum ada hasil"),
        },
        "can_import": can_import_official(request.user, wilayah_selectors.home_kabupaten()),
    }


@require_GET
def kabupaten(request: HttpRequest) -> HttpResponse:
    area = wilayah_selectors.home_kabupaten()
    context = _area_context(request, area)
    context["kecamatan_rows"] = selectors.kecamatan_summaries(context["rows"], context["spec"])
    return render(request, "indeks/kabupaten.html", context)


@require_GET
def kecamatan(request: HttpRequest, kode: str) -> HttpResponse:
    area = wilayah_selectors.get_area(kode, Level.KECAMATAN)
    return render(request, "indeks/kecamatan.html", _area_context(request, area))


@require_GET
def export(request: HttpRequest, tahun: int) -> HttpResponse:
    area = wilayah_selectors.home_kabupaten()
    kode = request.GET.get("wilayah")
    if kode:
        area = wilayah_selectors.get_area(kode, Level.KECAMATAN)
    definition = selectors.require_definition(tahun)
    series = _series(request)
    content = workbook(area, definition, tahun, series)
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    name = f"idm-{area.kode}-{tahun}-{series}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_GET
def definition(request: HttpRequest) -> HttpResponse:
    """The index definition in full: items, score bands (verified or not), activities, actors, rules."""
    definition = _latest_definition()
    code = request.GET.get("kode")
    if code:
        definition = IndexDefinition.objects.filter(code=code).first() or definition
    rules = derivations.rules_for(definition.code)
    items = selectors.items_with_bands(definition)
    spec = selectors.spec_of(definition)
    lowers = [None] + [s.upper_bound for s in spec.statuses[:-1]]
    return render(
        request,
        "indeks/definition.html",
        {
            "definition": definition,
            "spec": spec,
            "status_rows": list(zip(spec.statuses, lowers, strict=True)),
            "items": [{"item": item, "rule": rules.get(item.code)} for item in items],
            "rule_count": sum(1 for r in rules.values() if not r.is_pending),
            "pending_count": sum(1 for r in rules.values() if r.is_pending),
        },
    )


# --- One dusun --------------------------------------------------------------------------------------------------


@require_GET
def village(request: HttpRequest, kode: str) -> HttpResponse:
    dusun = selectors.get_village(kode)
    years = selectors.village_years(dusun)
    if years:
        return redirect("indeks:village-year", kode=kode, tahun=years[0])
    return render(
        request,
        "indeks/village_empty.html",
        {
            "village": dusun,
            "can_edit": can_enter_scores(request.user, dusun),
            "this_year": timezone.localdate().year,
            "new_years": _new_years([]),
        },
    )


def _new_years(years: list[int]) -> list[int]:
    """Years an editor may start on this page: covered by a definition, within range, without a result."""
    last = timezone.localdate().year + 1
    return [y for y in selectors.enterable_years(last) if y >= services.MIN_YEAR and y not in years]


def _history(dusun, spec, definition) -> charts.LineChart | None:
    points = selectors.village_history(dusun)
    years = sorted({p.year for p in points})
    if not years:
        return None
    series: dict[str, dict[int, float | None]] = {c.code: {} for c in spec.components}
    series[definition.abbreviation] = {}
    official_label = _("%(a)s resmi") % {"a": definition.abbreviation}
    series[official_label] = {}
    for p in points:
        if p.series == Series.COMPUTED:
            for code, value in p.components.items():
                series.setdefault(code, {})[p.year] = value
            series[definition.abbreviation][p.year] = p.value
        else:
            series[official_label][p.year] = p.value
    chart = charts.history_chart(spec, years, series, definition.abbreviation, official_label)
    chart.table = [
        (y, [series[label].get(y) for label in series]) for y in years
    ]  # for the accessible table beside the chart
    chart.table_labels = list(series)
    return chart


def _simulation_changes(request: HttpRequest, spec: engine.DefinitionSpec) -> tuple[dict[str, int], list[str]]:
    changes, problems = {}, []
    for code in spec.item_by_code:
        raw = request.GET.get(code)
        if raw in (None, ""):
            continue
        try:
            score = int(raw)
            engine.check_scores(spec, {code: score})
        except (ValueError, engine.ScoreError):
            problems.append(_("%(code)s: skor '%(raw)s' diabaikan.") % {"code": code, "raw": raw[:10]})
            continue
        changes[code] = score
    return changes, problems


def _simulation(request, spec, scores):
    changes, problems = _simulation_changes(request, spec)
    if not scores or len(scores) < len(spec.items):
        return None
    before = engine.compute(spec, scores)
    after = engine.simulate(spec, scores, changes)
    raised = {code: (scores[code], score) for code, score in changes.items() if score != scores[code]}
    return {"before": before, "after": after, "changes": raised, "problems": problems}


@require_GET
def village_year(request: HttpRequest, kode: str, tahun: int) -> HttpResponse:
    dusun = selectors.get_village(kode)
    definition = selectors.require_definition(tahun)
    spec = selectors.spec_of(definition)
    computed = selectors.current_result(dusun, tahun, Series.COMPUTED, definition)
    official = selectors.current_result(dusun, tahun, Series.OFFICIAL, definition)
    items = selectors.items_with_bands(definition)
    bands = selectors.band_lookup(items)
    scores = selectors.scores_of(computed)
    computed_items = {ri.item.code: ri for ri in computed.items.all()} if computed else {}
    official_items = {ri.item.code: ri for ri in official.items.all()} if official else {}
    item_rows = []
    for item in items:
        ri = computed_items.get(item.code)
        item_rows.append(
            {
                "item": item,
                "computed": ri,
                "official": official_items.get(item.code),
                "band": bands.get((item.code, ri.score)) if ri else None,
                "gain": engine.gain_if_maxed(spec, scores, item.code) if computed and computed.is_complete else None,
            }
        )
    computation = engine.compute(spec, scores) if computed else None
    years = selectors.village_years(dusun)
    can_edit = can_enter_scores(request.user, dusun)
    context = {
        "village": dusun,
        "kecamatan": dusun.parent,
        "year": tahun,
        "years": years,
        "new_years": _new_years(years) if can_edit and dusun.jenis == Jenis.DESA else [],
        "this_year": timezone.localdate().year,
        "definition": definition,
        "spec": spec,
        "status_names": {s.code: s.name for s in spec.statuses},
        "status_colours": {s.code: s.colour for s in spec.statuses},
        "computed": computed,
        "official": official,
        "computation": computation,
        "item_rows": item_rows,
        "missing": [row for row in item_rows if row["computed"] is None],
        "plan": selectors.plan_for(definition, computed, items),
        "history": _history(dusun, spec, definition),
        "versions": selectors.versions(dusun, tahun),
        "can_edit": can_edit,
        "simulation": _simulation(request, spec, scores) if request.GET.get("simulasi") else None,
        "max_score": spec.max_score,
        "score_range": list(range(spec.max_score, spec.min_score - 1, -1)),
    }
    return render(request, "indeks/village.html", context)


@require_GET
def simulate(request: HttpRequest, kode: str, tahun: int) -> HttpResponse:
    """The simulator's answer (htmx); without JavaScript, the same answer on the full page."""
    if not request.htmx:
        query = request.GET.copy()
        query["simulasi"] = "1"
        url = reverse("indeks:village-year", kwargs={"kode": kode, "tahun": tahun})
        return redirect(f"{url}?{query.urlencode()}#simulasi")
    dusun = selectors.get_village(kode)
    definition = selectors.require_definition(tahun)
    spec = selectors.spec_of(definition)
    computed = selectors.current_result(dusun, tahun, Series.COMPUTED, definition)
    return render(
        request,
        "indeks/_simulation.html",
        {
            "simulation": _simulation(request, spec, selectors.scores_of(computed)),
            "status_names": {s.code: s.name for s in spec.statuses},
            "definition": definition,
        },
    )


@require_GET
def compare(request: HttpRequest, kode: str, tahun: int) -> HttpResponse:
    dusun = selectors.get_village(kode)
    definition = selectors.require_definition(tahun)
    comparison = selectors.compare(dusun, tahun)
    if comparison.computed is None and comparison.official is None:
        raise Http404(_("Belum ada hasil untuk tahun ini."))
    return render(
        request,
        "indeks/compare.html",
        {
            "village": dusun,
            "kecamatan": dusun.parent,
            "year": tahun,
            "definition": definition,
            "comparison": comparison,
            "status_names": {s.code: s.name for s in selectors.spec_of(definition).statuses},
        },
    )


# --- Entering scores --------------------------------------------------------------------------------------------


def _entry_groups(form: EntryForm, items, computed_items, suggestions, rules) -> list[dict]:
    """Items grouped as the questionnaire is: component → dimension → variable."""
    groups: list[dict] = []
    for item in items:
        component = item.component
        dimension = item.variable.dimension
        if not groups or groups[-1]["component"] != component:
            groups.append({"component": component, "dimensions": []})
        dims = groups[-1]["dimensions"]
        if not dims or dims[-1]["dimension"] != dimension:
            dims.append({"dimension": dimension, "variables": []})
        variables = dims[-1]["variables"]
        if not variables or variables[-1]["variable"] != item.variable:
            variables.append({"variable": item.variable, "items": []})
        variables[-1]["items"].append(
            {
                "item": item,
                "field": form[item.code],
                "current": computed_items.get(item.code),
                "suggestion": suggestions.get(item.code),
                "rule": rules.get(item.code),
            }
        )
    return groups


def _editable_village(request: HttpRequest, kode: str, tahun: int):
    """The desa whose scores may be entered for this year, or 404/403."""
    dusun = selectors.get_village(kode)
    if dusun.jenis != Jenis.DESA:
        raise Http404(_("IDM hanya dihitung untuk desa, bukan kelurahan."))
    if not services.MIN_YEAR <= tahun <= timezone.localdate().year + 1:
        raise Http404(_("Tahun %(y)s di luar rentang penilaian.") % {"y": tahun})
    if not can_enter_scores(request.user, dusun):
        raise PermissionDenied(_("Anda tidak berhak mengisi skor IDM %(nama)s.") % {"nama": dusun.nama})
    return dusun


@login_required
@require_http_methods(["GET", "POST"])
def enter(request: HttpRequest, kode: str, tahun: int) -> HttpResponse:
    dusun = _editable_village(request, kode, tahun)
    definition = selectors.require_definition(tahun)
    spec = selectors.spec_of(definition)
    computed = selectors.current_result(dusun, tahun, Series.COMPUTED, definition)
    items = selectors.items_with_bands(definition)
    current = selectors.scores_of(computed)
    kwargs = {"items": items, "min_score": spec.min_score, "max_score": spec.max_score, "current": current}
    if request.method == "POST":
        form = EntryForm(request.POST, **kwargs)
        if form.is_valid():
            try:
                result = services.save_entries(
                    dusun, tahun, form.entries(), user=request.user, base_version=form.cleaned_data["base_version"]
                )
            except services.InputError as exc:
                for problem in exc.problems:
                    form.add_error(None, problem)
            else:
                if result is None or (computed is not None and result.pk == computed.pk):
                    messages.info(request, _("Tidak ada perubahan."))
                elif result.is_complete:
                    messages.success(
                        request,
                        _("Tersimpan sebagai versi %(v)s. Status %(s)s.")
                        % {"v": result.version, "s": spec.status_by_code[result.status].name},
                    )
                else:
                    messages.warning(
                        request,
                        _("Tersimpan sebagai versi %(v)s, tetapi %(n)s indikator belum diisi: indeks belum dihitung.")
                        % {"v": result.version, "n": len(spec.items) - result.filled_count},
                    )
                return redirect("indeks:village-year", kode=kode, tahun=tahun)
    else:
        form = EntryForm(initial={"base_version": computed.version if computed else 0}, **kwargs)
    rules = derivations.rules_for(definition.code)
    suggestions = derivations.derive_all(definition.code, dusun, tahun)
    computed_items = {ri.item.code: ri for ri in computed.items.all()} if computed else {}
    return render(
        request,
        "indeks/enter.html",
        {
            "village": dusun,
            "kecamatan": dusun.parent,
            "year": tahun,
            "definition": definition,
            "form": form,
            "groups": _entry_groups(form, items, computed_items, suggestions, rules),
            "computed": computed,
            "filled": len(current),
            "total_items": len(spec.items),
            "provenance": Provenance,
        },
    )


@login_required
@require_POST
def derive(request: HttpRequest, kode: str, tahun: int) -> HttpResponse:
    dusun = _editable_village(request, kode, tahun)
    try:
        report = services.derive_inputs(dusun, tahun, user=request.user)
    except services.InputError as exc:
        for problem in exc.problems:
            messages.error(request, problem)
    else:
        if report.applied:
            messages.success(
                request,
                _("%(n)s indikator diisi dari data platform: %(codes)s.")
                % {"n": len(report.applied), "codes": ", ".join(sorted(report.applied))},
            )
        else:
            messages.info(request, _("Tidak ada skor baru yang dapat diturunkan dari data platform."))
        if report.kept:
            messages.info(
                request,
                _("Tidak diganti karena sudah diisi atau diimpor: %(codes)s.")
                % {"codes": ", ".join(sorted(report.kept))},
            )
    return redirect("indeks:enter", kode=kode, tahun=tahun)


@login_required
@require_GET
def start(request: HttpRequest, kode: str) -> HttpResponse:
    """Open the form for the year typed on the empty-state page."""
    selectors.get_village(kode)  # 404 for an unknown code
    allowed = _new_years([])
    try:
        year = int(request.GET.get("tahun", ""))
    except ValueError:
        messages.error(request, _("Tahun harus berupa angka, mis. %(y)s.") % {"y": timezone.localdate().year})
        return redirect("indeks:village", kode=kode)
    if year not in allowed:
        messages.error(
            request,
            _(
                "Tahun %(y)s tidak dapat dinilai: definisi IDM berlaku untuk tahun %(a)s–%(b)s. "
                "Pilih salah satu tahun itu."
            )
            % {"y": year, "a": min(allowed, default="-"), "b": max(allowed, default="-")},
        )
        return redirect("indeks:village", kode=kode)
    return redirect("indeks:enter", kode=kode, tahun=year)


# --- Official import --------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def import_official(request: HttpRequest) -> HttpResponse:
    kabupaten_area = wilayah_selectors.home_kabupaten()
    if not can_import_official(request.user, kabupaten_area):
        raise PermissionDenied(_("Hanya admin kabupaten yang dapat mengimpor hasil IDM resmi."))
    imports = None
    if request.method == "POST":
        form = OfficialUploadForm(request.POST, request.FILES)
        if form.is_valid():
            files = [(f.name, f.read()) for f in form.cleaned_data["files"]]
            try:
                imports = services.import_official_files(
                    files, user=request.user, source=_("Unggahan %(u)s") % {"u": request.user.get_username()}
                )
            except services.InputError as exc:
                for problem in exc.problems:
                    form.add_error(None, problem)
            else:
                new = sum(1 for i in imports if i.created)
                messages.success(
                    request,
                    _("%(n)s berkas diperiksa: %(new)s versi resmi baru, %(same)s tidak berubah.")
                    % {"n": len(imports), "new": new, "same": len(imports) - new},
                )
                form = OfficialUploadForm()
    else:
        form = OfficialUploadForm()
    return render(request, "indeks/import.html", {"form": form, "imports": imports, "kabupaten": kabupaten_area})
