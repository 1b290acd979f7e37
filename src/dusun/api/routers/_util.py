"""Small helpers shared by the routers."""

import json
from datetime import date, datetime
from decimal import Decimal


def plain(value):
    """JSON-ready copy: Decimal → float, dates → ISO strings (nested dicts and lists too)."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def body_of(response) -> dict:
    """The JSON body of a module's own JsonResponse (the API re-serves it unchanged)."""
    return json.loads(response.content)
