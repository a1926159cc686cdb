"""The example statement builds to a 2-3 page A4 PDF and an HTML page matching the seed's notes."""

from __future__ import annotations

import io
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import build_in

ROOT = Path(__file__).resolve().parent.parent

SEED_URLS = [
    "https://mod.gov.az/en/news/azerbaijan-army-s-troops-launched-a-counter-offensive-operation-along-the-entire-front-32318.html",
    "https://twitter.com/armgov/status/1310141661113184257",
    "https://t.me/reartsakh/3456",
    "https://twitter.com/Artak_Beglaryan/status/1310111306373050372",
    "https://www.facebook.com/arcrun/posts/3388307381204846",
    "https://tass.ru/mezhdunarodnaya-panorama/9577675",
    "https://mod.gov.az/en/news/armenian-armed-forces-committed-large-scale-provocations-along-the-entire-length-of-the-front32311.htm",
    "https://mod.gov.az/en/news/the-enemy-is-warned-for-the-last-time-32359.html",
    "https://report.az/dagliq-qarabag-munaqishesi/azerbaycan-xin-ve-bas-prokurorlugu-birge-beyanat-yayib/",
    "https://netblocks.org/reports/social-media-restricted-in-azerbaijan-amid-clashes-with-armenia-over-nagorno-karabakhpA5LMj87",
]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, str]:
    root = tmp_path_factory.mktemp("example")
    shutil.copy(ROOT / "communique.toml", root / "communique.toml")
    if (ROOT / "templates").is_dir():
        shutil.copytree(ROOT / "templates", root / "templates")
    shutil.copytree(ROOT / "content" / "nagorno-karabakh-2020", root / "content" / "nagorno-karabakh-2020")
    result = build_in(root, "content/nagorno-karabakh-2020")
    return root / "build" / "nagorno-karabakh-2020" / "en", result.stderr + result.output


def pdf_pages(out: Path) -> list[str]:
    reader = PdfReader(io.BytesIO((out / "nagorno-karabakh-2020-en.pdf").read_bytes()))
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def test_build_writes_pdf_and_html_with_no_warnings(built):
    out, log = built
    assert (out / "index.html").is_file() and (out / "nagorno-karabakh-2020-en.pdf").is_file()
    assert ": warning:" not in log and ": error:" not in log, log
    assert "0 error(s), 0 warning(s)" in log


def test_pdf_is_two_or_three_a4_pages(built):
    out, _ = built
    reader = PdfReader(out / "nagorno-karabakh-2020-en.pdf")
    assert 2 <= len(reader.pages) <= 3
    for page in reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert abs(width - 595.3) < 1 and abs(height - 841.9) < 1  # A4 in points


def test_pdf_notes_numbered_in_order_with_their_urls(built):
    out, _ = built
    text = " ".join(pdf_pages(out))
    unbroken = text.replace(" ", "")
    positions = []
    for number, url in enumerate(SEED_URLS, 1):
        # a long URL wraps across lines in the note: compare without spaces
        prefix = "Seeaswell:" if number == 10 else ""
        pos = unbroken.find(f"{number}{prefix}{url}")
        assert pos >= 0, f"note {number} with {url} not found"
        positions.append(pos)
    assert positions == sorted(positions)
    assert "See as well:" in text
    assert re.search(r"11 see UN HRC Resolution \(A/HRC/32/L\.20\) “10\. Condemns unequivocally", text)


def test_every_page_has_the_running_footer_and_its_number(built):
    out, _ = built
    for number, page in enumerate(pdf_pages(out), 1):
        assert "Amnesty International public statement" in page
        assert re.search(rf"public statement\s*{number}\b|\b{number}\s*$", page), page[-200:]


def test_background_heading_and_title_block(built):
    out, _ = built
    first = pdf_pages(out)[0]
    assert first.startswith("AMNESTY INTERNATIONAL PUBLIC STATEMENT")
    assert "AZERBAIJAN AND ARMENIA MUST PROTECT CIVILIANS" in first
    assert "BACKGROUND" in " ".join(pdf_pages(out))


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: dict[str, dict] = {}
        self.anchors: list[dict] = []
        self.html_attrs: dict = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.html_attrs = attrs
        if "id" in attrs:
            self.ids[attrs["id"]] = {"tag": tag, **attrs}
        if tag == "a":
            self.anchors.append(attrs)


def test_html_has_eleven_notes_linked_both_ways(built):
    out, _ = built
    parser = Links()
    parser.feed((out / "index.html").read_text(encoding="utf-8"))
    assert parser.html_attrs.get("lang") == "en"
    calls = [a for a in parser.anchors if a.get("role") == "doc-noteref"]
    backs = [a for a in parser.anchors if a.get("role") == "doc-backlink"]
    assert [a["href"] for a in calls] == [f"#note-{n}" for n in range(1, 12)]
    assert [a["href"] for a in backs] == [f"#note-call-{n}" for n in range(1, 12)]
    for n in range(1, 12):
        assert parser.ids[f"note-{n}"]["tag"] == "li"
        assert "role" not in parser.ids[f"note-{n}"]  # an item of doc-endnotes (no li role is valid)
        assert parser.ids[f"note-call-{n}"]["role"] == "doc-noteref"
    html = (out / "index.html").read_text(encoding="utf-8")
    assert 'role="doc-endnotes"' in html
    for url in SEED_URLS:
        assert f'href="{url}"' in html
