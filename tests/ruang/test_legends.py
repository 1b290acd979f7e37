"""The shipped land-cover legends: KLHK's 23 classes, ICRAF Bungo with carbon, and the crosswalk."""

import shutil
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from dusun.ruang.legends import DEFAULT_LEGENDS
from dusun.ruang.models import Legend, LegendClass, LegendMapping

KLHK_NATURAL_FOREST = {"2001", "2002", "2004", "20041", "2005", "20051"}


def test_klhk_legend_has_23_classes_and_six_natural_forest_classes(reference_data):
    klhk = Legend.objects.get(code="klhk-23")
    assert klhk.classes.count() == 23
    assert set(klhk.classes.filter(natural_forest=True).values_list("code", flat=True)) == KLHK_NATURAL_FOREST
    assert klhk.classes.get(code="2010").name_id == "Perkebunan"
    assert all(c.colour.startswith("#") and len(c.colour) == 7 for c in klhk.classes.all())


def test_icraf_legend_carries_carbon_stock_per_class(reference_data):
    icraf = Legend.objects.get(code="icraf-bungo")
    assert icraf.classes.get(code="1").carbon_tc_ha == Decimal("261.52")
    assert icraf.classes.get(code="10").carbon_tc_ha == Decimal("69.00")
    assert icraf.classes.get(code="10").name_id.startswith("Agroforestri karet")
    assert icraf.classes.get(code="42").carbon_tc_ha == Decimal("0")


def test_crosswalk_decides_the_carbon_factor_of_a_klhk_class(reference_data):
    mapping = LegendMapping.objects.get(source_class__legend__code="klhk-23", source_class__code="20092")
    assert mapping.target_class.code == "10" and "Ambigu" in mapping.note
    assert LegendMapping.objects.filter(source_class__legend__code="klhk-23").count() == 22  # all but cloud


def test_loading_twice_changes_nothing(reference_data):
    before = list(LegendClass.objects.values_list("pk", "code", "colour", "carbon_tc_ha").order_by("pk"))
    call_command("load_legends", verbosity=0)
    assert list(LegendClass.objects.values_list("pk", "code", "colour", "carbon_tc_ha").order_by("pk")) == before


@pytest.mark.parametrize(
    ("file", "old", "new", "expected"),
    [
        ("klhk_warna.csv", "2001,#0b5d1e", "2001,hijau", "warna 'hijau'"),
        ("padanan_klhk_icraf.csv", "2001,1,", "2001,999,", "kelas 999 tidak ada di legenda icraf-bungo"),
        ("icraf_lumens_carbon_bungo.csv", "1,Primary Forest,261.52", "1,Primary Forest,banyak", "bukan angka"),
    ],
)
def test_a_bad_legend_file_is_refused_whole(reference_data, tmp_path, file, old, new, expected):
    folder = tmp_path / "landcover"
    shutil.copytree(DEFAULT_LEGENDS, folder)
    path = folder / file
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    before = list(LegendClass.objects.values_list("pk", "colour", "carbon_tc_ha").order_by("pk"))
    with pytest.raises(CommandError, match=expected):
        call_command("load_legends", "--dir", str(folder), verbosity=0)
    assert list(LegendClass.objects.values_list("pk", "colour", "carbon_tc_ha").order_by("pk")) == before
