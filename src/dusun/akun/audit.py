"""Writes to the personal-data access log (`AccessLog`): one call per view, search or export.

Views call `log_access` after the scope check passed and before the response leaves, so every page or
file that shows NIK, KK numbers or names leaves a trace of who saw what and when. What is recorded is
an opaque reference (a UUID, a count, the area), never the personal data itself.
"""

from django.http import HttpRequest

from dusun.wilayah.models import Wilayah

from .models import AccessLog

Action = AccessLog.Action


def _client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    # REMOTE_ADDR is what the WSGI server saw; behind a proxy it is the proxy's address. X-Forwarded-For
    # is not trusted here because any client can send it.
    return request.META.get("REMOTE_ADDR") or None


def log_access(
    user,
    action: str,
    *,
    wilayah: Wilayah | None,
    object_type: str,
    object_ref: str = "",
    record_count: int = 0,
    reason: str = "",
    request: HttpRequest | None = None,
) -> AccessLog:
    return AccessLog.objects.create(
        user=user if getattr(user, "is_authenticated", False) else None,
        username=getattr(user, "username", "") or "",
        action=action,
        wilayah=wilayah,
        object_type=object_type,
        object_ref=str(object_ref)[:64],
        record_count=record_count,
        reason=reason.strip(),
        ip_address=_client_ip(request),
    )


def recent_for(areas_q, limit: int = 200):
    """The latest log rows for the areas a filter selects (for the kabupaten admin's audit page)."""
    return AccessLog.objects.filter(areas_q).select_related("wilayah", "user").order_by("-at")[:limit]
