"""Every chart in Followup, described once and drawn by one renderer to accessible SVG.

A ``Chart`` says what a chart shows: its marks (a figure per period or per area, or a count per
category drawn as bars), the lines drawn with them (centre line, limits, target), which marks
are flagged, the axis labels, title, caption (with the key in words), one-line finding and the
rows of its data table. ``draw`` turns it into one SVG document, and that same document is what
every format shows: inline in the indicator pages, as an image with the description as its
alternative text in the report's HTML and PDF (WeasyPrint), and in the Word file, beside a PNG
of it made by CairoSVG (``png``).

The SVG is an image to assistive technology (``role="img"``), named by its ``<title>`` and
described by its ``<desc>`` (the finding and the key in words) through ``aria-labelledby``.
Flagged marks are red diamonds and the others blue circles, so a flag never rests on colour
alone; lines differ by dash as well as colour. The key is in words, in the caption under the chart
and in the description, and every chart is shown with its caption, finding and data table
(``templates/includes/chart.html``). Drawing is plain string work with few elements
and few labels: WeasyPrint lays out every SVG text with its full text engine, so each label costs
time in the PDF.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape

# GOV.UK colours: text and secondary text, blue, red, green, and a light grid (decorative).
TEXT, SECONDARY, BLUE, RED, GREEN, GRID = (
    "#0b0c0c",
    "#505a5f",
    "#1d70b8",
    "#d4351c",
    "#00703c",
    "#e0e2e3",
)
WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 70, 40, 16, 46

# How each kind of line is drawn: colour, width and dash (an empty dash is a solid line).
LINE_STYLES = {
    "centre": (TEXT, 1.5, "6 3"),
    "overall": (TEXT, 1.5, ""),
    "limit": (SECONDARY, 1.5, "2 3"),
    "inner": (SECONDARY, 1, "6 3"),
    "target": (GREEN, 2, "10 4"),
}


@dataclass(frozen=True)
class Mark:
    """One figure: where it is (x in data units; a period's position on a chart over time)."""

    x: float
    y: float
    label: str
    flagged: bool = False


@dataclass(frozen=True)
class Line:
    """A line drawn with the marks; ``None`` for y leaves a gap (between phases, say)."""

    name: str
    style: str  # a key of LINE_STYLES
    points: tuple[tuple[float, float | None], ...]


@dataclass(frozen=True)
class Chart:
    """What a chart shows, whichever format draws it."""

    key: str  # unique on a page: the ids of the title and description start with it
    title: str
    caption: str  # the key in words, and what kind of chart it is
    finding: str  # the one-line finding
    x_label: str
    y_label: str
    marks: tuple[Mark, ...]
    lines: tuple[Line, ...] = ()
    joined: bool = True  # the marks are a series over time, joined in order
    log_x: bool = False
    x_ticks: tuple[tuple[float, str], ...] = ()  # (x, label); worked out when empty
    split_at: float | None = None  # a vertical rule between two phases
    header: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    # Counts by category: each mark a bar up from zero, its count above it (not joined).
    bars: bool = False

    @property
    def description(self) -> str:
        """The text alternative: the finding, the key in words, and where the figures are."""
        return f"{self.finding} {self.caption} The data table with the chart gives every figure."


def _nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    if high <= low:
        high = low + 1
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    start = math.floor(low / step) * step
    ticks = []
    value = start
    while value <= high + step / 2:
        ticks.append(round(value, 10))
        value += step
    return ticks


def _label(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 or float(value).is_integer() else f"{value:,.2f}"


def _log_ticks(low: float, high: float) -> list[tuple[float, str]]:
    ticks = []
    for power in range(math.floor(math.log10(low)), math.ceil(math.log10(high)) + 1):
        for m in (1, 2, 5):
            value = m * 10.0**power
            if low <= value <= high:
                ticks.append((value, _label(value)))
    return ticks if len(ticks) <= 7 else [t for t in ticks if t[1].lstrip("-")[0] == "1"]


def _mark(x: float, y: float, flagged: bool) -> str:
    if flagged:
        return f"M{x:.1f},{y - 6:.1f}l6,6l-6,6l-6,-6z"
    return f"M{x - 3.5:.1f},{y:.1f}a3.5,3.5 0 1,0 7,0a3.5,3.5 0 1,0 -7,0"


@dataclass(frozen=True)
class _Frame:
    """Where values fall on the drawing: the value axis from ``low`` to ``high`` (with its
    ticks), the x axis from ``x_low`` to ``x_high`` (log10 of them on a log scale), padded by
    ``x_pad`` on each side."""

    ticks: list[float]
    low: float
    high: float
    x_low: float
    x_high: float
    x_pad: float
    log_x: bool

    def px(self, value: float) -> float:
        value = math.log10(value) if self.log_x else value
        span = (self.x_high - self.x_low + 2 * self.x_pad) or 1.0
        return LEFT + (WIDTH - LEFT - RIGHT) * (value - self.x_low + self.x_pad) / span

    def py(self, value: float) -> float:
        span = (self.high - self.low) or 1.0
        return TOP + (HEIGHT - TOP - BOTTOM) * (1 - (value - self.low) / span)


def _frame(chart: Chart, xs: list[float]) -> _Frame:
    ys = [m.y for m in chart.marks] + [
        y for line in chart.lines for _, y in line.points if y is not None
    ]
    if chart.bars:
        ys.append(0.0)  # a bar's length is its count: the axis starts at zero
    ticks = _nice_ticks(min(ys), max(ys)) if ys else [0.0, 1.0]
    ticks = ticks[:: max(1, math.ceil(len(ticks) / 5))]
    if chart.bars:
        ticks = [t for t in ticks if float(t).is_integer()]  # counts: whole numbers only
    low, high = min([ticks[0], *ys]), max([ticks[-1], *ys])
    if chart.log_x:
        return _Frame(ticks, low, high, math.log10(min(xs)), math.log10(max(xs)), 0.0, True)
    x_low, x_high = (min(xs), max(xs)) if xs else (0.0, 1.0)
    return _Frame(ticks, low, high, x_low, x_high, 0.5, False)


def draw(chart: Chart) -> str:
    """The chart as one SVG document, the same for every format."""
    xs = [m.x for m in chart.marks] + [x for line in chart.lines for x, _ in line.points]
    frame = _frame(chart, xs)
    key = escape(chart.key)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="{key}-title {key}-desc" '
        f'class="followup-chart" font-family="Arial, sans-serif" font-size="12">',
        f'<title id="{key}-title">{escape(chart.title)}</title>',
        f'<desc id="{key}-desc">{escape(chart.description)}</desc>',
    ]
    parts += _axes(chart, frame, xs)
    parts += _lines(chart, frame)
    parts += _bars(chart, frame) if chart.bars else _marks(chart, frame)
    parts.append("</svg>")
    return "".join(parts)


def _axes(chart: Chart, frame: _Frame, xs: list[float]) -> list[str]:
    """The grid, the tick labels, the axis labels, the axes and the line at the inspection."""
    px, py = frame.px, frame.py
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    grid = " ".join(f"M{LEFT},{py(t):.1f}H{WIDTH - RIGHT}" for t in frame.ticks)
    parts = [f'<path d="{grid}" stroke="{GRID}" fill="none"/>']
    parts.append(f'<g fill="{SECONDARY}" text-anchor="end">')
    parts += [f'<text x="{LEFT - 6}" y="{py(t) + 4:.1f}">{_label(t)}</text>' for t in frame.ticks]
    parts.append(f'</g><g fill="{SECONDARY}" text-anchor="middle">')
    x_ticks = list(chart.x_ticks)
    if not x_ticks and chart.log_x and xs:
        x_ticks = _log_ticks(min(xs), max(xs))
    elif not x_ticks:
        # At most six labels, fewer when they are long ("July to September 2023"): about 7 px
        # a character at this size, on a 540 px axis.
        longest = max((len(m.label) for m in chart.marks), default=1)
        room = max(2, min(6, 540 // (7 * longest + 12)))
        step = max(1, math.ceil(len(chart.marks) / room))
        x_ticks = [(m.x, m.label) for i, m in enumerate(chart.marks) if i % step == 0]
    base = HEIGHT - BOTTOM
    parts += [
        f'<text x="{px(x):.1f}" y="{base + 16}">{escape(label)}</text>' for x, label in x_ticks
    ]
    if chart.x_label:
        parts.append(
            f'<text x="{LEFT + plot_w / 2:.1f}" y="{base + 32}">{escape(chart.x_label)}</text>'
        )
    if chart.y_label:
        parts.append(
            f'<text transform="translate(14 {TOP + plot_h / 2:.1f}) rotate(-90)">'
            f"{escape(chart.y_label)}</text>"
        )
    parts.append("</g>")
    parts.append(
        f'<path d="M{LEFT},{TOP}V{base}H{WIDTH - RIGHT}" stroke="{SECONDARY}" fill="none"/>'
    )
    if chart.split_at is not None:
        x = px(chart.split_at)
        parts.append(f'<path d="M{x:.1f},{TOP}V{base}" stroke="{TEXT}" stroke-width="1.5"/>')
    return parts


def _lines(chart: Chart, frame: _Frame) -> list[str]:
    """Each line in its style, broken where a point is missing."""
    parts = []
    for line in chart.lines:
        colour, width, dash = LINE_STYLES[line.style]
        runs: list[list[str]] = []
        run: list[str] = []
        for x, y in line.points:
            if y is None:
                runs.append(run)
                run = []
            else:
                run.append(f"{frame.px(x):.1f},{frame.py(y):.1f}")
        runs.append(run)
        dashes = f' stroke-dasharray="{dash}"' if dash else ""
        for run in runs:
            if len(run) > 1:
                parts.append(
                    f'<polyline points="{" ".join(run)}" fill="none" stroke="{colour}" '
                    f'stroke-width="{width}"{dashes}/>'
                )
    return parts


def _marks(chart: Chart, frame: _Frame) -> list[str]:
    """The points: blue circles, and flagged ones as red diamonds (shape as well as colour)."""
    px, py = frame.px, frame.py
    parts = []
    if chart.joined and len(chart.marks) > 1:
        joined = " ".join(f"{px(m.x):.1f},{py(m.y):.1f}" for m in chart.marks)
        parts.append(f'<polyline points="{joined}" fill="none" stroke="{BLUE}" stroke-width="2"/>')
    usual = "".join(_mark(px(m.x), py(m.y), False) for m in chart.marks if not m.flagged)
    flagged = "".join(_mark(px(m.x), py(m.y), True) for m in chart.marks if m.flagged)
    if usual:
        parts.append(f'<path d="{usual}" fill="{BLUE}"/>')
    if flagged:
        parts.append(f'<path d="{flagged}" fill="{RED}" stroke="{TEXT}" stroke-width="0.75"/>')
    return parts


def _bars(chart: Chart, frame: _Frame) -> list[str]:
    """Each mark as a bar from zero, with its figure above it."""
    px, py = frame.px, frame.py
    if not chart.marks:
        return []
    step = px(chart.marks[0].x + 1) - px(chart.marks[0].x)
    width = min(48.0, abs(step) * 0.6)
    bars = "".join(
        f"M{px(m.x) - width / 2:.1f},{py(0):.1f}V{py(m.y):.1f}h{width:.1f}V{py(0):.1f}z"
        for m in chart.marks
    )
    parts = [f'<path d="{bars}" fill="{BLUE}"/>', f'<g fill="{TEXT}" text-anchor="middle">']
    parts += [
        f'<text x="{px(m.x):.1f}" y="{py(m.y) - 4:.1f}">{_label(m.y)}</text>' for m in chart.marks
    ]
    parts.append("</g>")
    return parts


def png(svg: str, *, scale: float = 2) -> bytes:
    """The SVG as a PNG (for the Word file), drawn by CairoSVG at ``scale`` times its size."""
    import cairosvg

    data: bytes = cairosvg.svg2png(bytestring=svg.encode("utf-8"), scale=scale)
    return data
