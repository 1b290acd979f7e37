"""The OpenRosa server ODK Collect, KoboCollect and Enketo/Web Forms talk to.

A device is configured with the server URL `https://<host>/lapangan/odk/<token>` (like ODK Central's
app-user URLs), to which clients append `formList` and `submission`. Responses follow the OpenRosa
1.0 APIs: `X-OpenRosa-Version` and `Date` on every response, the xformsList and xformsManifest
namespaces, `HEAD /submission` → 204 with `X-OpenRosa-Accept-Content-Length`, `POST /submission`
→ 201 with an OpenRosaResponse. Errors carry an OpenRosaResponse message the phone shows to the user.
Nothing here is cached and no personal data is put in a URL or a log line.
"""

from xml.sax.saxutils import escape

from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import http_date
from django.views.decorators.csrf import csrf_exempt

from . import selectors, services
from .models import Perangkat
from .xform import SubmissionError, inspect

XML = "text/xml; charset=utf-8"


def _headers(response: HttpResponse) -> HttpResponse:
    response["X-OpenRosa-Version"] = "1.0"
    response["Date"] = http_date()
    response["X-OpenRosa-Accept-Content-Length"] = str(services.max_submission_bytes())
    add_never_cache_headers(response)
    return response


def message(status: int, text: str) -> HttpResponse:
    nature = "submit_success" if status in (201, 202) else "error"
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<OpenRosaResponse xmlns="http://openrosa.org/http/response">'
        f'<message nature="{nature}">{escape(text)}</message></OpenRosaResponse>'
    )
    return _headers(HttpResponse(body, status=status, content_type=XML))


def device_view(view):
    """Resolve the token in the URL to an active device; 401 otherwise (and never say which part was wrong)."""

    @csrf_exempt
    def wrapper(request: HttpRequest, token: str, *args, **kwargs):
        device = services.authenticate(token)
        if device is None:
            response = message(
                401, "Token perangkat tidak dikenal atau sudah dicabut. Minta URL server baru ke operator."
            )
            return response
        return _headers(view(request, device, *args, **kwargs))

    wrapper.__name__ = view.__name__
    return wrapper


def _url(request, name: str, device_token: str, *args) -> str:
    return escape(request.build_absolute_uri(reverse(f"lapangan:{name}", args=[device_token, *args])))


@device_view
def form_list(request: HttpRequest, device: Perangkat) -> HttpResponse:
    if request.method not in ("GET", "HEAD"):
        return message(405, "Gunakan GET untuk daftar formulir.")
    token = request.resolver_match.kwargs["token"]
    forms = selectors.device_forms(device, all_versions=request.GET.get("listAllVersions") == "true")
    if form_id := request.GET.get("formID"):
        forms = [f for f in forms if f.form_id == form_id]
    items = []
    for form in forms:
        manifest = ""
        if inspect(form.xform).media:
            manifest = f"<manifestUrl>{_url(request, 'manifest', token, form.pk)}</manifestUrl>"
        items.append(
            "<xform>"
            f"<formID>{escape(form.form_id)}</formID><name>{escape(form.title)}</name>"
            f"<version>{escape(form.version)}</version><hash>md5:{form.xform_md5}</hash>"
            f"<downloadUrl>{_url(request, 'form_download', token, form.pk)}</downloadUrl>{manifest}"
            "</xform>"
        )
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<xforms xmlns="http://openrosa.org/xforms/xformsList">{"".join(items)}</xforms>'
    )
    return HttpResponse(body, content_type=XML)


def _device_form(device: Perangkat, pk: int):
    return next((f for f in selectors.device_forms(device, all_versions=True) if f.pk == pk), None)


@device_view
def form_download(request: HttpRequest, device: Perangkat, pk: int) -> HttpResponse:
    form = _device_form(device, pk)
    if form is None:
        return message(404, "Formulir tidak ditemukan atau tidak untuk perangkat ini.")
    return HttpResponse(form.xform, content_type=XML)


@device_view
def manifest(request: HttpRequest, device: Perangkat, pk: int) -> HttpResponse:
    form = _device_form(device, pk)
    if form is None:
        return message(404, "Formulir tidak ditemukan atau tidak untuk perangkat ini.")
    token = request.resolver_match.kwargs["token"]
    files = []
    for name in inspect(form.xform).media:
        content = selectors.media_file(device, name)
        if content is None:
            continue
        files.append(
            f"<mediaFile><filename>{escape(name)}</filename><hash>md5:{selectors.md5(content)}</hash>"
            f"<downloadUrl>{_url(request, 'media', token, form.pk, name)}</downloadUrl></mediaFile>"
        )
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<manifest xmlns="http://openrosa.org/xforms/xformsManifest">{"".join(files)}</manifest>'
    )
    return HttpResponse(body, content_type=XML)


@device_view
def media(request: HttpRequest, device: Perangkat, pk: int, filename: str) -> HttpResponse:
    form = _device_form(device, pk)
    content = selectors.media_file(device, filename) if form and filename in inspect(form.xform).media else None
    if content is None:
        return message(404, f"Berkas {filename} tidak ada untuk formulir ini.")
    return HttpResponse(content, content_type="text/csv; charset=utf-8")


class LimitedUpload(FileUploadHandler):
    """Stops reading a multipart body once it passes the limit (also for chunked bodies without a length)."""

    def __init__(self, request=None, limit: int = 0):
        super().__init__(request)
        self.limit, self.seen = limit, 0

    def receive_data_chunk(self, raw_data, start):
        self.seen += len(raw_data)
        if self.seen > self.limit:
            self.request.lapangan_too_large = True
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size):
        return None


@device_view
def submission(request: HttpRequest, device: Perangkat) -> HttpResponse:
    if request.method == "HEAD":
        return HttpResponse(status=204)
    if request.method != "POST":
        return message(405, "Gunakan HEAD atau POST untuk kiriman.")
    limit = services.max_submission_bytes()
    if int(request.META.get("CONTENT_LENGTH") or 0) > limit:
        return message(413, f"Kiriman lebih besar dari batas {limit // (1024 * 1024)} MB; kirim lampiran terpisah.")
    if request.META.get("HTTP_CONTENT_ENCODING", "identity").lower() not in ("", "identity"):
        return message(415, "Kiriman terkompresi (Content-Encoding) tidak diterima.")
    if not request.content_type.startswith("multipart/form-data"):
        return message(400, "Kiriman harus berupa multipart/form-data dengan bagian xml_submission_file.")
    request.upload_handlers.insert(0, LimitedUpload(request, limit))
    files = request.FILES
    if getattr(request, "lapangan_too_large", False):
        return message(413, f"Kiriman lebih besar dari batas {limit // (1024 * 1024)} MB.")
    xml_part = files.get("xml_submission_file")
    if xml_part is None:
        return message(400, "Bagian xml_submission_file tidak ada dalam kiriman.")
    if xml_part.size > services.MAX_XML_BYTES:
        return message(413, "Berkas XML kiriman terlalu besar (batas 2 MB).")
    attachments = [f for key in files for f in files.getlist(key) if key != "xml_submission_file"]
    try:
        kiriman, created = services.receive(device, xml_part.read(), attachments)
    except SubmissionError as exc:
        return message(exc.status, exc.message)
    if created:
        text = "Kiriman diterima dan menunggu tinjauan operator."
    else:
        text = "Kiriman ini sudah diterima sebelumnya; lampiran yang baru disimpan."
    if kiriman.missing_files:
        text += f" Masih menunggu {len(kiriman.missing_files)} lampiran."
    return message(201, text)


@device_view
def web_form(request: HttpRequest, device: Perangkat, pk: int) -> HttpResponse:
    """The form in the browser (ODK Web Forms), for a device without Collect: it talks to the same
    OpenRosa endpoints as a phone (form download, media, HEAD then POST of the submission)."""
    from django.shortcuts import render

    form = _device_form(device, pk)
    if form is None:
        return message(404, "Formulir tidak ditemukan atau tidak untuk perangkat ini.")
    token = request.resolver_match.kwargs["token"]
    context = {
        "form": form,
        "device": device,
        "form_url": reverse("lapangan:form_download", args=[token, form.pk]),
        "media_url": reverse("lapangan:media", args=[token, form.pk, "NAMA"]),
        "submission_url": reverse("lapangan:submission", args=[token]),
    }
    response = render(request, "lapangan/webform.html", context)
    response["Referrer-Policy"] = "no-referrer"  # the token is in this page's URL
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
