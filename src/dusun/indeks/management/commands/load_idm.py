"""`manage.py load_idm`: load the index definitions and the official results shipped with the project.

Idempotent: an unchanged definition is not touched, and an official file whose content equals the
current official version of its dusun and year adds nothing. A different file for the same dusun and
year becomes a new version (never an overwrite). Any problem in any file refuses the whole load.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from dusun.indeks.definition_file import DEFAULT_DEFINITIONS, DEFAULT_DIR, DefinitionFileError, read_definition
from dusun.indeks.services import InputError, import_official_files, load_definition, shipped_official_files

DEFAULT_OFFICIAL = DEFAULT_DIR / "bungo" / "raw"


class Command(BaseCommand):
    help = "Memuat definisi IDM dan hasil IDM resmi Kemendesa yang disertakan (idempoten)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--definition", type=Path, action="append", help="Berkas definisi (boleh berulang; bawaan: idm-2016.json)."
        )
        parser.add_argument(
            "--official-dir",
            type=Path,
            default=DEFAULT_OFFICIAL,
            help="Folder hasil resmi berpola <kode tanpa titik>/<tahun>.json.",
        )
        parser.add_argument("--no-official", action="store_true", help="Hanya memuat definisi.")

    def handle(self, *args, **options):
        try:
            with transaction.atomic():
                for path in options["definition"] or DEFAULT_DEFINITIONS:
                    report = load_definition(read_definition(path))
                    if options["verbosity"]:
                        self.stdout.write(f"Definisi {report.code}: {report.action}.")
                if options["no_official"]:
                    return
                files, expected = shipped_official_files(options["official_dir"])
                if not files:
                    raise CommandError(f"Tidak ada berkas <kode>/<tahun>.json di {options['official_dir']}.")
                imports = import_official_files(files, source="manage.py load_idm", expected=expected)
        except (DefinitionFileError, InputError) as exc:
            lines = "\n".join(f"  - {p}" for p in exc.problems)
            raise CommandError(
                f"Tidak ada yang dimuat; basis data tidak berubah. {len(exc.problems)} masalah:\n{lines}"
            ) from None
        new = sum(1 for i in imports if i.created)
        if not options["verbosity"]:
            return
        self.stdout.write(
            f"Hasil resmi: {len(imports)} berkas, {new} versi baru, {len(imports) - new} tidak berubah; "
            f"seri hitung diperbarui untuk {sum(1 for i in imports if i.computed_changed)} desa-tahun."
        )
        for item in imports:
            for warning in item.official.warnings if item.created else []:
                self.stderr.write(self.style.WARNING(f"{item.dusun.kode} {item.parsed.year}: {warning}"))
