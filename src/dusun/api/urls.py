"""/api/v1/ — the documented REST API (django-ninja); the OpenAPI document is /api/v1/openapi.json and the
browsable documentation /api/v1/docs (Swagger UI served from ninja's bundled static files, no CDN).

Included from dusun/urls.py as `path("api/v1/", api.urls)`, which keeps ninja's own namespace ("api"). It is
included after the modules' older /api/v1/… endpoints, so its paths must not collide with theirs (they do
not: every area resource lives under /api/v1/wilayah/<kode>/…).

Every operation is GET and read-only; each calls `auth.current_user` first (a bad token is a 401 even on
public data) and the modules' selectors for the data, applying `dusun.akun.scope` as the UI does.
"""

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Router, Swagger

from . import errors
from .errors import ApiError
from .routers import akun, ekonomi, hutan, indeks, rencana, ruang, warga, wilayah

DESCRIPTION = """
REST API Dusun Online (Kabupaten Bungo): wilayah, statistik ruang, penduduk (agregat dengan penekanan
sel kecil), ekonomi, IDM, kegiatan pembangunan, perubahan hutan dan karbon.

* **Tanpa token**: data publik.
* **Token**: kirim `Authorization: Bearer <token>` (atau `Token <token>`); token dibuat di `/akun/token/`
  dan berlaku dengan peran serta wilayah akun pemiliknya. Token salah, dicabut atau kedaluwarsa: 401;
  wilayah di luar cakupan: 403.
* **Halaman**: daftar memakai `limit` (maks. 500) dan `offset`, dan menjawab `count`, `next`, `previous`,
  `items`.
* **Galat**: selalu JSON `{"detail": "..."}` dengan 400, 401, 403 atau 404.
* Kode wilayah: kode Kemendagri bertitik (Bungo `15.08`, Sungai Telang `15.08.14.2009`).
"""

api = NinjaAPI(
    title="Dusun Online API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    docs=Swagger(settings={"persistAuthorization": False, "defaultModelsExpandDepth": 0}),
    docs_url="/docs",
    openapi_url="/openapi.json",
)
errors.install(api)

for module in (wilayah, ruang, warga, ekonomi, indeks, rencana, hutan, akun):
    api.add_router("", module.router)


# Last router, so it only catches what no other operation matched (ninja's default router would come first).
fallback = Router()


@fallback.api_operation(
    ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"], "/{path:rest}", include_in_schema=False
)
def unknown(request: HttpRequest, rest: str):
    """Anything else under /api/v1/ that no module serves: a JSON 404 (not the HTML page)."""
    raise ApiError(404, _("Alamat API /api/v1/%(path)s tidak ada; lihat /api/v1/docs.") % {"path": rest[:100]})


api.add_router("", fallback)
