"""API tokens: creation (the key is returned once), revocation and lookup of a presented key.

The REST API (`dusun.api.auth`) calls `user_for_key`; the token page (`akun.views`) calls `create_token`
and `revoke_token`. The key never reaches a log or the database: only its SHA-256 hash is kept.
"""

import hashlib
import secrets
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from .models import ApiToken

KEY_PREFIX = "dsn_"
MAX_ACTIVE_TOKENS = 20
# Writing last_used on every request would turn each read into a write; once a minute is precise enough.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def active_tokens(user):
    now = timezone.now()
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=now)
    )


def create_token(user, name: str, days: int | None = None) -> tuple[ApiToken, str]:
    """A new token for `user`; returns (token, key). The key is not stored and cannot be shown again."""
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name.strip()[:80],
        prefix=key[:10],
        key_hash=_hash(key),
        expires_at=timezone.now() + timedelta(days=days) if days else None,
    )
    return token, key


def revoke_token(user, pk: int) -> bool:
    """Revoke one of the user's own tokens (others' tokens are not found: nothing is revealed)."""
    return bool(ApiToken.objects.filter(pk=pk, user=user, revoked_at__isnull=True).update(revoked_at=timezone.now()))


def user_for_key(key: str):
    """The active user a presented key belongs to, or None (unknown, revoked, expired, inactive user)."""
    if not key or len(key) > 200:
        return None
    token = ApiToken.objects.select_related("user").filter(key_hash=_hash(key)).first()
    now = timezone.now()
    if token is None or not token.is_active_at(now) or not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    user = token.user
    user.api_token = token
    return user
