"""Pages of the import wizard, the import history and the export downloads. Views only orchestrate:
permission checks go through `dusun.akun.scope` (via importer.check_can_import), work through `importer`,
`exporter` and `tasks`."""

import shutil

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_POST

from dusun.akun import scope
from dusun.wilayah import selectors as wilayah_selectors
from dusun.wilayah.models import Level

from . import exporter, importer, tasks
from .forms_import import CommitForm, LimitedUploadHandler, MappingForm, SourceLayersForm, UploadForm
from .layers import LAYERS
from .models import ImportBatch, ImportJob, LandCoverSnapshot

RUNNING = {ImportJob.Status.UPLOADED, ImportJob.Status.ANALYSING, ImportJob.Status.COMMITTING}


def _editable_village(request: HttpRequest, kode: str):
    village = wilayah_selectors.get_area(kode, Level.DESA)
    importer.check_can_import(request.user, village)
    return village


def _job(village, job_id: int) -> ImportJob:
    return get_object_or_404(
        ImportJob.objects.select_related("dusun", "snapshot__legend", "user"), pk=job_id, dusun=village
    )


def _job_url(job: ImportJob) -> str:
    return reverse("ruang:import-job", kwargs={"kode": job.dusun.kode, "job_id": job.pk})


@csrf_exempt  # CSRF is checked below, after the size-limiting upload handler is in place
@login_required
def import_start(request: HttpRequest, kode: str) -> HttpResponse:
    request.upload_handlers.insert(0, LimitedUploadHandler(request))
    return _import_start(request, kode)


@csrf_protect
def _import_start(request: HttpRequest, kode: str) -> HttpResponse:
    village = _editable_village(request, kode)
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES, too_large=getattr(request, "dusun_upload_too_large", None))
        if form.is_valid():
            data = form.cleaned_data
            try:
                job = importer.create_job(
                    user=request.user,
                    dusun=village,
                    layer=data["layer"],
                    upload=data["file"],
                    snapshot=data.get("snapshot"),
                    new_snapshot=form.new_snapshot(),
                    crs_epsg=data.get("crs_epsg"),
                )
            except importer.ImportRefused as refused:
                form.add_error("file", refused.message)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                tasks.queue_analysis(job)
                return redirect(_job_url(job))
    else:
        form = UploadForm(initial={"layer": request.GET.get("lapisan", "")})
    return render(
        request,
        "ruang/import/start.html",
        {
            "village": village,
            "form": form,
            "open_jobs": importer.recent_jobs(village),
            "max_bytes": importer.max_import_bytes(),
            "layers": LAYERS.values(),
        },
    )


@login_required
@require_GET
def import_job(request: HttpRequest, kode: str, job_id: int) -> HttpResponse:
    village = _editable_village(request, kode)
    job = _job(village, job_id)
    spec = LAYERS[job.layer]
    context = {"village": village, "job": job, "spec": spec, "running": job.status in RUNNING}
    context["info"] = importer.describe_job(job)
    if job.status in (ImportJob.Status.PREVIEW, ImportJob.Status.DONE):
        which = request.GET.get("tampil", "semua")
        try:
            page = max(1, int(request.GET.get("hal", "1")))
        except ValueError:
            page = 1
        context["problems"] = importer.problem_features(job, which, page)
    if job.status == ImportJob.Status.PREVIEW:
        rejected = (job.report.get("counts") or {}).get("rejected", 0)
        context |= {
            "mapping_form": MappingForm(job=job, spec=spec),
            "layers_form": SourceLayersForm(job=job) if len(job.report.get("layers") or []) > 1 else None,
            "commit_form": CommitForm(rejected=rejected),
            "samples": importer.sample_rows(job, spec),
            "sample_header": [str(f.verbose_name).capitalize() for f in importer.mapped_fields(spec)],
        }
    if job.status == ImportJob.Status.DONE and job.batch_id:
        features = importer.batch_features(job.batch)
        header, rows = importer.feature_rows(spec, features[:50])
        context |= {"feature_header": header, "feature_rows": rows, "feature_total": features.count()}
    return render(request, "ruang/import/job.html", context)


@login_required
@require_GET
def import_progress(request: HttpRequest, kode: str, job_id: int) -> HttpResponse:
    """The progress bar, polled by htmx; once the job has moved on, the whole page is reloaded."""
    village = _editable_village(request, kode)
    job = _job(village, job_id)
    if job.status not in RUNNING:
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return render(request, "ruang/import/_progress.html", {"village": village, "job": job})


@login_required
@require_POST
def import_mapping(request: HttpRequest, kode: str, job_id: int) -> HttpResponse:
    village = _editable_village(request, kode)
    job = _job(village, job_id)
    spec = LAYERS[job.layer]
    if job.status != ImportJob.Status.PREVIEW:
        messages.error(request, _("Impor ini tidak sedang menunggu tinjauan."))
        return redirect(_job_url(job))
    form = MappingForm(request.POST, job=job, spec=spec)
    if not form.is_valid():
        rejected = (job.report.get("counts") or {}).get("rejected", 0)
        return render(
            request,
            "ruang/import/job.html",
            {
                "village": village,
                "job": job,
                "spec": spec,
                "info": importer.describe_job(job),
                "problems": importer.problem_features(job),
                "mapping_form": form,
                "layers_form": SourceLayersForm(job=job) if len(job.report.get("layers") or []) > 1 else None,
                "commit_form": CommitForm(rejected=rejected),
                "samples": importer.sample_rows(job, spec),
                "sample_header": [str(f.verbose_name).capitalize() for f in importer.mapped_fields(spec)],
            },
            status=400,
        )
    if importer.save_mapping(job, request.user, form.mapping()):
        tasks.queue_revalidation(job)
    return redirect(_job_url(job) + "#laporan")


@login_required
@require_POST
def import_layers(request: HttpRequest, kode: str, job_id: int) -> HttpResponse:
    village = _editable_village(request, kode)
    job = _job(village, job_id)
    form = SourceLayersForm(request.POST, job=job)
    if form.is_valid() and importer.choose_source_layers(job, request.user, form.cleaned_data["layers"]):
        tasks.queue_analysis(job)
    elif not form.is_valid():
        messages.error(request, _("Pilih sedikitnya satu lapisan sumber."))
    return redirect(_job_url(job))


@login_required
@require_POST
def import_commit(request: HttpRequest, kode: str, job_id: int) -> HttpResponse:
    village = _editable_village(request, kode)
    job = _job(village, job_id)
    rejected = ((job.report or {}).get("counts") or {}).get("rejected", 0)
    form = CommitForm(request.POST, rejected=rejected)
    if not form.is_valid():
        messages.error(request, form.errors["skip_rejected"][0])
    elif importer.request_commit(job, request.user):
        tasks.queue_commit(job)
    else:
        messages.error(request, _("Impor ini belum dapat disimpan: periksa pemetaan kolom dan laporan di bawah."))
    return redirect(_job_url(job))


@login_required
@require_POST
def import_cancel(request: HttpRequest, kode: str, job_id: int) -> HttpResponse:
    village = _editable_village(request, kode)
    job = _job(village, job_id)
    importer.cancel(job, request.user)
    messages.info(request, _("Impor “%(file)s” dibatalkan; tidak ada data yang berubah.") % {"file": job.filename})
    return redirect("ruang:import-start", kode=village.kode)


def _viewable_village(request: HttpRequest, kode: str):
    village = wilayah_selectors.get_area(kode, Level.DESA)
    if not scope.can_view(request.user, village):
        raise PermissionDenied(_("Riwayat impor hanya untuk petugas wilayah ini."))
    return village


@login_required
@require_GET
def import_history(request: HttpRequest, kode: str) -> HttpResponse:
    village = _viewable_village(request, kode)
    page = Paginator(importer.import_history(village), 30).get_page(request.GET.get("hal"))
    return render(
        request,
        "ruang/import/history.html",
        {"village": village, "page": page, "can_import": scope.can_edit(request.user, village), "layers": LAYERS},
    )


@login_required
@require_GET
def import_batch(request: HttpRequest, kode: str, batch_id: int) -> HttpResponse:
    village = _viewable_village(request, kode)
    batch = get_object_or_404(ImportBatch.objects.select_related("created_by"), pk=batch_id, dusun=village)
    spec = LAYERS[batch.layer]
    page = Paginator(importer.batch_features(batch), 100).get_page(request.GET.get("hal"))
    header, rows = importer.feature_rows(spec, page.object_list)
    return render(
        request,
        "ruang/import/batch.html",
        {"village": village, "batch": batch, "spec": spec, "page": page, "header": header, "rows": rows},
    )


@require_GET
def area_data(request: HttpRequest, kode: str) -> HttpResponse:
    """Downloads of every layer for an area; for a village also the way in (import, history) for its staff.

    With ?bagian=1 only the panel is returned, for the page that embeds it."""
    area = exporter.export_area(kode)
    if area is None:
        raise Http404
    context = {
        "area": area,
        "export_rows": exporter.export_links(area),
        "is_village": area.level == Level.DESA,
        "can_import": area.level == Level.DESA and scope.can_edit(request.user, area),
        "can_view": scope.can_view(request.user, area),
        "area_url": {
            Level.DESA: lambda: reverse("portal:village", args=[area.kode]),
            Level.KECAMATAN: lambda: reverse("portal:kecamatan", args=[area.kode]),
        }.get(area.level, lambda: "")(),
    }
    template = "ruang/import/_data_panel.html" if request.GET.get("bagian") else "ruang/import/data.html"
    return render(request, template, context)


@require_GET
def export(request: HttpRequest, layer: str, kode: str, fmt: str) -> FileResponse:
    spec = LAYERS.get(layer)
    area = exporter.export_area(kode)
    export_format = exporter.FORMATS.get(fmt)
    if spec is None or area is None or export_format is None:
        raise Http404
    snapshot = None
    if spec.slug == "tutupan-lahan" and request.GET.get("potret"):
        try:
            snapshot = get_object_or_404(
                LandCoverSnapshot.objects.select_related("legend"), pk=int(request.GET["potret"])
            )
        except ValueError:
            raise Http404 from None
    path = exporter.export_layer(spec, area, export_format, user=request.user, snapshot=snapshot)
    handle = path.open("rb")
    # The open handle keeps the file readable after its folder is removed (POSIX), so nothing is left behind.
    shutil.rmtree(path.parent, ignore_errors=True)
    response = FileResponse(handle, as_attachment=True, filename=path.name, content_type=export_format.content_type)
    response["Cache-Control"] = "no-cache"
    return response
