"""`manage.py create_admin`: create the first administrator (superuser + kabupaten admin role).

The password comes from DUSUN_ADMIN_PASSWORD or an interactive prompt; never from the command line,
where it would land in shell history and process lists.
"""

import getpass
import os

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from dusun.akun.services import create_first_admin
from dusun.wilayah.models import Level, Wilayah


class Command(BaseCommand):
    help = "Membuat admin pertama (superuser dan admin kabupaten)."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")
        parser.add_argument("--email", default="")
        parser.add_argument("--kabupaten", default=settings.DUSUN_KABUPATEN_KODE, help="Kode Kemendagri kabupaten.")
        parser.add_argument("--noinput", action="store_true", help="Ambil sandi dari DUSUN_ADMIN_PASSWORD.")

    def handle(self, *args, username, email, kabupaten, noinput, **options):
        try:
            area = Wilayah.objects.get(kode=kabupaten, level=Level.KABUPATEN)
        except Wilayah.DoesNotExist:
            raise CommandError(
                f"Kabupaten {kabupaten} belum ada. Jalankan `manage.py load_wilayah` lebih dulu."
            ) from None
        password = os.environ.get("DUSUN_ADMIN_PASSWORD", "")
        if not password:
            if noinput:
                raise CommandError("Set DUSUN_ADMIN_PASSWORD atau jalankan tanpa --noinput.")
            password = getpass.getpass("Sandi: ")
            if password != getpass.getpass("Ulangi sandi: "):
                raise CommandError("Kedua sandi tidak sama.")
        try:
            user = create_first_admin(username, email, password, area)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stdout.write(self.style.SUCCESS(f"Admin '{user.username}' dibuat untuk Kabupaten {area.nama}."))
