"""The server-side tile cache as web requests use it: in autocommit (outside any transaction).

A module of its own: the other modules keep their demo data in a module-wide transaction, and a
transactional test must not run inside it (pytest-django runs these after the others anyway).
"""

import pytest
from django.contrib.gis.geos import Point
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dusun.akun.models import User
from dusun.ruang import services, tiles
from dusun.ruang.layers import LAYERS
from dusun.wilayah.models import Wilayah
from dusun.wilayah.selectors import label_point

from .conftest import URBAN, tile_of
from .mvt import decode


@pytest.mark.django_db(transaction=True)
def test_a_cached_tile_is_served_without_rendering_again(client, reference_data):
    """In autocommit (as web requests run) a tile is rendered once per data version, then served from
    the cache; a write moves the version and the next request renders again."""
    tiles.tile_cache().clear()
    admin = User.objects.create_superuser("admin-cache", password="rahasia-sekali-123")
    village = Wilayah.objects.get(kode=URBAN)
    lon, lat = label_point(village)
    spec = LAYERS["fasilitas"]
    services.create_feature(spec, user=admin, dusun=village, geom=Point(lon, lat, srid=4326), attributes={"kind": "sd"})
    z = 15
    x, y = tile_of(lon, lat, z)
    path = f"/tiles/fasilitas/{z}/{x}/{y}.pbf"
    with CaptureQueriesContext(connection) as miss:
        first = client.get(path)
    with CaptureQueriesContext(connection) as hit:
        second = client.get(path)
    assert first.status_code == second.status_code == 200 and first.content == second.content
    assert any("ST_AsMVT" in q["sql"] for q in miss.captured_queries)
    assert not any("ST_AsMVT" in q["sql"] for q in hit.captured_queries)
    assert len(hit.captured_queries) == 1  # only the version lookup

    services.create_feature(
        spec, user=admin, dusun=village, geom=Point(lon, lat, srid=4326), attributes={"kind": "smp"}
    )
    with CaptureQueriesContext(connection) as after_write:
        third = client.get(path)
    assert any("ST_AsMVT" in q["sql"] for q in after_write.captured_queries)
    assert len(decode(third.content)["fasilitas"].features) == 2
