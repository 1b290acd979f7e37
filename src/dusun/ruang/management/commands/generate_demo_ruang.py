"""`manage.py generate_demo_ruang [--seed N] [--scale full|small] [--if-empty]`: synthetic spatial layers.

Replaces any earlier demo data (all-or-nothing); real data is never touched. `full` covers every village
of the kabupaten (≥ 100,000 land-cover polygons per snapshot and ≥ 150,000 buildings, one to two minutes);
`small` only three villages (a few thousand features, seconds), for tests. `--if-empty` does nothing when
demo land cover already exists, so a setup script can run it every time.
"""

from django.core.management.base import BaseCommand, CommandError

from dusun.ruang.demo import generate_demo_data
from dusun.ruang.models import LandCover, Legend
from dusun.wilayah.models import Wilayah


class Command(BaseCommand):
    help = "Membuat data demo lapisan ruang (tutupan lahan, jalan, sungai, bangunan, fasilitas, kawasan)."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=1, help="Benih acak (hasil sama untuk benih sama).")
        parser.add_argument("--scale", choices=["full", "small"], default="full", help="full: seluruh kabupaten.")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Lewati bila data demo tutupan lahan sudah ada (untuk skrip pemasangan yang dijalankan ulang).",
        )

    def handle(self, *args, **options):
        if not Wilayah.objects.exists():
            raise CommandError("Data wilayah belum dimuat. Jalankan dulu: manage.py load_wilayah")
        if not Legend.objects.filter(code="icraf-bungo").exists():
            raise CommandError("Legenda ICRAF Bungo belum dimuat. Jalankan dulu: manage.py load_legends")
        if options["if_empty"] and LandCover.objects.filter(is_demo=True).exists():
            self.stdout.write("Data demo ruang sudah ada; tidak dibuat ulang (hapus dengan remove_demo_ruang).")
            return
        verbose = options["verbosity"] > 1
        report = generate_demo_data(
            seed=options["seed"],
            scale=options["scale"],
            log=(lambda message: self.stdout.write("  " + message)) if verbose else (lambda message: None),
        )
        counts = ", ".join(f"{layer} {n:,}".replace(",", ".") for layer, n in report.counts.items())
        self.stdout.write(
            f"Data demo ruang ({options['scale']}, benih {options['seed']}) untuk {report.villages} desa "
            f"dalam {report.seconds:.0f} detik: {counts}."
        )
