"""Area scope: the single place that decides what a user may see, edit, verify or read in person.

Every query that touches personal or editable data filters through `scope_q`, and every permission
check goes through the `can_*` functions here, never through ad-hoc tests in views.

Policy (docs/decisions/0003-area-scope-and-roles.md):
- operator (desa): sees and edits one village; reads its personal data.
- kecamatan staff: sees and verifies the villages of its kecamatan; personal data stays masked there
  (verification works on the records with NIK/KK masked; data minimisation under UU 27/2022).
- kabupaten admin: sees, edits and verifies everything in the kabupaten and reads personal data.
- anonymous public: public pages only.
A Django superuser is a technical administrator: full access, except personal data unless it also
holds a role scoped to that village.
"""

from django.db.models import Q

from dusun.wilayah.models import Wilayah

from .models import Role, RoleAssignment


def _assignments(user) -> list[RoleAssignment]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, "_dusun_roles", None)
    if cached is None:
        cached = list(RoleAssignment.objects.filter(user=user).select_related("wilayah"))
        user._dusun_roles = cached
    return cached


def _covers(root: Wilayah, area: Wilayah) -> bool:
    return area.kode == root.kode or area.kode.startswith(root.kode + ".")


def _holds(user, area: Wilayah, roles: set[str]) -> bool:
    return any(a.role in roles and _covers(a.wilayah, area) for a in _assignments(user))


def has_role(user, area: Wilayah, role: str) -> bool:
    """Whether the user holds exactly this role over the area (superusers get no special treatment:
    workflows that record *who acted as what*, such as the musrenbang, need a real role)."""
    return _holds(user, area, {role})


def scope_roots(user) -> list[Wilayah]:
    """The areas a user's roles are held over (the tops of what they may see)."""
    return [a.wilayah for a in _assignments(user)]


def scope_q(user, kode_field: str = "kode") -> Q:
    """A filter for any queryset whose rows belong to an area, reached through `kode_field`.

    e.g. `Household.objects.filter(scope_q(user, "dusun__kode"))`.
    """
    if getattr(user, "is_superuser", False) and user.is_active:
        return Q()
    condition = Q(pk__in=[])
    for root in scope_roots(user):
        condition |= Q(**{kode_field: root.kode}) | Q(**{f"{kode_field}__startswith": root.kode + "."})
    return condition


def can_view(user, area: Wilayah) -> bool:
    """Internal (non-public, non-personal) data of the area."""
    return bool(getattr(user, "is_superuser", False) and user.is_active) or _holds(user, area, set(Role))


def can_edit(user, area: Wilayah) -> bool:
    if getattr(user, "is_superuser", False) and user.is_active:
        return True
    return _holds(user, area, {Role.OPERATOR, Role.KABUPATEN})


def can_verify(user, area: Wilayah) -> bool:
    if getattr(user, "is_superuser", False) and user.is_active:
        return True
    return _holds(user, area, {Role.KECAMATAN, Role.KABUPATEN})


def can_view_personal(user, area: Wilayah) -> bool:
    """NIK, names, birth dates, addresses: the village's operator and the kabupaten admin only."""
    return _holds(user, area, {Role.OPERATOR, Role.KABUPATEN})
