"""Demo economy for the demo census (called by `warga.demo.generate`): BUMDes and small enterprises,
markets, and three years of APBDes per desa. Every row is flagged `is_demo`.

Budget magnitudes follow the national formula's scale for a Sumatran desa (Dana Desa around Rp 0.7–1.2
billion a year, ADD around a third of that); kelurahan have no APBDes (they are not self-governing).
The five Bujang Raba dusun also record carbon incentives: Rp 1 billion shared in 2020 (KKI WARSI), here
spread as a yearly village income line of the same order.
"""

import datetime as dt
import random
from decimal import Decimal

from django.db import connection

from dusun.wilayah.models import Jenis, Wilayah

from .models import (
    Budget,
    BudgetLine,
    Enterprise,
    EnterpriseKind,
    IncomeSource,
    Market,
    MarketKind,
    Sector,
    SpendingField,
)

CARBON_DUSUN = {"15.08.14.2008", "15.08.14.2003", "15.08.14.2002", "15.08.14.2006", "15.08.14.2009"}
UMKM_NAMES = [
    ("Kilang Karet", Sector.PENGOLAHAN),
    ("Warung Kelontong", Sector.PERDAGANGAN),
    ("Kopi Bubuk", Sector.PENGOLAHAN),
    ("Bengkel Motor", Sector.JASA),
    ("Penggilingan Padi", Sector.PENGOLAHAN),
    ("Kerupuk Ikan", Sector.PENGOLAHAN),
    ("Toko Pupuk", Sector.PERDAGANGAN),
    ("Penjahit", Sector.JASA),
    ("Kolam Ikan Bersama", Sector.PERIKANAN),
    ("Agen Sawit", Sector.PERDAGANGAN),
]
BUMDES_UNITS = [Sector.SIMPAN_PINJAM, Sector.PERDAGANGAN, Sector.AIR_LISTRIK, Sector.WISATA, Sector.JASA]
MARKET_DAYS = ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"]


def _rp(value: float) -> Decimal:
    return Decimal(round(value, -5))


def generate(rng: random.Random, village_ids: list[int], today: dt.date) -> None:
    villages = list(Wilayah.objects.filter(pk__in=village_ids).order_by("kode"))
    enterprises, markets, budgets = [], [], []
    for v in villages:
        if v.jenis == Jenis.DESA and rng.random() < 0.82:
            enterprises.append(
                Enterprise(
                    dusun=v,
                    name=f"BUMDes {v.nama}",
                    kind=EnterpriseKind.BUMDES,
                    sector=rng.choice(BUMDES_UNITS),
                    year_established=rng.randint(2016, 2022),
                    turnover_per_year=_rp(rng.uniform(2e7, 4.5e8)),
                    workers=rng.randint(2, 12),
                    active=rng.random() < 0.85,
                    is_demo=True,
                )
            )
        if rng.random() < 0.2:
            enterprises.append(
                Enterprise(
                    dusun=v,
                    name=f"Koperasi Tani {v.nama}",
                    kind=EnterpriseKind.KOPERASI,
                    sector=Sector.PERTANIAN,
                    year_established=rng.randint(2005, 2022),
                    turnover_per_year=_rp(rng.uniform(5e7, 9e8)),
                    workers=rng.randint(3, 20),
                    is_demo=True,
                )
            )
        for name, sector in rng.sample(UMKM_NAMES, rng.randint(1, 6)):
            enterprises.append(
                Enterprise(
                    dusun=v,
                    name=f"{name} {v.nama}",
                    kind=EnterpriseKind.UMKM,
                    sector=sector,
                    year_established=rng.randint(2000, 2023),
                    turnover_per_year=_rp(rng.uniform(1.2e7, 3e8)),
                    workers=rng.randint(1, 6),
                    is_demo=True,
                )
            )
        if v.jenis == Jenis.KELURAHAN or rng.random() < 0.18:
            markets.append(
                Market(
                    dusun=v,
                    name=f"Pasar {v.nama}",
                    kind=MarketKind.PERMANEN
                    if v.jenis == Jenis.KELURAHAN
                    else rng.choice([MarketKind.KALANGAN, MarketKind.SEMI]),
                    market_day=rng.choice(MARKET_DAYS),
                    is_demo=True,
                )
            )
        if rng.random() < 0.12:
            markets.append(
                Market(
                    dusun=v,
                    name=f"Lelang Karet {v.nama}",
                    kind=MarketKind.LELANG_KARET,
                    market_day=rng.choice(MARKET_DAYS),
                    is_demo=True,
                )
            )
        if v.jenis == Jenis.DESA:
            for year in range(today.year - 2, today.year + 1):
                budgets.append((v, year))
    Enterprise.objects.bulk_create(enterprises, batch_size=2000)
    Market.objects.bulk_create(markets, batch_size=2000)
    created = Budget.objects.bulk_create(
        [Budget(dusun=v, year=year, regulation=f"Perdes APBDes {year}", is_demo=True) for v, year in budgets],
        batch_size=2000,
    )
    lines = []
    for budget, (v, year) in zip(created, budgets, strict=True):
        current = year == today.year
        dana_desa = rng.uniform(7e8, 1.2e9)
        income = {
            IncomeSource.DANA_DESA: dana_desa,
            IncomeSource.ADD: dana_desa * rng.uniform(0.3, 0.5),
            IncomeSource.BAGI_HASIL: rng.uniform(2e7, 6e7),
            IncomeSource.PADES: rng.uniform(0, 6e7),
            IncomeSource.BANTUAN_KABUPATEN: rng.uniform(0, 1e8) if rng.random() < 0.3 else 0,
        }
        if v.kode in CARBON_DUSUN:
            income[IncomeSource.INSENTIF_KARBON] = rng.uniform(1.5e8, 2.5e8)
        total = sum(income.values())
        for code, planned in income.items():
            if planned:
                realised = planned * (rng.uniform(0.3, 0.7) if current else rng.uniform(0.93, 1.0))
                lines.append(
                    BudgetLine(
                        budget=budget,
                        kind=BudgetLine.Kind.INCOME,
                        code=code,
                        planned=_rp(planned),
                        realised=_rp(realised),
                    )
                )
        shares = {
            SpendingField.PEMERINTAHAN: rng.uniform(0.28, 0.36),
            SpendingField.PEMBANGUNAN: rng.uniform(0.35, 0.5),
            SpendingField.PEMBINAAN: rng.uniform(0.03, 0.07),
            SpendingField.PEMBERDAYAAN: rng.uniform(0.06, 0.12),
            SpendingField.DARURAT: rng.uniform(0.02, 0.1),
        }
        scale = sum(shares.values())
        for code, share in shares.items():
            planned = total * share / scale
            realised = planned * (rng.uniform(0.2, 0.6) if current else rng.uniform(0.85, 1.0))
            lines.append(
                BudgetLine(
                    budget=budget,
                    kind=BudgetLine.Kind.SPENDING,
                    code=code,
                    planned=_rp(planned),
                    realised=_rp(realised),
                )
            )
    BudgetLine.objects.bulk_create(lines, batch_size=5000)


def remove() -> dict[str, int]:
    counts = {}
    with connection.cursor() as cursor:
        for table, condition in [
            ("ekonomi_householdcommodity", "is_demo"),
            ("ekonomi_dusuncommodity", "is_demo"),
            ("ekonomi_budgetline", "budget_id IN (SELECT id FROM ekonomi_budget WHERE is_demo)"),
            ("ekonomi_budget", "is_demo"),
            ("ekonomi_market", "is_demo"),
            ("ekonomi_enterprise", "is_demo"),
        ]:
            cursor.execute(f"DELETE FROM {table} WHERE {condition}")  # noqa: S608 (fixed names above)
            counts[table] = cursor.rowcount
    return counts
