"""`manage.py generate_demo_rencana [--villages N] [--if-empty]`: demo problems, proposals and projects
(see rencana/demo.py)."""

from django.core.management.base import BaseCommand

from dusun.rencana import demo
from dusun.rencana.models import Proposal


class Command(BaseCommand):
    help = "Membuat data perencanaan demo (masalah, usulan, musyawarah, kegiatan) di desa yang punya sensus demo."

    def add_arguments(self, parser):
        parser.add_argument("--villages", type=int, default=20, help="Jumlah desa paling banyak (bawaan 20).")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Tidak melakukan apa-apa bila sudah ada usulan (dipakai `make run` pertama kali).",
        )

    def handle(self, *args, **options):
        if options["if_empty"] and Proposal.objects.exists():
            self.stdout.write("Data perencanaan sudah ada; data demo tidak dibuat.")
            return
        n = demo.generate(limit=options["villages"])
        self.stdout.write(f"Data perencanaan demo dibuat di {n} desa (butuh sensus demo: generate_demo_warga).")
