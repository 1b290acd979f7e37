from django.core.management.base import BaseCommand

from dusun.hutan import demo, services
from dusun.ruang.models import LandCoverSnapshot


class Command(BaseCommand):
    help = (
        "Tabel faktor karbon bawaan (ICRAF Bungo), skema Bujang Raba dengan buku kas (angka bersumber dan demo), "
        "dan matriks perubahan kabupaten untuk dua potret demo tutupan lahan (buat dulu dengan generate_demo_ruang)."
    )

    def handle(self, *args, **options):
        table = services.seed_default_factor_table()
        self.stdout.write(f"Tabel faktor: {table} ({table.factors.count()} kelas)")
        scheme = demo.seed_ledger()
        self.stdout.write(
            f"Skema {scheme.name}: {scheme.payments.count()} penerimaan, "
            f"{sum(p.allocations.count() for p in scheme.payments.all())} alokasi"
        )
        snapshots = list(LandCoverSnapshot.objects.filter(is_demo=True).order_by("year"))
        if len(snapshots) >= 2:
            run = services.current_run(snapshots[0], snapshots[-1])
            services.compute_all(run.pk)
            run.refresh_from_db()
            self.stdout.write(
                f"Matriks {snapshots[0].year}→{snapshots[-1].year}: {run.status}, {run.seconds or 0:.1f} s"
            )
        else:
            self.stdout.write("Belum ada dua potret demo tutupan lahan: jalankan generate_demo_ruang dulu.")
