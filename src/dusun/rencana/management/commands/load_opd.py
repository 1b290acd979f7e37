"""Load the sub-bidang → OPD mapping (data/rencana/opd.csv) into `rencana.OpdMapping`.

Idempotent: creates missing rows and refreshes rows Bappeda has not corrected in admin; corrected rows
(`edited`) are kept as they are."""

from django.core.management.base import BaseCommand
from django.db import transaction

from dusun.rencana.classification import load_opd
from dusun.rencana.models import OpdMapping


class Command(BaseCommand):
    help = "Muat pemetaan sub-bidang belanja desa ke perangkat daerah (OPD) kabupaten dari data/rencana/opd.csv."

    def handle(self, *args, **options):
        with transaction.atomic():
            created, updated, kept = load_opd(OpdMapping)
        self.stdout.write(f"Pemetaan OPD: {created} baru, {updated} diperbarui, {kept} tetap (diubah Bappeda).")
