"""`manage.py load_carbon_factors`: the default carbon factor table (ICRAF Bungo stocks, tC/ha) from the
shipped legends; idempotent, run by `make run`/`make test` after `load_legends`. Later edits by the
kabupaten admin are kept: an existing default table is never overwritten."""

from django.core.management.base import BaseCommand

from dusun.hutan.services import seed_default_factor_table


class Command(BaseCommand):
    help = "Memuat tabel faktor karbon bawaan (stok karbon ICRAF Bungo) bila belum ada."

    def handle(self, *args, **options):
        table = seed_default_factor_table()
        self.stdout.write(f"Tabel faktor karbon: {table} ({table.factors.count()} kelas).")
