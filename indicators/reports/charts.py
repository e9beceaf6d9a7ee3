"""Server-side inline SVG charts and category marks: no CDN, no script, print-safe.

Colours are the Okabe-Ito palette (safe for the common colour-vision deficiencies) and
every category also has its own symbol and text, so it reads in black and white too.
SVG uses classes and presentation attributes only (the CSP forbids style attributes).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from portal import display

SYMBOLS = {
    "early_achiever": "★",
    "on_track": "▲",
    "off_track_slow": "►",
    "off_track_regressing": "▼",
    "insufficient_data": "○",
    "insufficient_coverage": "◌",
}


def category_label(category: str) -> str:
    from indicators.models.results import Category

    return str(Category(category).label) if category in Category.values else _("no result")


def trend_model_label(model: str | None) -> str:
    """The engine's trend model ("geometric", "linear") in the active language; "–" if none."""
    labels = {"geometric": _("geometric"), "linear": _("linear")}
    return labels.get(model or "", model or "–")


def category_mark(category: str | None, *, with_text: bool = False) -> SafeString:
    """The category as symbol + colour (+ text): a span that prints and reads without colour."""
    if not category:
        return format_html('<span class="cat cat-none" title="{}">–</span>', _("no result"))
    label = category_label(category)
    text = (
        format_html(' <span class="cat-text">{}</span>', label)
        if with_text
        else format_html('<span class="visually-hidden"> {}</span>', label)
    )
    return format_html(
        '<span class="cat cat-{}" title="{}"><span aria-hidden="true">{}</span>{}</span>',
        category,
        label,
        SYMBOLS.get(category, "?"),
        text,
    )


@dataclass
class Point:
    year: int
    value: float
    nature: str = ""


@dataclass
class Trend:
    """A fitted trend from (first_year, first_value): geometric rate r or linear slope q."""

    model: str
    rate: float
    first_year: int
    first_value: float

    def at(self, year: float) -> float | None:
        span = year - self.first_year
        if self.model == "geometric":
            return self.first_value * (1 + self.rate) ** span
        if self.model == "linear":
            return self.first_value + self.rate * span
        return self.first_value


@dataclass
class ChartData:
    title: str
    unit: str
    national: list[Point] = field(default_factory=list)
    international: list[Point] = field(default_factory=list)
    national_trend: Trend | None = None
    international_trend: Trend | None = None
    target: float | None = None
    cutoff: float | None = None
    target_year: int | None = None
    t_star: float | None = None
    international_label: str = ""


def _fmt(value: float) -> str:
    return display.number(value)


def _nice_step(raw: float) -> float:
    power = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1.0
    return next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)


class _Frame:
    def __init__(self, data: ChartData, width: int, height: int, pad: tuple[int, int, int, int]):
        self.width, self.height = width, height
        self.left, self.right, self.top, self.bottom = pad
        points = data.national + data.international
        years = [p.year for p in points]
        if data.target_year:
            years.append(data.target_year)
        if data.t_star is not None and data.target_year and data.t_star <= data.target_year + 15:
            years.append(math.ceil(data.t_star))
        self.x0, self.x1 = (min(years), max(years)) if years else (2000, 2030)
        if self.x1 == self.x0:
            self.x1 += 1
        values = [p.value for p in points] + [
            v for v in (data.target, data.cutoff) if v is not None
        ]
        top = max(values) if values else 1.0
        bottom = min(values) if values else 0.0
        self.y0 = 0.0 if bottom >= 0 else bottom * 1.1
        self.y1 = top * 1.1 if top > 0 else 1.0
        if self.y1 == self.y0:
            self.y1 = self.y0 + 1
        # Round ticks (1, 2, 2.5 or 5 times a power of ten), the axis ending on one of them.
        self.y_step = _nice_step((self.y1 - self.y0) / 5)
        self.y0 = math.floor(self.y0 / self.y_step) * self.y_step
        self.y1 = math.ceil(self.y1 / self.y_step - 1e-9) * self.y_step

    def x(self, year: float) -> float:
        span = self.width - self.left - self.right
        return round(self.left + (year - self.x0) / (self.x1 - self.x0) * span, 1)

    def y(self, value: float) -> float:
        span = self.height - self.top - self.bottom
        clipped = min(max(value, self.y0), self.y1)
        return round(self.top + (1 - (clipped - self.y0) / (self.y1 - self.y0)) * span, 1)


def _series(frame: _Frame, points: Sequence[Point], css: str, label: str, small: bool) -> list[str]:
    if not points:
        return []
    path = " ".join(
        f"{'M' if i == 0 else 'L'}{frame.x(p.year)},{frame.y(p.value)}"
        for i, p in enumerate(points)
    )
    out = [f'<path class="line {css}" d="{path}"/>']
    radius = 2 if small else 3.5
    nature_word = _("nature")
    for p in points:
        nature = f", {nature_word} {p.nature}" if p.nature else ""
        tip = escape(f"{p.year}: {_fmt(p.value)} ({label}{nature})")
        cx, cy = frame.x(p.year), frame.y(p.value)
        if css == "national":
            shape = f'<circle class="pt {css}" cx="{cx}" cy="{cy}" r="{radius}">'
            out.append(f"{shape}<title>{tip}</title></circle>")
        else:
            r = radius + 0.5
            shape = f'<rect class="pt {css}" x="{cx - r}" y="{cy - r}" width="{2 * r}" height="{2 * r}">'
            out.append(f"{shape}<title>{tip}</title></rect>")
    return out


def _trend(frame: _Frame, trend: Trend | None, css: str, end_year: int | None) -> list[str]:
    if trend is None or not trend.model:
        return []
    end = max(end_year or frame.x1, trend.first_year + 1)
    steps = 24
    coords = []
    for i in range(steps + 1):
        year = trend.first_year + (end - trend.first_year) * i / steps
        value = trend.at(year)
        if value is None or not math.isfinite(value):
            break
        coords.append(f"{'M' if i == 0 else 'L'}{frame.x(year)},{frame.y(value)}")
    title = escape(
        _("fitted %(model)s trend, rate %(rate)s")
        % {"model": trend_model_label(trend.model), "rate": display.number(trend.rate)}
    )
    return [f'<path class="trend {css}" d="{" ".join(coords)}"><title>{title}</title></path>']


LABEL_GAP = 12  # px: two rule labels closer than this would overlap
TSTAR_OFFSET = 16  # px below the axis: the t* mark and its label, under the year labels


def _rule_lines(data: ChartData) -> list[tuple[float, str, str]]:
    """The horizontal rules to draw: the target and the cut-off, or one line when they are equal."""
    if data.target is not None and data.cutoff is not None and data.target == data.cutoff:
        return [(data.target, "target", _("target and cut-off"))]
    return [
        (value, css, label)
        for value, css, label in (
            (data.target, "target", _("target")),
            (data.cutoff, "cutoff", _("cut-off")),
        )
        if value is not None
    ]


def _rules(frame: _Frame, data: ChartData, small: bool) -> list[str]:
    out = []
    label_ys: list[float] = []
    for value, css, label in _rule_lines(data):
        y = frame.y(value)
        tip = escape(f"{label}: {_fmt(value)}")
        out.append(
            f'<line class="rule {css}" x1="{frame.left}" x2="{frame.width - frame.right}" '
            f'y1="{y}" y2="{y}"><title>{tip}</title></line>'
        )
        if not small:
            # Above the line, unless that collides with a label already placed: then below.
            label_y = y - 3
            if any(abs(label_y - other) < LABEL_GAP for other in label_ys):
                label_y = y + LABEL_GAP - 1
            label_ys.append(label_y)
            out.append(
                f'<text class="rule-label {css}" x="{frame.width - frame.right - 2}" '
                f'y="{label_y}" text-anchor="end">{tip}</text>'
            )
    if data.target_year and frame.x0 <= data.target_year <= frame.x1:
        target_year = _("target year")
        x = frame.x(data.target_year)
        out.append(
            f'<line class="rule target-year" x1="{x}" x2="{x}" y1="{frame.top}" '
            f'y2="{frame.height - frame.bottom}"><title>{escape(target_year)} '
            f"{data.target_year}</title></line>"
        )
    if data.t_star is not None and frame.x0 <= data.t_star <= frame.x1:
        x = frame.x(data.t_star)
        # Below the row of year labels (at base + 14) in the large chart, so they never overlap.
        mark_y = frame.height - frame.bottom + (0 if small else TSTAR_OFFSET)
        tip = escape(
            _("t* = %(year)s: the trend reaches the target")
            % {"year": display.number(data.t_star, 5, 1)}
        )
        out.append(f'<path class="tstar" d="M{x},{mark_y} l-5,8 h10 z"><title>{tip}</title></path>')
        if not small:
            out.append(
                f'<text class="tstar-label" x="{x}" y="{mark_y + 17}" '
                f'text-anchor="middle">t*</text>'
            )
    return out


def _axes(frame: _Frame) -> list[str]:
    base = frame.height - frame.bottom
    out = [
        f'<line class="axis" x1="{frame.left}" x2="{frame.width - frame.right}" y1="{base}" y2="{base}"/>',
        f'<line class="axis" x1="{frame.left}" x2="{frame.left}" y1="{frame.top}" y2="{base}"/>',
    ]
    step = max(1, math.ceil((frame.x1 - frame.x0) / 8))
    for year in range(frame.x0, frame.x1 + 1, step):
        out.append(
            f'<text class="tick" x="{frame.x(year)}" y="{base + 14}" text-anchor="middle">{year}</text>'
        )
    ticks = round((frame.y1 - frame.y0) / frame.y_step)
    for i in range(ticks + 1):
        value = round(frame.y0 + frame.y_step * i, 10)
        y = frame.y(value)
        out.append(
            f'<text class="tick" x="{frame.left - 4}" y="{y + 4}" text-anchor="end">{_fmt(value)}</text>'
        )
        out.append(
            f'<line class="grid" x1="{frame.left}" x2="{frame.width - frame.right}" y1="{y}" y2="{y}"/>'
        )
    return out


def progress_chart(data: ChartData, *, small: bool = False) -> SafeString:
    """An inline SVG: national (circles) and international (squares) values, fitted trends
    projected to the target year, the target (and cut-off) line, t* marked below the axis."""
    width, height = (220, 90) if small else (620, 266)
    pad = (6, 6, 6, 6) if small else (48, 12, 14, 40)
    frame = _Frame(data, width, height, pad)
    parts = [] if small else _axes(frame)
    parts += _rules(frame, data, small)
    parts += _trend(frame, data.national_trend, "national", data.target_year)
    parts += _trend(frame, data.international_trend, "international", data.target_year)
    parts += _series(frame, data.national, "national", _("national"), small)
    parts += _series(
        frame,
        data.international,
        "international",
        data.international_label or _("international"),
        small,
    )
    if not data.national and not data.international:
        empty = _("no values")
        parts.append(
            f'<text class="tick" x="{width / 2}" y="{height / 2}" text-anchor="middle">'
            f"{escape(empty)}</text>"
        )
    label = escape(data.title)
    svg = (
        f'<svg class="chart{" chart-small" if small else ""}" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{label}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{label}</title>{"".join(parts)}</svg>'
    )
    return mark_safe(svg)  # noqa: S308  # nosec B308, B703
