"""Building census spreadsheets for tests: valid families with real-shaped (non-demo) NIKs, and a way to
spoil single cells."""

import datetime as dt
import io

from openpyxl import Workbook

from dusun.warga.importer import columns as cols

H_HEADERS = [c.header for c in cols.HOUSEHOLD_COLUMNS]
R_HEADERS = [c.header for c in cols.RESIDENT_COLUMNS]


def nik_for(born: dt.date, female: bool, seq: int, region: str = "150814") -> str:
    return f"{region}{born.day + (40 if female else 0):02d}{born.month:02d}{born.year % 100:02d}{seq:04d}"


def kk_for(seq: int, region: str = "150814") -> str:
    return f"{region}0103{20 + seq // 9000:02d}{seq % 9000 + 1:04d}"


def family(n: int, *, rt: int = 1, kode: str = "", size: int = 3) -> tuple[dict, list[dict]]:
    """A household row and its members (head, wife, children) as header → value dicts."""
    kk = kk_for(n)
    household = {
        "Nomor KK": kk,
        "Kode Dusun": kode,
        "RT": rt,
        "Alamat": f"Jalan Lintas {n}",
        "Lantai": "Semen/bata merah",
        "Dinding": "Kayu/papan",
        "Atap": "Seng",
        "Sumber Air Minum": "Sumur bor/pompa",
        "Jamban": "Jamban sendiri",
        "Penerangan": "Listrik PLN dengan meteran",
        "Akses Internet": "Ya",
        "Bantuan Sosial": "PKH, Bantuan dana karbon",
        "Penghasilan Utama": "Kebun karet",
        "Lahan Kebun (ha)": "2,5",
    }
    people = []
    head_born = dt.date(1970 + n % 20, 1 + n % 12, 1 + n % 27)
    people.append(
        _person(
            nik_for(head_born, False, n % 9000 + 1), kk, f"Kepala Uji {n}", "L", head_born, "Kepala keluarga", "Kawin"
        )
    )
    if size >= 2:
        wife_born = dt.date(head_born.year + 2, head_born.month, head_born.day)
        people.append(
            _person(nik_for(wife_born, True, n % 9000 + 1), kk, f"Istri Uji {n}", "P", wife_born, "Istri", "Kawin")
        )
    for k in range(size - 2):
        child_born = dt.date(2010 + k, 1 + (n + k) % 12, 1 + (n + k) % 27)
        people.append(
            _person(
                nik_for(child_born, k % 2 == 1, (n * 7 + k) % 9000 + 1),
                kk,
                f"Anak Uji {n}-{k}",
                "P" if k % 2 else "L",
                child_born,
                "Anak",
                "Belum kawin",
            )
        )
    return household, people


def _person(nik, kk, name, sex, born, relationship, marital) -> dict:
    return {
        "NIK": nik,
        "Nomor KK": kk,
        "Nama Lengkap": name,
        "Jenis Kelamin": sex,
        "Tempat Lahir": "Muara Buat",
        "Tanggal Lahir": born.strftime("%d-%m-%Y"),
        "Hubungan dalam Keluarga": relationship,
        "Agama": "Islam",
        "Status Perkawinan": marital,
        "Pendidikan Terakhir": "SLTA/sederajat",
        "Pekerjaan": "Petani/pekebun",
        "Jaminan Kesehatan": "Tidak/belum punya",
        "BPJS Ketenagakerjaan": "Tidak",
        "Keanggotaan Kelompok": "Kelompok tani/gapoktan",
    }


def workbook(
    households: list[dict],
    residents: list[dict],
    *,
    merge: str | None = None,
    h_headers=None,
    r_headers=None,
    sheet_names=("Keluarga", "Penduduk"),
) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    for name, headers, rows in (
        (sheet_names[0], h_headers or H_HEADERS, households),
        (sheet_names[1], r_headers or R_HEADERS, residents),
    ):
        ws = wb.create_sheet(name)
        ws.append(headers)
        for row in rows:
            values = []
            for header in headers:
                value = row.get(header, "")
                values.append(value)
            ws.append(values)
            # openpyxl would store a leading "=" as a formula: keep the test's cells exactly as given
        if merge and name == sheet_names[1]:
            ws.merge_cells(merge)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
