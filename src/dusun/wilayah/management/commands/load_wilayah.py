"""`manage.py load_wilayah [--dir FOLDER]`: load or refresh the administrative reference data.

Safe to run any number of times: unchanged areas are not touched, edited ones are updated in place,
and a file with any problem is refused as a whole with every problem listed.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from dusun.wilayah.reference import DEFAULT_DATASET, ReferenceDataError, read_dataset
from dusun.wilayah.services import load_dataset


class Command(BaseCommand):
    help = "Memuat data rujukan wilayah (kode dan batas) secara idempoten."

    def add_arguments(self, parser):
        parser.add_argument("--dir", type=Path, default=DEFAULT_DATASET, help="Folder dataset (berisi manifest.json).")

    def handle(self, *args, **options):
        try:
            dataset = read_dataset(options["dir"])
        except ReferenceDataError as exc:
            lines = "\n".join(f"  - {p}" for p in exc.problems)
            raise CommandError(
                f"Data rujukan ditolak, basis data tidak diubah. {len(exc.problems)} masalah:\n{lines}"
            ) from None
        for warning in dataset.warnings:
            self.stderr.write(self.style.WARNING(f"Peringatan: {warning}"))
        report = load_dataset(dataset)
        self.stdout.write(
            f"{dataset.nama}: {len(report.created)} baru, {len(report.updated)} diperbarui, "
            f"{report.unchanged} tidak berubah."
        )
        if report.updated:
            self.stdout.write("Diperbarui: " + ", ".join(report.updated))
        if report.not_in_file:
            self.stderr.write(
                self.style.WARNING(
                    "Ada di basis data tetapi tidak di berkas (dibiarkan): " + ", ".join(report.not_in_file)
                )
            )
