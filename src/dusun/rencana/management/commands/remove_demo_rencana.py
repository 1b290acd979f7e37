"""`manage.py remove_demo_rencana`: delete the demo planning data in one step; real plans stay."""

from django.core.management.base import BaseCommand

from dusun.rencana import demo


class Command(BaseCommand):
    help = "Menghapus seluruh data perencanaan demo (data nyata tidak disentuh)."

    def handle(self, *args, **options):
        counts = demo.remove()
        self.stdout.write("Data perencanaan demo dihapus: " + ", ".join(f"{v} {k}" for k, v in counts.items()) + ".")
