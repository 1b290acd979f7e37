"""Geometry for the small server-rendered SVG charts (no chart library, nothing to download).

The functions here only compute coordinates; the templates draw them (`indeks/_chart_*.html`) with a
title, a description and a data table beside each chart, so screen readers and text browsers get the
numbers too.
"""

from dataclasses import dataclass, field

from .engine import DefinitionSpec

INCOMPLETE_COLOUR = "#b8beb5"


def text_colour(hex_colour: str) -> str:
    """Black or white, whichever reads better on the fill (WCAG relative luminance)."""
    r, g, b = (int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5))

    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    luminance = 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
    return "#000000" if luminance > 0.179 else "#ffffff"


def nice_scale(value: int) -> tuple[int, int]:
    """(top, step) with round steps, at most 6 intervals, top ≥ value: tick labels stay whole numbers."""
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10000, 20000, 25000, 50000):
        top = step * -(-max(value, 1) // step)
        if top // step <= 6:
            return top, step
    return value, value


@dataclass
class Segment:
    x: float
    y: float
    width: float
    height: float
    colour: str
    text_colour: str
    count: int
    label: str

    @property
    def label_y(self) -> float:
        return self.y + self.height / 2


@dataclass
class Bar:
    year: int
    x: float
    label_x: float
    total: int
    segments: list[Segment] = field(default_factory=list)


@dataclass
class StatusChart:
    width: int
    height: int
    plot_top: int
    plot_bottom: int
    left: int
    bars: list[Bar]
    ticks: list[tuple[float, int]]
    legend: list[tuple[str, str]]
    years: list[int]
    table: list[tuple[int, list[int], int]]  # year, counts in legend order, total


def status_chart(spec: DefinitionSpec, counts: dict[int, dict[str, int]], incomplete_label: str) -> StatusChart:
    width, height, left, right, top, bottom = 640, 280, 44, 12, 12, 36
    years = sorted(counts)
    categories = [(s.code, s.name, s.colour) for s in spec.statuses]
    if any(c.get("") for c in counts.values()):
        categories.append(("", incomplete_label, INCOMPLETE_COLOUR))
    highest = max((sum(c.values()) for c in counts.values()), default=0)
    top_value, step = nice_scale(highest)
    plot_height = height - top - bottom
    slot = (width - left - right) / max(len(years), 1)
    bar_width = min(56.0, slot * 0.7)
    bars, table = [], []
    for index, year in enumerate(years):
        x = left + slot * index + (slot - bar_width) / 2
        bar = Bar(year=year, x=x, label_x=x + bar_width / 2, total=sum(counts[year].values()))
        y = float(height - bottom)
        for code, name, colour in categories:
            n = counts[year].get(code, 0)
            if not n:
                continue
            h = plot_height * n / top_value
            y -= h
            bar.segments.append(Segment(x, y, bar_width, h, colour, text_colour(colour), n, name))
        bars.append(bar)
        table.append((year, [counts[year].get(code, 0) for code, _n, _c in categories], bar.total))
    ticks = [(height - bottom - plot_height * v / top_value, v) for v in range(0, top_value + 1, step)]
    return StatusChart(
        width=width,
        height=height,
        plot_top=top,
        plot_bottom=height - bottom,
        left=left,
        bars=bars,
        ticks=ticks,
        legend=[(name, colour) for _code, name, colour in categories],
        years=years,
        table=table,
    )


@dataclass
class Line:
    label: str
    colour: str
    dashed: bool
    width: float
    points: list[tuple[float, float, int, float]]  # x, y, year, value

    @property
    def path(self) -> str:
        return " ".join(f"{'M' if i == 0 else 'L'}{x:.1f},{y:.1f}" for i, (x, y, _yr, _v) in enumerate(self.points))


@dataclass
class LineChart:
    width: int
    height: int
    left: int
    right_edge: int
    plot_top: int
    plot_bottom: int
    lines: list[Line]
    x_labels: list[tuple[float, int]]
    y_ticks: list[tuple[float, float]]
    guides: list[tuple[float, str, float, str]]  # y, status name, upper bound, colour
    table: list[tuple[int, list[float | None]]] = field(default_factory=list)  # the data, for the table
    table_labels: list[str] = field(default_factory=list)


SERIES_STYLE = {
    "IKS": ("#1b9e77", False, 2.0),
    "IKE": ("#d95f02", False, 2.0),
    "IKL": ("#7570b3", False, 2.0),
}


def history_chart(
    spec: DefinitionSpec,
    years: list[int],
    series: dict[str, dict[int, float | None]],
    index_label: str,
    official_label: str,
) -> LineChart:
    """IKS/IKE/IKL/index over the years on a fixed 0–1 scale, with the status bounds as guides."""
    width, height, left, right, top, bottom = 640, 260, 40, 150, 10, 28
    plot_w, plot_h = width - left - right, height - top - bottom

    def x_of(i: int) -> float:
        return left + (plot_w * i / (len(years) - 1) if len(years) > 1 else plot_w / 2)

    def y_of(v: float) -> float:
        return top + plot_h * (1 - v)

    styles = dict(SERIES_STYLE)
    styles[index_label] = ("#1d2a22", False, 3.0)
    styles[official_label] = ("#1d2a22", True, 1.5)
    lines = []
    for label, values in series.items():
        colour, dashed, stroke = styles.get(label, ("#555555", False, 2.0))
        points = [(x_of(i), y_of(values[y]), y, values[y]) for i, y in enumerate(years) if values.get(y) is not None]
        if points:
            lines.append(Line(label, colour, dashed, stroke, points))
    guides = [
        (y_of(float(s.upper_bound)), s.name, float(s.upper_bound), s.colour)
        for s in spec.statuses
        if s.upper_bound is not None
    ]
    return LineChart(
        width=width,
        height=height,
        left=left,
        right_edge=width - right,
        plot_top=top,
        plot_bottom=height - bottom,
        lines=lines,
        x_labels=[(x_of(i), y) for i, y in enumerate(years)],
        y_ticks=[(y_of(v / 10), v / 10) for v in range(0, 11, 2)],
        guides=guides,
    )
