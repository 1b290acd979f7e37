"""/api/v1/wilayah/<kode>/keluarga/: the register list with the UI's rules — personal data (KK number, head's
name) for the village's operator and the kabupaten admin, each page logged in AccessLog; kecamatan staff get
the masked verification rows; anyone else 403; no token 401."""

import json
import re

import pytest

from dusun.akun.models import AccessLog
from dusun.warga.models import Household, Resident

from .conftest import BERINGIN, TELANG

pytestmark = pytest.mark.django_db

URL = "/api/v1/wilayah/{}/keluarga/"


def get(client, path, key=None):
    return client.get(path, headers={"Authorization": f"Bearer {key}"} if key else {})


def test_operator_reads_own_village_and_is_logged(client, keys, users, world):
    total = Household.objects.filter(dusun__kode=TELANG).count()
    assert total > 0
    response = get(client, URL.format(TELANG) + "?limit=10", keys["op_a"])
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and response["X-Robots-Tag"].startswith("noindex")
    body = response.json()
    assert body["pribadi"] is True and body["count"] == total and len(body["items"]) == min(10, total)
    first = body["items"][0]
    household = Household.objects.get(uuid=first["uuid"])
    assert first["nomor_kk"] == household.kk_number
    assert first["nomor_kk_tersamar"] == household.kk_number[:4] + "********" + household.kk_number[-4:]
    log = AccessLog.objects.get(user=users["op_a"])
    assert (log.action, log.wilayah.kode, log.record_count, log.object_type) == (
        "daftar",
        TELANG,
        len(body["items"]),
        "warga.household",
    )
    assert household.kk_number not in log.object_ref


def test_out_of_scope_and_unauthenticated(client, keys, world):
    assert get(client, URL.format(BERINGIN), keys["op_a"]).status_code == 403
    assert get(client, URL.format(TELANG), keys["nobody"]).status_code == 403
    assert get(client, URL.format(TELANG)).status_code == 401
    assert get(client, URL.format("15.08.14"), keys["admin"]).status_code == 404  # villages only
    assert not AccessLog.objects.exists()
    assert get(client, URL.format(BERINGIN), keys["admin"]).json()["pribadi"] is True


def test_kecamatan_gets_masked_rows_without_names(client, keys, world):
    total = Household.objects.filter(dusun__kode=TELANG).count()
    assert total > 50  # more than one of the selector's pages
    seen = []
    offset = 0
    while True:
        body = get(client, URL.format(TELANG) + f"?limit=37&offset={offset}", keys["camat"]).json()
        assert body["pribadi"] is False and body["count"] == total
        seen.extend(body["items"])
        if body["next"] is None:
            break
        offset += 37
    assert len(seen) == total  # pages through the selector's 50-row pages without gaps or repeats
    text = json.dumps(seen, ensure_ascii=False)
    assert not re.search(r"\d{16}", text)
    names = set(Resident.objects.filter(dusun__kode=TELANG).values_list("name", flat=True))
    assert not [n for n in names if n in text]
    assert all(item["uuid"] is None and item["kepala_keluarga"] is None for item in seen)
    kks = sorted(Household.objects.filter(dusun__kode=TELANG).values_list("kk_number", flat=True))
    assert [i["nomor_kk_tersamar"] for i in seen] == [k[:4] + "********" + k[-4:] for k in kks]
    assert not AccessLog.objects.exists()  # as the masked page: no personal data, nothing to log
    past_end = get(client, URL.format(TELANG) + f"?offset={total}", keys["camat"]).json()
    assert past_end["items"] == [] and past_end["next"] is None
