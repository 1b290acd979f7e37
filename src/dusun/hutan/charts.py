"""Geometry of the server-rendered SVG charts (no chart library): class areas in the two snapshots as
paired horizontal bars. The template draws them with a data table beside."""

from dataclasses import dataclass


@dataclass
class PairBar:
    label: str
    colour: str
    y: int
    y2: int
    from_width: float
    to_width: float
    from_ha: float
    to_ha: float


@dataclass
class PairChart:
    width: int
    height: int
    left: int
    bar_height: int
    bars: list[PairBar]


def class_pairs(matrix) -> PairChart:
    """One pair of bars per class (first snapshot above, second below), scaled to the largest area."""
    width, left, bar, gap = 720, 300, 10, 8
    rows = [(c, matrix.row_total(c.pk), matrix.col_total(c.pk)) for c in matrix.classes]
    rows = [r for r in rows if r[1] > 0.005 or r[2] > 0.005]
    top = max((max(a, b) for _c, a, b in rows), default=1.0) or 1.0
    scale = (width - left - 80) / top
    bars = [
        PairBar(
            c.name_id,
            c.colour,
            4 + i * (2 * bar + gap),
            4 + i * (2 * bar + gap) + bar,
            round(a * scale, 1),
            round(b * scale, 1),
            a,
            b,
        )  # fmt: skip
        for i, (c, a, b) in enumerate(rows)
    ]
    return PairChart(width, 8 + len(bars) * (2 * bar + gap), left, bar, bars)
