"""Straight quotes printed as the quotation marks of each edition's language; code, addresses,
link targets and figures left as written."""

from __future__ import annotations

import html
import re

import polib
import pytest
from click.testing import CliRunner

from communique.cli import main
from communique.content.markup import NoteMark, parse
from conftest import GOOD

TEXT = 'They said "we don\'t know" and left.'


def _typographic(text: str, lang: str, block: bool = True) -> str:
    from communique.i18n.quotes import typographic

    rich, problems = parse(text, block=block)
    assert problems == []
    return "".join(p if isinstance(p, str) else "[note]" for p in typographic(rich, lang))


@pytest.mark.parametrize("lang, expected", [
    ("en", "They said “we don’t know” and left."),
    ("fr", "They said «\u202fwe don’t know\u202f» and left."),  # narrow no-break spaces inside
    ("ru", "They said «we don’t know» and left."),
    ("de", "They said „we don’t know“ and left."),
    ("ar", "They said «we don’t know» and left."),
    ("zh-Hant", "They said 「we don’t know」 and left."),
])
def test_straight_quotes_become_the_marks_of_the_language(lang, expected):
    assert _typographic(TEXT, lang) == f"<p>{expected}</p>\n"


def test_quotes_inside_quotes_take_the_alternate_marks():
    assert _typographic("\"It is 'safe'\", he said.", "ru") == "<p>«It is „safe“», he said.</p>\n"


def test_a_quotation_closes_before_its_note_and_across_emphasis():
    assert _typographic('He said "*stop*"[@a] twice.', "en") == "<p>He said “<em>stop</em>”[note] twice.</p>\n"


def test_code_addresses_link_targets_and_figures_are_left_as_written():
    text = ("A 12\" screen, `say \"hi\"`, see https://example.org/it's-here and "
            "[\"the report\"](https://example.org/?q=\"x\").")
    out = _typographic(text, "fr")
    assert "A 12&quot; screen" in out  # a figure's mark (inches) stays
    assert "<code>say &quot;hi&quot;</code>" in out
    shown = re.search(r'<a href="([^"]*)" class="url">(.*?)</a>', out)
    assert shown[1] == "https://example.org/it's-here"
    assert html.unescape(re.sub(r"<[^>]+>", "", shown[2])) == "https://example.org/it's-here"
    assert '<a href="https://example.org/?q=%22x%22">«\u202fthe report\u202f»</a>' in out


def test_a_language_without_known_marks_keeps_straight_quotes():
    assert _typographic(TEXT, "nl") == "<p>They said &quot;we don't know&quot; and left.</p>\n"


def test_a_free_note_and_the_page_title_get_the_marks(workspace):
    from communique.document import load
    from communique.workspace import find_workspace

    statement = GOOD.replace("title: A statement", "title: The \"safe\" zone").replace(
        "restraint.[@src-a]", "restraint.[@src-a]^[As \"reported\" by them.]")
    root = workspace({"s": statement})
    doc, problems = load(root / "content" / "s" / "statement.yaml", find_workspace(root))
    assert doc is not None, problems
    assert doc.view["title"].plain == "The “safe” zone"
    notes = [ref.mark for ref in doc.marks if ref.mark.text]
    assert [n.text for n in notes] == [("As “reported” by them.",)] and isinstance(notes[0], NoteMark)


def test_a_translation_is_printed_with_its_own_languages_marks(workspace):
    root = workspace({"s": GOOD.replace("calls for restraint", 'calls for "restraint"')})
    runner = CliRunner()
    assert runner.invoke(main, ["translate", "s", "--lang", "fr", "--lang", "de"]).exit_code == 0
    texts = {"fr": {"title": "Une déclaration", "opening": "L'organisation appelle à la \"retenue\".[@src-a]"},
             "de": {"title": "Eine Erklärung", "opening": "Die Organisation ruft zu \"Zurückhaltung\" auf.[@src-a]"}}
    for lang, by_context in texts.items():
        po = polib.pofile(str(root / "content" / "s" / "i18n" / f"{lang}.po"))
        for entry in po:
            entry.msgstr = by_context[entry.msgctxt]
        po.save()
    result = runner.invoke(main, ["build", "-j", "1"])
    assert result.exit_code == 0, result.output
    page = {lang: (root / "build" / "s" / lang / "index.html").read_text("utf-8") for lang in ("en", "fr", "de")}
    assert "calls for “restraint”." in page["en"]
    assert "L’organisation appelle à la «\u202fretenue\u202f»." in page["fr"]
    assert "Die Organisation ruft zu „Zurückhaltung“ auf." in page["de"]
