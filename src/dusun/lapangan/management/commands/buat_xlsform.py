"""`manage.py buat_xlsform`: write the shipped XLSForms from `dusun.lapangan.xlsforms` (for developers)."""

from django.core.management.base import BaseCommand

from dusun.lapangan.xlsforms import FORMS, FORMS_DIR, workbook_bytes


class Command(BaseCommand):
    help = "Menulis ulang XLSForm bawaan di src/dusun/data/lapangan/forms/ dari definisinya."

    def handle(self, *args, **options):
        FORMS_DIR.mkdir(parents=True, exist_ok=True)
        for name in FORMS:
            path = FORMS_DIR / f"{name}.xlsx"
            path.write_bytes(workbook_bytes(name))
            self.stdout.write(f"{path}")
