"""`manage.py expire_census_imports`: delete the files of census imports left unsaved for 24 hours.

Uploaded census files hold personal data; they are kept only while an import is being checked (storage
limitation, UU 27/2022). Each new import also does this, but a quiet village may not upload again for
weeks, so production runs this command hourly (README, "Production"); `make run` runs it at start.
"""

from django.core.management.base import BaseCommand

from dusun.warga.services import expire_imports


class Command(BaseCommand):
    help = "Menghapus berkas impor data warga yang tidak disimpan dalam 24 jam."

    def handle(self, *args, **options):
        count = expire_imports()
        self.stdout.write(f"Impor warga kedaluwarsa: {count}.")
