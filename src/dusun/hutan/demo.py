"""Demo and seed data of the hutan module: the default carbon factor table, the Bujang Raba scheme and its
ledger (sourced rows from `data/hutan/ledger_seed.csv` kept, invented rows flagged `is_demo`)."""

import csv
from pathlib import Path

from django.db import transaction

from dusun.wilayah.models import Level, Wilayah

from . import services
from .models import Allocation, Beneficiary, Payment, Provenance, Scheme, Spending

SEED_CSV = Path(__file__).resolve().parent.parent / "data" / "hutan" / "ledger_seed.csv"
SCHEME_SLUG = "bujang-raba"
# The five dusun of the Bujang Raba hutan desa (kontan.co.id, in data/hutan/bujang_raba_facts.csv).
BUJANG_RABA = ("15.08.14.2008", "15.08.14.2003", "15.08.14.2002", "15.08.14.2006", "15.08.14.2009")


def remove_demo() -> dict[str, int]:
    with transaction.atomic():
        beneficiaries = Beneficiary.objects.filter(allocation__is_demo=True).delete()[0]
        Spending.objects.filter(allocation__is_demo=True).delete()
        allocations = Allocation.objects.filter(is_demo=True).delete()[0]
        payments = Payment.objects.filter(is_demo=True, allocations__isnull=True).delete()[0]
    return {"penerima": beneficiaries, "alokasi": allocations, "penerimaan": payments}


def seed_ledger() -> Scheme:
    """The Bujang Raba scheme and the rows of the seed file (idempotent: demo rows are replaced, sourced rows
    are added once)."""
    remove_demo()
    with transaction.atomic():
        scheme, _created = Scheme.objects.update_or_create(
            slug=SCHEME_SLUG,
            defaults={
                "name": "Bujang Raba Community PES",
                "standard": "Plan Vivo",
                "facilitator": "KKI WARSI",
                "source_url": "https://www.planvivo.org/bujang-raba",
            },
        )
        villages = {w.kode: w for w in Wilayah.objects.filter(kode__in=BUJANG_RABA, level=Level.DESA)}
        scheme.villages.set(villages.values())
        payments: dict[int, Payment] = {}
        with SEED_CSV.open(encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        for row in rows:
            demo = row["provenance"] == Provenance.DEMO
            common = {
                "provenance": row["provenance"],
                "source_url": row["source_url"],
                "note": row["note"],
                "is_demo": demo,
            }
            if row["kind"] == "payment":
                existing = Payment.objects.filter(scheme=scheme, year=int(row["year"]), buyer=row["buyer_or_purpose"])
                payments[int(row["year"])] = existing.first() or services.record_payment(
                    None,
                    scheme,
                    year=int(row["year"]),
                    buyer=row["buyer_or_purpose"],
                    amount_rp=int(row["amount_rp"]),
                    credits_tco2e=row["credits_tco2e"] or None,
                    **common,
                )
            else:
                payment = payments[int(row["year"])]
                if not demo and payment.allocations.filter(note=row["note"]).exists():
                    continue
                services.allocate(
                    None,
                    payment,
                    dusun=villages[row["dusun_kode"]],
                    purpose=row["buyer_or_purpose"],
                    amount_rp=int(row["amount_rp"]),
                    households=int(row["households"]) if row["households"] else None,
                    **common,
                )
    return scheme
