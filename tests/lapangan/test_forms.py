"""The shipped XLSForms: equal to their definition, converted by pyxform offline, versioned without ever
overwriting a stored version, and their choice values are the register's own codes."""

import shutil

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from dusun.lapangan.models import Formulir
from dusun.lapangan.xform import inspect, shipped_xlsforms
from dusun.lapangan.xlsforms import FORMS, FORMS_DIR, sheet_rows, workbook_bytes
from dusun.ruang.models import FacilityKind
from dusun.warga import choices as wc


@pytest.mark.parametrize("name", list(FORMS))
def test_shipped_file_equals_its_definition(name):
    # `manage.py buat_xlsform` rewrites the files; a hand edit of either side without the other fails here.
    assert sheet_rows((FORMS_DIR / f"{name}.xlsx").read_bytes()) == sheet_rows(workbook_bytes(name))


def test_conversion_facts(forms):
    census = inspect(forms["sensus"].xform)
    assert census.form_id == "dusun_sensus_keluarga" and census.binary_paths == ("foto_rumah",)
    assert set(census.media) == {"keluarga.csv", "rt.csv"}
    facility = inspect(forms["fasilitas"].xform)
    assert facility.binary_paths == ("foto",) and facility.media == ("fasilitas.csv",)
    # The choice values are the models' codes, so an approval needs no translation table.
    for value in FacilityKind.values:
        assert f"<name>{value}</name>" in forms["fasilitas"].xform
    for value in wc.Lighting.values + wc.Relationship.values:
        assert f"<name>{value}</name>" in forms["sensus"].xform


def test_new_version_is_added_and_old_kept(db, tmp_path):
    call_command("load_formulir", verbosity=0)
    source = shutil.copy(shipped_xlsforms()[1], tmp_path / "survei_fasilitas.xlsx")
    book = load_workbook(source)
    sheet = book["settings"]
    version_col = [c.value for c in sheet[1]].index("version") + 1
    sheet.cell(row=2, column=version_col, value="2027010101")
    book.save(source)
    call_command("load_formulir", str(source), verbosity=0)
    versions = sorted(Formulir.objects.filter(form_id="dusun_survei_fasilitas").values_list("version", flat=True))
    assert versions == ["2026112901", "2027010101"]


def test_broken_xlsform_is_refused(db, tmp_path):
    source = shutil.copy(shipped_xlsforms()[1], tmp_path / "rusak.xlsx")
    book = load_workbook(source)
    book["survey"].append(["select_one tidak_ada", "pertanyaan", "Label"])
    book.save(source)
    with pytest.raises(CommandError, match="rusak.xlsx"):
        call_command("load_formulir", str(source), verbosity=0)
    assert not Formulir.objects.exists()
