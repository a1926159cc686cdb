"""Charts drawn at build time: the same markup goes inline into the web page and the PDF.

A chart is data the reader should take in at a glance, so it is drawn from the statement's own
structured facts (never pasted in as an image), in the edition's language: dates through Babel,
numbers in the locale's digits and separators, labels from the template's translated strings.
No plotting library is needed for this: the geometry is a few rows on a date axis.

The shapes are SVG, the words are HTML laid over them. WeasyPrint 70 draws SVG ``<text>`` one
character at a time, so a joined script (Arabic, Persian) comes out with its letters unjoined
and in reverse order; text in ordinary HTML boxes is shaped like the rest of the page.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

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
class ChartStyle:
    ink: str = "#111111"
    muted: str = "#555555"
    accent: str = "#111111"


@dataclass(frozen=True)
class Label:
    """A word placed over the chart: a box from ``left`` to ``left + width`` (chart units, already
    mirrored for right-to-left editions) whose line is centred on ``middle``."""

    text: str
    left: float
    width: float
    middle: float
    kind: str  # a class: head, place, figure, date, legend
    centred: bool = False


WIDTH = 680
ROW = 24
LABEL_W = 190
FIGURE_W = 64
TOP = 34
AXIS_H = 40
LEGEND_H = 22
MAX_LABEL = 34


def timeline_chart(items: Sequence[TimelineItem], labels: TimelineLabels, *, lang: str,
                   style: ChartStyle = ChartStyle(), direction: str = "ltr", desc: str = "",
                   chart_id: str = "timeline") -> Markup:
    """A timeline: one row per incident (a dot, or a bar over several days), with the civilians
    reported killed and wounded in two columns, and a date axis.

    In right-to-left editions the whole chart is mirrored: labels on the right, time running
    leftwards, as readers of the language expect. The mirroring is done here, with coordinates:
    the words themselves take the edition's direction from the page.
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
    words: list[Label] = []

    def x(pos: float) -> float:
        return round(WIDTH - pos if rtl else pos, 1)

    def word(content: str, kind: str, pos: float, width: float, middle: float,
             centred: bool = False) -> None:
        """A word whose box starts at ``pos`` (or is centred on it), in left-to-right terms."""
        start = pos - width / 2 if centred else pos
        left = WIDTH - start - width if rtl else start
        words.append(Label(content, left, width, middle, kind, centred))

    def number(value: int | None) -> str:
        return labels.unknown if value is None else format_decimal(value, locale=locale)

    def outline(verified: bool) -> str:
        """The shape's outline: solid when verified, dashed when not. The fill alone (the
        accent against white) may differ by almost nothing (#ffff00 on white is 1.07:1), and
        colour must never be the only cue (WCAG 1.4.1)."""
        dashes = "" if verified else ' stroke-dasharray="2.5 2"'
        return f'stroke="{escape(style.ink)}" stroke-width="1.5"{dashes}'

    killed_x = WIDTH - FIGURE_W - 8 - FIGURE_W / 2
    wounded_x = WIDTH - 8 - FIGURE_W / 2
    shapes = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart timeline" '
        f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}">',
        f'<title id="{escape(chart_id)}-title">{escape(labels.title)}</title>',
    ]
    if desc:
        shapes.append(f'<desc id="{escape(chart_id)}-desc">{escape(desc)}</desc>')
    word(labels.killed, "head", killed_x, FIGURE_W, TOP - 16, centred=True)
    word(labels.wounded, "head", wounded_x, FIGURE_W, TOP - 16, centred=True)
    # day grid and axis
    step = max(1, math.ceil(days / 8))
    axis_y = TOP + ROW * len(rows) + 4
    for d in range(0, days, step):
        gx = plot_x0 + day_w * (d + 0.5)
        day = first + dt.timedelta(days=d)
        shapes.append(f'<line x1="{x(gx)}" y1="{TOP - 4}" x2="{x(gx)}" y2="{axis_y}" '
                      f'stroke="{escape(style.muted)}" stroke-width="0.5" stroke-dasharray="2 3"/>')
        word(format_skeleton("MMMd", day, locale=locale), "date", gx, max(day_w * step, 60),
             axis_y + 11, centred=True)
    shapes.append(f'<line x1="{x(plot_x0)}" y1="{axis_y}" x2="{x(plot_x1)}" y2="{axis_y}" '
                  f'stroke="{escape(style.ink)}" stroke-width="1"/>')
    for n, item in enumerate(rows):
        cy = TOP + ROW * n + ROW / 2
        label = item.label if len(item.label) <= MAX_LABEL else item.label[:MAX_LABEL - 1] + "…"
        word(label, "place", 0, LABEL_W, cy)
        fill = escape(style.accent) if item.verified else "#ffffff"
        x0 = plot_x0 + day_w * (item.start - first).days + day_w / 2
        x1 = plot_x0 + day_w * (item.end - first).days + day_w / 2
        if x1 > x0:
            left, right = sorted((x(x0), x(x1)))
            shapes.append(f'<rect x="{round(left - 6, 1)}" y="{cy - 6}" '
                          f'width="{round(right - left + 12, 1)}" height="12" rx="6" fill="{fill}" '
                          f'{outline(item.verified)}/>')
        else:
            shapes.append(f'<circle cx="{x(x0)}" cy="{cy}" r="6" fill="{fill}" {outline(item.verified)}/>')
        word(number(item.killed), "figure", killed_x, FIGURE_W, cy, centred=True)
        word(number(item.wounded), "figure", wounded_x, FIGURE_W, cy, centred=True)
    # legend: filled with a solid outline means verified, hollow with a dashed one not verified
    ly = axis_y + 30
    mid = plot_x0 + (plot_x1 - plot_x0) / 2
    shapes.append(f'<circle cx="{x(plot_x0 + 6)}" cy="{ly}" r="5" fill="{escape(style.accent)}" '
                  f'{outline(True)}/>')
    word(labels.verified, "legend", plot_x0 + 16, mid - plot_x0 - 20, ly)
    shapes.append(f'<circle cx="{x(mid + 6)}" cy="{ly}" r="5" fill="#ffffff" {outline(False)}/>')
    word(labels.unverified, "legend", mid + 16, WIDTH - mid - 16, ly)
    shapes.append("</svg>")

    def percent(value: float, whole: float) -> str:
        return f"{round(100 * value / whole, 2)}%"

    spans = [
        f'<span class="chart-label {w.kind}{" centred" if w.centred else ""}" '
        f'style="left: {percent(w.left, WIDTH)}; width: {percent(w.width, WIDTH)}; '
        f'top: {percent(w.middle, height)}">{escape(w.text)}</span>'
        for w in words]
    labelled_by = f"{chart_id}-title" + (f" {chart_id}-desc" if desc else "")
    return Markup(f'<div class="timeline-chart" id="{escape(chart_id)}" role="img" '
                  f'aria-labelledby="{escape(labelled_by)}">\n'
                  + "\n".join(shapes + spans) + "\n</div>")
