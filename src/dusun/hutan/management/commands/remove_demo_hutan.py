from django.core.management.base import BaseCommand

from dusun.hutan import demo


class Command(BaseCommand):
    help = "Hapus baris demo buku kas dana karbon (baris bersumber tetap)."

    def handle(self, *args, **options):
        counts = demo.remove_demo()
        self.stdout.write("Dihapus: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
