"""The incidents' timeline chart: shapes in SVG, words as HTML boxes over it, mirrored for
right-to-left editions, and Arabic words shaped in the PDF (WeasyPrint draws SVG text a letter
at a time, reversed and unjoined for Arabic)."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from communique.charts import TimelineItem, TimelineLabels, timeline_chart
from communique.cli import main

ROOT = Path(__file__).resolve().parent.parent
LABELS = TimelineLabels("الخط الزمني", "قتلى", "جرحى", "تم التحقق", "لم يتم التحقق")
ITEMS = [TimelineItem(dt.date(2020, 9, 28), dt.date(2020, 9, 28), "تارتار، أذربيجان"),
         TimelineItem(dt.date(2020, 9, 27), dt.date(2020, 9, 29), "أذربيجان", 10, 30, True)]
LABEL = re.compile(r'<span class="chart-label (?P<kind>[a-z ]+)" '
                   r'style="left: (?P<left>[\d.]+)%; width: (?P<width>[\d.]+)%; top: [\d.]+%">'
                   r"(?P<text>[^<]*)</span>")


def labels(html: str) -> dict[str, tuple[str, float, float]]:
    return {m["text"]: (m["kind"], float(m["left"]), float(m["width"])) for m in LABEL.finditer(html)}


def test_the_chart_svg_draws_shapes_only_and_every_word_is_html():
    html = str(timeline_chart(ITEMS, LABELS, lang="ar", direction="rtl", desc="وصف"))
    svg = html[html.index("<svg"):html.index("</svg>")]
    assert "<text" not in svg
    words = labels(html)
    for word in ("قتلى", "جرحى", "تم التحقق", "لم يتم التحقق", "أذربيجان", "تارتار، أذربيجان",
                 "27 سبتمبر", "28 سبتمبر", "29 سبتمبر", "10", "30", "–"):
        assert word in words, word
    assert 'role="img" aria-labelledby="timeline-title timeline-desc"' in html
    assert svg.count("<circle") == 1 + 2 and svg.count('rx="6"') == 1  # one day, the legend; a bar


def test_right_to_left_mirrors_the_word_boxes():
    ltr = labels(str(timeline_chart(ITEMS, LABELS, lang="ar", direction="ltr")))
    rtl = labels(str(timeline_chart(ITEMS, LABELS, lang="ar", direction="rtl")))
    kind, left, width = rtl["أذربيجان"]
    assert kind == "place" and left + width == pytest.approx(100)  # the places on the right
    assert ltr["أذربيجان"][1] == 0
    for word, (_, left, width) in ltr.items():
        assert rtl[word][1] == pytest.approx(100 - left - width, abs=0.02), word


def test_words_are_escaped():
    item = TimelineItem(dt.date(2020, 9, 27), dt.date(2020, 9, 27), "<b>Terter</b> & co")
    html = str(timeline_chart([item], TimelineLabels("T", "K", "W", "V", "U"), lang="en"))
    assert "<b>" not in html and "&lt;b&gt;Terter&lt;/b&gt; &amp; co" in html


def squash(text: str) -> str:
    """Text without its spaces, as a search compares it (NFKC: an Arabic ligature's glyph reads
    as its presentation form, "ﻼ" for "لا")."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


@pytest.mark.slow
def test_arabic_chart_words_are_shaped_in_reading_order_in_the_pdf(tmp_path, monkeypatch):
    shutil.copy(ROOT / "communique.toml", tmp_path / "communique.toml")
    shutil.copytree(ROOT / "tests" / "fixtures" / "ar" / "report-ar", tmp_path / "content" / "report-ar")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["build", "-j", "1"])
    assert result.exit_code == 0, result.stderr
    pdf = PdfReader(io.BytesIO((tmp_path / "build/report-ar/ar/report-ar-ar.pdf").read_bytes()))
    page = next(squash(p.extract_text()) for p in pdf.pages
                if squash("التسلسل الزمني للحوادث المُبلَّغ عنها") in squash(p.extract_text()))
    for word in ("منطقة مارتوني", "تارتار، أذربيجان", "قتلى", "جرحى", "سبتمبر", "لم يتم التحقق"):
        assert squash(word)[::-1] not in page, word  # drawn a letter at a time, right to left
        assert squash(word) in page, word
    # the table, the chart and the incident's heading
    assert page.count(squash("منطقة مارتوني")) == 3


def test_verified_and_unverified_differ_by_more_than_colour():
    """The fill (the accent against white) can be as faint as 1.07:1 (#ffff00): an unverified
    incident's shape has a dashed outline, a verified one a solid one, in the legend too."""
    from communique.charts import ChartStyle

    html = str(timeline_chart(ITEMS, LABELS, lang="ar", direction="rtl",
                              style=ChartStyle(accent="#ffff00")))
    shapes = re.findall(r"<(?:circle|rect) [^>]*>", html)
    verified = [s for s in shapes if 'fill="#ffff00"' in s]
    unverified = [s for s in shapes if 'fill="#ffffff"' in s]
    assert len(verified) == 2 and len(unverified) == 2  # an incident each, and the legend's marks
    assert all("stroke-dasharray" in s for s in unverified)
    assert not any("stroke-dasharray" in s for s in verified)
