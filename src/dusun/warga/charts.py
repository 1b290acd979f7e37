"""Chart geometry for server-rendered inline SVG (no JavaScript, no chart library: pages stay light on a
weak connection and readable by screen readers, which get the table beside each chart).

Suppressed cells draw no bar: they are marked with their "<5" or "•" label only, so a chart never
shows more than the table does.
"""

from dataclasses import dataclass


@dataclass
class Bar:
    label: str
    display: str
    y: float
    width: float
    hidden: bool


def bar_chart(rows, *, width: int = 520, bar_height: int = 18, gap: int = 6, label_width: int = 200) -> dict:
    """Horizontal bars for a table's rows (StatRow: label, cell)."""
    values = [r.cell.value or 0 for r in rows if not r.cell.hidden]
    top = max(values or [0]) or 1
    plot = width - label_width - 70
    bars = []
    for i, row in enumerate(rows):
        value = 0 if row.cell.hidden else (row.cell.value or 0)
        bars.append(Bar(row.label, row.cell.display, i * (bar_height + gap), plot * value / top, row.cell.hidden))
    return {
        "bars": bars,
        "width": width,
        "height": len(rows) * (bar_height + gap),
        "bar_height": bar_height,
        "label_width": label_width,
        "text_y": bar_height * 0.75,
    }


def pyramid(bands, *, width: int = 520, bar_height: int = 14, gap: int = 3) -> dict:
    """Population pyramid: men to the left, women to the right, youngest band at the bottom."""
    values = [b[s].value or 0 for b in bands for s in ("L", "P") if not b[s].hidden]
    top = max(values or [0]) or 1
    middle = width / 2
    half = middle - 60
    rows = []
    for i, band in enumerate(reversed(bands)):
        y = i * (bar_height + gap)
        left, right = band["L"], band["P"]
        lw = 0 if left.hidden else half * (left.value or 0) / top
        rw = 0 if right.hidden else half * (right.value or 0) / top
        rows.append(
            {
                "label": band["label"],
                "y": y,
                "text_y": y + bar_height * 0.8,
                "lx": middle - 22 - lw,
                "lw": lw,
                "rx": middle + 22,
                "rw": rw,
                "ldisplay": left.display,
                "rdisplay": right.display,
                "ltext_x": middle - 26 - lw,
                "rtext_x": middle + 26 + rw,
            }
        )
    return {
        "rows": rows,
        "width": width,
        "height": len(bands) * (bar_height + gap),
        "middle": middle,
        "bar_height": bar_height,
    }
