"""Who may do what with the index, expressed through the area scope rules (`dusun.akun.scope`)."""

from dusun.akun import scope
from dusun.wilayah.models import Wilayah


def can_enter_scores(user, dusun: Wilayah) -> bool:
    """The dusun's operator or the kabupaten admin (and a superuser)."""
    return scope.can_edit(user, dusun)


def can_import_official(user, kabupaten: Wilayah) -> bool:
    """Kabupaten admin or superuser only.

    `can_edit` on the kabupaten itself holds only for a role held over the whole kabupaten (operators
    and kecamatan staff hold roles over smaller areas), so it is exactly "kabupaten admin or superuser".
    """
    return scope.can_edit(user, kabupaten)
