"""`manage.py remove_demo_ruang`: delete every demo feature of the spatial layers in one step."""

from django.core.management.base import BaseCommand

from dusun.ruang.demo import remove_demo_data


class Command(BaseCommand):
    help = "Menghapus semua data demo lapisan ruang (data asli tidak tersentuh)."

    def handle(self, *args, **options):
        counts = remove_demo_data()
        removed = ", ".join(f"{layer} {n:,}".replace(",", ".") for layer, n in counts.items() if n)
        self.stdout.write(f"Data demo ruang dihapus: {removed or 'tidak ada'}.")
