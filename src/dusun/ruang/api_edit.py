"""JSON API of the spatial layers, used by the map editor and by scripts.

    GET    /api/v1/ruang/<layer>/?dusun=<kode>[&snapshot=<id>]   FeatureCollection of one village (public)
    POST   /api/v1/ruang/<layer>/                               create from a GeoJSON Feature
    GET    /api/v1/ruang/<layer>/<id>/                          one Feature (public)
    PUT    /api/v1/ruang/<layer>/<id>/                          replace geometry and attributes
    PATCH  /api/v1/ruang/<layer>/<id>/                          change the geometry and/or some attributes
    DELETE /api/v1/ruang/<layer>/<id>/                          delete
    GET    /api/v1/ruang/<layer>/<id>/riwayat/                  edit history (also after a delete)

Every write goes through `services` (scope, geometry checks, geodesic measures, revisions). Writes
authenticate with the Django session and, as in Django REST framework's SessionAuthentication, CSRF is
enforced for authenticated session requests inside the view, so that failures answer in JSON like
every other error. Anonymous writes get 401, other villages' users 403, bad input 400 with
{"errors": {field: [messages]}} in Bahasa, bodies over the limit 413. `If-Match: "<version>"` on
PUT/PATCH/DELETE refuses to overwrite a feature someone else changed meanwhile (412).
"""

import json
from collections.abc import Callable
from functools import wraps

from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.gzip import gzip_page

from dusun.akun import scope
from dusun.wilayah.models import Level, Wilayah

from . import selectors_edit as selectors
from . import services
from .forms_edit import FeatureAttributesForm, GeometryError, check_geometry, parse_geometry
from .layers import LAYERS, LayerSpec
from .models import LandCoverSnapshot

# One hand-drawn or edited feature is a few kilobytes; 2 MB leaves room for large imported polygons
# while refusing payloads that have no business in a single-feature request.
MAX_BODY_BYTES = 2 * 1024 * 1024
JSON_OPTIONS = {"ensure_ascii": False, "separators": (",", ":")}


class ApiError(Exception):
    def __init__(self, status: int, errors: dict, headers: dict | None = None, **extra):
        self.status, self.errors, self.headers, self.extra = status, errors, headers or {}, extra


def _json(data: dict, status: int = 200, geo: bool = False) -> JsonResponse:
    response = JsonResponse(data, status=status, json_dumps_params=JSON_OPTIONS)
    if geo:
        response["Content-Type"] = "application/geo+json"
    return response


def _error_response(error: ApiError) -> JsonResponse:
    response = _json({"errors": error.errors, **error.extra}, status=error.status)
    for name, value in error.headers.items():
        response[name] = value
    return response


def _csrf_failure(request: HttpRequest) -> HttpResponse | None:
    """Django's own CSRF check (origin, referer, token), run for session-authenticated writes."""
    check = CsrfViewMiddleware(lambda _request: HttpResponse())
    check.process_request(request)
    return check.process_view(request, None, (), {})


def api_view(methods: set[str]) -> Callable:
    """JSON in, JSON out: method check, session + CSRF for writes, every expected error as JSON."""

    def decorator(view):
        @csrf_exempt  # checked below, after authentication, so the failure can be JSON
        @never_cache
        @wraps(view)
        def wrapped(request: HttpRequest, layer: str, *args, **kwargs):
            try:
                if request.method not in methods:
                    raise ApiError(
                        405,
                        {"__all__": [_("Metode %(method)s tidak didukung di sini.") % {"method": request.method}]},
                        headers={"Allow": ", ".join(sorted(methods))},
                    )
                if layer not in LAYERS:
                    raise ApiError(
                        404,
                        {"layer": [_("Lapisan '%(layer)s' tidak dikenal.") % {"layer": layer[:40]}]},
                        layers=sorted(LAYERS),
                    )
                if request.method not in ("GET", "HEAD", "OPTIONS"):
                    _authenticate_write(request)
                return view(request, LAYERS[layer], *args, **kwargs)
            except ApiError as error:
                return _error_response(error)
            except Http404:
                return _error_response(ApiError(404, {"__all__": [_("Fitur tidak ditemukan.")]}))
            except PermissionDenied as denied:
                message = str(denied) or _("Anda tidak berwenang mengubah data ini.")
                return _error_response(ApiError(403, {"__all__": [message]}))
            except RequestDataTooBig:
                return _error_response(_too_big())

        return wrapped

    return decorator


def _authenticate_write(request: HttpRequest) -> None:
    if not request.user.is_authenticated:
        raise ApiError(
            401,
            {"__all__": [_("Silakan masuk terlebih dahulu untuk mengubah data peta.")]},
            headers={"WWW-Authenticate": 'Session realm="Dusun Online"'},
            login_url=reverse("akun:login"),
        )
    if _csrf_failure(request) is not None:
        raise ApiError(
            403,
            {"__all__": [_("Token keamanan (CSRF) tidak ada atau tidak cocok. Muat ulang halaman lalu coba lagi.")]},
        )


def _too_big() -> ApiError:
    return ApiError(
        413,
        {
            "__all__": [
                _("Data terlalu besar (lebih dari %(mb)s MB). Sederhanakan geometrinya atau gunakan impor berkas.")
                % {"mb": MAX_BODY_BYTES // (1024 * 1024)}
            ]
        },
    )


def _read_feature(request: HttpRequest) -> dict:
    """The request body as a GeoJSON Feature (a bare geometry is refused with a hint)."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_BODY_BYTES:
        raise _too_big()
    body = request.body  # RequestDataTooBig (no or lying Content-Length) is answered by api_view
    if len(body) > MAX_BODY_BYTES:
        raise _too_big()
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ApiError(400, {"__all__": [_("Isi permintaan bukan JSON yang sah: %(error)s") % {"error": exc}]}) from exc
    except RecursionError as exc:  # "[[[[…" nested thousands deep fits in a small body
        raise ApiError(400, {"__all__": [_("Isi permintaan bersarang terlalu dalam untuk sebuah fitur.")]}) from exc
    if not isinstance(data, dict) or data.get("type") != "Feature":
        raise ApiError(
            400,
            {"__all__": [_('Kirim satu GeoJSON Feature: {"type": "Feature", "geometry": {…}, "properties": {…}}.')]},
        )
    properties = data.get("properties")
    if properties is None:
        data["properties"] = {}
    elif not isinstance(properties, dict):
        raise ApiError(400, {"properties": [_('"properties" harus berupa objek JSON.')]})
    return data


def _geometry(spec: LayerSpec, value):
    try:
        geom = parse_geometry(value)
        check_geometry(spec, geom)
    except GeometryError as error:
        extra = {"location": list(error.location)} if error.location else {}
        raise ApiError(400, {"geometry": error.messages}, **extra) from error
    return geom


def _form_errors(form: FeatureAttributesForm) -> dict:
    return {name: [str(m) for m in messages] for name, messages in form.errors.items()}


def _service_errors(error: ValidationError) -> dict:
    """services' messages keyed for the form: geometry problems come as plain messages."""
    if hasattr(error, "error_dict"):
        return {("geometry" if name == "geom" else name): messages for name, messages in error.message_dict.items()}
    return {"geometry": error.messages}


def _check_version(request: HttpRequest, spec: LayerSpec, feature) -> None:
    expected = request.headers.get("If-Match")
    if not expected or expected.strip() == "*":
        return
    current = selectors.feature_version(feature)
    if expected.strip().removeprefix("W/").strip('"') != current:
        raise ApiError(
            412,
            {
                "__all__": [
                    _(
                        "Fitur ini sudah diubah orang lain sejak Anda membukanya. Muat ulang untuk melihat versi "
                        "terbaru, lalu ulangi perubahan Anda."
                    )
                ]
            },
            current=selectors.feature_geojson(spec, feature),
        )


def _feature_response(spec: LayerSpec, feature, status: int = 200) -> JsonResponse:
    feature = selectors.get_feature(spec, feature.pk)
    response = _json(selectors.feature_geojson(spec, feature), status=status, geo=True)
    response["ETag"] = f'"{selectors.feature_version(feature)}"'
    return response


@gzip_page  # a village's land cover is hundreds of kilobytes of JSON; phones on 3G feel every one
@api_view({"GET", "HEAD", "POST"})
def features(request: HttpRequest, spec: LayerSpec) -> HttpResponse:
    if request.method == "POST":
        return _create(request, spec)
    kode = request.GET.get("dusun", "").strip()
    if not kode:
        raise ApiError(400, {"dusun": [_("Parameter dusun (kode desa, mis. 15.08.14.2009) wajib diisi.")]})
    village = selectors.get_village(kode)
    snapshot = None
    if request.GET.get("snapshot"):
        snapshot = _snapshot(request.GET["snapshot"], field="snapshot")
    return _json(selectors.feature_collection(spec, village, snapshot), geo=True)


def _snapshot(value, field: str) -> LandCoverSnapshot:
    try:
        return selectors.snapshots().get(pk=int(value))
    except (TypeError, ValueError, LandCoverSnapshot.DoesNotExist) as exc:
        raise ApiError(400, {field: [_("Potret tutupan lahan '%(id)s' tidak ada.") % {"id": value}]}) from exc


def _create(request: HttpRequest, spec: LayerSpec) -> HttpResponse:
    data = _read_feature(request)
    properties = data["properties"]
    kode = properties.get("dusun")
    if not isinstance(kode, str) or not kode:
        raise ApiError(400, {"dusun": [_("Sebutkan desa pemilik fitur: properties.dusun = kode desa.")]})
    village = Wilayah.objects.filter(kode=kode).first()
    if village is None or village.level != Level.DESA:
        raise ApiError(400, {"dusun": [_("'%(kode)s' bukan kode desa yang dikenal.") % {"kode": kode[:40]}]})
    # Refuse other villages' users before reading their geometry (services checks again when saving).
    if not scope.can_edit(request.user, village):
        raise PermissionDenied(_("Anda tidak berwenang mengubah data %(area)s.") % {"area": village})
    geom = _geometry(spec, data.get("geometry"))
    form = FeatureAttributesForm(spec, properties, creating=True)
    if not form.is_valid():
        raise ApiError(400, _form_errors(form))
    try:
        feature = services.create_feature(spec, user=request.user, dusun=village, geom=geom, attributes=form.attributes)
    except ValidationError as error:
        raise ApiError(400, _service_errors(error)) from error
    response = _feature_response(spec, feature, status=201)
    response["Location"] = reverse("ruang:api-feature", args=[spec.slug, feature.pk])
    return response


def _feature_id(value: str) -> int:
    if not value.isdigit() or len(value) > 18:
        raise Http404
    return int(value)


@api_view({"GET", "HEAD", "PUT", "PATCH", "DELETE"})
def feature(request: HttpRequest, spec: LayerSpec, pk: str) -> HttpResponse:
    instance = selectors.get_feature(spec, _feature_id(pk))
    if request.method in ("GET", "HEAD"):
        return _feature_response(spec, instance)
    if not scope.can_edit(request.user, instance.dusun):
        raise PermissionDenied(_("Anda tidak berwenang mengubah data %(area)s.") % {"area": instance.dusun})
    _check_version(request, spec, instance)
    if request.method == "DELETE":
        services.delete_feature(spec, instance, user=request.user)
        return HttpResponse(status=204)
    partial = request.method == "PATCH"
    data = _read_feature(request)
    properties = data["properties"]
    if properties.get("dusun") not in (None, instance.dusun.kode):
        raise ApiError(400, {"dusun": [_("Fitur tidak dapat dipindah ke desa lain; hapus lalu buat di desa tujuan.")]})
    geom = None
    if "geometry" in data or not partial:
        geom = _geometry(spec, data.get("geometry"))
    snapshot = getattr(instance, "snapshot", None)
    form = FeatureAttributesForm(spec, properties, snapshot=snapshot, partial=partial)
    if not form.is_valid():
        raise ApiError(400, _form_errors(form))
    try:
        instance = services.update_feature(spec, instance, user=request.user, geom=geom, attributes=form.attributes)
    except ValidationError as error:
        raise ApiError(400, _service_errors(error)) from error
    return _feature_response(spec, instance)


@api_view({"GET", "HEAD"})
def feature_history(request: HttpRequest, spec: LayerSpec, pk: str) -> HttpResponse:
    history = selectors.feature_history(spec, _feature_id(pk), request.user)
    if history is None:
        raise Http404
    return _json(history)
