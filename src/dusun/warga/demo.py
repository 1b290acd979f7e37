"""Synthetic census at Bungo's real scale, clearly labelled and removable in one step.

There is no real household data anywhere in this project. `generate()` makes ~100,000 households and
~373,000 residents (Dukcapil: 373,583 inhabitants at the end of 2023) in the 153 villages, with:
- plausible families (head, spouse, children born when the mother was 18–42, sometimes an old parent),
  household sizes averaging 3.7, an age pyramid shaped like a young rural Sumatran population;
- Bungo's livelihoods: rubber and oil-palm smallholders, coffee and cinnamon in the uplands (Bathin III
  Ulu, Rantau Pandan, Limbur Lubuk Mengkuang, Pelepat), rice, fish; towns (Muara Bungo's kelurahan)
  with wage work and trade; micro-hydro and river water in the remote dusun; the Bujang Raba carbon
  fund's aid to households of its five dusun;
- NIK and KK numbers with the real shape but an impossible month (see `nik.DEMO_MONTH_OFFSET`), so
  they can never equal a real number;
- `is_demo = True` on every row, and demo sub-units marked by their `sumber`.

Rows are generated in Python from one seeded random stream (same seed, same census) and written with
PostgreSQL COPY, never row by row through the ORM: the full census is written in well under a minute.
Villages that already hold real (non-demo) households are left alone.
"""

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from dusun.wilayah.models import Jenis, Level, Wilayah

from . import choices as c
from .models import HOUSEHOLD_ATTRIBUTES, RESIDENT_ATTRIBUTES
from .nik import demo_number

DEMO_SOURCE = "Data demo Dusun Online (sintetis, bukan data nyata)"
TOTAL_POPULATION = 373_583  # Dukcapil, end of 2023
MEAN_HOUSEHOLD_SIZE = 3.73

# Mid-2022 population estimates of Muara Bungo's kelurahan (BPS, via Wikipedia) and Senamat Ulu's
# ~900 inhabitants (Samdhana, c. 2013): used as they are; the rest is shared out by seeded weights.
KNOWN_POPULATION = {
    "15.08.03.1008": 3738,
    "15.08.03.1007": 3338,
    "15.08.03.1023": 4764,
    "15.08.03.1022": 6706,
    "15.08.03.1006": 2863,
    "15.08.12.1002": 7606,
    "15.08.12.1001": 9946,
    "15.08.13.1002": 7702,
    "15.08.13.1001": 11696,
    "15.08.11.1003": 2471,
    "15.08.14.2006": 898,
}
UPLANDS = {"15.08.14", "15.08.02", "15.08.07", "15.08.06"}
OIL_PALM = {"15.08.09", "15.08.17", "15.08.04", "15.08.16", "15.08.15"}
# The five dusun of the Bujang Raba community carbon project (Plan Vivo, KKI WARSI).
CARBON_DUSUN = {"15.08.14.2008", "15.08.14.2003", "15.08.14.2002", "15.08.14.2006", "15.08.14.2009"}
SMALL_SCALE_KECAMATAN = "15.08.14"  # --scale small: the nine pilot dusun of Bathin III Ulu
SMALL_SCALE_FACTOR = 0.12

MALE = [
    "Ahmad",
    "Muhammad",
    "Abdul",
    "Rahman",
    "Syamsul",
    "Hendra",
    "Rudi",
    "Joni",
    "Safrudin",
    "Zulkifli",
    "Firdaus",
    "Herman",
    "Irwan",
    "Jamal",
    "Khairul",
    "Lukman",
    "Mahmud",
    "Nasrul",
    "Rizal",
    "Syahrial",
    "Taufik",
    "Usman",
    "Wahyu",
    "Yusuf",
    "Zainal",
    "Amri",
    "Bahrun",
    "Darmawan",
    "Effendi",
    "Faisal",
    "Hasan",
    "Ilham",
    "Junaidi",
    "Kamaruddin",
    "Marzuki",
    "Nurdin",
    "Rahmat",
    "Sulaiman",
    "Tamrin",
    "Umar",
    "Arif",
    "Budi",
    "Dedi",
    "Eko",
    "Fauzi",
    "Gusti",
    "Hamdan",
    "Idris",
    "Jasman",
    "Kasim",
    "Mansur",
    "Nazar",
    "Rasyid",
    "Sukri",
    "Tarmizi",
    "Yahya",
    "Zulfan",
    "Anwar",
    "Bakri",
    "Syaiful",
    "Ridwan",
]
FEMALE = [
    "Siti",
    "Nur",
    "Aisyah",
    "Fatimah",
    "Rahmah",
    "Yusnidar",
    "Hasnah",
    "Marlina",
    "Nurhayati",
    "Sri",
    "Dewi",
    "Wati",
    "Yanti",
    "Rosmawati",
    "Asnah",
    "Fitri",
    "Halimah",
    "Juliana",
    "Kartini",
    "Laila",
    "Maryam",
    "Nurjanah",
    "Rina",
    "Salmah",
    "Zubaidah",
    "Dahlia",
    "Erni",
    "Gusniati",
    "Ida",
    "Jamilah",
    "Khadijah",
    "Lestari",
    "Murni",
    "Nila",
    "Puspita",
    "Ratna",
    "Sarifah",
    "Titin",
    "Umi",
    "Warni",
    "Yuliana",
    "Zahara",
    "Anita",
    "Desi",
    "Elda",
    "Farida",
    "Hartini",
    "Indah",
    "Juwita",
    "Kasmawati",
    "Lena",
    "Mardiana",
    "Nurlela",
    "Rosnani",
    "Saidah",
    "Tuti",
]
BIRTH_PLACES_ELSEWHERE = [
    "Muara Bungo",
    "Jambi",
    "Bangko",
    "Muara Tebo",
    "Sarolangun",
    "Kerinci",
    "Padang",
    "Bukittinggi",
    "Palembang",
    "Wonogiri",
    "Klaten",
]
MIGRANT_REGIONS = ("331201", "331001", "137105", "157201", "150201", "160701")  # Jawa Tengah, Sumbar, Jambi…

INCOME_OF_COMMODITY = {
    "karet": c.IncomeSource.KARET,
    "sawit": c.IncomeSource.SAWIT,
    "kopi": c.IncomeSource.KOPI,
    "kayu_manis": c.IncomeSource.KAYU_MANIS,
    "padi_sawah": c.IncomeSource.PADI,
    "ikan_kolam": c.IncomeSource.IKAN,
}
INCOME_OF_OCCUPATION = {
    c.Occupation.ASN: c.IncomeSource.GAJI,
    c.Occupation.GURU: c.IncomeSource.GAJI,
    c.Occupation.KARYAWAN: c.IncomeSource.GAJI,
    c.Occupation.TNI_POLRI: c.IncomeSource.GAJI,
    c.Occupation.HONORER: c.IncomeSource.GAJI,
    c.Occupation.NAKES: c.IncomeSource.GAJI,
    c.Occupation.PEDAGANG: c.IncomeSource.DAGANG,
    c.Occupation.WIRASWASTA: c.IncomeSource.DAGANG,
    c.Occupation.BURUH_LEPAS: c.IncomeSource.BURUH,
    c.Occupation.BURUH_TANI: c.IncomeSource.BURUH,
    c.Occupation.PENAMBANG: c.IncomeSource.TAMBANG,
    c.Occupation.PENSIUNAN: c.IncomeSource.KIRIMAN,
}

HOUSEHOLD_SIZES = [(1, 0.08), (2, 0.15), (3, 0.22), (4, 0.24), (5, 0.16), (6, 0.09), (7, 0.04), (8, 0.02)]


def _weighted(rng: random.Random, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights)[0]


@dataclass
class Village:
    pk: int
    kode: str
    nama: str
    jenis: str
    kecamatan: str
    households: int
    subunits: list[int] = field(default_factory=list)

    @property
    def urban(self) -> bool:
        return self.jenis == Jenis.KELURAHAN

    @property
    def upland(self) -> bool:
        return self.kecamatan in UPLANDS

    @property
    def palm(self) -> bool:
        return self.kecamatan in OIL_PALM


def _plan_villages(rng: random.Random, scale: str) -> list[Village]:
    villages = list(Wilayah.objects.villages().select_related("parent").order_by("kode"))
    real = set(
        _scalar_list("SELECT DISTINCT dusun_id FROM warga_household WHERE NOT is_demo")  # leave real data alone
    )
    if scale == "small":
        villages = [v for v in villages if v.parent.kode == SMALL_SCALE_KECAMATAN]
    known = {v.kode: KNOWN_POPULATION[v.kode] for v in villages if v.kode in KNOWN_POPULATION}
    others = [v for v in villages if v.kode not in known]
    weights = {v.kode: rng.lognormvariate(0, 0.45) for v in others}
    if scale == "small":
        remaining = sum(2400 * weights[v.kode] for v in others)
        population = {v.kode: 2400 * weights[v.kode] for v in others} | known
        population = {k: p * SMALL_SCALE_FACTOR for k, p in population.items()}
        del remaining
    else:
        remaining = TOTAL_POPULATION - sum(known.values())
        total_weight = sum(weights.values())
        population = {k: remaining * w / total_weight for k, w in weights.items()} | known
    plan = []
    for v in villages:
        if v.pk in real:
            continue
        households = max(8, round(population[v.kode] / MEAN_HOUSEHOLD_SIZE))
        plan.append(Village(v.pk, v.kode, v.nama, v.jenis, v.parent.kode, households))
    return plan


def _scalar_list(sql: str, params=None) -> list:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return [row[0] for row in cursor.fetchall()]


def _ensure_subunits(plan: list[Village]) -> None:
    """RT sub-units for each demo village (about 60 households per RT), made once, marked as demo."""
    existing = defaultdict(list)
    for pk, parent_id in Wilayah.objects.filter(level=Level.SUBUNIT).values_list("pk", "parent_id"):
        existing[parent_id].append(pk)
    new = []
    for v in plan:
        if existing.get(v.pk):
            continue
        for n in range(1, max(2, round(v.households / 60)) + 1):
            new.append(
                Wilayah(
                    kode=f"{v.kode}.RT{n:02d}",
                    nama=f"RT {n:02d}",
                    level=Level.SUBUNIT,
                    jenis=Jenis.RT,
                    parent_id=v.pk,
                    sumber=DEMO_SOURCE,
                )
            )
    Wilayah.objects.bulk_create(new, batch_size=2000)
    for pk, parent_id in Wilayah.objects.filter(level=Level.SUBUNIT).values_list("pk", "parent_id"):
        existing[parent_id].append(pk)
    for v in plan:
        v.subunits = sorted(existing[v.pk])


class _Sequences:
    """Per (region, date, sex) sequence numbers, as Dukcapil assigns them, so demo numbers are unique."""

    def __init__(self) -> None:
        self.next: dict[tuple, int] = defaultdict(int)

    def take(self, region: str, day: dt.date, female: bool) -> int:
        key = (region, day, female)
        self.next[key] += 1
        return self.next[key]


def _birth_date(rng: random.Random, today: dt.date, age: int) -> dt.date:
    born = today - dt.timedelta(days=age * 365 + rng.randrange(365))
    return born


def _education(rng: random.Random, age: int, urban: bool) -> tuple[str, str]:
    """(last education, current enrolment) by age; younger cohorts went to school longer."""
    if age < 5:
        return c.Education.TIDAK_SEKOLAH, (c.Enrolment.PAUD if age >= 4 and rng.random() < 0.4 else c.Enrolment.TIDAK)
    if age < 7:
        return c.Education.TIDAK_SEKOLAH, (c.Enrolment.PAUD if rng.random() < 0.6 else c.Enrolment.SD)
    if age < 13:
        return c.Education.BELUM_TAMAT_SD, c.Enrolment.SD
    if age < 16:
        return c.Education.SD, (c.Enrolment.SMP if rng.random() < 0.92 else c.Enrolment.TIDAK)
    if age < 19:
        enrolled = rng.random() < (0.85 if urban else 0.7)
        return c.Education.SMP, (c.Enrolment.SMA if enrolled else c.Enrolment.TIDAK)
    young = age < 40
    weights = [
        (c.Education.TIDAK_SEKOLAH, 2 if young else 9),
        (c.Education.BELUM_TAMAT_SD, 4 if young else 14),
        (c.Education.SD, 18 if young else 34),
        (c.Education.SMP, 22 if young else 18),
        (c.Education.SMA, 38 if young else 17),
        (c.Education.D1_D2, 2),
        (c.Education.D3, 3 if young else 2),
        (c.Education.S1, (14 if urban else 8) if young else (8 if urban else 3)),
        (c.Education.S2, 1 if urban else 0.3),
        (c.Education.S3, 0.05),
    ]
    education = _weighted(rng, weights)
    enrolment = (
        c.Enrolment.PT if age < 24 and education == c.Education.SMA and rng.random() < 0.3 else c.Enrolment.TIDAK
    )
    return education, enrolment


def _occupation(rng: random.Random, age: int, female: bool, education: str, enrolment: str, v: Village) -> str:
    if age < 15 or enrolment not in ("", c.Enrolment.TIDAK):
        return c.Occupation.PELAJAR if age >= 5 else c.Occupation.BELUM_BEKERJA
    if age >= 70:
        return _weighted(rng, [(c.Occupation.BELUM_BEKERJA, 5), (c.Occupation.PETANI, 4), (c.Occupation.PENSIUNAN, 1)])
    graduate = education in (c.Education.S1, c.Education.S2, c.Education.S3, c.Education.D3)
    if graduate and rng.random() < 0.55:
        return _weighted(
            rng, [(c.Occupation.GURU, 4), (c.Occupation.ASN, 3), (c.Occupation.NAKES, 2), (c.Occupation.HONORER, 3)]
        )
    if v.urban:
        pairs = [
            (c.Occupation.WIRASWASTA, 14),
            (c.Occupation.PEDAGANG, 12),
            (c.Occupation.KARYAWAN, 14),
            (c.Occupation.BURUH_LEPAS, 8),
            (c.Occupation.SOPIR, 3),
            (c.Occupation.TUKANG, 4),
            (c.Occupation.PETANI, 5),
            (c.Occupation.TNI_POLRI, 1.5),
            (c.Occupation.BELUM_BEKERJA, 8),
        ]
    else:
        pairs = [
            (c.Occupation.PETANI, 50),
            (c.Occupation.BURUH_TANI, 9),
            (c.Occupation.WIRASWASTA, 4),
            (c.Occupation.PEDAGANG, 3),
            (c.Occupation.BURUH_LEPAS, 4),
            (c.Occupation.NELAYAN, 1),
            (c.Occupation.PETERNAK, 0.7),
            (c.Occupation.TUKANG, 1.5),
            (c.Occupation.SOPIR, 1),
            (c.Occupation.PERANGKAT_DESA, 0.6),
            (c.Occupation.PEMUKA_AGAMA, 0.3),
            (c.Occupation.PENAMBANG, 0.4),
            (c.Occupation.BELUM_BEKERJA, 5),
        ]
    if female:
        pairs = [(c.Occupation.MENGURUS_RT, 45 if not v.urban else 35)] + [(o, w * 0.6) for o, w in pairs]
    return _weighted(rng, pairs)


def _religion(rng: random.Random, v: Village) -> str:
    if v.urban:
        return _weighted(
            rng,
            [
                (c.Religion.ISLAM, 93),
                (c.Religion.KRISTEN, 3.5),
                (c.Religion.KATOLIK, 1.2),
                (c.Religion.BUDDHA, 2),
                (c.Religion.KHONGHUCU, 0.2),
                (c.Religion.HINDU, 0.1),
            ],
        )
    if v.palm:
        return _weighted(
            rng, [(c.Religion.ISLAM, 97), (c.Religion.KRISTEN, 2), (c.Religion.KATOLIK, 0.7), (c.Religion.HINDU, 0.3)]
        )
    return c.Religion.ISLAM if rng.random() < 0.998 else c.Religion.KRISTEN


def _marital(rng: random.Random, age: int, female: bool) -> str:
    if age < 16:
        return c.MaritalStatus.BELUM
    if age < 25:
        married = 0.45 if female else 0.25
        return c.MaritalStatus.KAWIN if rng.random() < married else c.MaritalStatus.BELUM
    if age >= 65 and rng.random() < (0.45 if female else 0.15):
        return c.MaritalStatus.CERAI_MATI
    return _weighted(
        rng,
        [
            (c.MaritalStatus.KAWIN, 90),
            (c.MaritalStatus.BELUM, 5),
            (c.MaritalStatus.CERAI_HIDUP, 3),
            (c.MaritalStatus.CERAI_MATI, 2),
        ],
    )


def _insurance(rng: random.Random, poor: bool, occupation: str) -> str:
    if occupation in (c.Occupation.ASN, c.Occupation.TNI_POLRI, c.Occupation.GURU, c.Occupation.KARYAWAN):
        return c.HealthInsurance.MANDIRI
    if poor:
        return _weighted(
            rng, [(c.HealthInsurance.PBI, 80), (c.HealthInsurance.PBI_DAERAH, 10), (c.HealthInsurance.TIDAK, 10)]
        )
    return _weighted(
        rng,
        [
            (c.HealthInsurance.PBI, 30),
            (c.HealthInsurance.PBI_DAERAH, 12),
            (c.HealthInsurance.MANDIRI, 22),
            (c.HealthInsurance.TIDAK, 35),
            (c.HealthInsurance.LAINNYA, 1),
        ],
    )


def _groups(rng: random.Random, age: int, female: bool, occupation: str) -> list[str]:
    if age < 17:
        return []
    groups = []
    if occupation in (c.Occupation.PETANI, c.Occupation.BURUH_TANI) and rng.random() < 0.35:
        groups.append(c.GroupMembership.KELOMPOK_TANI)
    if female and age >= 20 and rng.random() < 0.25:
        groups.append(c.GroupMembership.PKK)
    if female and rng.random() < 0.05:
        groups.append(c.GroupMembership.POSYANDU)
    if rng.random() < 0.12:
        groups.append(c.GroupMembership.MAJELIS_TAKLIM)
    if 17 <= age <= 35 and rng.random() < 0.12:
        groups.append(c.GroupMembership.KARANG_TARUNA)
    if age >= 30 and rng.random() < 0.015:
        groups.append(rng.choice([c.GroupMembership.BPD, c.GroupMembership.LPM, c.GroupMembership.LEMBAGA_ADAT]))
    if rng.random() < 0.04:
        groups.append(c.GroupMembership.KOPERASI)
    if 17 <= age <= 40 and not female and rng.random() < 0.08:
        groups.append(c.GroupMembership.OLAHRAGA)
    return groups


def _household_attributes(rng: random.Random, v: Village, poor: bool) -> dict:
    remote = v.upland and not v.urban
    floor = _weighted(
        rng,
        [
            (c.Floor.KERAMIK, 40 if v.urban else 12),
            (c.Floor.SEMEN, 30),
            (c.Floor.KAYU, 10 if v.urban else 45),
            (c.Floor.BAMBU, 1),
            (c.Floor.TANAH, 2 if not poor else 8),
        ],
    )
    wall = _weighted(
        rng,
        [
            (c.Wall.TEMBOK, 65 if v.urban else 25),
            (c.Wall.TEMBOK_KASAR, 10),
            (c.Wall.KAYU, 20 if v.urban else 60),
            (c.Wall.BAMBU, 1 if not poor else 6),
        ],
    )
    roof = _weighted(
        rng,
        [
            (c.Roof.SENG, 70),
            (c.Roof.GENTENG, 12 if v.urban else 3),
            (c.Roof.ASBES, 12),
            (c.Roof.BETON, 2 if v.urban else 0),
            (c.Roof.RUMBIA, 0.5 if not poor else 5),
        ],
    )
    drinking = _weighted(
        rng,
        [
            (c.WaterSource.LEDENG, 25 if v.urban else 4),
            (c.WaterSource.KEMASAN, 30 if v.urban else 12),
            (c.WaterSource.SUMUR_BOR, 20),
            (c.WaterSource.SUMUR_TERLINDUNG, 25 if not remote else 10),
            (c.WaterSource.SUMUR_TAK_TERLINDUNG, 8),
            (c.WaterSource.MATA_AIR, 20 if remote else 2),
            (c.WaterSource.SUNGAI, 12 if remote else 2),
            (c.WaterSource.HUJAN, 1),
        ],
    )
    bathing = (
        drinking
        if drinking != c.WaterSource.KEMASAN
        else _weighted(
            rng, [(c.WaterSource.SUMUR_BOR, 40), (c.WaterSource.SUMUR_TERLINDUNG, 40), (c.WaterSource.LEDENG, 20)]
        )
    )
    toilet = _weighted(
        rng,
        [
            (c.Toilet.SENDIRI, 88 if v.urban else 66),
            (c.Toilet.BERSAMA, 7),
            (c.Toilet.UMUM, 2),
            (c.Toilet.TIDAK_ADA, 3 if v.urban else 22),
        ],
    )
    waste = _weighted(
        rng,
        [
            (c.Waste.DIANGKUT, 60 if v.urban else 4),
            (c.Waste.DIBAKAR, 35 if v.urban else 75),
            (c.Waste.SUNGAI, 2 if v.urban else 12),
            (c.Waste.SEMBARANGAN, 3 if v.urban else 9),
        ],
    )
    lighting = _weighted(
        rng,
        [
            (c.Lighting.PLN_METERAN, 95 if v.urban else (55 if remote else 82)),
            (c.Lighting.PLN_TANPA_METERAN, 3 if v.urban else 8),
            (c.Lighting.NON_PLN, 0.5 if v.urban else (35 if remote else 6)),
            (c.Lighting.TIDAK_ADA, 0.5 if v.urban else 3),
        ],
    )
    fuel = _weighted(
        rng,
        [
            (c.CookingFuel.LPG, 92 if v.urban else 68),
            (c.CookingFuel.KAYU, 5 if v.urban else 30),
            (c.CookingFuel.LISTRIK, 2),
            (c.CookingFuel.MINYAK_TANAH, 1),
        ],
    )
    firewood = (
        _weighted(
            rng,
            [
                (c.FirewoodSource.LUAR_HUTAN, 70),
                (c.FirewoodSource.HUTAN, 20 if remote else 5),
                (c.FirewoodSource.BELI, 10),
            ],
        )
        if fuel == c.CookingFuel.KAYU
        else ""
    )
    signal = _weighted(
        rng,
        [
            (c.Signal.KUAT, 90 if v.urban else (30 if remote else 60)),
            (c.Signal.LEMAH, 8 if v.urban else 30),
            (c.Signal.TIDAK_ADA, 2 if v.urban else (35 if remote else 10)),
        ],
    )
    assets = [
        a
        for a, p in [
            (c.Asset.SEPEDA_MOTOR, 0.85),
            (c.Asset.TELEPON_PINTAR, 0.75),
            (c.Asset.TELEVISI, 0.7),
            (c.Asset.KULKAS, 0.45 if v.urban else 0.25),
            (c.Asset.MOBIL, 0.12 if v.urban else 0.06),
            (c.Asset.PERAHU, 0.03),
            (c.Asset.KOMPUTER, 0.2 if v.urban else 0.05),
            (c.Asset.SAPI_KERBAU, 0 if v.urban else 0.07),
            (c.Asset.KAMBING, 0 if v.urban else 0.05),
        ]
        if rng.random() < p * (0.5 if poor else 1)
    ]
    return {
        "tenure": _weighted(
            rng,
            [
                (c.HouseTenure.MILIK, 88 if not v.urban else 70),
                (c.HouseTenure.SEWA, 2 if not v.urban else 15),
                (c.HouseTenure.MENUMPANG, 8),
                (c.HouseTenure.DINAS, 1),
            ],
        ),
        "floor": floor,
        "wall": wall,
        "roof": roof,
        "floor_area_m2": round(rng.uniform(24, 60 if poor else 120), 1),
        "drinking_water": drinking,
        "bathing_water": bathing,
        "toilet": toilet,
        "waste": waste,
        "lighting": lighting,
        "cooking_fuel": fuel,
        "firewood_source": firewood,
        "phone_signal": signal,
        "internet": signal != c.Signal.TIDAK_ADA and rng.random() < (0.75 if v.urban else 0.45),
        "assets": assets,
    }


def _commodities(rng: random.Random, v: Village, head_occupation: str) -> list[tuple[str, float, float, float]]:
    """(commodity, area ha, production kg, price Rp/kg) for a farming household, last full year."""
    if v.urban and rng.random() < 0.85:
        return []
    if head_occupation not in (c.Occupation.PETANI, c.Occupation.BURUH_TANI) and rng.random() < 0.6:
        return []
    out = []
    if rng.random() < (0.45 if v.palm else 0.7):
        area = round(rng.uniform(0.5, 3.0), 2)
        out.append(("karet", area, round(area * rng.uniform(600, 1100)), round(rng.uniform(9000, 13000), -2)))
    if rng.random() < (0.6 if v.palm else 0.2):
        area = round(rng.uniform(1.0, 4.0), 2)
        out.append(("sawit", area, round(area * rng.uniform(12000, 20000)), round(rng.uniform(1900, 2600), -1)))
    if v.upland and rng.random() < 0.3:
        area = round(rng.uniform(0.25, 1.5), 2)
        out.append(("kopi", area, round(area * rng.uniform(400, 800)), round(rng.uniform(35000, 55000), -2)))
    if v.upland and rng.random() < 0.15:
        area = round(rng.uniform(0.25, 1.0), 2)
        out.append(("kayu_manis", area, round(area * rng.uniform(300, 700)), round(rng.uniform(25000, 45000), -2)))
    if rng.random() < 0.15:
        area = round(rng.uniform(0.1, 0.6), 2)
        out.append(("padi_sawah", area, round(area * rng.uniform(3000, 4800)), round(rng.uniform(5500, 6800), -2)))
    if rng.random() < 0.04:
        out.append(
            (
                "ikan_kolam",
                round(rng.uniform(0.01, 0.1), 2),
                round(rng.uniform(100, 900)),
                round(rng.uniform(25000, 35000), -2),
            )
        )
    return out


@dataclass
class Generated:
    households: int = 0
    residents: int = 0
    events: int = 0
    commodities: int = 0
    villages: int = 0


def _copy(table: str, columns: list[str], rows) -> int:
    n = 0
    with connection.cursor() as cursor, cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
            n += 1
    return n


def _next_ids(table: str, count: int) -> int:
    """Reserve `count` ids of a table's sequence; returns the first."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT pg_get_serial_sequence('{table}', 'id')")
        sequence = cursor.fetchone()[0]
        cursor.execute("SELECT setval(%s, nextval(%s) + %s - 1)", [sequence, sequence, count])
        last = cursor.fetchone()[0]
    return last - count + 1


# COPY column order; the row tuples in generate() follow it. The census attributes come from the model
# module's one list, so the demo writes every attribute an import would.
ROW_END = ["is_demo", "created_at", "updated_at"]
HOUSEHOLD_COLUMNS = ["id", "uuid", "dusun_id", "subunit_id", "kk_number", "location", *HOUSEHOLD_ATTRIBUTES, *ROW_END]
RESIDENT_COLUMNS = ["id", "uuid", "household_id", "dusun_id", "nik", *RESIDENT_ATTRIBUTES, *ROW_END]
EVENT_COLUMNS = ["uuid", "resident_id", "household_id", "dusun_id", "kind", "date", "note", "is_demo", "created_at"]


def generate(seed: int = 20231231, scale: str = "full") -> Generated:
    """Replace the demo census with a fresh one (same seed, same data). Real data is never touched."""
    import uuid as uuid_module

    rng = random.Random(seed)
    uuid_rng = random.Random(seed + 1)

    def new_uuid():
        return uuid_module.UUID(int=uuid_rng.getrandbits(128), version=4)

    today = timezone.localdate()
    now = timezone.now()
    result = Generated()
    with transaction.atomic():
        remove()
        plan = _plan_villages(rng, scale)
        _ensure_subunits(plan)
        total_households = sum(v.households for v in plan)
        household_id = _next_ids("warga_household", total_households)
        # Residents get their ids once their number is known (local numbers first, offset at writing).
        resident_id = 0
        sequences = _Sequences()
        households, residents, events, commodity_rows = [], [], [], []
        commodity_year = today.year - 1
        for v in plan:
            region = v.kecamatan.replace(".", "")
            result.villages += 1
            for h in range(v.households):
                size = _weighted(rng, HOUSEHOLD_SIZES)
                poor = rng.random() < (0.12 if v.urban else 0.22)
                head_female = rng.random() < 0.12
                head_age = int(min(85, max(19, rng.gauss(44, 13))))
                members: list[tuple[int, bool, str]] = [(head_age, head_female, c.Relationship.KEPALA)]
                if size >= 2 and not head_female and rng.random() < 0.9:
                    members.append((max(17, head_age + int(rng.gauss(-4, 3))), True, c.Relationship.ISTRI))
                mother_age = members[1][0] if len(members) > 1 else head_age
                while len(members) < size:
                    if rng.random() < 0.06 and head_age < 60:
                        members.append(
                            (min(95, head_age + rng.randint(22, 32)), rng.random() < 0.65, c.Relationship.ORANG_TUA)
                        )
                    elif rng.random() < 0.04 and head_age > 55:
                        members.append((rng.randint(0, 12), rng.random() < 0.5, c.Relationship.CUCU))
                    else:
                        child_age = mother_age - rng.randint(18, 42)
                        if child_age < 0:
                            child_age = rng.randint(0, 3)
                        members.append((child_age, rng.random() < 0.49, c.Relationship.ANAK))
                # The KK number: issued at the last family change, region of the village.
                issued = today - dt.timedelta(days=rng.randrange(60, 365 * 12))
                kk = demo_number(region, issued, False, sequences.take("KK" + region, issued, False))
                hid = household_id + result.households
                result.households += 1
                attrs = _household_attributes(rng, v, poor)
                head_occupation = ""
                rows_of_household = []
                for age, female, relationship in members:
                    born = _birth_date(rng, today, age)
                    person_region = region if rng.random() < 0.88 else rng.choice(MIGRANT_REGIONS)
                    nik = demo_number(person_region, born, female, sequences.take(person_region, born, female))
                    given = FEMALE if female else MALE
                    name = f"{rng.choice(given)} {rng.choice(given)}"
                    education, enrolment = _education(rng, age, v.urban)
                    occupation = _occupation(rng, age, female, education, enrolment, v)
                    if relationship == c.Relationship.KEPALA:
                        head_occupation = occupation
                    marital = (
                        c.MaritalStatus.KAWIN
                        if relationship in (c.Relationship.KEPALA, c.Relationship.ISTRI)
                        and len(members) > 1
                        and age >= 17
                        and not (relationship == c.Relationship.KEPALA and female)
                        else _marital(rng, age, female)
                    )
                    if relationship == c.Relationship.KEPALA and female:
                        marital = c.MaritalStatus.CERAI_MATI if age > 40 else _marital(rng, age, female)
                    status = c.ResidentStatus.AKTIF
                    roll = rng.random()
                    if relationship != c.Relationship.KEPALA and roll < 0.012:
                        status = c.ResidentStatus.PINDAH
                    elif age >= 60 and roll < 0.03:
                        status = c.ResidentStatus.MENINGGAL
                    rid = resident_id + result.residents
                    result.residents += 1
                    residents.append(
                        (
                            rid,
                            new_uuid(),
                            hid,
                            v.pk,
                            nik,
                            name,
                            "P" if female else "L",
                            v.nama if rng.random() < 0.62 else rng.choice(BIRTH_PLACES_ELSEWHERE),
                            born,
                            relationship,
                            _religion(rng, v),
                            marital,
                            education,
                            enrolment,
                            occupation,
                            c.Disability.TIDAK if rng.random() > 0.016 else rng.choice(list(c.Disability.values[1:])),
                            _insurance(rng, poor, occupation),
                            occupation in (c.Occupation.KARYAWAN, c.Occupation.ASN, c.Occupation.HONORER)
                            or rng.random() < 0.03,
                            c.Citizenship.WNI,
                            _groups(rng, age, female, occupation),
                            status,
                            True,
                            now,
                            now,
                        )
                    )
                    rows_of_household.append(rid)
                    if age == 0:
                        events.append((new_uuid(), rid, hid, v.pk, c.EventKind.LAHIR, born, "", True, now))
                    if status == c.ResidentStatus.PINDAH:
                        when = today - dt.timedelta(days=rng.randrange(10, 700))
                        events.append((new_uuid(), rid, hid, v.pk, c.EventKind.PINDAH_KELUAR, when, "", True, now))
                    elif status == c.ResidentStatus.MENINGGAL:
                        when = today - dt.timedelta(days=rng.randrange(10, 700))
                        events.append((new_uuid(), rid, hid, v.pk, c.EventKind.MENINGGAL, when, "", True, now))
                produce = _commodities(rng, v, head_occupation)
                for code, area, production, price in produce:
                    commodity_rows.append((hid, code, commodity_year, area, production, price))
                codes = [p[0] for p in produce]
                by_value = sorted(produce, key=lambda p: p[2] * p[3], reverse=True)
                if by_value:
                    income_main = INCOME_OF_COMMODITY[by_value[0][0]]
                else:
                    income_main = INCOME_OF_OCCUPATION.get(head_occupation, c.IncomeSource.LAINNYA)
                other_income = sorted({INCOME_OF_COMMODITY[code] for code in codes} - {income_main})
                assistance = [
                    a
                    for a, p in [
                        (c.Assistance.PKH, 0.4 if poor else 0.05),
                        (c.Assistance.BPNT, 0.6 if poor else 0.08),
                        (c.Assistance.BLT_DD, 0.3 if poor else 0.04),
                        (c.Assistance.RTLH, 0.05 if poor else 0),
                    ]
                    if rng.random() < p
                ]
                if any(m[0] in range(6, 19) for m in members) and rng.random() < (0.4 if poor else 0.08):
                    assistance.append(c.Assistance.PIP)
                if v.kode in CARBON_DUSUN and rng.random() < 0.85:
                    assistance.append(c.Assistance.DANA_KARBON)
                land = {code: area for code, area, _p, _r in produce}
                subunit = v.subunits[h * len(v.subunits) // v.households] if v.subunits else None
                households.append(
                    (
                        hid,
                        new_uuid(),
                        v.pk,
                        subunit,
                        kk,
                        None,  # location: a house is found for every household once all are written
                        f"RT {v.subunits.index(subunit) + 1:02d}, {v.nama}" if subunit else v.nama,
                        attrs["tenure"],
                        attrs["floor"],
                        attrs["wall"],
                        attrs["roof"],
                        attrs["floor_area_m2"],
                        attrs["drinking_water"],
                        attrs["bathing_water"],
                        attrs["toilet"],
                        attrs["waste"],
                        attrs["lighting"],
                        attrs["cooking_fuel"],
                        attrs["firewood_source"],
                        attrs["phone_signal"],
                        attrs["internet"],
                        attrs["assets"],
                        land.get("padi_sawah"),
                        round(sum(land.get(k, 0) for k in ("karet", "sawit", "kopi", "kayu_manis")), 2) or None,
                        None,
                        round(rng.uniform(0.02, 0.2), 2),
                        None,
                        income_main,
                        other_income,
                        _weighted(
                            rng,
                            [
                                (c.IncomeBracket.KURANG_1JT, 35 if poor else 8),
                                (c.IncomeBracket.SATU_DUA, 40 if poor else 25),
                                (c.IncomeBracket.DUA_TIGA, 20 if poor else 30),
                                (c.IncomeBracket.TIGA_LIMA, 5 if poor else 25),
                                (c.IncomeBracket.LEBIH_5JT, 0 if poor else 12),
                            ],
                        ),
                        sorted(set(assistance)),
                        True,
                        now,
                        now,
                    )
                )
        _copy("warga_household", HOUSEHOLD_COLUMNS, households)
        base = _next_ids("warga_resident", len(residents))
        _copy("warga_resident", RESIDENT_COLUMNS, ((r[0] + base, *r[1:]) for r in residents))
        result.events = _copy("warga_residentevent", EVENT_COLUMNS, ((e[0], e[1] + base, *e[2:]) for e in events))
        result.commodities = _write_commodities(commodity_rows)
        _place_households(seed)
        from dusun.ekonomi.demo import generate as generate_economy

        generate_economy(rng, [v.pk for v in plan], today)
    return result


def _place_households(seed: int) -> None:
    """Give every demo household a house: a (demo) dwelling footprint of its village where the map has
    one, else a random point inside the village. Planning counts beneficiaries from these points, and the
    census links households to buildings, so a census without locations would leave both empty."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH homes AS (
                SELECT id, dusun_id, row_number() OVER (PARTITION BY dusun_id ORDER BY id) AS n
                FROM warga_household WHERE is_demo AND location IS NULL
            ), houses AS (
                SELECT id, dusun_id, ST_PointOnSurface(geom) AS point,
                       row_number() OVER (PARTITION BY dusun_id ORDER BY id) AS n
                FROM ruang_building WHERE use = 'rumah'
            )
            UPDATE warga_household h SET location = houses.point, building_id = houses.id
            FROM homes JOIN houses ON houses.dusun_id = homes.dusun_id AND houses.n = homes.n
            WHERE h.id = homes.id
            """
        )
        cursor.execute(
            """
            WITH waiting AS (
                SELECT dusun_id, array_agg(id ORDER BY id) AS ids, count(*) AS n
                FROM warga_household WHERE is_demo AND location IS NULL GROUP BY dusun_id
            ), points AS (
                SELECT waiting.ids[p.path[1]] AS id, p.geom AS point
                FROM waiting JOIN wilayah_wilayah w ON w.id = waiting.dusun_id,
                     LATERAL ST_Dump(ST_GeneratePoints(w.geom, waiting.n::int, %s)) AS p
            )
            UPDATE warga_household h SET location = points.point FROM points WHERE h.id = points.id
            """,
            [seed % 2_000_000_000 + 1],
        )


def _write_commodities(rows) -> int:
    from dusun.ekonomi.commodities import ensure
    from dusun.ekonomi.models import Commodity

    ensure()
    ids = dict(Commodity.objects.values_list("code", "pk"))
    n = _copy(
        "ekonomi_householdcommodity",
        ["household_id", "commodity_id", "year", "area_ha", "production_kg", "price_per_kg", "is_demo"],
        ((hid, ids[code], year, area, production, price, True) for hid, code, year, area, production, price in rows),
    )
    # The dusun-level table the village would report, derived from its (demo) households.
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO ekonomi_dusuncommodity (dusun_id, commodity_id, year, area_ha, production_kg, price_per_kg,
                                                households, source, is_demo, updated_at)
            SELECT h.dusun_id, hc.commodity_id, hc.year, sum(hc.area_ha), sum(hc.production_kg),
                   round(sum(hc.price_per_kg * hc.production_kg) / NULLIF(sum(hc.production_kg), 0)),
                   count(*), 'dihitung', true, now()
            FROM ekonomi_householdcommodity hc JOIN warga_household h ON h.id = hc.household_id
            WHERE hc.is_demo GROUP BY h.dusun_id, hc.commodity_id, hc.year
            """
        )
    return n


def remove() -> dict[str, int]:
    """Delete every demo row of the census and the economy, and the demo sub-units. Real data stays."""
    from dusun.ekonomi.demo import remove as remove_economy

    counts = {}
    with transaction.atomic(), connection.cursor() as cursor:
        counts.update(remove_economy())
        for table in ("warga_residentevent", "warga_resident"):
            cursor.execute(f"DELETE FROM {table} WHERE is_demo")  # noqa: S608 (fixed table names)
            counts[table] = cursor.rowcount
        demo_households = "SELECT id FROM warga_household WHERE is_demo"
        # Rows that point at demo households from elsewhere (foreign keys are enforced by PostgreSQL).
        cursor.execute(f"DELETE FROM warga_household_parcels WHERE household_id IN ({demo_households})")  # noqa: S608 (identifiers from fixed lists in this module)
        cursor.execute(f"DELETE FROM ekonomi_householdcommodity WHERE household_id IN ({demo_households})")  # noqa: S608 (identifiers from fixed lists in this module)
        cursor.execute(
            f"UPDATE ekonomi_enterprise SET owner_household_id = NULL WHERE owner_household_id IN ({demo_households})"  # noqa: S608 (identifiers from fixed lists in this module)
        )
        cursor.execute("DELETE FROM warga_household WHERE is_demo")
        counts["warga_household"] = cursor.rowcount
        demo_subunits = """
            SELECT w.id FROM wilayah_wilayah w WHERE w.level = %s AND w.sumber = %s
              AND NOT EXISTS (SELECT 1 FROM warga_household h WHERE h.subunit_id = w.id)
              AND NOT EXISTS (SELECT 1 FROM wilayah_wilayah c WHERE c.parent_id = w.id)
        """
        # Derived statistics point at the sub-units; they are rebuilt after removal anyway.
        cursor.execute(
            f"DELETE FROM warga_statcell WHERE wilayah_id IN ({demo_subunits})",  # noqa: S608 (fixed SQL above)
            [int(Level.SUBUNIT), DEMO_SOURCE],
        )
        cursor.execute(
            """
            DELETE FROM wilayah_wilayah w WHERE w.level = %s AND w.sumber = %s
              AND NOT EXISTS (SELECT 1 FROM warga_household h WHERE h.subunit_id = w.id)
              AND NOT EXISTS (SELECT 1 FROM wilayah_wilayah c WHERE c.parent_id = w.id)
            """,
            [int(Level.SUBUNIT), DEMO_SOURCE],
        )
        counts["subunit"] = cursor.rowcount
    return counts
