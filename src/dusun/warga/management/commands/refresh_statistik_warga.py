"""`manage.py refresh_statistik_warga`: rebuild the census statistics (exact and published)."""

from django.core.management.base import BaseCommand

from dusun.warga import statistics


class Command(BaseCommand):
    help = "Menghitung ulang statistik warga (angka persis dan angka publik dengan penekanan sel kecil)."

    def handle(self, *args, **options):
        refresh = statistics.refresh()
        self.stdout.write(
            f"Statistik per {refresh.as_of}: {refresh.duration_ms / 1000:.1f} dtk, "
            f"{refresh.suppressed_primary:,} sel <5, "
            f"{refresh.suppressed_complementary:,} sel komplementer."
        )
