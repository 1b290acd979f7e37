"""Token authentication: `Authorization: Bearer <token>` (or `Token <token>`), keys from /akun/token/.

- no Authorization header: anonymous — public data only;
- a header with an unknown, revoked or expired key, or a malformed header: 401 (never silently anonymous,
  so a client with a broken key notices);
- a valid key: the token's owner, with exactly the roles and area scope the UI gives them
  (`dusun.akun.scope`).
The key is never logged: this module does not log, and ninja's own bearer class (which logs the header
in DEBUG) is not used.
"""

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.security.http import HttpAuthBase

from dusun.akun import tokens

from .errors import ApiError

SCHEMES = ("bearer", "token")


def _bad_token() -> ApiError:
    return ApiError(
        401,
        _("Token API tidak dikenal, sudah dicabut atau kedaluwarsa. Buat token baru di /akun/token/."),
    )


def current_user(request: HttpRequest):
    """The API caller: the token's user, or AnonymousUser without a header; raises 401 for a bad token."""
    cached = getattr(request, "_api_user", None)
    if cached is not None:
        return cached
    header = request.headers.get("Authorization", "").strip()
    if not header:
        user = AnonymousUser()
    else:
        scheme, _sep, key = header.partition(" ")
        if scheme.lower() not in SCHEMES or not key.strip():
            raise ApiError(
                401,
                _("Kepala Authorization harus berbentuk 'Bearer <token>' atau 'Token <token>'."),
            )
        user = tokens.user_for_key(key.strip())
        if user is None:
            raise _bad_token()
    request._api_user = user
    return user


class TokenAuth(HttpAuthBase):
    """For the operations that need a signed-in caller (documented as `bearerAuth` in OpenAPI)."""

    openapi_scheme = "bearer"

    def __call__(self, request: HttpRequest):
        header = request.headers.get("Authorization", "").strip()
        if not header:
            return None  # ninja answers 401 (errors.install words it)
        return current_user(request)


token_auth = TokenAuth()
