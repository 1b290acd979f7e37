"""`manage.py load_legends [--dir FOLDER]`: load the land-cover legends and crosswalks (idempotent)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from dusun.ruang.legends import DEFAULT_LEGENDS, LegendDataError, load_legends, read_legends


class Command(BaseCommand):
    help = "Memuat legenda tutupan lahan (KLHK, ICRAF Bungo) dan padanannya."

    def add_arguments(self, parser):
        parser.add_argument("--dir", type=Path, default=DEFAULT_LEGENDS)

    def handle(self, *args, **options):
        try:
            legends, mappings = read_legends(options["dir"])
        except LegendDataError as exc:
            lines = "\n".join(f"  - {p}" for p in exc.problems)
            raise CommandError(f"Legenda ditolak, basis data tidak diubah:\n{lines}") from None
        report = load_legends(legends, mappings)
        self.stdout.write(
            f"Legenda: {len(legends)}; kelas {report.created} baru, {report.updated} diperbarui, "
            f"{report.unchanged} tidak berubah; {len(mappings)} padanan."
        )
