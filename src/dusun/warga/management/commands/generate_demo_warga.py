"""`manage.py generate_demo_warga [--seed N] [--scale full|small]`: the synthetic census (see warga/demo.py)."""

import time

from django.core.management.base import BaseCommand

from dusun.warga import demo, statistics
from dusun.warga.models import Household


class Command(BaseCommand):
    help = "Membuat sensus demo (sintetis, ditandai demo): ±100.000 KK dan ±373.000 penduduk di 153 desa."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=20231231, help="Benih acak (benih sama, data sama).")
        parser.add_argument(
            "--scale",
            choices=["full", "small"],
            default="full",
            help="full: seluruh kabupaten; small: 9 dusun Bathin III Ulu.",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Tidak melakukan apa-apa bila sudah ada data warga (dipakai `make run` pertama kali).",
        )

    def handle(self, *args, **options):
        if options["if_empty"] and Household.objects.exists():
            self.stdout.write("Data warga sudah ada; sensus demo tidak dibuat.")
            return
        started = time.perf_counter()
        result = demo.generate(seed=options["seed"], scale=options["scale"])
        generated = time.perf_counter() - started
        refresh = statistics.refresh()
        self.stdout.write(
            f"Sensus demo: {result.villages} desa, {result.households:,} KK, {result.residents:,} penduduk, "
            f"{result.events:,} peristiwa, {result.commodities:,} baris komoditas ({generated:.1f} dtk); "
            f"statistik diperbarui ({refresh.duration_ms / 1000:.1f} dtk, {refresh.suppressed_primary:,} sel <5, "
            f"{refresh.suppressed_complementary:,} sel komplementer)."
        )
