"""limit/offset pagination with `count`, `next` and `previous` links (absolute URLs, other query
parameters kept), as every list of the API returns it."""

from typing import Generic, TypeVar

from django.http import HttpRequest
from ninja import Field, Schema

MAX_LIMIT = 500
DEFAULT_LIMIT = 50
MAX_OFFSET = 1_000_000

T = TypeVar("T")


class Page(Schema, Generic[T]):
    count: int = Field(..., description="Jumlah seluruh baris yang cocok dengan filter.")
    next: str | None = Field(None, description="URL halaman berikutnya, null di halaman terakhir.")
    previous: str | None = Field(None, description="URL halaman sebelumnya, null di halaman pertama.")
    items: list[T]


def _link(request: HttpRequest, limit: int, offset: int) -> str:
    query = request.GET.copy()
    query["limit"] = str(limit)
    query["offset"] = str(offset)
    return request.build_absolute_uri(request.path + "?" + query.urlencode())


def page_links(request: HttpRequest, count: int, limit: int, offset: int) -> dict:
    """`count`, `next` and `previous` of a page; the caller adds its `items`."""
    return {
        "count": count,
        "next": _link(request, limit, offset + limit) if offset + limit < count else None,
        "previous": _link(request, limit, max(0, offset - limit)) if offset > 0 else None,
    }


def paginate(request: HttpRequest, rows, limit: int, offset: int, serialize) -> dict:
    """A page of `rows` (queryset or list), each item passed through `serialize`."""
    count = rows.count() if hasattr(rows, "count") and not isinstance(rows, list) else len(rows)
    return page_links(request, count, limit, offset) | {
        "items": [serialize(row) for row in rows[offset : offset + limit]]
    }
