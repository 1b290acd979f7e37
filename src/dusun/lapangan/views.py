"""Pages of field collection: devices (app users) of a village, the review queue, one submission side
by side with the record it changes, and its attachments. Private: login, area scope, no-store, noindex.
Submissions are addressed by opaque UUIDs; personal values appear only for roles that may read them,
and every view of a census submission is written to the access log."""

import functools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from dusun.akun import scope
from dusun.akun.audit import Action, log_access
from dusun.wilayah.models import Level, Wilayah

from . import importer, qr, selectors, services
from .forms import ApproveForm, DeviceForm, ImportForm, RejectForm
from .models import FormKind, Formulir, Kiriman, Perangkat


def private(view):
    @login_required
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        add_never_cache_headers(response)
        patch_cache_control(response, private=True, no_store=True)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    return wrapper


def _village(user, kode: str) -> Wilayah:
    area = get_object_or_404(Wilayah, kode=kode, level=Level.DESA)
    if not scope.can_view(user, area):
        raise PermissionDenied(_("Desa ini di luar wilayah kerja Anda."))
    return area


def _kiriman(user, uuid) -> Kiriman:
    kiriman = get_object_or_404(Kiriman.objects.select_related("formulir", "dusun", "perangkat"), uuid=uuid)
    if not scope.can_view(user, kiriman.dusun):
        raise PermissionDenied(_("Kiriman ini dari desa di luar wilayah kerja Anda."))
    return kiriman


def _manages_forms(user) -> bool:
    """Who opens and closes form versions (as `services.set_form_open` checks): kabupaten admin, superuser."""
    return user.is_superuser or user.roles.filter(role="kabupaten").exists()


@private
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    manages = _manages_forms(request.user)
    context = {
        "villages": selectors.reviewable_villages(request.user),
        "manages_forms": manages,
        "formulir": selectors.forms_with_counts() if manages else [],
    }
    return render(request, "lapangan/home.html", context)


@private
@require_POST
def form_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Close a form version (phones no longer see it, its submissions are refused) or open it again."""
    form = get_object_or_404(Formulir, pk=pk)
    is_open = request.POST.get("is_open") == "1"
    services.set_form_open(request.user, form, is_open)
    if is_open:
        messages.success(request, _("%(f)s versi %(v)s dibuka lagi.") % {"f": form.title, "v": form.version})
    else:
        messages.success(
            request,
            _("%(f)s versi %(v)s ditutup: tidak muncul lagi di daftar formulir ponsel dan kirimannya ditolak.")
            % {"f": form.title, "v": form.version},
        )
    return redirect(reverse("lapangan:home") + "#formulir")


@private
def dusun(request: HttpRequest, kode: str) -> HttpResponse:
    area = _village(request.user, kode)
    can_edit = scope.can_edit(request.user, area)
    form = DeviceForm(request.POST or None)
    new_url = setup_qr = None
    web_forms = []
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied(_("Anda tidak berwenang membuat perangkat lapangan untuk desa ini."))
        if form.is_valid():
            try:
                device, token = services.create_device(request.user, area, form.cleaned_data["name"])
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                new_url = request.build_absolute_uri(f"/lapangan/odk/{token}")
                payload = qr.encode(qr.collect_settings(new_url, f"Dusun Online {area.nama} — {device.name}"))
                setup_qr = {"payload": payload, "svg": qr.svg(payload)}
                # Shown once with the URL (the token is not stored): the same forms in the browser.
                web_forms = [
                    (f, reverse("lapangan:web_form", args=[token, f.pk])) for f in selectors.device_forms(device)
                ]
                messages.success(request, _("Perangkat %(n)s dibuat.") % {"n": device.name})
    status = request.GET.get("status", Kiriman.Status.PENDING)
    if status not in Kiriman.Status.values:
        status = ""
    context = {
        "area": area,
        "can_edit": can_edit,
        "form": form,
        "new_url": new_url,
        "setup_qr": setup_qr,
        "web_forms": web_forms,
        "devices": Perangkat.objects.filter(dusun=area).select_related("created_by"),
        "items": Paginator(selectors.queue(request.user, area, status or None), 50).get_page(request.GET.get("page")),
        "status": status,
        "statuses": Kiriman.Status.choices,
        "import_form": ImportForm(forms_queryset=_importable(request.user, area)) if can_edit else None,
    }
    return render(request, "lapangan/dusun.html", context)


def _importable(user, area):
    forms = Formulir.objects.filter(is_open=True).order_by("form_id", "-created_at")
    return forms if scope.can_view_personal(user, area) else forms.exclude(kind=FormKind.SENSUS)


@private
@require_POST
def import_export(request: HttpRequest, kode: str) -> HttpResponse:
    area = _village(request.user, kode)
    form = ImportForm(request.POST, request.FILES, forms_queryset=_importable(request.user, area))
    if not form.is_valid():
        for errors in form.errors.values():
            for text in errors:
                messages.error(request, text)
        return redirect("lapangan:dusun", area.kode)
    upload = form.cleaned_data["berkas"]
    if upload.size > importer.MAX_IMPORT_BYTES:
        messages.error(request, _("Berkas lebih besar dari 20 MB; bagi per bulan atau per petugas."))
        return redirect("lapangan:dusun", area.kode)
    try:
        result = importer.import_export(
            request.user, area, form.cleaned_data["formulir"], upload.name or "", upload.read()
        )
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
        return redirect("lapangan:dusun", area.kode)
    if result.errors:
        messages.error(request, _("Tidak ada yang diimpor; perbaiki baris berikut lalu unggah ulang."))
        for text in result.errors[:50]:
            messages.error(request, text)
    else:
        messages.success(
            request,
            _("%(c)d kiriman masuk antrean tinjauan; %(s)d sudah ada sebelumnya dan dilewati.")
            % {"c": result.created, "s": result.skipped},
        )
    return redirect("lapangan:dusun", area.kode)


@private
@require_POST
def revoke(request: HttpRequest, uuid) -> HttpResponse:
    device = get_object_or_404(Perangkat.objects.select_related("dusun"), uuid=uuid)
    services.revoke_device(request.user, device)
    messages.success(request, _("Perangkat %(n)s dicabut; ponselnya tidak dapat terhubung lagi.") % {"n": device.name})
    return redirect("lapangan:dusun", device.dusun.kode)


def _personal(user, kiriman: Kiriman) -> bool:
    return kiriman.formulir.kind != FormKind.SENSUS or scope.can_view_personal(user, kiriman.dusun)


@private
def detail(request: HttpRequest, uuid) -> HttpResponse:
    kiriman = _kiriman(request.user, uuid)
    personal = _personal(request.user, kiriman)
    approve_form = ApproveForm(request.POST if request.POST.get("action") == "approve" else None)
    reject_form = RejectForm(request.POST if request.POST.get("action") == "reject" else None)
    if request.method == "POST":
        try:
            if approve_form.is_bound and approve_form.is_valid():
                services.approve(
                    request.user, kiriman, accept_conflict=approve_form.cleaned_data["accept_conflict"], request=request
                )
                messages.success(request, _("Kiriman disetujui dan dimasukkan ke data desa."))
                return redirect("lapangan:detail", kiriman.uuid)
            if reject_form.is_bound and reject_form.is_valid():
                services.reject(request.user, kiriman, reject_form.cleaned_data["reason"])
                messages.success(request, _("Kiriman ditolak."))
                return redirect("lapangan:detail", kiriman.uuid)
        except ValidationError as exc:
            for text in exc.messages:
                messages.error(request, text)
    if kiriman.formulir.kind == FormKind.SENSUS and personal:
        log_access(
            request.user,
            Action.VIEW,
            wilayah=kiriman.dusun,
            object_type="lapangan.kiriman",
            object_ref=kiriman.uuid,
            record_count=1 + len(kiriman.data.get("anggota") or []),
            request=request,
        )
    reviewer = scope.can_edit(request.user, kiriman.dusun) and personal
    context = {
        "kiriman": kiriman,
        "personal": personal,
        "can_review": reviewer and kiriman.status == Kiriman.Status.PENDING,
        "cmp": selectors.comparison(kiriman, personal=personal),
        "approve_form": approve_form,
        "reject_form": reject_form,
        "attachments": kiriman.lampiran.all() if personal else [],
    }
    return render(request, "lapangan/detail.html", context)


@private
@require_GET
def attachment(request: HttpRequest, uuid, pk: int) -> HttpResponse:
    kiriman = _kiriman(request.user, uuid)
    if not _personal(request.user, kiriman):
        raise PermissionDenied(_("Lampiran sensus hanya untuk operator desa dan admin kabupaten."))
    item = kiriman.lampiran.filter(pk=pk).first()
    if item is None:
        raise Http404(_("Lampiran tidak ditemukan."))
    response = FileResponse(item.file.open("rb"), content_type=item.content_type)
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    return response
