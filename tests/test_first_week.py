"""A newcomer's first week (issue 16): what a press officer meets in a new workspace — the
printed statement reading right in every language, and messages that say what to do."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from communique.cli import main
from conftest import LOCATED

STATEMENT = """\
type: public-statement
lang: en
date: 2024-10-14
title: A statement
opening: The organisation calls for restraint.[@src-a]
sections:
  - id: attacks
    body: Attacks were reported.
    incidents:
      - id: market
        date: 2024-10-12
        place: Central market
        reported_by: the Ministry of Health
        verified: false
        text: A shell hit the market.
      - id: school
        date: 2024-10-13
        place: School No. 3
        reported_by: local residents
        verified: true
        text: The school was shelled.
calls:
  - id: prose
    text: |
      The organisation calls on the authorities to open an investigation.
    demands:
      - Open an investigation.
  - id: listed
    addressees: [the government, the armed forces]
    demands:
      - Stop the attacks.
sources:
  src-a:
    url: https://example.org/a
"""


def make(root: Path, statement: str = STATEMENT, settings: str = "", slug: str = "s") -> Path:
    (root / "communique.toml").write_text(textwrap.dedent(settings), encoding="utf-8")
    folder = root / "content" / slug
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "statement.yaml").write_text(textwrap.dedent(statement), encoding="utf-8")
    return folder / "statement.yaml"


def page(path: Path, lang: str | None = None, medium: str = "web") -> tuple[str, list]:
    """The HTML of one edition of the statement at ``path``, and the problems found."""
    from communique.document import load
    from communique.i18n.editions import prepare
    from communique.render.html import render
    from communique.workspace import find_workspace

    ws = find_workspace(path.parent)
    doc, problems = load(path, ws)
    assert doc is not None, problems
    if lang:
        prepared = prepare(doc, ws, lang)
        assert prepared.doc is not None, prepared.problems
        doc, problems = prepared.doc, problems + prepared.problems
    return render(doc, ws, medium).html, problems


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


# -- incidents: who reported them, and whether the organisation verified them ------------------

def test_incidents_say_who_reported_them_and_whether_they_were_verified(tmp_path):
    html, _ = page(make(tmp_path))
    text = text_of(html)
    assert "Central market reported by the Ministry of Health · not independently verified" in text
    assert "School No. 3 reported by local residents · independently verified" in text


def test_incident_facts_are_translated_in_every_shipped_catalog(tmp_path):
    make(tmp_path, settings='languages = ["fr", "ru"]\n')
    from communique.i18n.ui import load as strings_for
    from communique.workspace import find_workspace

    ws = find_workspace(tmp_path)
    for lang, expected in [("fr", "signalé par"), ("ru", "источник сообщения")]:
        strings, _ = strings_for(ws, lang)
        assert strings.gettext("reported by %(source)s") .startswith(expected)


# -- calls to action ----------------------------------------------------------------------------

def test_calls_have_a_heading_and_a_prose_call_keeps_its_demands(tmp_path):
    html, _ = page(make(tmp_path))
    calls = html[html.index('class="calls"'):]
    assert re.search(r"<h2[^>]*>Calls to action</h2>", calls)
    prose = calls[calls.index('id="call-prose"'):calls.index('id="call-listed"')]
    assert "open an investigation." in prose and "<li><p>Open an investigation.</p>" in prose


def test_without_an_organisation_name_a_call_reads_we_call_on(tmp_path):
    html, _ = page(make(tmp_path))
    text = text_of(html)
    assert "We call on the government and the armed forces to:" in text
    assert "We calls" not in text


def test_a_named_organisation_calls_on_the_addressees(tmp_path):
    html, _ = page(make(tmp_path, settings='[organisation]\nname = "Civic Shield"\n'))
    assert "Civic Shield calls on the government and the armed forces to:" in text_of(html)


def test_a_prose_call_needs_neither_addressees_nor_demands_but_a_bare_call_does(tmp_path):
    from communique.content.model import CallToAction

    assert CallToAction(id="a", text="We call for justice.").addressees == []
    with pytest.raises(ValueError, match="a call without text needs addressees and demands"):
        CallToAction(id="a")
    with pytest.raises(ValueError, match="needs demands"):
        CallToAction(id="a", addressees=["the government"])


def test_addressees_of_a_prose_call_are_never_asked_of_a_translator(tmp_path):
    from communique.content import read_statement
    from communique.i18n.content import units

    path = make(tmp_path)
    statement, _ = read_statement(path, "statement.yaml")
    contexts = [u.context for u in units(statement)]
    assert "calls/prose/text" in contexts and "calls/prose/demands/1" in contexts
    assert "calls/listed/addressees/1" in contexts  # printed: "… calls on the government"
    assert not any(c.startswith("calls/prose/addressees") for c in contexts)


def test_a_complete_translation_of_what_is_printed_is_no_fallback(tmp_path, monkeypatch):
    """The Russian edition of issue 16: every printed text translated, the addressees of a
    prose call not, and no warning, no DRAFT mark."""
    statement = STATEMENT.replace("  - id: prose\n", "  - id: prose\n    addressees: [the authorities]\n")
    path = make(tmp_path, statement)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["translate", "s", "--lang", "ru"])
    assert result.exit_code == 0, result.output
    import polib

    po_path = path.parent / "i18n" / "ru.po"
    catalog = polib.pofile(str(po_path))
    assert not [e for e in catalog if e.msgctxt.startswith("calls/prose/addressees")]
    for entry in catalog:
        entry.msgstr = "ру " + entry.msgid
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    catalog.save(str(po_path))
    html, problems = page(path, "ru")
    assert [p for p in problems if "instead" in p.message] == []
    assert 'class="draft-mark"' not in html
    result = CliRunner().invoke(main, ["check", "--strict"])
    assert result.exit_code == 0, result.stderr


# -- the organisation: its name, the masthead, the footer -------------------------------------

def test_masthead_and_footer_are_one_pattern_in_the_language_s_order(tmp_path):
    path = make(tmp_path, settings='languages = ["ru"]\n[organisation]\nname = "Amnesty International"\n')
    html, _ = page(path, medium="print")
    masthead = text_of(html[html.index('<header class="masthead'):html.index("</header>")])
    assert masthead.startswith("Amnesty International public statement")
    assert re.search(r'class="running-footer"[^>]*>Amnesty International public statement<', html)
    html, _ = page(path, "ru", medium="print")
    assert re.search(r'class="running-footer"[^>]*>Публичное заявление Amnesty International<', html)


def test_organisation_name_per_language(tmp_path):
    path = make(tmp_path, settings='languages = ["fr"]\n[organisation]\n'
                'name = { en = "Civic Shield", fr = "Bouclier civique" }\n')
    assert "Civic Shield calls on" in text_of(page(path)[0])
    assert "Bouclier civique appelle" in text_of(page(path, "fr")[0])


def test_masthead_can_be_switched_off_or_written_as_is_and_the_index_label_set(tmp_path):
    statement = STATEMENT.replace("title: A statement\n", "title: A statement\nreference: EUR 1/2/2024\n")
    path = make(tmp_path, statement, settings='[documents]\nindex_label = "AI Index:"\n'
                'masthead_case = "as-written"\n')
    html, _ = page(path)
    assert '<header class="masthead as-written">' in html
    assert "AI Index: EUR 1/2/2024" in text_of(html)
    path = make(tmp_path, statement, settings="[documents]\nmasthead = false\n")
    assert 'class="masthead' not in page(path)[0]


def test_french_calls_read_right(tmp_path):
    path = make(tmp_path, settings='languages = ["fr"]\n[organisation]\nname = "Amnesty International"\n')
    text = text_of(page(path, "fr")[0])
    assert " à le " not in text and "Amnesty International appelle the government" in text


# -- the organisation's name left empty --------------------------------------------------------

def test_an_empty_organisation_name_is_a_located_warning(tmp_path, monkeypatch):
    from communique.scaffold import init_workspace, new_statement

    init_workspace(tmp_path)
    new_statement(tmp_path, "first", "public-statement")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["check"])
    warnings = [LOCATED.match(line) for line in result.stderr.splitlines()]
    warnings = [m for m in warnings if m and m["sev"] == "warning"]
    assert [(m["path"], m["msg"].split(":")[0]) for m in warnings] == [
        ("communique.toml", "organisation.name is empty")]
    assert int(warnings[0]["line"]) > 0


def test_a_new_workspace_with_a_name_checks_without_warnings_and_reads_right(tmp_path, monkeypatch):
    from communique.scaffold import init_workspace, new_statement

    init_workspace(tmp_path, "Example Rights Group")
    path = new_statement(tmp_path, "first", "public-statement")[0]
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["check"])
    assert ": warning:" not in result.stderr, result.stderr
    text = text_of(page(path)[0])
    assert "Example Rights Group calls on the government and the armed forces to:" in text
    assert "The government" not in text


# -- messages: YAML and validation in plain words ----------------------------------------------

def check_messages(root: Path, text: str) -> list[tuple[int, int, str]]:
    (root / "communique.toml").write_text("", encoding="utf-8")
    folder = root / "content" / "s"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "statement.yaml").write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["check"])
    found = [LOCATED.match(line) for line in result.stderr.splitlines()]
    return [(int(m["line"]), int(m["col"]), m["msg"]) for m in found if m]


@pytest.mark.parametrize("text, line, col, words", [
    ("type: public-statement\nlang: en\n\tdate: 2024-01-01\n", 3, 1, "use spaces to indent"),
    ("type: public-statement\nlang: en\ntitle: Note: this\n", 3, 12,
     "put the text in quotes, or after `|`"),
    ("type: public-statement\nlang: en\ntitle: x\n  opening: x\n", 4, 3, "wrong indentation"),
    ("type: public-statement\nlang: en\ntitle: \"unclosed\nopening: x\n" + "x: 1\n" * 20, 3, 8,
     "this quote is never closed"),
])
def test_yaml_mistakes_in_plain_words_at_their_place(tmp_path, monkeypatch, text, line, col, words):
    monkeypatch.chdir(tmp_path)
    [(found_line, found_col, message)] = check_messages(tmp_path, text)
    assert (found_line, found_col) == (line, col) and words in message, message


def test_validation_messages_without_pydantic_s_words(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    messages = [m for _, _, m in check_messages(tmp_path, textwrap.dedent("""\
        type: public-statement
        lang: en
        date: 14/10/2024
        title: ""
        opening: Text.
        sections:
          - id: one
            body: x
          - id: two
            incidents:
              - {id: i, date: 2024-10-01, place: p, reported_by: r, text: t, civilians: {killed: -1}}
        keywords: [a, 3]
        """))]
    assert messages == [
        "date: write dates as YYYY-MM-DD, e.g. 2024-10-14 (got '14/10/2024')",
        "title is empty",
        "sections[2].incidents[1].civilians.killed: must be 0 or more",
        "keywords[2]: must be text (got the number 3: put it in quotes to make it text)"]
    assert not any("Input should" in m or "String should" in m for m in messages)


def test_a_date_yaml_reads_as_none_says_how_to_write_dates(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    [(line, _, message)] = check_messages(tmp_path, "type: public-statement\nlang: en\ndate: 2024-10-32\n")
    assert line == 3 and "2024-10-32 is not a date" in message and "YYYY-MM-DD" in message


# -- commands ------------------------------------------------------------------------------------

def test_build_and_check_take_a_statement_s_slug(tmp_path, monkeypatch):
    make(tmp_path)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["check", "s"])
    assert result.exit_code == 0, result.stderr
    assert "1 edition(s) checked" in result.stderr
    result = CliRunner().invoke(main, ["check", "x"])
    assert result.exit_code == 1 and "x: error: no such file, folder or statement (statements: s)" \
        in result.stderr


def test_no_color_is_respected_and_quiet_prints_errors_only(tmp_path, monkeypatch):
    make(tmp_path, settings='[organisation]\nname = ""\n')  # one warning: the empty name
    monkeypatch.chdir(tmp_path)
    coloured = CliRunner().invoke(main, ["check"], color=True)
    assert "\x1b[33m" in coloured.stderr  # yellow, in a terminal
    plain = CliRunner().invoke(main, ["check"], color=True, env={"NO_COLOR": "1"})
    assert "organisation.name is empty" in plain.stderr and "\x1b[" not in plain.stderr
    quiet = CliRunner().invoke(main, ["build", "-q", "-j", "1"])
    assert quiet.exit_code == 0 and ": warning:" not in quiet.stderr, quiet.stderr


def test_help_lists_each_command_with_its_whole_first_sentence():
    result = CliRunner().invoke(main, ["--help"], terminal_width=80)
    assert "…" not in result.output and "..." not in result.output.split("Commands:")[1]
    assert "embedded fonts, links, PDF/UA or PDF/A conformance, attachments." in \
        " ".join(result.output.split())
