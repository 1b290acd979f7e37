"""`manage.py purge_stale_imports [--days N]`: drop the staging tables and files of map imports left
unfinished (default: a week). Each new upload also does this; production runs it daily (README)."""

from django.core.management.base import BaseCommand

from dusun.ruang.importer import purge_stale_jobs


class Command(BaseCommand):
    help = "Menghapus tabel sementara dan berkas impor peta yang terbengkalai."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=7, help="Umur impor terbengkalai, dalam hari (bawaan 7).")

    def handle(self, *args, **options):
        count = purge_stale_jobs(days=options["days"])
        self.stdout.write(f"Impor peta terbengkalai yang dibersihkan: {count}.")
