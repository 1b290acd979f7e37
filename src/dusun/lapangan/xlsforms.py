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


# A member already in the register whose data the enumerator corrects (census approval updates that
# resident through `dusun.warga.services.update_member`; the other values add a new one).
KOREKSI = "koreksi"
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
        _q("begin_repeat", "anggota", "Anggota keluarga yang baru atau yang datanya dikoreksi",
           hint="Anggota yang sudah tercatat dan datanya benar tidak perlu diisi lagi."),
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
        ("peristiwa", KOREKSI, "Sudah tercatat di keluarga ini; datanya dikoreksi"),
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


def idm() -> dict:
    """Kuesioner IDM: the village's own answers for the IDM items that are not derived from platform data,
    for one year. Each answer is the item's score band with its official wording (the same choices as
    the web entry form, `dusun.indeks.forms.score_choices`); a question left empty keeps the stored score.
    Approval saves them through `dusun.indeks.services.save_entries` as that year's entry."""
    from dusun.indeks.definition_file import DEFAULT_DEFINITIONS, read_definition
    from dusun.indeks.derivations import rules_for

    definition = read_definition(DEFAULT_DEFINITIONS[0])
    derived = {code for code, rule in rules_for(definition.code).items() if not rule.is_pending}
    survey = [
        *META,
        _q("select_one_from_file tahun_idm.csv", "tahun", "Tahun IDM yang diisi", required="yes"),
        _q("calculate", "tahun_versi", calculation="instance('tahun_idm')/root/item[name = ${tahun}]/versi"),
        _q("note", "petunjuk", "Pilih uraian yang sesuai keadaan desa. Kosongkan pertanyaan yang belum diketahui: "
           "skor yang sudah tersimpan untuk indikator itu tidak berubah."),
    ]  # fmt: skip
    choices = []
    for component in definition.components:
        survey.append(_q("note", f"bagian_{component.code.lower()}", f"{component.code} — {component.name}"))
        for item in component.items:
            if item.code in derived:
                continue
            name = idm_field(item.code)
            survey.append(_q(f"select_one {name}", name, f"{item.code} {item.official_label}", hint=item.question))
            known = set()
            for band in item.bands:
                label = f"{band.score} — {band.text}" + ("" if band.verified else " (pita belum terverifikasi)")
                choices.append((name, str(band.score), label))
                known.add(band.score)
            if not item.bands_complete:
                for score in range(definition.max_score, definition.min_score - 1, -1):
                    if score not in known:
                        choices.append((name, str(score), f"{score} — uraian resmi untuk skor ini belum diketahui"))
    survey.append(_q("text", "catatan", "Catatan", hint="Sumber data, siapa yang ditanya."))
    return {"survey": survey, "choices": choices, "settings": _settings("dusun_kuesioner_idm", "Kuesioner IDM")}


def idm_field(code: str) -> str:
    """IKS.04 → IKS_04 (an XML name cannot hold the dot)."""
    return code.replace(".", "_")


def progress() -> dict:
    """Kemajuan kegiatan: physical progress, realisation and 1–3 photos (each with its location) of a
    project of the village's plan (`dusun.rencana`), chosen from the village's list of running projects."""
    survey = [
        *META,
        _q("select_one_from_file kegiatan.csv", "kegiatan", "Kegiatan yang diperiksa", required="yes",
           appearance="search"),
        _q("calculate", "kegiatan_versi", calculation="instance('kegiatan')/root/item[name = ${kegiatan}]/versi"),
        _q("date", "tanggal", "Tanggal pemeriksaan", required="yes", constraint=". <= today()",
           constraint_message="Tanggal pemeriksaan tidak boleh di masa depan."),
        _q("integer", "kemajuan", "Kemajuan fisik (%)", required="yes", constraint=". >= 0 and . <= 100",
           constraint_message="Kemajuan fisik antara 0 dan 100."),
        # decimal, not integer: Collect's integer widget stops at 9 digits, a budget in rupiah does not.
        _q("decimal", "realisasi", "Realisasi kumulatif (Rp)", required="yes", constraint=". >= 0",
           constraint_message="Realisasi tidak boleh negatif."),
        _q("text", "catatan", "Catatan", hint="Apa yang sudah dikerjakan, kendala di lapangan."),
    ]  # fmt: skip
    for n in range(1, PROGRESS_PHOTOS + 1):
        # Photo 2 is offered once photo 1 is taken, photo 3 once photo 2 is; each photo has its location.
        relevant = "" if n == 1 else f"${{foto_{n - 1}}} != ''"
        survey.append(_q("image", f"foto_{n}", f"Foto {n}", required="yes" if n == 1 else "", relevant=relevant,
                         hint="Foto bagian pekerjaan yang dilaporkan."))  # fmt: skip
        survey.append(_q("geopoint", f"lokasi_{n}", f"Lokasi foto {n}", required="yes",
                         relevant=f"${{foto_{n}}} != ''"))  # fmt: skip
    return {"survey": survey, "choices": [], "settings": _settings("dusun_kemajuan_kegiatan", "Kemajuan kegiatan")}


PROGRESS_PHOTOS = 3


def _settings(form_id: str, title: str) -> dict:
    return {"form_id": form_id, "form_title": title, "version": FORM_VERSIONS[form_id], "default_language": "id"}


# Raise a form's version when it changes; the old version keeps accepting submissions until it is closed
# (decision 0010). The census gained the "koreksi" member choice in 2026112902.
FORM_VERSIONS = {
    "dusun_sensus_keluarga": "2026112902",
    "dusun_survei_fasilitas": "2026112901",
    "dusun_survei_potensi": "2026112901",
    "dusun_kuesioner_idm": "2026112901",
    "dusun_kemajuan_kegiatan": "2026112901",
}
FORMS = {
    "sensus_keluarga": census,
    "survei_fasilitas": facility,
    "survei_potensi": potential,
    "kuesioner_idm": idm,
    "kemajuan_kegiatan": progress,
}


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
