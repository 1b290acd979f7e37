"""Writes for accounts: creating users and granting roles."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from dusun.wilayah.models import Wilayah

from .models import Role, RoleAssignment, User


def assign_role(user: User, role: Role, wilayah: Wilayah) -> RoleAssignment:
    assignment = RoleAssignment(user=user, role=role, wilayah=wilayah)
    assignment.full_clean(validate_unique=False)
    obj, _created = RoleAssignment.objects.get_or_create(user=user, role=role, wilayah=wilayah)
    user.__dict__.pop("_dusun_roles", None)
    return obj


@transaction.atomic
def create_first_admin(username: str, email: str, password: str, kabupaten: Wilayah) -> User:
    """A superuser who is also kabupaten admin of the installation's kabupaten."""
    if User.objects.filter(username=username).exists():
        raise ValidationError(f"Pengguna '{username}' sudah ada.")
    user = User(username=username, email=email, is_staff=True, is_superuser=True)
    validate_password(password, user)
    user.set_password(password)
    user.save()
    assign_role(user, Role.KABUPATEN, kabupaten)
    return user
