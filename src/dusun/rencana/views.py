"""Planning pages. Views only orchestrate: forms in, services for writes, selectors for reads."""

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dusun.akun import scope
from dusun.akun.models import Role
from dusun.ekonomi.models import SpendingField
from dusun.warga.views import private
from dusun.wilayah.models import Level, Wilayah

from . import documents, exports, selectors, services
from .classification import opd_choices
from .forms import CeilingForm, IssueForm, MeetingForm, ProgressForm, ProposalForm, WeightsForm
from .models import BudgetCeiling, Meeting, PriorityWeights, Project, Proposal, Status


def _area(kode, levels) -> Wilayah:
    area = Wilayah.objects.select_related("parent").filter(kode=kode, level__in=levels).first()
    if area is None:
        raise Http404(_("Kode wilayah %(k)s tidak dikenal.") % {"k": kode})
    return area


def _bounds(area) -> str:
    return json.dumps(list(area.geom.extent)) if area.geom else "null"


def _outline(area) -> str:
    """The area's boundary for the map, simplified (~10 m) so a kabupaten page stays light."""
    return area.geom.simplify(0.0001, preserve_topology=True).geojson if area.geom else "null"


def _viewable(request, area) -> None:
    if not scope.can_view(request.user, area):
        raise PermissionDenied(_("Anda tidak berwenang melihat rencana wilayah ini."))


YEAR_MIN, YEAR_MAX = 2000, 2100  # as models.year_validators


def _year(request, default=None) -> int:
    """The ?tahun= of a page; missing, not a number or outside 2000–2100: next year (nothing to show there)."""
    fallback = default or timezone.localdate().year + 1
    try:
        year = int(request.GET.get("tahun"))
    except (TypeError, ValueError):
        return fallback
    return year if YEAR_MIN <= year <= YEAR_MAX else fallback


def _proposal_data(form) -> dict:
    data = dict(form.cleaned_data)
    data["issues"] = list(data["issues"])
    return data


@private
@require_http_methods(["GET", "POST"])
def village(request: HttpRequest, kode: str) -> HttpResponse:
    dusun = _area(kode, [Level.DESA])
    _viewable(request, dusun)
    year = _year(request)
    issue_form = IssueForm(dusun=dusun, prefix="m")
    proposal_form = ProposalForm(dusun=dusun, prefix="u", initial={"year": year})
    meeting_form = MeetingForm(prefix="r", initial={"year": year, "date": timezone.localdate()})
    if request.method == "POST":
        which = request.POST.get("form")
        try:
            if which == "masalah":
                issue_form = IssueForm(request.POST, dusun=dusun, prefix="m")
                if issue_form.is_valid():
                    services.save_issue(request.user, dusun, **issue_form.cleaned_data)
                    messages.success(request, _("Masalah/potensi tersimpan."))
                    return redirect(f"{request.path}?tahun={year}")
            elif which == "usulan":
                proposal_form = ProposalForm(request.POST, dusun=dusun, prefix="u")
                if proposal_form.is_valid():
                    p = services.save_proposal(request.user, dusun, _proposal_data(proposal_form))
                    messages.success(request, _("Usulan tersimpan sebagai draf."))
                    return redirect(f"{request.path}?tahun={p.year}")
            elif which == "musyawarah":
                meeting_form = MeetingForm(request.POST, prefix="r")
                if meeting_form.is_valid():
                    m = services.save_meeting(request.user, dusun, **meeting_form.cleaned_data)
                    messages.success(request, _("Musyawarah tercatat."))
                    return redirect(f"{request.path}?tahun={m.year}")
            elif which == "sepakati":
                meeting = get_object_or_404(Meeting, pk=request.POST.get("meeting"), dusun=dusun)
                chosen = Proposal.objects.filter(pk__in=request.POST.getlist("proposal"), dusun=dusun)
                if not chosen:
                    raise ValidationError(_("Centang usulan yang disepakati musyawarah."))
                n = services.agree_many(request.user, list(chosen), meeting)
                messages.success(request, _("%(n)s usulan disepakati musyawarah.") % {"n": n})
                return redirect(f"{request.path}?tahun={year}")
        except ValidationError as exc:
            target = {"masalah": issue_form, "usulan": proposal_form, "musyawarah": meeting_form}.get(which)
            if target is not None and hasattr(exc, "error_dict"):
                for field, errs in exc.error_dict.items():
                    target.add_error(field if field in target.fields else None, errs)
            elif target is not None:
                target.add_error(None, exc.messages)
            else:
                messages.error(request, " ".join(exc.messages))
    rows = selectors.ranked(dusun, year)
    found = list(selectors.issues(dusun))
    return render(
        request,
        "rencana/village.html",
        {
            "area": dusun,
            "year": year,
            "years": sorted(set(selectors.years(dusun)) | {year}),
            "issues": found,
            "proposals": rows,
            "meetings": selectors.meetings(dusun),
            "issue_form": issue_form,
            "proposal_form": proposal_form,
            "meeting_form": meeting_form,
            "is_operator": services.holds(request.user, dusun, Role.OPERATOR),
            "can_edit": services.holds(request.user, dusun, Role.OPERATOR)
            or services.holds(request.user, dusun, Role.KABUPATEN),
            "map_features": selectors.features(found, "issue"),
            "proposal_features": selectors.features(rows, "proposal"),
            "bounds": _bounds(dusun),
            "outline": _outline(dusun),
            "weights": services.weights_for(dusun),
        },
    )


@private
@require_http_methods(["GET", "POST"])
def proposal(request: HttpRequest, pk: int) -> HttpResponse:
    p = get_object_or_404(Proposal.objects.select_related("dusun__parent", "meeting"), pk=pk)
    _viewable(request, p.dusun)
    initial = {
        "year": p.year,
        "title": p.title,
        "description": p.description,
        "sub_bidang": p.sub_bidang,
        "location": p.geom.geojson,
        "buffer_m": p.buffer_m,
        "volume": p.volume,
        "unit": p.unit,
        "cost": p.cost,
        "funding": p.funding,
        "urgency": p.urgency,
        "issues": list(p.issues.all()),
        "idm_items": p.idm_items,
    }
    form = ProposalForm(dusun=p.dusun, prefix="u", initial=initial)
    if request.method == "POST":
        form = ProposalForm(request.POST, dusun=p.dusun, prefix="u")
        if form.is_valid():
            try:
                saved = services.save_proposal(request.user, p.dusun, _proposal_data(form), p)
            except ValidationError as exc:
                for field, errs in getattr(exc, "error_dict", {None: exc.error_list}).items():
                    form.add_error(field if field in form.fields else None, errs)
            else:
                if saved.pk != p.pk:
                    messages.info(
                        request,
                        _("Usulan sudah diproses, jadi perubahan disimpan sebagai versi %(v)s (draf).")
                        % {"v": saved.version},
                    )
                else:
                    messages.success(request, _("Perubahan tersimpan."))
                return redirect("rencana:proposal", pk=saved.pk)
    versions = []
    cursor = p
    while cursor.previous_id:
        cursor = cursor.previous
        versions.append(cursor)
    newer = Proposal.objects.filter(previous=p).order_by("-pk").first()
    return render(
        request,
        "rencana/proposal.html",
        {
            "p": p,
            "area": p.dusun,
            "form": form,
            "events": p.events.select_related("user"),
            "comments": p.comments.all(),
            "actions": [(a, services.ACTION_LABELS[a]) for a in services.allowed_actions(request.user, p)],
            "can_edit": services.holds(request.user, p.dusun, Role.OPERATOR)
            or services.holds(request.user, p.dusun, Role.KABUPATEN),
            "is_operator": services.holds(request.user, p.dusun, Role.OPERATOR),
            "may_verify": p.is_current
            and p.status == Status.AGREED
            and services.holds(request.user, p.dusun, Role.KECAMATAN),
            "versions": versions,
            "newer": newer,
            "features": selectors.features([p], "proposal"),
            "bounds": _bounds(p.dusun),
            "outline": _outline(p.dusun),
        },
    )


@private
@require_POST
def transition(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    p = get_object_or_404(Proposal, pk=pk)
    reason = request.POST.get("reason", "")
    functions = {
        "forward": services.forward,
        "accept": services.accept,
        "reject": services.reject,
        "carry_over": services.carry_over,
    }
    if action not in functions:
        raise Http404(_("Langkah %(a)s tidak dikenal.") % {"a": action})
    try:
        functions[action](request.user, p, reason)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Usulan %(t)s: %(a)s.") % {"t": p.title, "a": services.ACTION_DONE[action]})
    next_url = request.POST.get("next", "")
    if next_url.startswith("/rencana/") and "//" not in next_url:
        return redirect(next_url)
    return redirect("rencana:proposal", pk=pk)


@private
@require_POST
def comment(request: HttpRequest, pk: int) -> HttpResponse:
    p = get_object_or_404(Proposal, pk=pk)
    try:
        services.add_comment(request.user, p, request.POST.get("text", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("rencana:proposal", pk=pk)


@private
@require_POST
def override(request: HttpRequest, pk: int) -> HttpResponse:
    p = get_object_or_404(Proposal, pk=pk)
    try:
        services.override_rank(request.user, p, int(request.POST.get("rank") or 0), request.POST.get("reason", ""))
    except (ValueError, ValidationError) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [_("Peringkat harus berupa angka.")])))
    return redirect("rencana:proposal", pk=pk)


def _send(doc, fmt: str) -> HttpResponse:
    if fmt == "docx":
        content = documents.to_docx(doc)
        kind = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    elif fmt == "pdf":
        content, kind = documents.to_pdf(doc), "application/pdf"
    else:
        raise Http404(_("Format %(f)s tidak tersedia; pilih docx atau pdf.") % {"f": fmt})
    response = HttpResponse(content, content_type=kind)
    response["Content-Disposition"] = f'attachment; filename="{doc.filename}.{fmt}"'
    return response


@private
@require_GET
def document(request: HttpRequest, kode: str, kind: str, year: int, fmt: str) -> HttpResponse:
    dusun = _area(kode, [Level.DESA])
    _viewable(request, dusun)
    if kind not in ("rkpdes", "rpjmdes"):
        raise Http404(_("Dokumen %(k)s tidak ada; pilih rkpdes atau rpjmdes.") % {"k": kind})
    doc = documents.rkpdes(dusun, year) if kind == "rkpdes" else documents.rpjmdes(dusun, year)
    return _send(doc, fmt)


@private
@require_GET
def minutes(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    meeting = get_object_or_404(Meeting.objects.select_related("dusun__parent"), pk=pk)
    _viewable(request, meeting.dusun)
    return _send(documents.minutes(meeting), fmt)


def _area_filters(request, region) -> dict[str, str]:
    """OPD, bidang and kecamatan filters of the area page; unknown values are ignored (shown unfiltered)."""
    opd = request.GET.get("opd", "")
    bidang = request.GET.get("bidang", "")
    kecamatan = request.GET.get("kecamatan", "") if region.level == Level.KABUPATEN else ""
    return {
        "opd": opd if opd in {code for code, _name in opd_choices()} else "",
        "bidang": bidang if bidang in dict(SpendingField.choices) else "",
        "kecamatan": kecamatan
        if kecamatan and Wilayah.objects.filter(kode=kecamatan, level=Level.KECAMATAN, parent=region).exists()
        else "",
    }


@private
@require_GET
def area(request: HttpRequest, kode: str) -> HttpResponse:
    region = _area(kode, [Level.KECAMATAN, Level.KABUPATEN])
    _viewable(request, region)
    year = _year(request)
    filters = _area_filters(request, region)
    statuses = [Status.AGREED, Status.FORWARDED, Status.ACCEPTED, Status.REJECTED]
    rows = list(selectors.filtered(selectors.proposals(region, year, statuses), **filters))
    for r in rows:
        r.actions = [(a, services.ACTION_LABELS[a]) for a in services.allowed_actions(request.user, r)]
    kabupaten = region if region.level == Level.KABUPATEN else region.parent
    forwarded = selectors.filtered(selectors.proposals(region, year, [Status.FORWARDED, Status.ACCEPTED]), **filters)
    is_kabupaten_page = region.level == Level.KABUPATEN
    query = "&".join(f"{k}={v}" for k, v in filters.items() if v)
    return render(
        request,
        "rencana/area.html",
        {
            "area": region,
            "year": year,
            "year_min": YEAR_MIN,
            "year_max": YEAR_MAX,
            "filters": filters,
            "filter_query": query,
            "opd_choices": opd_choices(),
            "bidang_choices": SpendingField.choices,
            "kecamatan_choices": Wilayah.objects.filter(parent=region, level=Level.KECAMATAN).order_by("nama")
            if is_kabupaten_page
            else [],
            "rows": rows,
            "totals": selectors.totals(forwarded),
            "by_opd": selectors.totals_by_opd(forwarded),
            "ranking": selectors.kabupaten_ranking(region, year, services.weights_for(region), **filters)
            if is_kabupaten_page
            else None,
            "accepted_cost": sum(float(r.cost) for r in rows if r.status == Status.ACCEPTED),
            "ceiling": selectors.ceiling(kabupaten, year),
            "features": selectors.features(rows, "proposal"),
            "bounds": _bounds(region),
            "outline": _outline(region),
            "is_kabupaten": services.holds(request.user, region, Role.KABUPATEN),
        },
    )


@private
@require_GET
def opd_table(request: HttpRequest, kode: str, year: int, fmt: str) -> HttpResponse:
    """The area page's "by OPD" table (forwarded and accepted proposals) as CSV or XLSX, same filters."""
    region = _area(kode, [Level.KECAMATAN, Level.KABUPATEN])
    _viewable(request, region)
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise Http404(_("Tahun %(y)s di luar rentang 2000–2100.") % {"y": year})
    if fmt not in ("csv", "xlsx"):
        raise Http404(_("Format %(f)s tidak tersedia; pilih csv atau xlsx.") % {"f": fmt})
    filters = _area_filters(request, region)
    forwarded = selectors.filtered(selectors.proposals(region, year, [Status.FORWARDED, Status.ACCEPTED]), **filters)
    content, kind = exports.opd_table(selectors.totals_by_opd(forwarded), region, year, fmt)
    response = HttpResponse(content, content_type=kind)
    response["Content-Disposition"] = f'attachment; filename="usulan-per-OPD-{region.kode}-{year}.{fmt}"'
    return response


@private
@require_POST
def verify(request: HttpRequest, pk: int) -> HttpResponse:
    """Kecamatan verification: a corrected volume/unit/cost with a reason, saved as the next version."""
    from decimal import Decimal, InvalidOperation

    p = get_object_or_404(Proposal, pk=pk)
    try:
        volume = Decimal(request.POST.get("volume", "").replace(",", "."))
        cost = Decimal(request.POST.get("cost", "").replace(".", "").replace(",", ""))
        if not (volume.is_finite() and cost.is_finite()):
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        messages.error(request, _("Volume dan biaya harus berupa angka (mis. volume 1,5; biaya 150000000)."))
        return redirect("rencana:proposal", pk=pk)
    try:
        corrected = services.correct_at_kecamatan(
            request.user,
            p,
            volume=volume,
            unit=request.POST.get("unit", ""),
            cost=cost,
            reason=request.POST.get("reason", ""),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("rencana:proposal", pk=pk)
    messages.success(request, _("Koreksi tersimpan sebagai versi %(v)s (tetap disepakati).") % {"v": corrected.version})
    return redirect("rencana:proposal", pk=corrected.pk)


@private
@require_http_methods(["GET", "POST"])
def weights(request: HttpRequest, kode: str) -> HttpResponse:
    kabupaten = _area(kode, [Level.KABUPATEN])
    if not services.holds(request.user, kabupaten, Role.KABUPATEN):
        raise PermissionDenied(_("Hanya admin kabupaten yang menetapkan bobot prioritas."))
    instance = PriorityWeights.objects.filter(kabupaten=kabupaten).first() or PriorityWeights(kabupaten=kabupaten)
    is_ceiling = request.POST.get("form") == "pagu"
    form = WeightsForm(request.POST if request.method == "POST" and not is_ceiling else None, instance=instance)
    ceiling_form = CeilingForm(request.POST if is_ceiling else None, initial={"year": _year(request)})
    if is_ceiling and ceiling_form.is_valid():
        try:
            services.save_ceiling(request.user, kabupaten, **ceiling_form.cleaned_data)
        except ValidationError as exc:
            ceiling_form.add_error(None, exc.messages)
        else:
            messages.success(request, _("Pagu tersimpan."))
            return redirect("rencana:weights", kode=kode)
    elif request.method == "POST" and not is_ceiling and form.is_valid():
        try:
            services.save_weights(request.user, kabupaten, form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("Bobot tersimpan; peringkat semua usulan dihitung ulang."))
            return redirect("rencana:weights", kode=kode)
    ceilings = BudgetCeiling.objects.filter(kabupaten=kabupaten).order_by("-year")
    context = {"area": kabupaten, "form": form, "ceiling_form": ceiling_form, "ceilings": ceilings}
    return render(request, "rencana/weights.html", context)


@private
@require_http_methods(["GET", "POST"])
def project(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(Project.objects.select_related("proposal__dusun__parent"), pk=pk)
    dusun = item.proposal.dusun
    _viewable(request, dusun)
    may_report = services.can_edit_plan(request.user, dusun)
    form = ProgressForm(request.POST or None, request.FILES or None, initial={"date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.record_progress(request.user, item, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("Laporan kemajuan tersimpan."))
            return redirect("rencana:project", pk=pk)
    return render(
        request,
        "rencana/project.html",
        {
            "item": item,
            "area": dusun,
            "form": form,
            "delayed": services.is_delayed(item),
            "updates": item.updates.all(),
            "may_report": may_report,
        },
    )


@require_GET
def public(request: HttpRequest, kode: str) -> HttpResponse:
    """Transparency: accepted proposals as projects, with progress; no names, no personal data, and
    beneficiary counts under the small-cell threshold shown as "<5"."""
    region = _area(kode, [Level.DESA, Level.KECAMATAN, Level.KABUPATEN])
    items = selectors.public_projects(region, request.user)
    return render(
        request,
        "rencana/public.html",
        {
            "area": region,
            "items": items,
            "features": selectors.features(items, "project"),
            "bounds": _bounds(region),
            "outline": _outline(region),
        },
    )


@require_GET
def photo(request: HttpRequest, pk: int) -> HttpResponse:
    """A progress photo (re-encoded on upload: no EXIF, no GPS) of an accepted project; public."""
    from django.http import FileResponse

    from .models import ProjectUpdate

    update = get_object_or_404(ProjectUpdate, pk=pk)
    if not update.photo:
        raise Http404(_("Laporan ini tidak berfoto."))
    return FileResponse(update.photo.open("rb"), content_type="image/jpeg")
