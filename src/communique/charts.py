"""Charts drawn at build time as SVG: the same markup goes inline into the web page and the PDF.

A chart is data the reader should take in at a glance, so it is drawn from the statement's own
structured facts (never pasted in as an image), in the edition's language: dates through Babel,
numbers in the locale's digits and separators, labels from the template's translated strings.
No plotting library is needed for this: the geometry is a few rows on a date axis.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Sequence
from xml.sax.saxutils import escape, quoteattr

from babel import Locale
from babel.dates import format_skeleton
from babel.numbers import format_decimal
from markupsafe import Markup


@dataclass(frozen=True)
class TimelineItem:
    """One incident on the timeline: when, where, what was reported and whether it is verified."""

    start: dt.date
    end: dt.date
    label: str
    killed: int | None = None
    wounded: int | None = None
    verified: bool = False


@dataclass(frozen=True)
class TimelineLabels:
    """The chart's words, translated by the template that asks for the chart."""

    title: str
    killed: str
    wounded: str
    verified: str
    unverified: str
    unknown: str = "–"


@dataclass(frozen=True)
class Style:
    font_family: str = "sans-serif"
    ink: str = "#111111"
    muted: str = "#555555"
    accent: str = "#111111"


WIDTH = 680
ROW = 24
LABEL_W = 190
FIGURE_W = 64
TOP = 34
AXIS_H = 40
LEGEND_H = 22
MAX_LABEL = 34


def timeline_svg(items: Sequence[TimelineItem], labels: TimelineLabels, *, lang: str,
                 style: Style = Style(), direction: str = "ltr", desc: str = "",
                 chart_id: str = "timeline") -> Markup:
    """An SVG timeline: one row per incident (a dot, or a bar over several days), with the
    civilians reported killed and wounded in two columns, and a date axis.

    In right-to-left editions the whole chart is mirrored: labels on the right, time running
    leftwards, as readers of the language expect. The mirroring is done here, with coordinates
    and anchors: an SVG ``direction`` attribute would make WeasyPrint reorder the text itself.
    """
    locale = Locale.parse(lang.replace("-", "_"))
    rows = sorted(items, key=lambda i: (i.start, i.end))
    if not rows:
        return Markup("")
    first = min(i.start for i in rows)
    last = max(i.end for i in rows)
    days = (last - first).days + 1
    plot_x0 = LABEL_W + 10
    plot_x1 = WIDTH - 2 * FIGURE_W - 14
    day_w = (plot_x1 - plot_x0) / days
    height = TOP + ROW * len(rows) + AXIS_H + LEGEND_H
    rtl = direction == "rtl"

    def x(pos: float) -> float:
        return round(WIDTH - pos if rtl else pos, 1)

    def anchor(kind: str) -> str:
        if kind == "middle" or not rtl:
            return kind
        return "end" if kind == "start" else "start"

    def text(pos: float, y: float, content: str, kind: str = "start", **attrs: str) -> str:
        extra = "".join(f" {k.replace('_', '-')}={quoteattr(v)}" for k, v in attrs.items())
        return (f'<text x="{x(pos)}" y="{y}" text-anchor="{anchor(kind)}"{extra}>'
                f"{escape(content)}</text>")

    def number(value: int | None) -> str:
        return labels.unknown if value is None else format_decimal(value, locale=locale)

    killed_x = WIDTH - FIGURE_W - 8 - FIGURE_W / 2
    wounded_x = WIDTH - 8 - FIGURE_W / 2
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart timeline" id="{escape(chart_id)}" '
        f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" role="img" '
        f'aria-labelledby="{escape(chart_id)}-title{" " + escape(chart_id) + "-desc" if desc else ""}" '
        f'font-family={quoteattr(style.font_family)} font-size="11" fill="{escape(style.ink)}">',
        f'<title id="{escape(chart_id)}-title">{escape(labels.title)}</title>',
    ]
    if desc:
        out.append(f'<desc id="{escape(chart_id)}-desc">{escape(desc)}</desc>')
    out.append(text(killed_x, TOP - 12, labels.killed, "middle", font_weight="bold"))
    out.append(text(wounded_x, TOP - 12, labels.wounded, "middle", font_weight="bold"))
    # day grid and axis
    step = max(1, math.ceil(days / 8))
    axis_y = TOP + ROW * len(rows) + 4
    for d in range(0, days, step):
        gx = plot_x0 + day_w * (d + 0.5)
        day = first + dt.timedelta(days=d)
        out.append(f'<line x1="{x(gx)}" y1="{TOP - 4}" x2="{x(gx)}" y2="{axis_y}" '
                   f'stroke="{escape(style.muted)}" stroke-width="0.5" stroke-dasharray="2 3"/>')
        out.append(text(gx, axis_y + 14, format_skeleton("MMMd", day, locale=locale), "middle"))
    out.append(f'<line x1="{x(plot_x0)}" y1="{axis_y}" x2="{x(plot_x1)}" y2="{axis_y}" '
               f'stroke="{escape(style.ink)}" stroke-width="1"/>')
    for n, item in enumerate(rows):
        cy = TOP + ROW * n + ROW / 2
        label = item.label if len(item.label) <= MAX_LABEL else item.label[:MAX_LABEL - 1] + "…"
        out.append(text(0, cy + 4, label))
        fill = escape(style.accent) if item.verified else "#ffffff"
        x0 = plot_x0 + day_w * (item.start - first).days + day_w / 2
        x1 = plot_x0 + day_w * (item.end - first).days + day_w / 2
        if x1 > x0:
            left, right = sorted((x(x0), x(x1)))
            out.append(f'<rect x="{round(left - 6, 1)}" y="{cy - 6}" width="{round(right - left + 12, 1)}" '
                       f'height="12" rx="6" fill="{fill}" stroke="{escape(style.ink)}" '
                       f'stroke-width="1.5"/>')
        else:
            out.append(f'<circle cx="{x(x0)}" cy="{cy}" r="6" fill="{fill}" '
                       f'stroke="{escape(style.ink)}" stroke-width="1.5"/>')
        out.append(text(killed_x, cy + 4, number(item.killed), "middle"))
        out.append(text(wounded_x, cy + 4, number(item.wounded), "middle"))
    # legend: filled means verified, hollow means not verified
    ly = axis_y + 34
    out.append(f'<circle cx="{x(plot_x0 + 6)}" cy="{ly - 4}" r="5" fill="{escape(style.accent)}" '
               f'stroke="{escape(style.ink)}" stroke-width="1.5"/>')
    out.append(text(plot_x0 + 16, ly, labels.verified))
    mid = plot_x0 + (plot_x1 - plot_x0) / 2
    out.append(f'<circle cx="{x(mid + 6)}" cy="{ly - 4}" r="5" fill="#ffffff" '
               f'stroke="{escape(style.ink)}" stroke-width="1.5"/>')
    out.append(text(mid + 16, ly, labels.unverified))
    out.append("</svg>")
    return Markup("\n".join(out))
