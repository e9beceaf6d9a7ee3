"""Server-side inline SVG bar charts (grouped vertical bars), as the progress charts: no
script, no CDN, classes only (the CSP forbids style attributes), Okabe-Ito colours plus a
hatch-free key and a value written above every bar, so the chart reads in black and white."""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from portal import display


@dataclass(frozen=True)
class BarSeries:
    """One series of bars: its label (the key) and one value per group (None: no bar)."""

    label: str
    values: list[float | None]


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    return next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= value)


def bar_chart(
    *,
    title: str,
    groups: list[str],
    series: list[BarSeries],
    maximum: float | None = None,
    percent: bool = False,
    whole: bool = False,
) -> SafeString:
    """An inline SVG: per group (a round, an age bucket) one bar per series, the value written
    above each bar (``percent``: values are shares 0..1 shown as per cent), a key below.

    In: the chart's title, the group labels, the series (as many values as groups each),
    the top of the scale (default: a round number above the largest value; ``whole``:
    counts, so the scale's five ticks fall on whole numbers).
    Out: the ``<svg>`` markup, safe to insert in a template."""
    width, height = 620, 230 + 16 * len(series)
    left, right, top, bottom = 44, 10, 16, 34 + 16 * len(series)
    values = [v for s in series for v in s.values if v is not None]
    top_value = maximum if maximum is not None else _nice_max(max(values, default=0.0))
    if whole and maximum is None:
        top_value = max(4.0, math.ceil(max(values, default=0.0) / 4) * 4)
    plot_w, plot_h = width - left - right, height - top - bottom
    base = top + plot_h

    def y(value: float) -> float:
        return round(base - min(value, top_value) / top_value * plot_h, 1)

    def text(value: float) -> str:
        return f"{display.number(value * 100, 3)} %" if percent else display.number(value, 4)

    parts = [
        f'<line class="axis" x1="{left}" x2="{width - right}" y1="{base}" y2="{base}"/>',
        f'<line class="axis" x1="{left}" x2="{left}" y1="{top}" y2="{base}"/>',
    ]
    for i in range(5):
        tick = top_value * i / 4
        parts.append(
            f'<line class="grid" x1="{left}" x2="{width - right}" y1="{y(tick)}" y2="{y(tick)}"/>'
            f'<text class="tick" x="{left - 4}" y="{y(tick) + 4}" text-anchor="end">'
            f"{escape(text(tick))}</text>"
        )
    slot = plot_w / max(len(groups), 1)
    bar_w = min(40.0, slot * 0.8 / max(len(series), 1))
    for g, group in enumerate(groups):
        x0 = left + slot * g + (slot - bar_w * len(series)) / 2
        for s, one in enumerate(series):
            value = one.values[g] if g < len(one.values) else None
            if value is None:
                continue
            x = round(x0 + bar_w * s, 1)
            tip = escape(f"{group}, {one.label}: {text(value)}")
            parts.append(
                f'<rect class="bar s{s}" x="{x}" y="{y(value)}" width="{round(bar_w - 2, 1)}" '
                f'height="{round(base - y(value), 1)}"><title>{tip}</title></rect>'
                f'<text class="bar-value" x="{round(x + bar_w / 2 - 1, 1)}" y="{y(value) - 3}" '
                f'text-anchor="middle">{escape(text(value))}</text>'
            )
        parts.append(
            f'<text class="tick" x="{round(left + slot * g + slot / 2, 1)}" y="{base + 14}" '
            f'text-anchor="middle">{escape(group)}</text>'
        )
    for s, one in enumerate(series):  # the key, one line per series
        key_y = base + 26 + 16 * s
        parts.append(
            f'<rect class="bar s{s}" x="{left}" y="{key_y}" width="10" height="10"/>'
            f'<text class="tick" x="{left + 14}" y="{key_y + 9}">{escape(one.label)}</text>'
        )
    label = escape(title)
    svg = (
        f'<svg class="chart bar-chart" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-label="{label}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{label}</title>{"".join(parts)}</svg>'
    )
    return mark_safe(svg)  # noqa: S308  # nosec B308, B703
