"""Who am I: the caller as the API sees them (anonymous, or a token's owner with roles and areas)."""

from django.http import HttpRequest
from ninja import Field, Router, Schema

from dusun.akun.models import RoleAssignment

from ..auth import current_user
from ..common import AreaRef, ref
from ..errors import ERRORS

router = Router(tags=["akun"])


class RoleOut(Schema):
    peran: str
    wilayah: AreaRef


class TokenOut(Schema):
    nama: str
    awalan: str
    kedaluwarsa: str | None


class Me(Schema):
    terautentikasi: bool = Field(..., description="false tanpa token: hanya data publik.")
    pengguna: str | None
    peran: list[RoleOut]
    token: TokenOut | None


@router.get("/saya/", response={200: Me, **ERRORS}, summary="Pemanggil API")
def me(request: HttpRequest):
    """Tanpa token: anonim. Dengan token: pemiliknya, peran dan wilayahnya (cakupan yang sama dengan UI)."""
    user = current_user(request)
    if not user.is_authenticated:
        return {"terautentikasi": False, "pengguna": None, "peran": [], "token": None}
    token = getattr(user, "api_token", None)
    roles = RoleAssignment.objects.filter(user=user).select_related("wilayah").order_by("pk")
    return {
        "terautentikasi": True,
        "pengguna": user.username,
        "peran": [{"peran": a.role, "wilayah": ref(a.wilayah)} for a in roles],
        "token": {
            "nama": token.name,
            "awalan": token.prefix,
            "kedaluwarsa": token.expires_at.isoformat() if token.expires_at else None,
        }
        if token
        else None,
    }
