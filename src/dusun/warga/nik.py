"""NIK and KK numbers: checking, masking, and the demo numbering that can never be a real one.

A NIK (Nomor Induk Kependudukan) has 16 digits:
  1–6   the kecamatan where it was issued (Kemendagri code without dots: 15 08 14 = Bathin III Ulu)
  7–12  date of birth DDMMYY, with 40 added to the day for women (a woman born on the 17th → 57)
  13–16 a sequence number, 0001–9999
A KK number has the same shape, with the issuing date instead of a birth date.
"""

import datetime as dt
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from dusun.wilayah.models import Level, Wilayah

DIGITS16 = re.compile(r"^\d{16}$")
SCIENTIFIC = re.compile(r"^\s*\d+([.,]\d+)?\s*[eE]\s*\+?\s*\d+\s*$")

# Province codes (Kemendagri), 38 provinces since the 2022 Papua split. A NIK must start with one.
PROVINCE_CODES = frozenset(
    [
        "11",
        "12",
        "13",
        "14",
        "15",
        "16",
        "17",
        "18",
        "19",
        "21",
        "31",
        "32",
        "33",
        "34",
        "35",
        "36",
        "51",
        "52",
        "53",
        "61",
        "62",
        "63",
        "64",
        "65",
        "71",
        "72",
        "73",
        "74",
        "75",
        "76",
        "81",
        "82",
        "91",
        "92",
        "93",
        "94",
        "95",
        "96",
    ]
)
# Kabupaten/kota of Provinsi Jambi (15): many Bungo residents were first registered in a neighbouring
# kabupaten, so their whole prefix is checkable. Other provinces: only the province is checked, the
# kabupaten and kecamatan digits must not be 00 (a national code list is not shipped).
JAMBI_KABUPATEN = frozenset(["01", "02", "03", "04", "05", "06", "07", "08", "09", "71", "72"])

# Demo numbers. Real NIKs and KK numbers carry a birth (or issue) month 01–12 in digits 9–10. Demo
# numbers add 20 to the month (21–32), a value Dukcapil never issues, so a demo NIK cannot equal any
# real NIK, in this database or anywhere; it still has the real shape (region, day, year, sequence)
# and decodes to the person's true demo birth date. The importer recognises the scheme and refuses
# demo numbers unless the import itself is a demo (so demo data cannot slip in as real data).
DEMO_MONTH_OFFSET = 20


def mask(number: str | None) -> str:
    """`1508141708850001` → `1508********0001`: enough to tell records apart, not enough to use."""
    if not number:
        return ""
    if len(number) < 9:
        return "*" * len(number)
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


@dataclass(frozen=True)
class Decoded:
    birth_date: dt.date | None
    female: bool
    demo: bool


def _known_kecamatan_prefixes() -> frozenset[str]:
    """Kecamatan codes (6 digits) of the kabupaten loaded in the hierarchy."""
    return frozenset(
        k.replace(".", "") for k in Wilayah.objects.filter(level=Level.KECAMATAN).values_list("kode", flat=True)
    )


class NikChecker:
    """Validates NIKs and KK numbers against the loaded hierarchy; build once per import."""

    def __init__(self) -> None:
        self.kecamatan = _known_kecamatan_prefixes()
        self.kabupaten = frozenset(p[:4] for p in self.kecamatan)

    def region_problem(self, number: str) -> str | None:
        prov, kab, kec = number[:2], number[2:4], number[4:6]
        if prov not in PROVINCE_CODES:
            return _("dua angka pertama (%(p)s) bukan kode provinsi") % {"p": prov}
        if number[:4] in self.kabupaten:
            if number[:6] not in self.kecamatan:
                return _("angka 5–6 (%(k)s) bukan kode kecamatan yang dikenal di kabupaten ini") % {"k": kec}
            return None
        if prov == "15" and kab not in JAMBI_KABUPATEN:
            return _("angka 3–4 (%(k)s) bukan kode kabupaten/kota di Provinsi Jambi") % {"k": kab}
        if kab == "00" or kec == "00":
            return _("kode kabupaten atau kecamatan di awal nomor tidak boleh 00")
        return None

    @staticmethod
    def decode(number: str, today: dt.date | None = None) -> Decoded | str:
        """Birth date and sex from digits 7–12, or a message saying why they cannot be a date."""
        day, month, yy = int(number[6:8]), int(number[8:10]), int(number[10:12])
        female = day > 40
        if female:
            day -= 40
        demo = month > DEMO_MONTH_OFFSET
        if demo:
            month -= DEMO_MONTH_OFFSET
        if not 1 <= month <= 12:
            return _("angka 9–10 (%(m)s) bukan bulan 01–12") % {"m": number[8:10]}
        if not 1 <= day <= 31:
            return _("angka 7–8 (%(d)s) bukan tanggal 01–31 (laki-laki) atau 41–71 (perempuan)") % {"d": number[6:8]}
        today = today or dt.date.today()
        century = 2000 if 2000 + yy <= today.year else 1900
        try:
            born = dt.date(century + yy, month, day)
        except ValueError:
            return _("angka 7–12 (%(s)s) bukan tanggal yang ada") % {"s": number[6:12]}
        return Decoded(birth_date=born, female=female, demo=demo)


def normalise_number(raw) -> tuple[str | None, str | None]:
    """(digits, problem) from a spreadsheet cell that should hold a NIK or KK number (see `classify`)."""
    digits, problem, _code = classify(raw)
    return digits, problem


def classify(raw) -> tuple[str | None, str | None, str | None]:
    """(digits, problem, problem code) for a cell that should hold a NIK or KK number.

    Excel keeps only 15 significant digits of a number, so a 16-digit NIK typed into a cell formatted
    as a number loses its last digit and is shown as 1.50801E+15. Such a value is refused with that
    explanation, never "repaired": the lost digit cannot be known.
    """
    if raw is None:
        return None, None, None
    if isinstance(raw, bool):
        return None, _("berisi nilai benar/salah, bukan nomor"), "number_format"
    if isinstance(raw, (int, float)):
        return (
            None,
            _(
                "tersimpan sebagai angka, sehingga Excel membulatkan digit terakhirnya (Excel hanya menyimpan 15 "
                "digit). Format kolom ini sebagai Teks lalu ketik ulang nomornya"
            ),
            "numeric_cell",
        )
    text = str(raw).strip().replace(" ", "").replace("\u00a0", "")
    if not text:
        return None, None, None
    if SCIENTIFIC.match(text):
        return (
            None,
            _(
                "tertulis sebagai %(v)s (notasi ilmiah): Excel sudah menghilangkan digitnya. Format kolom sebagai "
                "Teks lalu ketik ulang nomornya dari kartu"
            )
            % {"v": text},
            "scientific",
        )
    if text.startswith("'"):  # Excel's "force text" apostrophe survives some CSV exports
        text = text[1:]
    if not text.isdigit():
        return None, _("hanya boleh berisi angka"), "number_format"
    if len(text) != 16:
        return None, _("harus 16 angka, tertulis %(n)s angka") % {"n": len(text)}, "number_format"
    if text[-4:] == "0000":
        return None, _("nomor urut (4 angka terakhir) tidak boleh 0000"), "sequence_zero"
    return text, None, None


def demo_number(region6: str, born: dt.date, female: bool, sequence: int) -> str:
    """A demo NIK (or KK number, with the issue date): real shape, impossible month (see above)."""
    day = born.day + (40 if female else 0)
    return f"{region6}{day:02d}{born.month + DEMO_MONTH_OFFSET:02d}{born.year % 100:02d}{sequence:04d}"


def is_demo_number(number: str) -> bool:
    return len(number) == 16 and number.isdigit() and int(number[8:10]) > DEMO_MONTH_OFFSET
