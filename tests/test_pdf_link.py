"""The web page links to its PDF with its pages and size, in the edition's language, when the
PDF is written; no link when it is not."""

from __future__ import annotations

import re

from babel.numbers import format_decimal
from click.testing import CliRunner
from pypdf import PdfReader

from communique.cli import main
from conftest import GOOD

LINK = re.compile(r'<p class="pdf-link"[^>]*><a href="([^"]+)" type="application/pdf">(.*?)</a></p>', re.S)


def _link(page) -> tuple[str, str] | None:
    found = LINK.search(page.read_text(encoding="utf-8"))
    return (found[1], re.sub(r"<[^>]+>", "", found[2])) if found else None


def test_the_example_web_pages_link_to_their_pdf_with_its_pages_and_size(example_workspace):
    result = CliRunner().invoke(main, ["build", "-j", "1", "--lang", "en", "--lang", "ar"])
    assert result.exit_code == 0, result.output
    for lang, words in [("en", "PDF ({kb} kB, {pages} pages)"), ("ar", "PDF ({kb} كيلوبايت، {pages} صفحة)")]:
        folder = example_workspace / "build" / "nagorno-karabakh-2020" / lang
        pdf = folder / f"nagorno-karabakh-2020-{lang}.pdf"
        pages = len(PdfReader(pdf).pages)
        kb = round(pdf.stat().st_size / 1024)
        assert pages > 1
        href, text = _link(folder / "index.html")
        assert href == pdf.name
        if lang == "ar":  # Arabic plural forms: "صفحتان" for 2 (the dual), "صفحات" for 3-10
            words = words.replace("صفحة", "صفحتان" if pages == 2 else "صفحات" if 3 <= pages <= 10 else "صفحة")
        assert text == words.format(kb=format_decimal(kb, locale=lang), pages=format_decimal(pages, locale=lang))
    page = (example_workspace / "build" / "nagorno-karabakh-2020" / "ar" / "index.html").read_text("utf-8")
    # the Arabic words keep their order in the right-to-left page, though they begin with "PDF"
    assert re.search(r'<a href="[^"]+\.pdf" type="application/pdf"><bdi dir="rtl">PDF \(', page)
    page = (example_workspace / "build" / "nagorno-karabakh-2020" / "en" / "index.html").read_text("utf-8")
    assert re.search(r'<a href="[^"]+\.pdf" type="application/pdf"><bdi dir="ltr">PDF \(', page)


def test_no_link_when_only_the_web_page_is_made(workspace):
    root = workspace({"s": GOOD}, settings='[documents]\noutputs = ["web"]\n')
    result = CliRunner().invoke(main, ["build", "-j", "1"])
    assert result.exit_code == 0, result.output
    page = root / "build" / "s" / "en" / "index.html"
    assert not (root / "build" / "s" / "en" / "s-en.pdf").exists()
    assert _link(page) is None and "\ue006" not in page.read_text("utf-8")


def test_no_link_when_the_pdf_is_refused(workspace):
    root = workspace({"s": GOOD.replace("title: A statement", "title: A statement \u0378")})
    result = CliRunner().invoke(main, ["build", "-j", "1"])
    page = root / "build" / "s" / "en" / "index.html"
    assert "no font has a glyph" in result.output
    assert not (root / "build" / "s" / "en" / "s-en.pdf").exists()
    assert _link(page) is None and "\ue006" not in page.read_text("utf-8")
