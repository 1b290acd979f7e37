"""`/ogc/`: OGC API – Features Part 1 (Core, GeoJSON, HTML) over the public layers, for QGIS, GDAL & co.

Views only orchestrate: the collections are in `collections`, parameters and queries in `queries`.
JSON is the default representation; a browser (Accept: text/html without JSON) or `?f=html` gets HTML.
Every error is JSON `{"code": ..., "description": ...}` (as pygeoapi answers) with status 400/404.
"""

import json

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from . import collections as registry
from . import openapi, queries
from .queries import CRS84, OgcError

JSON = "application/json"
GEOJSON = "application/geo+json"
HTML = "text/html"
OPENAPI = "application/vnd.oai.openapi+json;version=3.0"

CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
]


def _dumps(doc) -> str:
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":"))


def _response(body: str | bytes, content_type: str, status: int = 200) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type, status=status)
    response["Access-Control-Allow-Origin"] = "*"  # public data, for web map clients on other sites
    response["Vary"] = "Accept"
    if status == 200:
        # Public data; a minute is short enough that an edit is seen almost at once.
        response["Cache-Control"] = "public, max-age=60"
    return response


def error_response(exc: OgcError) -> HttpResponse:
    body = _dumps({"code": exc.code, "description": exc.description})
    response = _response(body, JSON, status=exc.status)
    response["Cache-Control"] = "no-store"
    return response


def _format(request: HttpRequest) -> str:
    """ "json" or "html": `?f=` wins, else the Accept header (browsers ask for HTML without naming JSON)."""
    f = request.GET.get("f")
    if f is not None:
        if f in ("json", "geojson"):
            return "json"
        if f == "html":
            return "html"
        raise OgcError(
            400,
            "InvalidParameterValue",
            _("Format '%(f)s' tidak tersedia; pakai f=json atau f=html.") % {"f": queries._shown(f)},
        )
    accept = request.headers.get("Accept", "")
    return "html" if HTML in accept and "json" not in accept else "json"


def _url(request: HttpRequest, name: str, params: dict | None = None, **kwargs) -> str:
    url = request.build_absolute_uri(reverse(f"ogc:{name}", kwargs=kwargs or None))
    return url + ("?" + urlencode(params) if params else "")


def _self_links(request, name: str, json_type: str, title_json: str, title_html: str, fmt: str, **kwargs) -> list:
    """self + alternate links of a resource, in JSON and HTML (self is the one being answered)."""
    json_link = {"href": _url(request, name, {"f": "json"}, **kwargs), "type": json_type, "title": title_json}
    html_link = {"href": _url(request, name, {"f": "html"}, **kwargs), "type": HTML, "title": title_html}
    if fmt == "html":
        return [{"rel": "self", **html_link}, {"rel": "alternate", **json_link}]
    return [{"rel": "self", **json_link}, {"rel": "alternate", **html_link}]


def _ogc_view(view):
    """GET/HEAD only; every OgcError becomes its JSON answer (a bad request never reaches a query)."""

    @require_safe
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except OgcError as exc:
            return error_response(exc)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


def _no_params(request: HttpRequest) -> str:
    fmt = _format(request)
    queries.single_values(request.GET, ("f",))
    return fmt


def _collection_or_404(collection_id: str) -> registry.Collection:
    collection = registry.get(collection_id)
    if collection is None:
        raise OgcError(
            404,
            "NotFound",
            _("Koleksi '%(id)s' tidak ada. Koleksi yang tersedia: %(ids)s.")
            % {"id": queries._shown(collection_id), "ids": ", ".join(registry.collections())},
        )
    return collection


def _render_html(request: HttpRequest, template: str, context: dict) -> HttpResponse:
    response = render(request, f"portal/ogc/{template}", context)
    response["Vary"] = "Accept"
    return response


# ---------------------------------------------------------------------------------------------------------
# Landing page and conformance
# ---------------------------------------------------------------------------------------------------------


@_ogc_view
def landing(request: HttpRequest) -> HttpResponse:
    """`/ogc/`: what this API is and where its parts are."""
    fmt = _no_params(request)
    doc = {
        "title": _("Dusun Online — OGC API Features"),
        "description": _(
            "Lapisan publik Potensi Ruang Mikro dan batas wilayah dalam standar OGC API – Features (GeoJSON, "
            "CRS84). Bisa dibuka langsung di QGIS dan GDAL/OGR. Tanpa data pribadi."
        ),
        "links": _self_links(request, "landing", JSON, _("Halaman ini (JSON)"), _("Halaman ini (HTML)"), fmt)
        + [
            {
                "rel": "service-desc",
                "href": _url(request, "api"),
                "type": OPENAPI,
                "title": _("Definisi API (OpenAPI 3.0)"),
            },
            {
                "rel": "conformance",
                "href": _url(request, "conformance"),
                "type": JSON,
                "title": _("Kelas kesesuaian yang dipenuhi"),
            },
            {
                "rel": "data",
                "href": _url(request, "collections"),
                "type": JSON,
                "title": _("Koleksi data"),
            },
            {
                "rel": "http://www.opengis.net/def/rel/ogc/1.0/data",
                "href": _url(request, "collections"),
                "type": JSON,
                "title": _("Koleksi data"),
            },
        ],
    }
    if fmt == "html":
        return _render_html(request, "landing.html", {"doc": doc, "collections": _collection_docs(request)})
    return _response(_dumps(doc), JSON)


@_ogc_view
def api(request: HttpRequest) -> HttpResponse:
    """`/ogc/api`: the OpenAPI 3.0 document (QGIS reads the page-size limits from it)."""
    queries.single_values(request.GET, ("f",))
    server = _url(request, "landing").rstrip("/")
    doc = openapi.document(server, registry.collections())
    return _response(_dumps(doc), OPENAPI)


@_ogc_view
def conformance(request: HttpRequest) -> HttpResponse:
    """`/ogc/conformance`: only what is implemented (no OpenAPI document is served, so no oas30)."""
    fmt = _no_params(request)
    doc = {"conformsTo": CONFORMANCE}
    if fmt == "html":
        return _render_html(request, "conformance.html", {"doc": doc})
    return _response(_dumps(doc), JSON)


# ---------------------------------------------------------------------------------------------------------
# Collections
# ---------------------------------------------------------------------------------------------------------


def _collection_doc(request: HttpRequest, collection: registry.Collection, fmt: str = "json") -> dict:
    extent = queries.extent(collection)
    doc = {
        "id": collection.id,
        "title": str(collection.title),
        "description": str(collection.description),
        "keywords": [str(k) for k in collection.keywords],
        "itemType": "feature",
        "crs": [CRS84],
        "storageCrs": CRS84,
        "extent": {},
        "links": _self_links(
            request,
            "collection",
            JSON,
            _("Keterangan koleksi (JSON)"),
            _("Keterangan koleksi (HTML)"),
            fmt,
            collection_id=collection.id,
        )
        + [
            {
                "rel": "items",
                "href": _url(request, "items", collection_id=collection.id),
                "type": GEOJSON,
                "title": _("Fitur (GeoJSON)"),
            },
            {
                "rel": "items",
                "href": _url(request, "items", {"f": "html"}, collection_id=collection.id),
                "type": HTML,
                "title": _("Fitur (HTML)"),
            },
            {
                "rel": "license",
                "href": request.build_absolute_uri(reverse("opendata:catalogue")),
                "type": HTML,
                "title": _("Lisensi dan kamus data (katalog data terbuka)"),
            },
        ],
        # Not part of Part 1 core, but a reader (and the HTML page) learns here what it can filter on.
        "queryables": {
            name: {"title": q.title, "type": q.kind, **({"enum": list(q.choices)} if q.choices else {})}
            for name, q in collection.queryables.items()
        },
        "geometryType": collection.geometry_type,
    }
    if extent["spatial"]:
        doc["extent"]["spatial"] = {"bbox": [extent["spatial"]], "crs": CRS84}
    if extent["temporal"]:
        doc["extent"]["temporal"] = {
            "interval": [extent["temporal"]],
            "trs": "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian",
        }
    if collection.temporal:
        doc["temporalProperty"] = collection.temporal.title
    return doc


def _collection_docs(request: HttpRequest) -> list[dict]:
    return [_collection_doc(request, c) for c in registry.collections().values()]


@_ogc_view
def collections_list(request: HttpRequest) -> HttpResponse:
    """`/ogc/collections`: every collection with its extent and links."""
    fmt = _no_params(request)
    doc = {
        "links": _self_links(request, "collections", JSON, _("Koleksi (JSON)"), _("Koleksi (HTML)"), fmt),
        "collections": _collection_docs(request),
        "crs": [CRS84],
    }
    if fmt == "html":
        return _render_html(request, "collections.html", {"doc": doc})
    return _response(_dumps(doc), JSON)


@_ogc_view
def collection(request: HttpRequest, collection_id: str) -> HttpResponse:
    """`/ogc/collections/{id}`."""
    fmt = _format(request)
    item = _collection_or_404(collection_id)
    queries.single_values(request.GET, ("f",))
    doc = _collection_doc(request, item, fmt)
    if fmt == "html":
        return _render_html(request, "collection.html", {"doc": doc, "collection": item})
    return _response(_dumps(doc), JSON)


# ---------------------------------------------------------------------------------------------------------
# Features
# ---------------------------------------------------------------------------------------------------------


@_ogc_view
def items(request: HttpRequest, collection_id: str) -> HttpResponse:
    """`/ogc/collections/{id}/items`: one page of features (bbox, datetime, property filters, limit/offset)."""
    fmt = _format(request)
    item = _collection_or_404(collection_id)
    query = queries.parse_items(item, request.GET)
    features, matched = queries.page(item, query)

    # Paging links keep every filter and the effective (possibly clamped) limit.
    base = {k: v for k, v in request.GET.items() if k not in ("offset", "limit", "f")}
    base["limit"] = str(query.limit)

    def page_url(offset: int, f: str | None = None) -> str:
        params = dict(base, offset=str(offset)) if offset else dict(base)
        if f:
            params["f"] = f
        return _url(request, "items", params, collection_id=item.id)

    json_link = {"href": page_url(query.offset, "json"), "type": GEOJSON, "title": _("Halaman ini (GeoJSON)")}
    html_link = {"href": page_url(query.offset, "html"), "type": HTML, "title": _("Halaman ini (HTML)")}
    links = (
        [{"rel": "self", **html_link}, {"rel": "alternate", **json_link}]
        if fmt == "html"
        else [{"rel": "self", **json_link}, {"rel": "alternate", **html_link}]
    )
    next_type = HTML if fmt == "html" else GEOJSON
    if query.offset + len(features) < matched and features:
        links.append(
            {
                "rel": "next",
                "href": page_url(query.offset + query.limit, fmt),
                "type": next_type,
                "title": _("Halaman berikutnya"),
            }
        )
    if query.offset > 0:
        links.append(
            {
                "rel": "prev",
                "href": page_url(max(0, query.offset - query.limit), fmt),
                "type": next_type,
                "title": _("Halaman sebelumnya"),
            }
        )
    links.append(
        {
            "rel": "collection",
            "href": _url(request, "collection", collection_id=item.id),
            "type": JSON,
            "title": str(item.title),
        }
    )
    if fmt == "html":
        return _render_html(
            request,
            "items.html",
            {
                "collection": item,
                "features": [json.loads(f) for f in features],
                "property_names": list(item.properties),
                "matched": matched,
                "query": query,
                "links": links,
                "first": query.offset + 1,
                "last": query.offset + len(features),
            },
        )
    head = {
        "type": "FeatureCollection",
        "timeStamp": _now(),
        "numberMatched": matched,
        "numberReturned": len(features),
        "links": links,
    }
    # The features are spliced in as text (see queries.feature_json): no parse and re-dump of geometries.
    body = _dumps(head)[:-1] + ',"features":[' + ",".join(features) + "]}"
    response = _response(body, GEOJSON)
    response["Content-Crs"] = f"<{CRS84}>"
    if query.clamped:
        # Not an error (the standard allows it), but say so: a client asked for more than one page holds.
        response["OGC-Limit-Clamped"] = str(query.limit)
    return response


def _now() -> str:
    from django.utils import timezone

    return timezone.now().replace(microsecond=0).isoformat().replace("+00:00", "Z")


@_ogc_view
def item(request: HttpRequest, collection_id: str, feature_id: str) -> HttpResponse:
    """`/ogc/collections/{id}/items/{featureId}`: one feature."""
    fmt = _format(request)
    coll = _collection_or_404(collection_id)
    queries.single_values(request.GET, ("f", "crs"))
    queries.check_crs(dict(request.GET.items()))
    feature = queries.one_feature(coll, feature_id)
    if feature is None:
        raise OgcError(
            404,
            "NotFound",
            _("Fitur '%(fid)s' tidak ada di koleksi %(id)s.") % {"fid": queries._shown(feature_id), "id": coll.id},
        )
    links = _self_links(
        request,
        "item",
        GEOJSON,
        _("Fitur ini (GeoJSON)"),
        _("Fitur ini (HTML)"),
        fmt,
        collection_id=coll.id,
        feature_id=feature_id,
    ) + [
        {
            "rel": "collection",
            "href": _url(request, "collection", collection_id=coll.id),
            "type": JSON,
            "title": str(coll.title),
        }
    ]
    if fmt == "html":
        data = json.loads(feature)
        return _render_html(
            request,
            "item.html",
            {"collection": coll, "feature": data, "links": links},
        )
    body = feature[:-1] + ',"links":' + _dumps(links) + "}"
    response = _response(body, GEOJSON)
    response["Content-Crs"] = f"<{CRS84}>"
    return response


@_ogc_view
def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Anything else under /ogc/: a JSON 404 that names the paths there are."""
    raise OgcError(
        404,
        "NotFound",
        _("Alamat ini tidak ada di OGC API. Mulai dari %(url)s (conformance, collections, collections/{id}/items).")
        % {"url": _url(request, "landing")},
    )
