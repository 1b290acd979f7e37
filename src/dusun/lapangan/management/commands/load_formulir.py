"""`manage.py load_formulir`: convert the shipped XLSForms with pyxform and store each new version.

Idempotent: a form whose id and version are already stored is left alone (a stored version is never
overwritten; a changed form must raise its version). Runs offline: pyxform's Java validator is not used.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from dusun.lapangan import services
from dusun.lapangan.xform import shipped_xlsforms


class Command(BaseCommand):
    help = "Mengonversi XLSForm bawaan (pyxform) dan menyimpan versi baru formulir lapangan (idempoten)."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", type=Path, help="Berkas XLSForm lain (bawaan: semua formulir bawaan).")

    def handle(self, *args, files, **options):
        for path in files or shipped_xlsforms():
            try:
                form, created = services.load_xlsform(path)
            except services.FormLoadError as exc:
                raise CommandError(str(exc)) from exc
            state = "baru" if created else "sudah ada"
            self.stdout.write(f"{form.form_id} versi {form.version}: {state}")
