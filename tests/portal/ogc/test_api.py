"""OGC API – Features at /ogc/ through Django's test client: documents, paging, filters, bad input, privacy."""

import json
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dusun.portal.ogc import collections as registry
from dusun.ruang.layers import LAYERS
from dusun.ruang.models import Facility, LandCover
from dusun.wilayah.models import Level, Wilayah

from .conftest import BERINGIN, KECAMATAN, SECRET_NOTE, SECRET_USER, TELANG

pytestmark = pytest.mark.django_db
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"


def get_json(client, url, status=200, **headers):
    response = client.get(url, **headers)
    assert response.status_code == status, (url, response.status_code, response.content[:300])
    return response, json.loads(response.content)


def all_pages(client, url) -> tuple[list[dict], int]:
    """Follow `next` links as GDAL does; return every feature and the number of pages."""
    features, pages = [], 0
    while url:
        _r, doc = get_json(client, url)
        features += doc["features"]
        pages += 1
        url = next((link["href"] for link in doc["links"] if link["rel"] == "next"), None)
        assert pages < 100
    return features, pages


def test_landing_page_links(client, ogc_world):
    response, doc = get_json(client, "/ogc/")
    assert response["Content-Type"] == "application/json"
    rels = {link["rel"]: link for link in doc["links"]}
    assert {"self", "alternate", "service-desc", "conformance", "data"} <= set(rels)
    assert rels["data"]["href"].endswith("/ogc/collections") and rels["data"]["type"] == "application/json"
    assert rels["service-desc"]["type"] == "application/vnd.oai.openapi+json;version=3.0"
    assert all(link.get("title") for link in doc["links"])


def test_conformance_and_openapi(client, settings):
    _r, doc = get_json(client, "/ogc/conformance")
    assert "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core" in doc["conformsTo"]
    assert "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson" in doc["conformsTo"]
    settings.DUSUN_OGC_MAX_LIMIT = 250
    response, api = get_json(client, "/ogc/api")
    assert response["Content-Type"].startswith("application/vnd.oai.openapi+json")
    assert api["openapi"].startswith("3.0")
    # QGIS sizes its pages from these two numbers.
    assert api["components"]["parameters"]["limit"]["schema"]["maximum"] == 250
    assert api["components"]["parameters"]["limit"]["schema"]["default"] == 100
    assert "/collections/{collectionId}/items" in api["paths"]


def test_collections_list_every_layer_and_boundary(client, ogc_world):
    _r, doc = get_json(client, "/ogc/collections")
    ids = {c["id"] for c in doc["collections"]}
    assert ids == {"kabupaten", "kecamatan", "dusun", *LAYERS}
    for c in doc["collections"]:
        assert c["itemType"] == "feature"
        assert CRS84 in c["crs"]
        assert {"self", "items"} <= {link["rel"] for link in c["links"]}
    fasilitas = next(c for c in doc["collections"] if c["id"] == "fasilitas")
    west, south, east, north = fasilitas["extent"]["spatial"]["bbox"][0]
    for f in Facility.objects.all():
        assert west <= f.geom.x <= east and south <= f.geom.y <= north
    assert fasilitas["extent"]["temporal"]["interval"] == [["2019-06-01T00:00:00Z", "2021-03-15T23:59:59Z"]]
    _r, one = get_json(client, "/ogc/collections/tutupan-lahan")
    assert one["extent"]["temporal"]["interval"] == [["2010-01-01T00:00:00Z", "2020-12-31T23:59:59Z"]]
    items = next(link for link in one["links"] if link["rel"] == "items" and link["type"] == "application/geo+json")
    assert items["href"].endswith("/ogc/collections/tutupan-lahan/items")


def test_items_pages_through_every_feature(client, ogc_world):
    response, doc = get_json(client, "/ogc/collections/fasilitas/items?limit=10")
    assert response["Content-Type"] == "application/geo+json"
    assert doc["type"] == "FeatureCollection"
    assert doc["numberMatched"] == Facility.objects.count() == 25
    assert doc["numberReturned"] == len(doc["features"]) == 10
    features, pages = all_pages(client, "/ogc/collections/fasilitas/items?limit=10")
    assert pages == 3
    assert sorted(f["id"] for f in features) == sorted(Facility.objects.values_list("pk", flat=True))
    last = features[-1]
    assert last["geometry"]["type"] == "Point"
    assert last["properties"]["dusun"] in (TELANG, BERINGIN)


def test_limit_above_maximum_is_clamped(client, ogc_world, settings):
    settings.DUSUN_OGC_MAX_LIMIT = 7
    response, doc = get_json(client, "/ogc/collections/fasilitas/items?limit=1000000000000000000000")
    assert doc["numberReturned"] == 7 and doc["numberMatched"] == 25
    assert response["OGC-Limit-Clamped"] == "7"
    nxt = next(link["href"] for link in doc["links"] if link["rel"] == "next")
    assert parse_qs(urlsplit(nxt).query) == {"limit": ["7"], "offset": ["7"], "f": ["json"]}
    features, pages = all_pages(client, "/ogc/collections/fasilitas/items")
    assert len(features) == 25 and pages == 4


def test_bbox_filters_by_geometry(client, ogc_world):
    q = ogc_world["beringin"].geom.point_on_surface
    bbox = f"{q.x - 0.00005},{q.y - 0.00005},{q.x + 0.00005},{q.y + 0.0002}"
    _r, doc = get_json(client, f"/ogc/collections/fasilitas/items?bbox={bbox}")
    assert doc["numberMatched"] == 2
    assert {f["properties"]["dusun"] for f in doc["features"]} == {BERINGIN}
    # The bbox travels with the next link.
    _r, doc = get_json(client, f"/ogc/collections/fasilitas/items?bbox={bbox}&limit=1")
    nxt = next(link["href"] for link in doc["links"] if link["rel"] == "next")
    assert parse_qs(urlsplit(nxt).query)["bbox"] == [bbox]
    # A box around the whole kabupaten holds everything (and is answered without the geometry test).
    _r, doc = get_json(client, "/ogc/collections/fasilitas/items?bbox=101,-2.5,103,-0.5")
    assert doc["numberMatched"] == 25
    _r, doc = get_json(client, "/ogc/collections/fasilitas/items?bbox=0,0,1,1")
    assert doc["numberMatched"] == 0 and doc["features"] == []


@pytest.mark.parametrize(
    ("collection", "datetime", "expected"),
    [
        ("fasilitas", "2019-06-01", 8),
        ("fasilitas", "2019-06-01T08:00:00Z", 8),
        ("fasilitas", "2019-01-01/2021-12-31", 16),
        ("fasilitas", "../2020-01-01", 8),
        ("fasilitas", "2020-01-01/..", 8),
        ("fasilitas", "2020-01-01/", 8),
        ("fasilitas", "2022-01-01/..", 0),
        ("tutupan-lahan", "2010-07-01", 3),
        ("tutupan-lahan", "2015-01-01/..", 3),
        ("tutupan-lahan", "2000-01-01/2030-01-01", 6),
        ("bencana", "../2021-01-01", 1),
    ],
)
def test_datetime(client, ogc_world, collection, datetime, expected):
    _r, doc = get_json(client, f"/ogc/collections/{collection}/items?datetime={datetime}")
    assert doc["numberMatched"] == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (f"dusun={BERINGIN}", 2),
        (f"dusun={TELANG}", 23),
        (f"kecamatan={KECAMATAN}", 25),
        ("kecamatan=15.08.01", 0),
        ("kind=masjid", 2),
        (f"kind=sd&dusun={TELANG}", 11),
    ],
)
def test_property_filters(client, ogc_world, query, expected):
    _r, doc = get_json(client, f"/ogc/collections/fasilitas/items?{query}")
    assert doc["numberMatched"] == expected


def test_land_cover_filters_and_properties(client, ogc_world):
    klass = ogc_world["klass"]
    _r, doc = get_json(client, f"/ogc/collections/tutupan-lahan/items?tahun=2020&kelas={klass.code}")
    assert doc["numberMatched"] == 3
    props = doc["features"][0]["properties"]
    assert props["tahun"] == 2020 and props["kelas"] == klass.code and props["kelas_nama"] == klass.name_id
    assert props["area_ha"] == 12.5
    assert doc["features"][0]["geometry"]["type"] == "MultiPolygon"


def test_single_feature_and_boundaries(client, ogc_world):
    facility = Facility.objects.filter(dusun__kode=BERINGIN).first()
    response, doc = get_json(client, f"/ogc/collections/fasilitas/items/{facility.pk}")
    assert response["Content-Type"] == "application/geo+json"
    assert doc["id"] == facility.pk
    assert doc["geometry"]["coordinates"] == [round(facility.geom.x, 7), round(facility.geom.y, 7)]
    assert {"self", "collection"} <= {link["rel"] for link in doc["links"]}

    _r, doc = get_json(client, f"/ogc/collections/dusun/items/{TELANG}")
    assert doc["properties"]["nama"] == "Sungai Telang" and doc["properties"]["kecamatan_kode"] == KECAMATAN
    _r, doc = get_json(client, f"/ogc/collections/dusun/items?kecamatan={KECAMATAN}&limit=1000")
    expected = Wilayah.objects.filter(level=Level.DESA, kode__startswith=KECAMATAN + ".").count()
    assert doc["numberMatched"] == len(doc["features"]) == expected > 0
    _r, doc = get_json(client, "/ogc/collections/kecamatan/items?limit=1000")
    assert doc["numberMatched"] == Wilayah.objects.filter(level=Level.KECAMATAN, kode__startswith="15.08.").count()


def test_village_collection_carries_the_latest_idm_status(client, ogc_world):
    call_command("load_idm", verbosity=0)
    _r, doc = get_json(client, "/ogc/collections/dusun/items?limit=1000")
    with_idm = [f["properties"] for f in doc["features"] if f["properties"]["idm_status"]]
    assert with_idm, "the 44 official IDM results should show on their villages"
    assert all(p["idm_seri"] == "resmi" and isinstance(p["idm_nilai"], float) for p in with_idm)


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/ogc/collections/tidak-ada", 404),
        ("/ogc/collections/tidak-ada/items", 404),
        ("/ogc/collections/fasilitas/items/999999999", 404),
        ("/ogc/collections/fasilitas/items/abc", 404),
        ("/ogc/collections/fasilitas/items/1'%20OR%20'1'='1", 404),
        ("/ogc/collections/dusun/items/99.99.99.9999", 404),
        ("/ogc/tidak/ada", 404),
        ("/ogc/collections/fasilitas/items?bbox=1,2,3", 400),
        ("/ogc/collections/fasilitas/items?bbox=1,2,3,4,5", 400),
        ("/ogc/collections/fasilitas/items?bbox=a,b,c,d", 400),
        ("/ogc/collections/fasilitas/items?bbox=103,-1,101,-2", 400),
        ("/ogc/collections/fasilitas/items?bbox=101,-1,103,-2", 400),
        ("/ogc/collections/fasilitas/items?bbox=-200,0,10,10", 400),
        ("/ogc/collections/fasilitas/items?bbox=0,-95,10,10", 400),
        ("/ogc/collections/fasilitas/items?bbox=nan,0,1,1", 400),
        ("/ogc/collections/fasilitas/items?bbox=inf,0,1,1", 400),
        ("/ogc/collections/fasilitas/items?bbox=1e400,0,1,1", 400),
        ("/ogc/collections/fasilitas/items?bbox=1,1,2,2&bbox=1,1,2,2", 400),
        ("/ogc/collections/fasilitas/items?bbox-crs=EPSG:3857&bbox=1,1,2,2", 400),
        ("/ogc/collections/fasilitas/items?limit=0", 400),
        ("/ogc/collections/fasilitas/items?limit=-5", 400),
        ("/ogc/collections/fasilitas/items?limit=abc", 400),
        ("/ogc/collections/fasilitas/items?limit=1.5", 400),
        ("/ogc/collections/fasilitas/items?limit=1e3", 400),
        ("/ogc/collections/fasilitas/items?limit=%EF%BC%91", 400),  # a full-width digit one
        ("/ogc/collections/fasilitas/items?offset=-1", 400),
        ("/ogc/collections/fasilitas/items?offset=9999999999999999999999", 400),
        ("/ogc/collections/fasilitas/items?datetime=kemarin", 400),
        ("/ogc/collections/fasilitas/items?datetime=2020-13-01", 400),
        ("/ogc/collections/fasilitas/items?datetime=2020-02-30", 400),
        ("/ogc/collections/fasilitas/items?datetime=2021-01-01/2020-01-01", 400),
        ("/ogc/collections/fasilitas/items?datetime=../..", 400),
        ("/ogc/collections/fasilitas/items?datetime=2020-01-01/2020-02-01/2020-03-01", 400),
        ("/ogc/collections/dusun/items?datetime=2020-01-01", 400),
        ("/ogc/collections/fasilitas/items?kind=kastil", 400),
        ("/ogc/collections/fasilitas/items?dusun=15.08.14.2009'%20OR%201=1--", 400),
        ("/ogc/collections/fasilitas/items?kecamatan=15.08%25", 400),
        ("/ogc/collections/tutupan-lahan/items?tahun=2020;DROP%20TABLE%20ruang_landcover", 400),
        ("/ogc/collections/tutupan-lahan/items?kelas=1'--", 400),
        ("/ogc/collections/fasilitas/items?created_by=1", 400),
        ("/ogc/collections/fasilitas/items?f=xml", 400),
        ("/ogc/collections/fasilitas/items?crs=EPSG:4326", 400),
        ("/ogc/collections/fasilitas/items?datetime=" + "2" * 500, 400),
        ("/ogc/collections?bbox=1,2,3,4", 400),
        ("/ogc/?limit=1", 400),
    ],
)
def test_bad_input_is_a_clear_json_error(client, ogc_world, url, status):
    response, doc = get_json(client, url, status=status)
    assert response["Content-Type"] == "application/json"
    assert set(doc) == {"code", "description"}
    assert doc["code"] in ("InvalidParameterValue", "NotFound")
    assert 10 < len(doc["description"]) < 600
    assert "Traceback" not in doc["description"]


def test_bad_input_runs_no_feature_query(client, ogc_world):
    with CaptureQueriesContext(connection) as ctx:
        client.get("/ogc/collections/tutupan-lahan/items?bbox=1,2,3&limit=5")
    assert not any("ruang_landcover" in q["sql"] for q in ctx.captured_queries)


def test_no_private_field_in_any_response(client, ogc_world):
    Facility.objects.update(note=SECRET_NOTE)
    LandCover.objects.update(note=SECRET_NOTE)
    bodies = []
    for collection in registry.collections():
        _r, doc = get_json(client, f"/ogc/collections/{collection}/items?limit=1000")
        bodies.append(json.dumps(doc))
        for feature in doc["features"]:
            assert not set(feature["properties"]) & registry.PRIVATE_FIELDS, collection
            assert not {"demo", "created_by_id", "import_batch_id", "user"} & set(feature["properties"])
            _r, one = get_json(client, f"/ogc/collections/{collection}/items/{feature['id']}")
            bodies.append(json.dumps(one))
            break
    for url in ("/ogc/", "/ogc/collections", "/ogc/api", "/ogc/collections/fasilitas/items?f=html"):
        bodies.append(client.get(url).content.decode())
    text = "\n".join(bodies)
    assert SECRET_NOTE not in text
    assert SECRET_USER not in text
    assert '"is_demo"' not in text and '"created_by"' not in text


def test_html_for_browsers(client, ogc_world):
    facility = Facility.objects.first()
    for url in (
        "/ogc/?f=html",
        "/ogc/conformance?f=html",
        "/ogc/collections?f=html",
        "/ogc/collections/fasilitas?f=html",
        "/ogc/collections/fasilitas/items?f=html&limit=5",
        f"/ogc/collections/fasilitas/items/{facility.pk}?f=html",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"].startswith("text/html"), url
    browser = client.get("/ogc/collections/fasilitas/items", HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8")
    assert browser["Content-Type"].startswith("text/html")
    assert "Fasilitas Uji" in browser.content.decode()
    gdal = client.get("/ogc/collections/fasilitas/items", HTTP_ACCEPT="application/geo+json, application/json")
    assert gdal["Content-Type"] == "application/geo+json"
