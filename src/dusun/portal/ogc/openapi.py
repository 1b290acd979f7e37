"""The OpenAPI 3.0 description of `/ogc/` (the landing page's `service-desc`).

QGIS (3.22 and later) will not open an OGC API Features service without it: it reads the `limit`
parameter's `maximum` and `default` from `components.parameters.limit` to size its pages. The document
describes exactly what the views accept (the same parameter names and bounds as `queries`).
"""

from django.utils.translation import gettext as _

from . import queries
from .collections import Collection

GEOJSON = "application/geo+json"
JSON = "application/json"


def _param(name: str, description: str, schema: dict, location: str = "query", **extra) -> dict:
    return {"name": name, "in": location, "description": description, "schema": schema, **extra}


def _json_response(description: str, media: str = JSON) -> dict:
    """A 200 answer: JSON (or GeoJSON), or HTML with `f=html` or a browser's Accept header."""
    return {
        "description": description,
        "content": {media: {"schema": {"type": "object"}}, "text/html": {"schema": {"type": "string"}}},
    }


def _error_responses() -> dict:
    schema = {
        "type": "object",
        "required": ["code", "description"],
        "properties": {"code": {"type": "string"}, "description": {"type": "string"}},
    }
    return {
        "400": {"description": _("Parameter salah"), "content": {JSON: {"schema": schema}}},
        "404": {"description": _("Tidak ada"), "content": {JSON: {"schema": schema}}},
    }


def document(server_url: str, collections: dict[str, Collection]) -> dict:
    f_param = _param("f", _("Format jawaban"), {"type": "string", "enum": ["json", "html"]})
    queryables: dict[str, dict] = {}
    for c in collections.values():
        for name, q in c.queryables.items():
            schema = {"type": q.kind}
            if q.choices:
                schema = {"type": "string"}  # the valid codes differ per collection; a wrong one is a 400
            queryables.setdefault(name, _param(name, q.title, schema))
    components = {
        "parameters": {
            "limit": _param(
                "limit",
                _("Jumlah fitur per halaman; nilai di atas maksimum dipangkas ke maksimum."),
                {"type": "integer", "minimum": 1, "maximum": queries.max_limit(), "default": queries.DEFAULT_LIMIT},
                style="form",
                explode=False,
            ),
            "offset": _param("offset", _("Lewati sejumlah fitur (halaman)"), {"type": "integer", "minimum": 0}),
            "bbox": _param(
                "bbox",
                _("Kotak batas CRS84: bujur barat, lintang selatan, bujur timur, lintang utara"),
                {"type": "array", "minItems": 4, "maxItems": 6, "items": {"type": "number"}},
                style="form",
                explode=False,
            ),
            "datetime": _param(
                "datetime",
                _("Tanggal/waktu RFC 3339 atau selang awal/akhir, '..' untuk ujung terbuka"),
                {"type": "string"},
            ),
            "collectionId": _param(
                "collectionId",
                _("Id koleksi"),
                {"type": "string", "enum": list(collections)},
                location="path",
                required=True,
            ),
            "featureId": _param("featureId", _("Id fitur"), {"type": "string"}, location="path", required=True),
            "f": f_param,
            **queryables,
        }
    }
    ref = {name: {"$ref": f"#/components/parameters/{name}"} for name in components["parameters"]}
    get = "get"
    paths = {
        "/": {
            get: {
                "operationId": "getLandingPage",
                "summary": _("Halaman awal"),
                "parameters": [ref["f"]],
                "responses": {"200": _json_response(_("Halaman awal"))} | _error_responses(),
            }
        },
        "/conformance": {
            get: {
                "operationId": "getConformanceDeclaration",
                "summary": _("Kelas kesesuaian"),
                "parameters": [ref["f"]],
                "responses": {"200": _json_response(_("Kelas kesesuaian"))} | _error_responses(),
            }
        },
        "/collections": {
            get: {
                "operationId": "getCollections",
                "summary": _("Daftar koleksi"),
                "parameters": [ref["f"]],
                "responses": {"200": _json_response(_("Koleksi"))} | _error_responses(),
            }
        },
        "/collections/{collectionId}": {
            get: {
                "operationId": "describeCollection",
                "summary": _("Keterangan satu koleksi"),
                "parameters": [ref["collectionId"], ref["f"]],
                "responses": {"200": _json_response(_("Koleksi"))} | _error_responses(),
            }
        },
        "/collections/{collectionId}/items": {
            get: {
                "operationId": "getFeatures",
                "summary": _("Fitur satu koleksi"),
                "parameters": [
                    ref["collectionId"],
                    components["parameters"]["limit"],  # inline: GDAL reads its page size here, without $ref
                    ref["offset"],
                    ref["bbox"],
                    ref["datetime"],
                    ref["f"],
                    *(ref[name] for name in queryables),
                ],
                "responses": {"200": _json_response(_("Fitur (GeoJSON)"), GEOJSON)} | _error_responses(),
            }
        },
        "/collections/{collectionId}/items/{featureId}": {
            get: {
                "operationId": "getFeature",
                "summary": _("Satu fitur"),
                "parameters": [ref["collectionId"], ref["featureId"], ref["f"]],
                "responses": {"200": _json_response(_("Fitur (GeoJSON)"), GEOJSON)} | _error_responses(),
            }
        },
    }
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Dusun Online — OGC API Features",
            "version": "1.0.0",
            "description": _("Lapisan publik Potensi Ruang Mikro dan batas wilayah (GeoJSON, CRS84)."),
            "contact": {"name": "Dusun Online"},
            "license": {"name": _("Lihat katalog data terbuka")},
        },
        "servers": [{"url": server_url}],
        "paths": paths,
        "components": components,
    }
