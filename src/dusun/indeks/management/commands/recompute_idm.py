"""`manage.py recompute_idm YEAR`: refresh the stored figures of every current computed result of a year."""

import time

from django.core.management.base import BaseCommand, CommandError

from dusun.indeks.selectors import definition_for_year
from dusun.indeks.services import recompute_year


class Command(BaseCommand):
    help = "Menghitung ulang seluruh hasil IDM (seri hitung) satu tahun dalam satu perintah SQL."

    def add_arguments(self, parser):
        parser.add_argument("year", type=int)

    def handle(self, *args, **options):
        definition = definition_for_year(options["year"])
        if definition is None:
            raise CommandError(f"Tidak ada definisi indeks untuk tahun {options['year']}.")
        started = time.perf_counter()
        count = recompute_year(definition, options["year"])
        self.stdout.write(f"{count} hasil dihitung ulang dalam {time.perf_counter() - started:.2f} detik.")
