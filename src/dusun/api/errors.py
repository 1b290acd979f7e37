"""One error shape for the whole API: `{"detail": "<what is wrong, where, how to fix>"}` with 400, 401, 403
or 404 — never an HTML page, never a 500 for bad input."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError


class Error(Schema):
    detail: str


class ApiError(HttpError):
    """Raised by the routers; the message is for the user (Bahasa, through gettext)."""


def not_found(message: str) -> ApiError:
    return ApiError(404, message)


ERRORS = {400: Error, 401: Error, 403: Error, 404: Error}


def _describe(errors: list[dict]) -> str:
    parts = []
    for error in errors[:5]:
        loc = [str(p) for p in error.get("loc", ()) if p not in ("query", "path", "header", "body")]
        where = ".".join(loc) or _("permintaan")
        parts.append(_("parameter %(where)s: %(msg)s") % {"where": where, "msg": error.get("msg", "")})
    return _("Permintaan tidak valid — %(errors)s.") % {"errors": "; ".join(parts)}


def install(api: NinjaAPI) -> None:
    def on_validation(request, exc: ValidationError):
        return api.create_response(request, {"detail": _describe(exc.errors)}, status=400)

    def on_authentication(request, exc: AuthenticationError):
        response = api.create_response(
            request,
            {
                "detail": _(
                    "Butuh token API yang berlaku: kirim kepala 'Authorization: Bearer <token>'. "
                    "Token dibuat di /akun/token/."
                )
            },
            status=401,
        )
        response["WWW-Authenticate"] = 'Bearer realm="api"'
        return response

    def on_http_error(request, exc: HttpError):
        response = api.create_response(request, {"detail": str(exc)}, status=exc.status_code)
        if exc.status_code == 401:
            response["WWW-Authenticate"] = 'Bearer realm="api", error="invalid_token"'
        return response

    def on_404(request, exc: Http404):
        message = str(exc) if exc.args and str(exc) else _("Tidak ditemukan.")
        return api.create_response(request, {"detail": message}, status=404)

    def on_permission(request, exc: PermissionDenied):
        message = str(exc) if exc.args and str(exc) else _("Anda tidak berwenang atas wilayah ini.")
        return api.create_response(request, {"detail": message}, status=403)

    api.add_exception_handler(ValidationError, on_validation)
    api.add_exception_handler(AuthenticationError, on_authentication)
    api.add_exception_handler(HttpError, on_http_error)
    api.add_exception_handler(Http404, on_404)
    api.add_exception_handler(PermissionDenied, on_permission)
