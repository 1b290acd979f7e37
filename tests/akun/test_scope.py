"""Area scope and roles: who sees, edits, verifies and reads personal data where."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from dusun.akun import scope
from dusun.akun.models import Role, User
from dusun.akun.services import assign_role
from dusun.wilayah.models import Wilayah


@pytest.fixture
def areas(reference_data):
    get = Wilayah.objects.get
    return {
        "kabupaten": reference_data,
        "bathin": get(kode="15.08.14"),
        "telang": get(kode="15.08.14.2009"),
        "beringin": get(kode="15.08.14.2008"),
        "pelepat_village": get(kode="15.08.06.2009"),  # Batu Kerbau, another kecamatan
    }


def user_with(role, area, name):
    user = User.objects.create_user(name, password="rahasia-sekali-123")
    assign_role(user, role, area)
    return user


def test_operator_is_limited_to_one_village(areas):
    operator = user_with(Role.OPERATOR, areas["telang"], "op")
    assert scope.can_view(operator, areas["telang"]) and scope.can_edit(operator, areas["telang"])
    assert scope.can_view_personal(operator, areas["telang"])
    assert not scope.can_view(operator, areas["beringin"])
    assert not scope.can_edit(operator, areas["beringin"])
    assert not scope.can_verify(operator, areas["telang"])
    visible = set(Wilayah.objects.filter(scope.scope_q(operator)).values_list("kode", flat=True))
    assert visible == {"15.08.14.2009"}


def test_kecamatan_staff_sees_and_verifies_its_villages_only(areas):
    staff = user_with(Role.KECAMATAN, areas["bathin"], "camat")
    assert scope.can_verify(staff, areas["telang"]) and scope.can_verify(staff, areas["beringin"])
    assert not scope.can_view_personal(staff, areas["beringin"])  # verifies with NIK/KK masked
    assert not scope.can_edit(staff, areas["telang"])
    assert not scope.can_view(staff, areas["pelepat_village"])
    visible = Wilayah.objects.filter(scope.scope_q(staff)).values_list("kode", flat=True)
    assert sorted(visible)[0] == "15.08.14" and len(visible) == 10  # the kecamatan and its 9 villages


def test_kabupaten_admin_sees_everything_including_personal_data(areas):
    admin = user_with(Role.KABUPATEN, areas["kabupaten"], "bappeda")
    for area in areas.values():
        assert scope.can_view(admin, area) and scope.can_edit(admin, area) and scope.can_verify(admin, area)
    assert scope.can_view_personal(admin, areas["telang"])
    assert Wilayah.objects.filter(scope.scope_q(admin)).count() == 1 + 17 + 153


def test_anonymous_and_roleless_users_see_nothing_internal(areas):
    roleless = User.objects.create_user("warga", password="rahasia-sekali-123")
    for user in (AnonymousUser(), roleless):
        assert not scope.can_view(user, areas["telang"])
        assert not scope.can_view_personal(user, areas["telang"])
        assert not Wilayah.objects.filter(scope.scope_q(user)).exists()


def test_inactive_user_loses_every_right(areas):
    operator = user_with(Role.OPERATOR, areas["telang"], "op")
    operator.is_active = False
    assert not scope.can_edit(operator, areas["telang"])


def test_scope_filters_related_models_through_a_code_path(areas):
    operator = user_with(Role.OPERATOR, areas["telang"], "op")
    operator_of_other = user_with(Role.OPERATOR, areas["beringin"], "op2")
    from dusun.akun.models import RoleAssignment

    visible = RoleAssignment.objects.filter(scope.scope_q(operator, "wilayah__kode"))
    assert {a.user.username for a in visible} == {"op"}
    assert operator_of_other  # exists, but outside the operator's scope


@pytest.mark.parametrize(
    ("role", "area"), [(Role.OPERATOR, "bathin"), (Role.KECAMATAN, "telang"), (Role.KABUPATEN, "bathin")]
)
def test_role_must_match_the_level_of_its_area(areas, role, area):
    user = User.objects.create_user("salah", password="rahasia-sekali-123")
    with pytest.raises(ValidationError):
        assign_role(user, role, areas[area])


def test_create_admin_command(areas, monkeypatch):
    monkeypatch.setenv("DUSUN_ADMIN_PASSWORD", "Sandi-Admin-Bungo-2026")
    call_command("create_admin", "--username", "admin", "--noinput", verbosity=0)
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    assert admin.password.startswith("argon2$")
    assert admin.roles.get().role == Role.KABUPATEN
    with pytest.raises(CommandError, match="sudah ada"):
        call_command("create_admin", "--username", "admin", "--noinput", verbosity=0)


def test_create_admin_refuses_a_weak_password(areas, monkeypatch):
    monkeypatch.setenv("DUSUN_ADMIN_PASSWORD", "12345")
    with pytest.raises(CommandError):
        call_command("create_admin", "--username", "admin2", "--noinput", verbosity=0)
    assert not User.objects.filter(username="admin2").exists()
