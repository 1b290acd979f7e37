"""The reference-data loader: real counts, idempotence, in-place updates, and refusal of bad files."""

import csv
import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Sum

from dusun.wilayah.models import Jenis, Level, Wilayah

BATHIN_III_ULU = {
    "15.08.14.2001": ("Muara Buat", "1509032004"),
    "15.08.14.2002": ("Buat", "1509032005"),
    "15.08.14.2003": ("Laman Panjang", "1509032007"),
    "15.08.14.2004": ("Karak Apung", "1509032003"),
    "15.08.14.2005": ("Timbolasi", "1509032002"),
    "15.08.14.2006": ("Senamat Ulu", "1509032008"),
    "15.08.14.2007": ("Aur Cino", "1509032009"),
    "15.08.14.2008": ("Lubuk Beringin", "1509032006"),
    "15.08.14.2009": ("Sungai Telang", "1509032001"),
}


def snapshot() -> dict:
    """Everything a load could change, per area."""
    return {
        w.kode: (
            w.pk,
            w.nama,
            w.level,
            w.jenis,
            w.kode_bps,
            w.parent_id,
            w.geom.wkb.hex() if w.geom else None,
            w.luas_ha,
            w.updated_at,
        )
        for w in Wilayah.objects.all()
    }


def edit_csv(folder, kode, **changes):
    path = folder / "bungo_wilayah_kode.csv"
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    for row in rows:
        if row["kode_kemendagri"] == kode:
            row.update(changes)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def edit_geojson(folder, name, kode, geometry):
    path = folder / name
    data = json.loads(path.read_text())
    for feature in data["features"]:
        if feature["properties"]["kode"] == kode:
            feature["geometry"] = geometry
    path.write_text(json.dumps(data))


def test_bungo_hierarchy_is_complete(reference_data):
    assert Wilayah.objects.filter(level=Level.PROVINSI).count() == 1
    assert Wilayah.objects.filter(level=Level.KABUPATEN).count() == 1
    assert Wilayah.objects.filter(level=Level.KECAMATAN, parent=reference_data).count() == 17
    villages = Wilayah.objects.villages().within(reference_data)
    assert villages.count() == 153
    assert villages.filter(jenis=Jenis.DESA).count() == 141
    assert villages.filter(jenis=Jenis.KELURAHAN).count() == 12
    assert not villages.filter(geom__isnull=True).exists()
    assert reference_data.kode_bps == "1509"  # the BPS code differs from Kemendagri's 15.08
    assert reference_data.nama == "Bungo"


def test_village_areas_sum_to_the_kabupaten_area(reference_data):
    total = Wilayah.objects.villages().within(reference_data).aggregate(t=Sum("luas_ha"))["t"]
    assert abs(total - Decimal("476050")) / Decimal("476050") < Decimal("0.005")


def test_bathin_iii_ulu_pilot_villages_are_present_with_both_codes(reference_data):
    kecamatan = Wilayah.objects.get(kode="15.08.14")
    assert kecamatan.nama == "Bathin III Ulu"
    assert kecamatan.kode_bps == "1509032"
    found = {w.kode: (w.nama, w.kode_bps) for w in Wilayah.objects.filter(parent=kecamatan)}
    assert found == BATHIN_III_ULU


def test_second_load_changes_nothing(reference_data):
    before = snapshot()
    call_command("load_wilayah", verbosity=0)
    assert snapshot() == before


def test_edited_file_updates_only_the_changed_areas_in_place(reference_data, dataset_copy):
    before = snapshot()
    edit_csv(dataset_copy, "15.08.14.2008", nama="Lubuk Beringin Baru")
    # Sungai Telang shrinks to a small square inside its old boundary.
    square = {
        "type": "Polygon",
        "coordinates": [[[101.80, -1.40], [101.81, -1.40], [101.81, -1.39], [101.80, -1.39], [101.80, -1.40]]],
    }
    edit_geojson(dataset_copy, "bungo_desa.geojson", "15.08.14.2009", square)

    call_command("load_wilayah", "--dir", str(dataset_copy), verbosity=0)

    after = snapshot()
    changed = {kode for kode in before if before[kode] != after[kode]}
    assert changed == {"15.08.14.2008", "15.08.14.2009"}
    assert after["15.08.14.2008"][0] == before["15.08.14.2008"][0]  # same primary key: updated in place
    assert after["15.08.14.2008"][1] == "Lubuk Beringin Baru"
    sungai_telang = Wilayah.objects.get(kode="15.08.14.2009")
    assert sungai_telang.pk == before["15.08.14.2009"][0]
    assert Decimal("120") < sungai_telang.luas_ha < Decimal("125")  # ≈ 1.11 km × 1.11 km on the ellipsoid


BOW_TIE = {
    "type": "Polygon",
    "coordinates": [[[101.8, -1.4], [101.9, -1.3], [101.9, -1.4], [101.8, -1.3], [101.8, -1.4]]],
}
UTM_SQUARE = {
    "type": "Polygon",
    "coordinates": [[[200000, 9840000], [201000, 9840000], [201000, 9841000], [200000, 9841000], [200000, 9840000]]],
}


def break_duplicate_code(folder):
    path = folder / "bungo_wilayah_kode.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    duplicate = next(line for line in lines if line.startswith("15.08.14.2009,"))
    path.write_text("\n".join([*lines, duplicate.replace("Sungai Telang", "Sungai Telang Lagi")]) + "\n")


def break_unknown_parent(folder):
    path = folder / "bungo_wilayah_kode.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    orphan = next(line for line in lines if line.startswith("15.08.14.2009,"))
    orphan = orphan.replace("15.08.14.2009,1508142009", "15.08.99.2001,1508992001").replace("1509032001", "1509999001")
    path.write_text("\n".join([*lines, orphan]) + "\n")


@pytest.mark.parametrize(
    ("breakage", "expected"),
    [
        (lambda f: edit_geojson(f, "bungo_desa.geojson", "15.08.14.2009", BOW_TIE), "bungo_desa.geojson fitur ke-"),
        (lambda f: edit_geojson(f, "bungo_desa.geojson", "15.08.14.2009", UTM_SQUARE), "bukan WGS 84"),
        (
            lambda f: edit_geojson(
                f,
                "bungo_desa.geojson",
                "15.08.14.2009",
                {"type": "LineString", "coordinates": [[101.8, -1.4], [101.9, -1.3]]},
            ),
            "harus poligon",
        ),
        (break_duplicate_code, "kode 15.08.14.2009 ganda"),
        (break_unknown_parent, "wilayah induk 15.08.99 untuk 15.08.99.2001 tidak dikenal"),
        (lambda f: edit_csv(f, "15.08.14.2008", kode_bps="1509032001"), "kode BPS 1509032001 ganda"),
        (lambda f: edit_csv(f, "15.08.14.2008", kode_kemendagri="15.08.14.X008"), "tidak sah"),
        (
            lambda f: (f / "bungo_kecamatan.geojson").write_text('{"type": "FeatureCollection", "features": [}'),
            "bungo_kecamatan.geojson bukan GeoJSON yang sah",
        ),
        (lambda f: (f / "bungo_kabupaten.geojson").unlink(), "bungo_kabupaten.geojson tidak ditemukan"),
    ],
    ids=[
        "invalid-geometry",
        "wrong-crs",
        "not-a-polygon",
        "duplicate-code",
        "unknown-parent",
        "duplicate-bps",
        "malformed-code",
        "malformed-json",
        "missing-file",
    ],
)
def test_bad_file_is_refused_with_the_record_named_and_nothing_changes(
    reference_data, dataset_copy, breakage, expected
):
    # A harmless edit rides along, to prove the good part of the file is not written either.
    edit_csv(dataset_copy, "15.08.14.2005", nama="Timbolasi Diubah")
    breakage(dataset_copy)
    before = snapshot()
    with pytest.raises(CommandError) as excinfo:
        call_command("load_wilayah", "--dir", str(dataset_copy), verbosity=0)
    assert expected in str(excinfo.value)
    assert "basis data tidak diubah" in str(excinfo.value)
    assert snapshot() == before


def test_invalid_geometry_message_names_the_village_and_the_fix(reference_data, dataset_copy):
    edit_geojson(dataset_copy, "bungo_desa.geojson", "15.08.14.2009", BOW_TIE)
    with pytest.raises(CommandError) as excinfo:
        call_command("load_wilayah", "--dir", str(dataset_copy), verbosity=0)
    message = str(excinfo.value)
    assert "kode 15.08.14.2009" in message and "Self-intersection" in message and "Fix geometries" in message


def test_a_fresh_database_loads_from_nothing(db):
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE wilayah_wilayah CASCADE")
    call_command("load_wilayah", verbosity=0)
    assert Wilayah.objects.count() == 172
