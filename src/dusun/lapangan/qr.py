"""The settings QR code ODK Collect and KoboCollect scan to set up a project (Collect: "Configure with QR
code"): base64 of the zlib-compressed JSON `{"general": {...}, "admin": {...}, "project": {...}}`. Drawn
here as inline SVG with segno; no external service sees the device's secret URL."""

import base64
import json
import zlib

import segno
from django.utils.safestring import SafeString, mark_safe


def collect_settings(server_url: str, project_name: str) -> dict:
    """The settings a phone gets: our server URL (no username/password: the token is in the URL), forms
    kept exactly in step with the server's list (a closed version disappears from the phone too)."""
    return {
        "general": {"server_url": server_url, "form_update_mode": "match_exactly"},
        "admin": {},
        "project": {"name": project_name[:60], "icon": "D", "color": "#2e7d32"},
    }


def encode(settings: dict) -> str:
    return base64.b64encode(zlib.compress(json.dumps(settings, ensure_ascii=False).encode("utf-8"))).decode("ascii")


def decode(payload: str) -> dict:
    return json.loads(zlib.decompress(base64.b64decode(payload)).decode("utf-8"))


def svg(payload: str) -> SafeString:
    """The QR code as an inline <svg> (only segno's own markup, built from the payload: safe to embed)."""
    code = segno.make(payload, error="m", micro=False)
    return mark_safe(code.svg_inline(scale=5, border=4, dark="#000", light="#fff"))  # noqa: S308
