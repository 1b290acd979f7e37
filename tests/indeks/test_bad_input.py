"""Bad input: a clear Bahasa Indonesia message naming what and where, and nothing half-written."""

import json

import pytest
from django.core.management import CommandError, call_command

from dusun.indeks import services
from dusun.indeks.models import Result, ResultItem, Series
from dusun.wilayah.models import Wilayah

from .conftest import DATA, RAW


def raw(kode_nodot: str, year: int) -> dict:
    return json.loads((RAW / kode_nodot / f"{year}.json").read_text("utf-8"))


def as_file(name: str, payload) -> tuple[str, bytes]:
    return name, (payload if isinstance(payload, bytes) else json.dumps(payload).encode())


def counts():
    return Result.objects.count(), ResultItem.objects.count()


def refused(files, *fragments) -> str:
    before = counts()
    with pytest.raises(services.InputError) as info:
        services.import_official_files(files)
    assert counts() == before, "nothing may be written"
    message = str(info.value)
    for fragment in fragments:
        assert fragment in message, message
    return message


def test_score_outside_0_to_5_in_an_official_file(idm):
    payload = raw("1508022001", 2021)
    payload["mapData"]["ROW"][3]["SKOR"] = 7
    refused([as_file("rantau-duku.json", payload)], "rantau-duku.json, ROW[3]", "Skor Nakes Lain", "skor 7 di luar")


def test_unknown_item_label_in_an_official_file(idm):
    payload = raw("1508022001", 2021)
    payload["mapData"]["ROW"][40]["INDIKATOR"] = "Skor Warung Kopi"
    refused([as_file("x.json", payload)], "x.json, ROW[40]", "'Skor Warung Kopi' tidak dikenal", "komponen IKE")


def test_missing_item_row_and_shifted_number(idm):
    payload = raw("1508022001", 2021)
    del payload["mapData"]["ROW"][5]
    refused([as_file("x.json", payload)], "IKS.06 (Skor Akses Poskesdes)", "tidak ada di berkas")
    payload = raw("1508022001", 2021)
    payload["mapData"]["ROW"][5]["NO"] = 9
    refused([as_file("x.json", payload)], "ROW[5]", "bernomor 9, seharusnya 6")


def test_official_file_for_an_unknown_dusun_code(idm):
    """Cikedokan (Bekasi) is a real Kemendesa payload, but not a village of this installation."""
    payload = (DATA / "cikedokan_3216082011_rumusan_idm2021.json").read_bytes()
    refused([("cikedokan.json", payload)], "cikedokan.json", "32.16.08.2011", "CIKEDOKAN", "tidak dikenal")


def test_official_file_for_a_kelurahan(idm):
    payload = raw("1508022001", 2021)
    payload["mapData"]["IDENTITAS"][0]["id_desa"] = "1508031006"  # Kelurahan Tanjung Gedang
    refused([as_file("x.json", payload)], "15.08.03.1006", "Kelurahan", "bukan desa")


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"{not json", "bukan JSON yang sah (baris 1"),
        (b"[1, 2]", "harus berupa objek"),
        (json.dumps({"status": 400, "error": True, "message": "ID Desa tidak ditemukan"}).encode(), "galat"),
        (json.dumps({"status": 200, "mapData": {}}).encode(), "'mapData.SUMMARIES' tidak ada"),
        (b"\xff\xfe\x00", "bukan teks UTF-8"),
    ],
)
def test_wrong_json_shape(idm, content, fragment):
    refused([("bad.json", content)], "bad.json", fragment)


def test_year_in_labels_must_agree_with_summaries(idm):
    payload = raw("1508022001", 2021)
    payload["mapData"]["SUMMARIES"]["TAHUN"] = 2022
    refused([as_file("x.json", payload)], "ROW[35]", "'IKS 2021' tidak sesuai dengan SUMMARIES.TAHUN 2022")


def test_one_bad_file_refuses_the_whole_batch(idm):
    good = raw("1508022001", 2021)
    good["mapData"]["ROW"][0]["KETERANGAN"] = "versi baru"
    bad = raw("1508022002", 2021)
    bad["mapData"]["ROW"][1]["SKOR"] = -1
    message = refused([as_file("good.json", good), as_file("bad.json", bad)], "bad.json, ROW[1]")
    assert "good.json" not in message


def test_two_files_for_the_same_dusun_and_year_in_one_batch(idm):
    first = raw("1508022001", 2021)
    second = raw("1508022001", 2021)
    second["mapData"]["ROW"][0]["KETERANGAN"] = "lain"
    refused([as_file("a.json", first), as_file("b.json", second)], "b.json", "sama dengan a.json")


def test_command_refuses_and_reports_every_problem(idm, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{", "utf-8")
    with pytest.raises(CommandError, match="Tidak ada yang diimpor. 1 masalah"):
        call_command("import_idm", str(bad), verbosity=0)


def test_shipped_file_whose_content_contradicts_its_folder(idm, tmp_path):
    folder = tmp_path / "raw" / "1508022002"
    folder.mkdir(parents=True)
    (folder / "2021.json").write_text(json.dumps(raw("1508022001", 2021)), "utf-8")
    with pytest.raises(CommandError, match="menunjuk 15.08.02.2001, padahal berkas ini untuk 15.08.02.2002"):
        call_command("load_idm", "--official-dir", str(tmp_path / "raw"), verbosity=0)


def test_entered_scores_outside_range_or_unknown_codes(idm, users):
    dusun = Wilayah.objects.get(kode="15.08.14.2009")
    before = counts()
    with pytest.raises(services.InputError) as info:
        services.save_entries(dusun, 2025, {"IKS.01": 6, "IKS.02": -1, "IKS.77": 3}, user=users["admin"])
    message = str(info.value)
    assert "IKS.01 (Skor Akses Sarkes): skor 6 di luar rentang 0–5" in message
    assert "IKS.02 (Skor Dokter): skor -1 di luar rentang 0–5" in message
    assert "Kode indikator 'IKS.77' tidak dikenal" in message
    assert counts() == before


def test_entered_scores_for_a_kelurahan_or_a_year_out_of_range(idm, users):
    kelurahan = Wilayah.objects.get(kode="15.08.03.1006")
    with pytest.raises(services.InputError, match="bukan desa"):
        services.save_entries(kelurahan, 2025, {"IKS.01": 5}, user=users["superuser"])
    with pytest.raises(services.InputError, match="Tahun 1999 di luar rentang"):
        services.save_entries(Wilayah.objects.get(kode="15.08.14.2009"), 1999, {"IKS.01": 5}, user=users["admin"])


def test_second_result_for_same_dusun_and_year_is_a_version_not_an_overwrite(idm, users):
    dusun = Wilayah.objects.get(kode="15.08.02.2001")
    services.save_entries(dusun, 2021, {"IKS.01": 3}, user=users["admin"], base_version=1)
    services.save_entries(dusun, 2021, {"IKS.01": 4}, user=users["admin"], base_version=2)
    rows = Result.objects.filter(dusun=dusun, year=2021, series=Series.COMPUTED).order_by("version")
    assert [(r.version, r.is_current) for r in rows] == [(1, False), (2, False), (3, True)]
    assert [r.items.get(item__code="IKS.01").score for r in rows] == [5, 3, 4]


def test_form_post_with_a_forged_score_is_refused(client, idm, users):
    client.force_login(users["operator"])
    url = "/indeks/dusun/15.08.02.2005/2023/isi/"
    response = client.post(url, {"base_version": 1, "IKS.01": "9"})
    assert response.status_code == 200
    assert "IKS.01" in response.context["form"].errors  # 9 is not one of the item's bands
    assert 'class="error"' in response.content.decode()
    assert Result.objects.filter(dusun__kode="15.08.02.2005", year=2023, series="hitung").count() == 1
