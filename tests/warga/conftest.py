"""Fixtures of the census tests: users in roles, and the small demo census (generated once per module,
committed so that many tests can read it, and removed afterwards so other apps' tests never see it)."""

import pytest
from django.core.management import call_command

from dusun.akun.models import Role, User
from dusun.akun.services import assign_role
from dusun.warga import demo, statistics
from dusun.warga.models import Household
from dusun.wilayah.models import Wilayah

PASSWORD = "rahasia-sekali-123"
TELANG, BERINGIN = "15.08.14.2009", "15.08.14.2008"


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    """Uploaded census files (personal data, even in tests) go to a temporary folder, not the checkout."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(scope="module")
def demo_census(django_db_setup, django_db_blocker):
    """The nine Bathin III Ulu dusun with a synthetic census, and their public statistics."""
    with django_db_blocker.unblock():
        if not Wilayah.objects.filter(kode="15.08").exists():
            call_command("load_wilayah", verbosity=0)
        demo.generate(seed=7, scale="small")
        statistics.refresh()
        yield
        demo.remove()
        statistics.refresh()


def make_user(username: str, role: Role | None, kode: str | None, **extra) -> User:
    user = User.objects.create_user(username, password=PASSWORD, **extra)
    if role is not None:
        assign_role(user, role, Wilayah.objects.get(kode=kode))
    return user


@pytest.fixture
def users(db):
    return {
        "op_a": make_user("op_telang", Role.OPERATOR, TELANG),
        "op_b": make_user("op_beringin", Role.OPERATOR, BERINGIN),
        "camat": make_user("camat_bathin", Role.KECAMATAN, "15.08.14"),
        "admin": make_user("bappeda", Role.KABUPATEN, "15.08"),
        "root": make_user("teknis", None, None, is_superuser=True, is_staff=True),
    }


@pytest.fixture
def household_of(db):
    def pick(kode: str) -> Household:
        return Household.objects.filter(dusun__kode=kode).order_by("kk_number").first()

    return pick


@pytest.fixture
def fake_english(settings, tmp_path):
    """Install an English catalogue of our own for a few msgids: proves that a text goes through gettext,
    whatever the shipped catalogue holds."""

    def install(messages: dict[str, str]) -> None:
        import subprocess

        folder = tmp_path / "locale" / "en" / "LC_MESSAGES"
        folder.mkdir(parents=True)
        entries = "".join(f'msgid "{k}"\nmsgstr "{v}"\n\n' for k, v in messages.items())
        po = folder / "django.po"
        po.write_text(f'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n{entries}', encoding="utf-8")
        subprocess.run(["msgfmt", "-o", str(folder / "django.mo"), str(po)], check=True)  # noqa: S603, S607
        settings.LOCALE_PATHS = [tmp_path / "locale", *settings.LOCALE_PATHS]

    return install
