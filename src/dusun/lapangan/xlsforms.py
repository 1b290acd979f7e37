"""The shipped XLSForms, written as data so their choice lists come from the models' own choices.

`manage.py buat_xlsform` writes them to `src/dusun/data/lapangan/forms/*.xlsx` (the files operators open
in Excel and teams may adapt); `manage.py load_formulir` converts those files with pyxform. A test checks
that the shipped files equal what this module builds, so the two never drift apart.

Choice values are the register's own codes (`dusun.warga.choices`, `dusun.ruang.models.FacilityKind`):
an approved submission is written without translation tables.
"""

import io
from pathlib import Path

from django.conf import settings
from openpyxl import Workbook

from dusun.ruang.models import FacilityKind, PotentialKind
from dusun.warga import choices as wc

FORMS_DIR = Path(settings.BASE_DIR) / "data" / "lapangan" / "forms"
SIXTEEN_DIGITS = "regex(., '^[0-9]{16}$')"

SURVEY_HEADER = ["type", "name", "label", "hint", "required", "relevant", "constraint", "constraint_message",
                 "calculation", "appearance"]  # fmt: skip


def _q(type_, name, label="", **extra) -> dict:
    return {"type": type_, "name": name, "label": label, **extra}


def _choices(list_name: str, choices) -> list[tuple[str, str, str]]:
    return [(list_name, value, str(label)) for value, label in choices]


MODE = [("mode", "baru", "Data baru"), ("mode", "perbarui", "Memperbarui data yang ada")]
META = [_q("start", "mulai"), _q("end", "selesai"), _q("deviceid", "id_perangkat")]


def census() -> dict:
    """Sensus keluarga: a new family (KK, house, members) or an update of one already in the register."""
    new, update = "${mode} = 'baru'", "${mode} = 'perbarui'"
    survey = [
        *META,
        _q("select_one mode", "mode", "Jenis pendataan", required="yes"),
        _q("select_one_from_file keluarga.csv", "keluarga", "Keluarga yang diperbarui", required="yes",
           relevant=update, appearance="search"),
        _q("calculate", "keluarga_versi", calculation="instance('keluarga')/root/item[name = ${keluarga}]/versi"),
        _q("select_one_from_file rt.csv", "rt", "Kampung/RT"),
        _q("text", "kk", "Nomor KK (16 angka)", required="yes", relevant=new, constraint=SIXTEEN_DIGITS,
           constraint_message="Nomor KK harus 16 angka."),
        _q("text", "alamat", "Alamat"),
        _q("geopoint", "lokasi", "Lokasi rumah", hint="Berdiri di depan rumah, tunggu akurasi < 10 m."),
        _q("select_one lantai", "lantai", "Lantai terluas"),
        _q("select_one dinding", "dinding", "Dinding terluas"),
        _q("select_one atap", "atap", "Atap terluas"),
        _q("select_one air", "air_minum", "Sumber air minum"),
        _q("select_one jamban", "jamban", "Tempat buang air besar"),
        _q("select_one penerangan", "penerangan", "Sumber penerangan"),
        _q("image", "foto_rumah", "Foto rumah (tampak depan)"),
        _q("begin_repeat", "anggota", "Anggota keluarga yang belum tercatat"),
        _q("select_one peristiwa", "peristiwa", "Tercatat karena", required="yes"),
        _q("text", "nik", "NIK (16 angka)", required="yes", constraint=SIXTEEN_DIGITS,
           constraint_message="NIK harus 16 angka."),
        _q("text", "nama", "Nama lengkap", required="yes"),
        _q("select_one jk", "jk", "Jenis kelamin", required="yes"),
        _q("date", "tanggal_lahir", "Tanggal lahir", required="yes", constraint=". <= today()",
           constraint_message="Tanggal lahir tidak boleh di masa depan."),
        _q("select_one hubungan", "hubungan", "Hubungan dalam keluarga", required="yes"),
        _q("end_repeat", "anggota"),
    ]  # fmt: skip
    choices = [
        *MODE,
        *_choices("lantai", wc.Floor.choices),
        *_choices("dinding", wc.Wall.choices),
        *_choices("atap", wc.Roof.choices),
        *_choices("air", wc.WaterSource.choices),
        *_choices("jamban", wc.Toilet.choices),
        *_choices("penerangan", wc.Lighting.choices),
        *_choices("jk", wc.Sex.choices),
        *_choices("hubungan", wc.Relationship.choices),
        ("peristiwa", wc.EventKind.PENDATAAN.value, "Sudah tinggal di sini (pendataan)"),
        ("peristiwa", wc.EventKind.LAHIR.value, str(wc.EventKind.LAHIR.label)),
        ("peristiwa", wc.EventKind.PINDAH_DATANG.value, str(wc.EventKind.PINDAH_DATANG.label)),
    ]
    return {"survey": survey, "choices": choices, "settings": _settings("dusun_sensus_keluarga", "Sensus keluarga")}


def facility() -> dict:
    """Survei fasilitas: a new facility on the village map, or a check of one already there."""
    update = "${mode} = 'perbarui'"
    survey = [
        *META,
        _q("select_one mode", "mode", "Jenis pendataan", required="yes"),
        _q("select_one_from_file fasilitas.csv", "fasilitas", "Fasilitas yang diperiksa", required="yes",
           relevant=update, appearance="search"),
        _q("calculate", "fasilitas_versi", calculation="instance('fasilitas')/root/item[name = ${fasilitas}]/versi"),
        _q("select_one jenis", "jenis", "Jenis fasilitas", required="yes"),
        _q("text", "nama", "Nama fasilitas"),
        _q("text", "kondisi", "Kondisi", hint="Misalnya: baik, rusak ringan, tidak dipakai."),
        _q("geopoint", "lokasi", "Lokasi", required="yes"),
        _q("image", "foto", "Foto fasilitas"),
        _q("text", "catatan", "Catatan"),
    ]  # fmt: skip
    choices = [*MODE, *_choices("jenis", FacilityKind.choices)]
    return {"survey": survey, "choices": choices, "settings": _settings("dusun_survei_fasilitas", "Survei fasilitas")}


def potential() -> dict:
    """Survei potensi: a new potential (tourism site, lubuk larangan, spring, …) as a point, a line or an area."""
    survey = [
        *META,
        _q("select_one jenis", "jenis", "Jenis potensi", required="yes"),
        _q("text", "nama", "Nama potensi", required="yes"),
        _q("select_one bentuk", "bentuk", "Digambar sebagai", required="yes"),
        _q("geopoint", "titik", "Lokasi", required="yes", relevant="${bentuk} = 'titik'"),
        _q("geotrace", "garis", "Jalur (berjalan menyusuri)", required="yes", relevant="${bentuk} = 'garis'"),
        _q("geoshape", "area", "Batas area (berjalan mengelilingi)", required="yes", relevant="${bentuk} = 'area'"),
        _q("text", "uraian", "Uraian"),
        _q("image", "foto", "Foto"),
    ]  # fmt: skip
    choices = [
        *_choices("jenis", PotentialKind.choices),
        ("bentuk", "titik", "Titik"),
        ("bentuk", "garis", "Garis/jalur"),
        ("bentuk", "area", "Area"),
    ]
    return {"survey": survey, "choices": choices, "settings": _settings("dusun_survei_potensi", "Survei potensi")}


def _settings(form_id: str, title: str) -> dict:
    return {"form_id": form_id, "form_title": title, "version": FORM_VERSION, "default_language": "id"}


# Raise when a form changes; the old version keeps accepting submissions (decision 0010).
FORM_VERSION = "2026112901"
FORMS = {"sensus_keluarga": census, "survei_fasilitas": facility, "survei_potensi": potential}


def workbook_bytes(name: str) -> bytes:
    spec = FORMS[name]()
    book = Workbook()
    survey = book.active
    survey.title = "survey"
    survey.append(SURVEY_HEADER)
    for row in spec["survey"]:
        survey.append([row.get(column, "") for column in SURVEY_HEADER])
    choices = book.create_sheet("choices")
    choices.append(["list_name", "name", "label"])
    for row in spec["choices"]:
        choices.append(list(row))
    settings_sheet = book.create_sheet("settings")
    settings_sheet.append(list(spec["settings"]))
    settings_sheet.append(list(spec["settings"].values()))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def sheet_rows(data: bytes) -> dict[str, list[tuple]]:
    """The cell values of an XLSForm, sheet by sheet (to compare files regardless of zip timestamps)."""
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data), read_only=True)
    return {ws.title: [tuple(r) for r in ws.iter_rows(values_only=True)] for ws in book.worksheets}
