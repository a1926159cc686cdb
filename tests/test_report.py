"""The build report, build/index.html: every edition with its image, counts and links."""

from __future__ import annotations

import html
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from communique.cli import main

STATEMENT = """\
type: public-statement
lang: en
date: 2020-09-29
title: "{title}"
opening: The organisation calls for restraint.[@src-a]
sources:
  src-a:
    url: https://example.org/a
  unused:
    url: https://example.org/u
"""


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs, self.images, self.scripts = [], [], 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a":
            self.hrefs.append(attrs["href"])
        elif tag == "img":
            self.images.append(attrs["src"])
        elif tag == "script":
            self.scripts += 1


def _parse(path: Path) -> tuple[str, Links]:
    text = path.read_text(encoding="utf-8")
    links = Links()
    links.feed(text)
    return text, links


def test_the_report_lists_every_edition_with_working_links(workspace):
    root = workspace({"a": STATEMENT.format(title="First <script>alert(1)</script>"),
                      "b": STATEMENT.format(title="Second")})
    assert CliRunner().invoke(main, ["build", "-j", "1"]).exit_code == 0
    report = root / "build/index.html"
    text, links = _parse(report)
    assert links.scripts == 0  # the title is content: escaped, never run
    assert "First &lt;script&gt;alert(1)&lt;/script&gt;" in text
    # every output of each edition is linked (the PDF twice: its first page links to it too)
    assert sorted(links.hrefs) == sorted(["a/en/a-en.pdf", "a/en/a-en.pdf", "a/en/index.html",
                                          "a/en/a-en.data.json", "b/en/b-en.pdf", "b/en/b-en.pdf",
                                          "b/en/index.html", "b/en/b-en.data.json"])
    for href in links.hrefs:
        assert (report.parent / href).is_file()
    assert text.count('class="edition"') == 2
    assert re.search(r"<dt>pages</dt><dd>1</dd>", text)
    assert "<dt>translation</dt><dd>source</dd>" in text
    assert "unused" in text  # each edition's warnings are listed under it
    assert sorted(links.images) == ["a/en/a-en.png", "b/en/b-en.png"]  # made by the build
    assert "no page image" not in text


def test_the_report_is_remade_without_rebuilding_and_uses_page_images(workspace):
    root = workspace({"a": STATEMENT.format(title="A")})
    assert CliRunner().invoke(main, ["build", "-j", "1"]).exit_code == 0
    pdf = root / "build/a/en/a-en.pdf"
    stamp = pdf.stat().st_mtime_ns
    shutil.copy(Path(__file__).parent.parent / "src/communique/templates/css/base.css",
                root / "build/a/en/a-en.png")  # any file standing in for the page image
    (root / "build/index.html").unlink()
    result = CliRunner().invoke(main, ["build", "-j", "1"])
    assert "0 edition(s) built, 1 up to date" in result.stderr
    assert pdf.stat().st_mtime_ns == stamp
    _, links = _parse(root / "build/index.html")
    assert links.images == ["a/en/a-en.png"]


def test_a_removed_statement_leaves_the_report(workspace):
    root = workspace({"a": STATEMENT.format(title="A"), "b": STATEMENT.format(title="B")})
    assert CliRunner().invoke(main, ["build", "-j", "1"]).exit_code == 0
    shutil.rmtree(root / "content/b")
    assert CliRunner().invoke(main, ["build", "-j", "1"]).exit_code == 0
    text, links = _parse(root / "build/index.html")
    assert text.count('class="edition"') == 1
    assert all(h.startswith("a/") for h in links.hrefs)


@pytest.mark.slow
def test_translated_editions_show_how_complete_they_are(example_workspace):
    result = CliRunner().invoke(main, ["build", "--json"])
    assert result.exit_code == 0, result.stderr
    editions = {e["lang"]: e for e in __import__("json").loads(result.stdout)["editions"]
                if e["statement"] == "nagorno-karabakh-2020"}
    assert editions["en"]["translation"] is None
    ru = editions["ru"]["translation"]
    assert ru["units"] > 0 and 0 <= ru["fallbacks"] <= ru["units"]
    build = example_workspace / "build"  # with [site], the report is build/report.html
    report = build / "report.html" if (build / "report.html").is_file() else build / "index.html"
    text = report.read_text(encoding="utf-8")
    done = ru["units"] - ru["fallbacks"]
    assert f"{done}/{ru['units']} ({100 * done // ru['units']} %)" in text
    assert (example_workspace / "build/nagorno-karabakh-2020/ru/nagorno-karabakh-2020-ru.png").is_file()
    assert 'src="nagorno-karabakh-2020/ru/nagorno-karabakh-2020-ru.png"' in text


def test_links_to_statements_with_odd_folder_names_are_paths_that_work(workspace):
    """A folder named ``javascript:alert(document.domain)`` made a link that ran script in the
    preview's origin; ``a#b?c=d`` made a broken one."""
    from urllib.parse import unquote, urljoin, urlsplit

    odd = ["javascript:alert(document.domain)", "a#b?c=d", "50% off & more"]
    root = workspace({slug: STATEMENT.format(title="T") for slug in odd})
    assert CliRunner().invoke(main, ["build", "-j", "1"]).exit_code == 0
    report = root / "build/index.html"
    _, links = _parse(report)
    # each edition: its image links to the PDF, then the web page, the PDF and the data
    assert len(links.hrefs) == 4 * len(odd) and len(links.images) == len(odd)
    base = "http://127.0.0.1:8000/"
    for href in links.hrefs + links.images:
        url = urljoin(base, href)
        assert url.startswith(base), href  # a path under the report, never a scheme
        parts = urlsplit(url)
        assert not parts.query and not parts.fragment, href
        assert (report.parent / unquote(parts.path[1:])).is_file(), href


def test_the_report_links_only_to_files_inside_build(tmp_path: Path):
    from communique.report import _relative

    build = tmp_path / "build"
    (build / "a").mkdir(parents=True)
    assert _relative(build / "a" / "x y.pdf", build) == "a/x%20y.pdf"
    assert _relative(Path("/etc/passwd"), build) is None
    (build / "out").symlink_to("/etc")
    assert _relative(build / "out/passwd", build) is None


def _card(text: str, key: str) -> str:
    """The report's card of one edition ("a-en"), as HTML."""
    found = re.search(rf'<article class="edition[^"]*" id="{key}">.*?</article>', text, re.S)
    assert found, text
    return found.group(0)


def test_a_statement_whose_last_build_failed_is_shown_with_its_error_until_it_is_fixed(workspace):
    root = workspace({"a": STATEMENT.format(title="A"), "b": STATEMENT.format(title="B")},
                     settings='[documents]\noutputs = ["web"]\n')
    assert CliRunner().invoke(main, ["build", "-j", "1"]).exit_code == 0
    report = root / "build/index.html"
    assert 'class="failure"' not in report.read_text(encoding="utf-8")
    statement = root / "content/a/statement.yaml"
    statement.write_text(STATEMENT.format(title="A").replace("lang: en", "lang: en\nlang: fr"))
    result = CliRunner().invoke(main, ["build", "-j", "1"])
    assert result.exit_code == 1
    error = re.search(r"^content/a/statement\.yaml:(\d+):(\d+): error: (.+)$", result.stderr, re.M)
    assert error, result.stderr
    text, _ = _parse(report)
    where = f"content/a/statement.yaml:{error[1]}:{error[2]}: {error[3]}"
    assert "The last build could not read this statement." in text
    assert html.escape(where) in text  # its file, line and message
    assert "1 failed in the last build" in text
    card = _card(text, "a-en")  # the page still in build/ from the first build: out of date
    assert 'class="edition stale"' in card and "Out of date" in card
    assert 'href="a/en/index.html"' in card
    assert 'class="edition"' in _card(text, "b-en") and "failure" not in _card(text, "b-en")
    # a build with nothing to do keeps telling it
    assert CliRunner().invoke(main, ["build", "-j", "1"]).exit_code == 1
    assert "The last build could not read this statement." in report.read_text(encoding="utf-8")

    statement.write_text(STATEMENT.format(title="A, fixed"))
    assert CliRunner().invoke(main, ["build", "-j", "1"]).exit_code == 0
    text, _ = _parse(report)
    assert 'class="failure"' not in text and "edition stale" not in text
    assert "failed in the last build" not in text
    assert "A, fixed" in _card(text, "a-en")


def test_an_edition_whose_last_build_failed_is_marked_out_of_date(workspace):
    root = workspace({"a": STATEMENT.format(title="A")}, settings='[documents]\noutputs = ["web"]\n')
    assert CliRunner().invoke(main, ["translate", "a", "--lang", "ru"]).exit_code == 0
    assert CliRunner().invoke(main, ["build", "-j", "1"]).exit_code == 0
    result = CliRunner().invoke(main, ["build", "-j", "1", "--strict"])  # ru falls back: refused
    assert result.exit_code == 1 and "failed: a/ru" in result.stderr
    text, _ = _parse(root / "build/index.html")
    card = _card(text, "a-ru")
    assert "The last build of this edition failed." in card and "out of date" in card
    assert re.search(r"content/a/i18n/ru\.po:\d+:1: &#x27;title&#x27; is not translated", card)
    assert 'href="a/ru/index.html"' in card  # the page of the build before, still there
    assert "failure" not in _card(text, "a-en")
    assert CliRunner().invoke(main, ["build", "-j", "1"]).exit_code == 0
    text, _ = _parse(root / "build/index.html")
    assert 'class="failure"' not in text and "edition stale" not in text
