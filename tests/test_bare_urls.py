"""Bare URLs in text and notes: links under the project's URL rules, printed whole inside the
margin, broken where an address may break and never after one of its own hyphens."""

from __future__ import annotations

import html
import re
import subprocess

from click.testing import CliRunner

from communique.cli import main
from communique.content.markup import parse
from conftest import LOCATED

TRACKED = "https://example.org/x?__cft__=x&__tn__=y"
LONG = ("https://www.example.org/nagorno-karabakh/2020/10/civilians-under-fire-in-the-conflict-zone/"
        "index.html?utm_source=newsletter&__tn__=R-R-unknown-values-of-a-tracking-parameter")

STATEMENT = f"""\
type: public-statement
lang: en
date: 2020-09-29
title: A statement
opening: The organisation calls for restraint.[@src-a]^[See {TRACKED}]
sections:
  - id: facts
    heading: Facts
    body: |
      The report is at {LONG} for all to read.
calls: []
sources:
  src-a:
    url: https://example.org/a
"""


def _text(fragment: str) -> str:
    """What a reader sees (and copies) of an HTML fragment."""
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


def test_a_bare_url_in_a_free_note_is_a_link_with_its_underscores():
    rich, problems = parse(f"^[See {TRACKED}]", block=False)
    assert problems == []
    note = "".join(rich[0].text)
    assert f'<a href="{html.escape(TRACKED, quote=False)}" class="url">' in note
    assert _text(note) == f"See {TRACKED}"  # __cft__ is not made bold: the underscores stay
    assert "<strong>" not in note


def test_a_bare_url_in_body_text_is_a_link_and_plain_addresses_are_not_guessed():
    rich, problems = parse(f"Read {LONG} or example.org, or ftp://example.org/a.", block=True)
    assert problems == []
    out = "".join(rich)
    assert out.count("<a ") == 1 and f'href="{html.escape(LONG, quote=False)}"' in out
    assert _text(out) == f"Read {LONG} or example.org, or ftp://example.org/a.\n"


def test_a_url_breaks_at_its_marks_and_never_after_its_own_hyphen():
    from communique.content.markup import breakable_url

    shown = breakable_url("https://example.org/nagorno-karabakh/a--b?x=1&y=2")
    assert _text(shown) == "https://example.org/nagorno-karabakh/a--b?x=1&y=2"
    pieces = shown.split("<wbr>")
    assert [_text(p) for p in pieces] == ["https://", "example", ".org", "/nagorno", "-karabakh",
                                          "/a", "--b", "?x", "=", "1", "&", "y", "=", "2"]
    # a hyphen is held to the letter after it: no line may end with it
    assert '<span class="url-hyphen">-k</span>' in shown and '<span class="url-hyphen">--b</span>' in shown
    assert not any(_text(p).endswith("-") for p in pieces)


def test_a_bare_url_with_a_look_alike_host_is_refused_at_its_line_and_column(workspace):
    text = STATEMENT.replace("for all to read.", "or at https://\u0430pple.com/x today.")
    workspace({"s": text})
    result = CliRunner().invoke(main, ["build"])
    assert result.exit_code == 1
    located = [LOCATED.match(line) for line in result.output.splitlines()]
    errors = [m for m in located if m and m["sev"] == "error"]
    column = text.splitlines()[9].index("https://\u0430") + 1
    assert [(m["line"], m["col"]) for m in errors] == [("10", str(column))]
    assert "link host 'аpple.com' mixes Cyrillic and Latin letters" in errors[0]["msg"]


def test_a_bare_url_with_a_bidi_override_is_refused_at_its_column(workspace):
    workspace({"s": STATEMENT.replace(f"See {TRACKED}", "See https://example.org/\u202egpj.exe")})
    result = CliRunner().invoke(main, ["build"])
    assert result.exit_code == 1
    assert any(line.startswith("content/s/statement.yaml:5:") and "U+202E RIGHT-TO-LEFT OVERRIDE" in line
               and ": error: " in line for line in result.output.splitlines())


def _words(pdf) -> tuple[float, list[tuple[float, float, float, str]]]:
    """The page's width and its words (x min, x max, y, text) as poppler reads them."""
    out = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1", str(pdf), "-"],
                         capture_output=True, text=True, check=True).stdout
    width = float(re.search(r'<page width="([\d.]+)"', out).group(1))
    words = [(float(a), float(c), float(b), html.unescape(t)) for a, b, c, t in re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', out)]
    return width, words


def test_long_bare_urls_print_whole_inside_the_margin_with_one_link_a_line(workspace):
    import pikepdf

    root = workspace({"s": STATEMENT})
    result = CliRunner().invoke(main, ["build"])
    assert result.exit_code == 0, result.output
    assert "0 warning(s)" in result.output  # no line runs past its margin
    pdf = root / "build" / "s" / "en" / "s-en.pdf"
    width, words = _words(pdf)
    right = width - 17 / 25.4 * 72  # the page's right margin, 17 mm
    assert max(x1 for _, x1, _, _ in words) <= right + 0.5
    text = "".join(t for _, _, _, t in words)  # the words in reading order, lines joined
    assert LONG in text and TRACKED in text
    for line_end in [t for _, _, _, t in words]:  # no line of an address ends with its hyphen
        assert not (line_end.endswith("-") and line_end.startswith(("https://", "-", "/", ".")))
    with pikepdf.open(pdf) as opened:
        uris = [str(a.A.URI) for a in opened.pages[0].Annots if "/A" in a and "/URI" in a.A]
    assert uris.count(LONG) == 2  # two lines, one link each (not one per hyphen held)
    assert uris.count(TRACKED) == 1


def test_text_running_past_the_margin_is_named_at_its_line(workspace):
    workspace({"s": STATEMENT.replace(LONG, "Z" * 160)})
    result = CliRunner().invoke(main, ["build"])
    warned = [LOCATED.match(line) for line in result.output.splitlines() if "past its margin" in line]
    assert [(m["path"], m["line"]) for m in warned if m] == [("content/s/statement.yaml", "10")]


def test_the_printed_html_gives_weasyprint_each_break_chance_as_the_character_it_stands_for():
    """WeasyPrint prints <wbr> as a generated U+200B: the print step writes the character
    itself, one text instead of three boxes a break chance; nothing else changes."""
    from communique.render.pdf import breaks_as_characters

    html = '<p title="a&lt;wbr&gt;">x <a class="url" href="https://a.org/b">https://<wbr>a<wbr/>.org<WBR>/b</a></p>'
    assert breaks_as_characters(html) == (
        '<p title="a&lt;wbr&gt;">x <a class="url" href="https://a.org/b">'
        "https://\u200ba\u200b.org\u200b/b</a></p>")
