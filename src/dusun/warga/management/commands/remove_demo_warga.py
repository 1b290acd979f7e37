"""`manage.py remove_demo_warga`: delete the synthetic census and economy in one step; real data stays."""

from django.core.management.base import BaseCommand

from dusun.warga import demo, statistics


class Command(BaseCommand):
    help = "Menghapus seluruh data warga dan ekonomi demo (data nyata tidak disentuh)."

    def handle(self, *args, **options):
        counts = demo.remove()
        statistics.refresh()
        self.stdout.write(
            f"Data demo dihapus: {counts.get('warga_household', 0):,} KK, "
            f"{counts.get('warga_resident', 0):,} penduduk, "
            f"{counts.get('subunit', 0):,} sub-wilayah demo; statistik diperbarui."
        )
