"""Coded values of the census, after Prodeskel DDK/DAK (Permendagri 12/2007), the Dukcapil/SIAK codes
OpenSID uses, and what the IDM items read (idm-spec §3: BPJS share, electricity, sanitation, waste,
drinking and bathing water, signal/internet).

Codes are short, stable English-free slugs stored in the database; labels are Bahasa and translatable.
An empty string always means "not filled in" (statistics show it as "Tidak diisi"), never a guess.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):
    LAKI = "L", _("Laki-laki")
    PEREMPUAN = "P", _("Perempuan")


class Relationship(models.TextChoices):
    """Status hubungan dalam keluarga (SHDK)."""

    KEPALA = "kepala", _("Kepala keluarga")
    SUAMI = "suami", _("Suami")
    ISTRI = "istri", _("Istri")
    ANAK = "anak", _("Anak")
    MENANTU = "menantu", _("Menantu")
    CUCU = "cucu", _("Cucu")
    ORANG_TUA = "orang_tua", _("Orang tua")
    MERTUA = "mertua", _("Mertua")
    FAMILI = "famili", _("Famili lain")
    PEMBANTU = "pembantu", _("Pembantu")
    LAINNYA = "lainnya", _("Lainnya")


class Religion(models.TextChoices):
    ISLAM = "islam", _("Islam")
    KRISTEN = "kristen", _("Kristen")
    KATOLIK = "katolik", _("Katolik")
    HINDU = "hindu", _("Hindu")
    BUDDHA = "buddha", _("Buddha")
    KHONGHUCU = "khonghucu", _("Khonghucu")
    KEPERCAYAAN = "kepercayaan", _("Kepercayaan terhadap Tuhan YME")


class MaritalStatus(models.TextChoices):
    BELUM = "belum_kawin", _("Belum kawin")
    KAWIN = "kawin", _("Kawin")
    CERAI_HIDUP = "cerai_hidup", _("Cerai hidup")
    CERAI_MATI = "cerai_mati", _("Cerai mati")


class Education(models.TextChoices):
    """Pendidikan terakhir (dalam KK), the ten Dukcapil levels."""

    TIDAK_SEKOLAH = "tidak_sekolah", _("Tidak/belum sekolah")
    BELUM_TAMAT_SD = "belum_tamat_sd", _("Belum tamat SD/sederajat")
    SD = "sd", _("Tamat SD/sederajat")
    SMP = "smp", _("SLTP/sederajat")
    SMA = "sma", _("SLTA/sederajat")
    D1_D2 = "d1_d2", _("Diploma I/II")
    D3 = "d3", _("Akademi/Diploma III")
    S1 = "s1", _("Diploma IV/Strata I")
    S2 = "s2", _("Strata II")
    S3 = "s3", _("Strata III")


class Enrolment(models.TextChoices):
    """Pendidikan yang sedang ditempuh (DAK; IDM access-to-education items)."""

    TIDAK = "tidak", _("Tidak sedang sekolah")
    PAUD = "paud", _("PAUD/TK")
    SD = "sd", _("Sedang SD/sederajat")
    SMP = "smp", _("Sedang SLTP/sederajat")
    SMA = "sma", _("Sedang SLTA/sederajat")
    PT = "pt", _("Sedang kuliah (D1–S3)")
    SLB = "slb", _("Sedang SLB")


class Occupation(models.TextChoices):
    """Pekerjaan: the Dukcapil list condensed to what a Bungo village reports (OpenSID ids map onto it,
    see `opensid.py`). Rubber and oil-palm smallholders are "petani/pekebun"; what they grow is in the
    household's commodities."""

    BELUM_BEKERJA = "belum_bekerja", _("Belum/tidak bekerja")
    MENGURUS_RT = "mengurus_rt", _("Mengurus rumah tangga")
    PELAJAR = "pelajar", _("Pelajar/mahasiswa")
    PENSIUNAN = "pensiunan", _("Pensiunan")
    PETANI = "petani", _("Petani/pekebun")
    BURUH_TANI = "buruh_tani", _("Buruh tani/perkebunan")
    PETERNAK = "peternak", _("Peternak")
    NELAYAN = "nelayan", _("Nelayan/perikanan")
    PEDAGANG = "pedagang", _("Pedagang")
    WIRASWASTA = "wiraswasta", _("Wiraswasta")
    KARYAWAN = "karyawan", _("Karyawan swasta/BUMN/BUMD")
    HONORER = "honorer", _("Karyawan honorer")
    ASN = "asn", _("Aparatur sipil negara (ASN)")
    TNI_POLRI = "tni_polri", _("TNI/Polri")
    GURU = "guru", _("Guru/dosen")
    NAKES = "nakes", _("Tenaga kesehatan")
    BURUH_LEPAS = "buruh_lepas", _("Buruh harian lepas")
    TUKANG = "tukang", _("Tukang/mekanik")
    SOPIR = "sopir", _("Sopir/transportasi")
    PERANGKAT_DESA = "perangkat_desa", _("Perangkat desa/Rio")
    PEMUKA_AGAMA = "pemuka_agama", _("Pemuka agama")
    PENAMBANG = "penambang", _("Penambang")
    LAINNYA = "lainnya", _("Lainnya")


class Disability(models.TextChoices):
    TIDAK = "tidak", _("Tidak ada")
    FISIK = "fisik", _("Disabilitas fisik")
    NETRA = "netra", _("Disabilitas netra")
    RUNGU_WICARA = "rungu_wicara", _("Disabilitas rungu/wicara")
    MENTAL = "mental", _("Disabilitas mental/jiwa")
    GANDA = "ganda", _("Disabilitas fisik dan mental")
    LAINNYA = "lainnya", _("Disabilitas lainnya")


class HealthInsurance(models.TextChoices):
    """Jaminan kesehatan (IDM item 5 reads the BPJS share of the population)."""

    TIDAK = "tidak", _("Tidak/belum punya")
    PBI = "pbi", _("BPJS Kesehatan PBI (iuran dibayar negara)")
    PBI_DAERAH = "pbi_daerah", _("BPJS Kesehatan dibiayai daerah")
    MANDIRI = "mandiri", _("BPJS Kesehatan mandiri/pekerja")
    LAINNYA = "lainnya", _("Asuransi lainnya")


BPJS_CATEGORIES = {HealthInsurance.PBI, HealthInsurance.PBI_DAERAH, HealthInsurance.MANDIRI}


class Citizenship(models.TextChoices):
    WNI = "wni", _("WNI")
    WNA = "wna", _("WNA")


class GroupMembership(models.TextChoices):
    """Lembaga yang diikuti (DAK: pemerintahan, kemasyarakatan, ekonomi)."""

    BPD = "bpd", _("BPD")
    LPM = "lpm", _("LPM/LKMD")
    PKK = "pkk", _("PKK")
    KARANG_TARUNA = "karang_taruna", _("Karang taruna")
    KELOMPOK_TANI = "kelompok_tani", _("Kelompok tani/gapoktan")
    KOPERASI = "koperasi", _("Koperasi")
    BUMDES = "bumdes", _("Pengurus BUMDes")
    LEMBAGA_ADAT = "lembaga_adat", _("Lembaga adat")
    PENGELOLA_HUTAN = "pengelola_hutan", _("Pengelola hutan desa/adat")
    POSYANDU = "posyandu", _("Kader posyandu")
    MAJELIS_TAKLIM = "majelis_taklim", _("Majelis taklim/kelompok keagamaan")
    OLAHRAGA = "olahraga", _("Kelompok olahraga")


class ResidentStatus(models.TextChoices):
    """Where the person stands in the register now; the dated events behind it are `ResidentEvent`."""

    AKTIF = "aktif", _("Tinggal di sini")
    PINDAH = "pindah", _("Pindah keluar")
    MENINGGAL = "meninggal", _("Meninggal")
    HILANG = "hilang", _("Hilang")


class EventKind(models.TextChoices):
    PENDATAAN = "pendataan", _("Tercatat dalam pendataan")
    LAHIR = "lahir", _("Lahir")
    MENINGGAL = "meninggal", _("Meninggal")
    PINDAH_DATANG = "pindah_datang", _("Pindah datang")
    PINDAH_KELUAR = "pindah_keluar", _("Pindah keluar")
    HILANG = "hilang", _("Dilaporkan hilang")


# What status each event leaves the person in.
STATUS_AFTER_EVENT = {
    EventKind.PENDATAAN: ResidentStatus.AKTIF,
    EventKind.LAHIR: ResidentStatus.AKTIF,
    EventKind.PINDAH_DATANG: ResidentStatus.AKTIF,
    EventKind.MENINGGAL: ResidentStatus.MENINGGAL,
    EventKind.PINDAH_KELUAR: ResidentStatus.PINDAH,
    EventKind.HILANG: ResidentStatus.HILANG,
}


# --- Household ------------------------------------------------------------------------------------------


class HouseTenure(models.TextChoices):
    MILIK = "milik", _("Milik sendiri")
    SEWA = "sewa", _("Sewa/kontrak")
    MENUMPANG = "menumpang", _("Menumpang/bebas sewa")
    DINAS = "dinas", _("Rumah dinas")
    LAINNYA = "lainnya", _("Lainnya")


class Floor(models.TextChoices):
    TANAH = "tanah", _("Tanah")
    BAMBU = "bambu", _("Bambu")
    KAYU = "kayu", _("Kayu/papan")
    SEMEN = "semen", _("Semen/bata merah")
    KERAMIK = "keramik", _("Keramik/ubin/marmer")


class Wall(models.TextChoices):
    BAMBU = "bambu", _("Bambu/anyaman")
    KAYU = "kayu", _("Kayu/papan")
    TEMBOK_KASAR = "tembok_kasar", _("Tembok belum diplester")
    TEMBOK = "tembok", _("Tembok")
    LAINNYA = "lainnya", _("Lainnya")


class Roof(models.TextChoices):
    RUMBIA = "rumbia", _("Rumbia/ijuk/daun")
    SENG = "seng", _("Seng")
    ASBES = "asbes", _("Asbes")
    GENTENG = "genteng", _("Genteng")
    BETON = "beton", _("Beton")
    LAINNYA = "lainnya", _("Lainnya")


class WaterSource(models.TextChoices):
    """Sumber air (IDM items 34–35 score PAM/ledeng 5, sumur bor/pompa and sumur 4)."""

    LEDENG = "ledeng", _("PAM/air ledeng")
    KEMASAN = "kemasan", _("Air kemasan/isi ulang")
    SUMUR_BOR = "sumur_bor", _("Sumur bor/pompa")
    SUMUR_TERLINDUNG = "sumur_terlindung", _("Sumur terlindung")
    SUMUR_TAK_TERLINDUNG = "sumur_tak_terlindung", _("Sumur tak terlindung")
    MATA_AIR = "mata_air", _("Mata air")
    SUNGAI = "sungai", _("Sungai/danau")
    HUJAN = "hujan", _("Air hujan")


class Toilet(models.TextChoices):
    """Tempat buang air besar (IDM item 32)."""

    SENDIRI = "sendiri", _("Jamban sendiri")
    BERSAMA = "bersama", _("Jamban bersama")
    UMUM = "umum", _("Jamban umum")
    TIDAK_ADA = "tidak_ada", _("Tidak ada (sungai/kebun)")


class Waste(models.TextChoices):
    """Pembuangan sampah (IDM item 33)."""

    DIANGKUT = "diangkut", _("Tempat sampah, diangkut")
    DIBAKAR = "dibakar", _("Dibakar/ditimbun di lubang")
    SUNGAI = "sungai", _("Dibuang ke sungai")
    SEMBARANGAN = "sembarangan", _("Dibuang sembarangan")


class Lighting(models.TextChoices):
    """Sumber penerangan (IDM item 28 counts families with electricity, PLN or not)."""

    PLN_METERAN = "pln_meteran", _("Listrik PLN dengan meteran")
    PLN_TANPA_METERAN = "pln_tanpa_meteran", _("Listrik PLN tanpa meteran (menyalur)")
    NON_PLN = "non_pln", _("Listrik non-PLN (PLTMH, surya, genset)")
    TIDAK_ADA = "tidak_ada", _("Bukan listrik (pelita, petromaks)")


ELECTRIFIED = {Lighting.PLN_METERAN, Lighting.PLN_TANPA_METERAN, Lighting.NON_PLN}


class CookingFuel(models.TextChoices):
    LISTRIK = "listrik", _("Listrik")
    LPG = "lpg", _("Gas/LPG")
    MINYAK_TANAH = "minyak_tanah", _("Minyak tanah")
    KAYU = "kayu", _("Kayu bakar")
    ARANG = "arang", _("Arang/briket")
    TIDAK_MEMASAK = "tidak_memasak", _("Tidak memasak di rumah")


class FirewoodSource(models.TextChoices):
    """SDGs Desa asks where firewood comes from: it matters for forest stewardship."""

    BELI = "beli", _("Membeli")
    HUTAN = "hutan", _("Mengambil dari hutan")
    LUAR_HUTAN = "luar_hutan", _("Mengambil di luar hutan (kebun, pekarangan)")


class Signal(models.TextChoices):
    """Sinyal telepon seluler di rumah (IDM item 29 is village-level; the household view feeds it)."""

    KUAT = "kuat", _("Kuat")
    LEMAH = "lemah", _("Lemah")
    TIDAK_ADA = "tidak_ada", _("Tidak ada sinyal")


class Asset(models.TextChoices):
    SEPEDA_MOTOR = "sepeda_motor", _("Sepeda motor")
    MOBIL = "mobil", _("Mobil")
    PERAHU = "perahu", _("Perahu/perahu motor")
    TELEPON_PINTAR = "telepon_pintar", _("Telepon pintar")
    TELEVISI = "televisi", _("Televisi")
    KULKAS = "kulkas", _("Kulkas")
    KOMPUTER = "komputer", _("Komputer/laptop")
    SAPI_KERBAU = "sapi_kerbau", _("Sapi/kerbau")
    KAMBING = "kambing", _("Kambing/domba")
    TRAKTOR = "traktor", _("Traktor/mesin pertanian")


class IncomeSource(models.TextChoices):
    KARET = "karet", _("Kebun karet")
    SAWIT = "sawit", _("Kebun kelapa sawit")
    KOPI = "kopi", _("Kebun kopi")
    KAYU_MANIS = "kayu_manis", _("Kayu manis")
    PADI = "padi", _("Padi/tanaman pangan")
    HORTIKULTURA = "hortikultura", _("Sayur/buah")
    IKAN = "ikan", _("Perikanan")
    TERNAK = "ternak", _("Peternakan")
    HASIL_HUTAN = "hasil_hutan", _("Hasil hutan bukan kayu")
    DAGANG = "dagang", _("Dagang/usaha")
    GAJI = "gaji", _("Gaji/upah tetap")
    BURUH = "buruh", _("Buruh/upah harian")
    KIRIMAN = "kiriman", _("Kiriman keluarga/pensiun")
    TAMBANG = "tambang", _("Tambang")
    LAINNYA = "lainnya", _("Lainnya")


class IncomeBracket(models.TextChoices):
    """Penghasilan rumah tangga per bulan (Prodeskel DDK 1.1)."""

    KURANG_1JT = "lt1", _("Kurang dari Rp 1 juta")
    SATU_DUA = "1_2", _("Rp 1–2 juta")
    DUA_TIGA = "2_3", _("Rp 2–3 juta")
    TIGA_LIMA = "3_5", _("Rp 3–5 juta")
    LEBIH_5JT = "gt5", _("Lebih dari Rp 5 juta")


class Assistance(models.TextChoices):
    """Bantuan sosial yang diterima (multi-pilih). Dana karbon: the Bujang Raba community carbon fund
    (Plan Vivo, KKI WARSI) pays incentives to households of five Bathin III Ulu dusun."""

    PKH = "pkh", _("PKH")
    BPNT = "bpnt", _("BPNT/Program Sembako")
    BLT_DD = "blt_dd", _("BLT Dana Desa")
    PIP = "pip", _("PIP/KIP (bantuan sekolah)")
    RTLH = "rtlh", _("Bedah rumah (RTLH)")
    DANA_KARBON = "dana_karbon", _("Bantuan dana karbon")
    LAINNYA = "lainnya", _("Bantuan lainnya")


# Statistics: age bands of five years, the last open-ended (the population pyramid's rows).
AGE_BAND_COUNT = 17  # 0–4, 5–9, … 75–79, 80+


def age_band_label(band: int) -> str:
    return f"{band * 5}+" if band == AGE_BAND_COUNT - 1 else f"{band * 5}–{band * 5 + 4}"


# The age filter of the statistics uses broader groups (whole five-year bands, so the pyramid can be
# cut by them too): (first band, last band, label). Life stages: small children, school age, youth,
# young adults, older adults, elderly (lansia, 65+ as BPS counts it).
AGE_GROUPS = [
    (0, 0, "0–4"),
    (1, 2, "5–14"),
    (3, 4, "15–24"),
    (5, 8, "25–44"),
    (9, 12, "45–64"),
    (13, AGE_BAND_COUNT - 1, "65+"),
]


def age_group_of_band(band: int) -> int:
    return next(i for i, (first, last, _label) in enumerate(AGE_GROUPS) if first <= band <= last)
