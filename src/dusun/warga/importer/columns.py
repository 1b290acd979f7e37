"""The columns of the census template (Bahasa headers) and how each cell is read.

A column is known by its header; the lookup is forgiving (case, spaces, punctuation, a trailing "*"
marking required columns) and knows a few aliases, so a sheet typed by hand still matches. Choice
columns accept the label as shown in the drop-down list, the stored code, or (for the OpenSID format)
OpenSID's numeric id.
"""

import re
from dataclasses import dataclass

from django.db.models import TextChoices

from .. import choices as c

SHEET_HOUSEHOLDS = "Keluarga"
SHEET_RESIDENTS = "Penduduk"
SHEET_LISTS = "Daftar"
SHEET_GUIDE = "Petunjuk"


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    kind: str  # text, kk, nik, date, choice, multi, bool, decimal, dusun, rt
    required: bool = False
    choices: type[TextChoices] | None = None
    max_length: int = 0
    minimum: float | None = None
    maximum: float | None = None
    aliases: tuple[str, ...] = ()
    help: str = ""


def normalise_header(text) -> str:
    text = str(text or "").strip().lower().replace("²", "2")
    text = re.sub(r"[\*\u00a0]", " ", text)
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


HOUSEHOLD_COLUMNS = [
    Column(
        "Nomor KK",
        "kk_number",
        "kk",
        required=True,
        aliases=("no kk", "nomor kartu keluarga", "no_kk", "kk"),
        help="16 angka, ketik sebagai teks",
    ),
    Column(
        "Kode Dusun",
        "dusun",
        "dusun",
        aliases=("kode desa", "kode wilayah"),
        help="kode Kemendagri desa, mis. 15.08.14.2009 (wajib bila mengimpor untuk seluruh kabupaten)",
    ),
    Column("Kampung", "kampung", "text", max_length=60, aliases=("dusun kampung", "nama kampung")),
    Column("RT", "rt", "rt", aliases=("no rt", "nomor rt")),
    Column("Alamat", "address", "text", max_length=200),
    Column("Lintang", "lat", "decimal", minimum=-90, maximum=90, aliases=("latitude", "lat")),
    Column("Bujur", "lng", "decimal", minimum=-180, maximum=180, aliases=("longitude", "lng", "lon")),
    Column("Status Rumah", "tenure", "choice", choices=c.HouseTenure),
    Column("Lantai", "floor", "choice", choices=c.Floor, aliases=("jenis lantai",)),
    Column("Dinding", "wall", "choice", choices=c.Wall, aliases=("jenis dinding",)),
    Column("Atap", "roof", "choice", choices=c.Roof, aliases=("jenis atap",)),
    Column(
        "Luas Lantai (m²)",
        "floor_area_m2",
        "decimal",
        minimum=0,
        maximum=5000,
        aliases=("luas lantai", "luas lantai m2"),
    ),
    Column("Sumber Air Minum", "drinking_water", "choice", choices=c.WaterSource, aliases=("air minum",)),
    Column(
        "Sumber Air Mandi/Cuci",
        "bathing_water",
        "choice",
        choices=c.WaterSource,
        aliases=("air mandi", "sumber air mandi"),
    ),
    Column("Jamban", "toilet", "choice", choices=c.Toilet, aliases=("fasilitas bab", "tempat bab")),
    Column("Pembuangan Sampah", "waste", "choice", choices=c.Waste, aliases=("sampah",)),
    Column("Penerangan", "lighting", "choice", choices=c.Lighting, aliases=("sumber penerangan", "listrik")),
    Column("Bahan Bakar Memasak", "cooking_fuel", "choice", choices=c.CookingFuel, aliases=("bahan bakar",)),
    Column("Sumber Kayu Bakar", "firewood_source", "choice", choices=c.FirewoodSource),
    Column("Sinyal Telepon", "phone_signal", "choice", choices=c.Signal, aliases=("sinyal",)),
    Column("Akses Internet", "internet", "bool", aliases=("internet",)),
    Column("Aset", "assets", "multi", choices=c.Asset, help="boleh lebih dari satu, pisahkan dengan koma"),
    Column("Lahan Sawah (ha)", "land_sawah_ha", "decimal", minimum=0, maximum=1000, aliases=("lahan sawah",)),
    Column("Lahan Kebun (ha)", "land_kebun_ha", "decimal", minimum=0, maximum=1000, aliases=("lahan kebun",)),
    Column("Lahan Ladang (ha)", "land_ladang_ha", "decimal", minimum=0, maximum=1000, aliases=("lahan ladang",)),
    Column(
        "Lahan Pekarangan (ha)", "land_pekarangan_ha", "decimal", minimum=0, maximum=100, aliases=("lahan pekarangan",)
    ),
    Column("Lahan Lain (ha)", "land_other_ha", "decimal", minimum=0, maximum=1000, aliases=("lahan lain",)),
    Column("Penghasilan Utama", "main_income", "choice", choices=c.IncomeSource),
    Column(
        "Sumber Penghasilan Lain",
        "income_sources",
        "multi",
        choices=c.IncomeSource,
        help="boleh lebih dari satu, pisahkan dengan koma",
    ),
    Column(
        "Penghasilan per Bulan", "income_bracket", "choice", choices=c.IncomeBracket, aliases=("penghasilan bulanan",)
    ),
    Column(
        "Bantuan Sosial",
        "assistance",
        "multi",
        choices=c.Assistance,
        aliases=("bantuan",),
        help="boleh lebih dari satu, pisahkan dengan koma",
    ),
]

RESIDENT_COLUMNS = [
    Column(
        "NIK", "nik", "nik", required=True, aliases=("nomor induk kependudukan",), help="16 angka, ketik sebagai teks"
    ),
    Column("Nomor KK", "kk_number", "kk", required=True, aliases=("no kk", "nomor kartu keluarga", "no_kk", "kk")),
    Column("Nama Lengkap", "name", "text", required=True, max_length=120, aliases=("nama",)),
    Column("Jenis Kelamin", "sex", "choice", required=True, choices=c.Sex, aliases=("jk", "kelamin")),
    Column("Tempat Lahir", "birth_place", "text", max_length=80),
    Column(
        "Tanggal Lahir", "birth_date", "date", required=True, aliases=("tgl lahir",), help="hh-bb-tttt, mis. 17-08-1985"
    ),
    Column(
        "Hubungan dalam Keluarga",
        "relationship",
        "choice",
        required=True,
        choices=c.Relationship,
        aliases=("hubungan keluarga", "shdk", "status hubungan"),
    ),
    Column("Agama", "religion", "choice", choices=c.Religion),
    Column("Status Perkawinan", "marital_status", "choice", choices=c.MaritalStatus, aliases=("status kawin",)),
    Column(
        "Pendidikan Terakhir", "education", "choice", choices=c.Education, aliases=("pendidikan", "pendidikan dalam kk")
    ),
    Column("Sedang Sekolah", "enrolment", "choice", choices=c.Enrolment, aliases=("pendidikan sedang ditempuh",)),
    Column("Pekerjaan", "occupation", "choice", choices=c.Occupation),
    Column("Disabilitas", "disability", "choice", choices=c.Disability, aliases=("cacat", "penyandang disabilitas")),
    Column(
        "Jaminan Kesehatan",
        "health_insurance",
        "choice",
        choices=c.HealthInsurance,
        aliases=("asuransi", "bpjs kesehatan"),
    ),
    Column("BPJS Ketenagakerjaan", "bpjs_employment", "bool"),
    Column("Kewarganegaraan", "citizenship", "choice", choices=c.Citizenship, aliases=("warga negara",)),
    Column(
        "Keanggotaan Kelompok",
        "groups",
        "multi",
        choices=c.GroupMembership,
        aliases=("kelompok",),
        help="boleh lebih dari satu, pisahkan dengan koma",
    ),
    Column("Status", "status", "choice", choices=c.ResidentStatus, aliases=("status penduduk",)),
]

TRUE_WORDS = {"ya", "y", "ada", "yes", "true", "1", "benar", "punya"}
FALSE_WORDS = {"tidak", "t", "tidak ada", "no", "false", "0", "salah", "belum"}

# Extra spellings people use for some choices (normalised): the template's drop-down avoids them, but
# hand-typed and OpenSID files use them.
EXTRA_SPELLINGS = {
    c.Sex: {"laki laki": "L", "lelaki": "L", "pria": "L", "l": "L", "perempuan": "P", "wanita": "P", "p": "P"},
    c.Relationship: {"kepala keluarga": "kepala", "kk": "kepala", "orangtua": "orang_tua", "famili lain": "famili"},
    c.Religion: {"katholik": "katolik", "budha": "buddha", "konghucu": "khonghucu", "kong hu cu": "khonghucu"},
    c.ResidentStatus: {"hidup": "aktif", "mati": "meninggal", "tetap": "aktif"},
}


def lookup_table(choices: type[TextChoices]) -> dict[str, str]:
    table = {}
    for code, label in choices.choices:
        table[normalise_header(code)] = code
        table[normalise_header(str(label))] = code
    for spelling, code in EXTRA_SPELLINGS.get(choices, {}).items():
        table[normalise_header(spelling)] = code
    return table


def header_index(columns: list[Column]) -> dict[str, Column]:
    index = {}
    for column in columns:
        index[normalise_header(column.header)] = column
        for alias in column.aliases:
            index.setdefault(normalise_header(alias), column)
        index.setdefault(normalise_header(column.field), column)
    return index
