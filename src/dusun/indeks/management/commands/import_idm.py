"""`manage.py import_idm FILE…`: import official Kemendesa IDM "rumusan" JSON files, all or nothing.

Each file names its village (IDENTITAS.id_desa) and year (SUMMARIES.TAHUN). A file for a dusun and year
that already has an official result becomes a new version when its content differs.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from dusun.indeks.services import InputError, import_official_files


class Command(BaseCommand):
    help = "Mengimpor berkas JSON rumusan IDM resmi Kemendesa (semua atau tidak sama sekali)."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", type=Path)

    def handle(self, *args, **options):
        files = []
        for path in options["files"]:
            try:
                files.append((path.name, path.read_bytes()))
            except OSError as exc:
                raise CommandError(f"Berkas {path} tidak dapat dibaca: {exc.strerror}.") from None
        try:
            imports = import_official_files(files, source="manage.py import_idm")
        except InputError as exc:
            lines = "\n".join(f"  - {p}" for p in exc.problems)
            raise CommandError(f"Tidak ada yang diimpor. {len(exc.problems)} masalah:\n{lines}") from None
        for item in imports:
            state = f"versi {item.official.version} baru" if item.created else "tidak berubah"
            self.stdout.write(f"{item.dusun.kode} {item.dusun.nama} {item.parsed.year}: {state}.")
            for warning in item.official.warnings if item.created else []:
                self.stderr.write(self.style.WARNING(f"  peringatan: {warning}"))
