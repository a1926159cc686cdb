"""Content translation: PO files extracted from a statement, merged after edits, applied."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest

from communique.document import load
from communique.i18n import content, editions
from communique.workspace import find_workspace

STATEMENT = """\
type: public-statement
lang: en
date: 2020-09-29
title: Protect civilians now
opening: |
  The organisation calls on every party to protect civilians.[@src-a]

  It also asks for [independent monitors](https://example.org/monitors).
sections:
  - id: escalation
    body: Fighting broke out on 27 September.[@src-a] Dozens were killed.[@src-b]
  - id: casualties
    incidents:
      - id: bus
        date: 2020-09-29
        place: Vardenis, Armenia
        reported_by: Ministry of Defence
        text: A civilian bus was hit.[@src-b]
calls:
  - id: rights
    addressees: [Armenia, Azerbaijan]
    demands:
      - Restore access to the internet.
      - End reprisals.
sources:
  src-a:
    url: https://example.org/a
    title: Source A
  src-b:
    url: https://example.org/b
"""

RU = {
    "title": "Защитите мирных жителей",
    "opening": "Организация призывает все стороны защищать мирных жителей.[@src-a]\n\n"
               "Она также просит направить [независимых наблюдателей](https://example.org/monitors).",
    "sections/escalation/body": "27 сентября начались бои.[@src-a] Погибли десятки человек.[@src-b]",
    "sections/casualties/incidents/bus/place": "Варденис, Армения",
    "sections/casualties/incidents/bus/reported_by": "Министерство обороны",
    "sections/casualties/incidents/bus/text": "Был обстрелян гражданский автобус.[@src-b]",
    "calls/rights/addressees/1": "Армения",
    "calls/rights/addressees/2": "Азербайджан",
    "calls/rights/demands/1": "Восстановить доступ к интернету.",
    "calls/rights/demands/2": "Прекратить преследования.",
}


@pytest.fixture
def translated(workspace):
    """A workspace whose statement has a complete Russian translation."""
    root = workspace({"s": STATEMENT})
    doc = _doc(root)
    content.update(doc, "ru", find_workspace(root).display)
    _fill(root, RU)
    return root


def _doc(root: Path):
    ws = find_workspace(root)
    doc, problems = load(root / "content" / "s" / "statement.yaml", ws)
    assert doc is not None, problems
    return doc


def _po_path(root: Path, lang: str = "ru") -> Path:
    return root / "content" / "s" / "i18n" / f"{lang}.po"


def _fill(root: Path, translations: dict[str, str], lang: str = "ru") -> None:
    po = polib.pofile(str(_po_path(root, lang)))
    for entry in po:
        if entry.msgctxt in translations:
            entry.msgstr = translations[entry.msgctxt]
    po.save()


def _entries(root: Path, lang: str = "ru") -> dict[str, polib.POEntry]:
    return {e.msgctxt: e for e in polib.pofile(str(_po_path(root, lang))) if not e.obsolete}


def _edit(root: Path, old: str, new: str) -> None:
    path = root / "content" / "s" / "statement.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def _update(root: Path, lang: str = "ru") -> content.Merged:
    return content.update(_doc(root), lang, find_workspace(root).display)


# -- extraction ------------------------------------------------------------------------------

def test_units_are_the_text_fields_named_by_ids(workspace):
    root = workspace({"s": STATEMENT})
    found = {u.context: u for u in content.units(_doc(root).statement)}
    assert list(found) == ["title", "opening", "sections/escalation/body",
                           "sections/casualties/incidents/bus/place",
                           "sections/casualties/incidents/bus/reported_by",
                           "sections/casualties/incidents/bus/text",
                           "calls/rights/addressees/1", "calls/rights/addressees/2",
                           "calls/rights/demands/1", "calls/rights/demands/2"]
    # never ids, dates, URLs or the sources' bibliographic data
    texts = " ".join(u.text for u in found.values())
    assert "2020-09-29" not in texts and "Source A" not in texts and "https://example.org/a" not in texts
    body = found["sections/escalation/body"]
    assert body.notes == (("src-a",), ("src-b",))
    assert found["opening"].links == ("https://example.org/monitors",)


def test_new_po_file_has_every_unit_with_context_comments_and_plural_header(workspace):
    root = workspace({"s": STATEMENT})
    merged = _update(root)
    assert merged.created and merged.written and len(merged.added) == 10
    po = polib.pofile(str(_po_path(root)))
    assert po.metadata["Language"] == "ru"
    assert po.metadata["Plural-Forms"].startswith("nplurals=3;")
    body = next(e for e in po if e.msgctxt == "sections/escalation/body")
    assert "[@src-a]" in body.comment and "[@src-b]" in body.comment
    assert body.occurrences == [("statement.yaml", "11")]  # its line in statement.yaml
    assert _update(root).written is False  # a second update changes nothing


# -- merging ---------------------------------------------------------------------------------

def test_source_edit_marks_exactly_that_unit_fuzzy_and_keeps_its_translation(translated):
    before = _entries(translated)
    _edit(translated, "Dozens were killed.", "At least 40 people were killed.")
    merged = _update(translated)
    assert merged.fuzzy == ["sections/escalation/body"] and not merged.obsolete
    after = _entries(translated)
    changed = after["sections/escalation/body"]
    assert "fuzzy" in changed.flags
    assert changed.msgstr == RU["sections/escalation/body"]  # the old translation is kept
    assert changed.previous_msgid == before["sections/escalation/body"].msgid  # recorded as #|
    assert "At least 40" in changed.msgid
    for context, entry in after.items():
        if context != "sections/escalation/body":
            assert "fuzzy" not in entry.flags and entry.msgstr == before[context].msgstr
    text = _po_path(translated).read_text(encoding="utf-8")
    assert '#| "Fighting broke out on 27 September.[@src-a] Dozens were killed.[@src-b]"' in text


def test_a_second_edit_keeps_the_oldest_previous_text(translated):
    original = _entries(translated)["sections/escalation/body"].msgid
    _edit(translated, "Dozens were killed.", "Many were killed.")
    _update(translated)
    _edit(translated, "Many were killed.", "Dozens more were killed.")
    _update(translated)
    entry = _entries(translated)["sections/escalation/body"]
    assert "fuzzy" in entry.flags and entry.previous_msgid == original


def test_removed_unit_becomes_obsolete_and_nothing_is_dropped(translated):
    _edit(translated, "      - End reprisals.\n", "")
    merged = _update(translated)
    assert merged.obsolete == ["calls/rights/demands/2"]
    po = polib.pofile(str(_po_path(translated)))
    gone = list(po.obsolete_entries())
    assert [(e.msgctxt, e.msgstr) for e in gone] == [("calls/rights/demands/2", "Прекратить преследования.")]
    assert "#~ msgctxt \"calls/rights/demands/2\"" in _po_path(translated).read_text(encoding="utf-8")
    # the unit comes back: its translation is found again
    _edit(translated, "      - Restore access to the internet.\n",
          "      - Restore access to the internet.\n      - End reprisals.\n")
    _update(translated)
    assert _entries(translated)["calls/rights/demands/2"].msgstr == "Прекратить преследования."


def test_reordered_items_without_ids_keep_their_translations(translated):
    _edit(translated, "addressees: [Armenia, Azerbaijan]", "addressees: [Azerbaijan, Armenia]")
    merged = _update(translated)
    assert not merged.fuzzy and sorted(merged.moved) == ["calls/rights/addressees/1",
                                                         "calls/rights/addressees/2"]
    entries = _entries(translated)
    assert entries["calls/rights/addressees/1"].msgstr == "Азербайджан"
    assert entries["calls/rights/addressees/2"].msgstr == "Армения"
    assert not any("fuzzy" in e.flags for e in entries.values())


def test_rewrapping_the_source_does_not_make_a_unit_fuzzy(translated):
    _edit(translated, "  The organisation calls on every party to protect civilians.[@src-a]",
          "  The organisation calls on every party\n  to protect civilians.[@src-a]")
    merged = _update(translated)
    assert not merged.fuzzy
    doc = _doc(translated)
    translation = content.read(doc, "ru", _po_path(translated), "ru.po")
    assert translation.count("translated") == 10


def test_moving_a_section_changes_nothing(translated):
    text = (translated / "content" / "s" / "statement.yaml").read_text(encoding="utf-8")
    escalation = text[text.index("  - id: escalation"):text.index("  - id: casualties")]
    casualties = text[text.index("  - id: casualties"):text.index("calls:")]
    _edit(translated, escalation + casualties, casualties + escalation)
    merged = _update(translated)
    assert not (merged.fuzzy or merged.added or merged.obsolete)


# -- applying --------------------------------------------------------------------------------

def test_complete_translation_is_applied_before_markdown_parsing(translated):
    doc = _doc(translated)
    prepared = editions.prepare(doc, find_workspace(translated), "ru")
    assert prepared.problems == [] and not prepared.fallback
    edition = prepared.doc
    assert edition.statement.lang == "ru"
    assert "Защитите" in str(edition.view["title"])
    assert '<a href="https://example.org/monitors">независимых наблюдателей</a>' in str(edition.view["opening"])
    # the same notes, in the same order, as the source: note numbers agree across editions
    assert [m.mark.cites[0].key for m in edition.marks] == [m.mark.cites[0].key for m in doc.marks]


def _problems(root: Path, lang: str = "ru", strict: bool = False):
    prepared = editions.prepare(_doc(root), find_workspace(root), lang, strict=strict)
    return prepared, [str(p) for p in prepared.problems]


def _msgstr_position(root: Path, context: str, needle: str, lang: str = "ru") -> tuple[int, int]:
    """Line and column of ``needle`` inside the msgstr of ``context`` in the PO file."""
    lines = _po_path(root, lang).read_text(encoding="utf-8").splitlines()
    i = lines.index(f'msgctxt "{context}"')
    while not lines[i].startswith("msgstr"):
        i += 1
    while i < len(lines) and (lines[i].startswith("msgstr") or lines[i].startswith('"')):
        if needle in lines[i]:
            return i + 1, lines[i].index(needle) + 1
        i += 1
    raise AssertionError(f"{needle!r} not in the msgstr of {context}")


def test_dropped_citation_is_caught_at_its_place_in_the_po_file(translated):
    _fill(translated, {"sections/escalation/body": "27 сентября начались бои. Погибли десятки человек.[@src-b]"})
    prepared, problems = _problems(translated)
    line, _ = _msgstr_position(translated, "sections/escalation/body", "27 сентября")
    assert problems == [f"content/s/i18n/ru.po:{line}:9: warning: 'sections/escalation/body': the "
                        "translation drops the citation [@src-a]: the English text is printed instead"]
    assert prepared.fallback and prepared.doc is not None
    # the field falls back to the source text, marked with its own language and direction
    body = str(prepared.doc.view["sections"][0]["body"])
    assert body.startswith('<div lang="en" dir="ltr" class="untranslated">') and "Fighting broke out" in body
    assert len(prepared.doc.marks) == len(_doc(translated).marks)


def test_added_or_misspelt_citation_is_located_at_the_citation(translated):
    _fill(translated, {"sections/casualties/incidents/bus/text": "Был обстрелян автобус.[@src-bb]"})
    _, problems = _problems(translated)
    line, col = _msgstr_position(translated, "sections/casualties/incidents/bus/text", "[@src-bb]")
    assert problems == [f"content/s/i18n/ru.po:{line}:{col}: warning: 'sections/casualties/incidents/bus/text': "
                        "the translation cites [@src-bb] where the source text cites [@src-b]: the "
                        "English text is printed instead"]
    _fill(translated, {"sections/casualties/incidents/bus/text": "Был обстрелян автобус.[@src-b] Снова.[@src-a]"})
    _, problems = _problems(translated)
    line, col = _msgstr_position(translated, "sections/casualties/incidents/bus/text", "[@src-a]")
    assert problems == [f"content/s/i18n/ru.po:{line}:{col}: warning: 'sections/casualties/incidents/bus/text': "
                        "the translation cites [@src-a], which the source text does not: the English "
                        "text is printed instead"]


def test_citations_in_another_order_would_renumber_notes(translated):
    _fill(translated, {"sections/escalation/body": "Погибли десятки человек.[@src-b] 27 сентября начались бои.[@src-a]"})
    _, problems = _problems(translated)
    assert len(problems) == 1 and "another order or grouping" in problems[0]


def test_changed_link_is_caught(translated):
    _fill(translated, {"opening": RU["opening"].replace("example.org/monitors", "example.ru/monitors")})
    _, problems = _problems(translated)
    assert any("drops the link to 'https://example.org/monitors'" in p for p in problems)
    assert any("links to 'https://example.ru/monitors', which the source text does not" in p for p in problems)


def test_untranslated_fuzzy_and_outdated_units_fall_back_and_are_reported(translated):
    _fill(translated, {"calls/rights/demands/2": ""})
    po = polib.pofile(str(_po_path(translated)))
    next(e for e in po if e.msgctxt == "title").flags.append("fuzzy")
    po.save()
    _edit(translated, "A civilian bus was hit.", "A civilian bus was struck.")  # PO not updated
    prepared, problems = _problems(translated)
    states = {s.unit.context: s.state for s in prepared.translation.states}
    assert states["calls/rights/demands/2"] == "untranslated"
    assert states["title"] == "fuzzy"
    assert states["sections/casualties/incidents/bus/text"] == "outdated"
    assert len(problems) == 3 and all(": warning: " in p for p in problems)
    assert str(prepared.doc.view["title"]) == ('<span lang="en" dir="ltr" class="untranslated">'
                                               "Protect civilians now</span>")


def test_strict_turns_every_fallback_into_an_error(translated):
    _fill(translated, {"title": ""})
    prepared, problems = _problems(translated, strict=True)
    assert prepared.doc is None
    assert len(problems) == 1 and ": error: 'title' is not translated" in problems[0]


def test_unit_missing_from_the_po_file(translated):
    _edit(translated, "title: Protect civilians now\n", "title: Protect civilians now\nsubtitle: At once\n")
    _prepared, problems = _problems(translated)
    assert problems == ["content/s/i18n/ru.po: warning: 'subtitle' is not in the translation file "
                        "(run 'communique translate s'): the English text is printed instead"]


def test_arabic_indic_digits_are_reported(translated):
    _fill(translated, {"sections/escalation/body": RU["sections/escalation/body"].replace("27", "٢٧")})
    _, problems = _problems(translated)
    assert len(problems) == 2 and "digit '٢' is not a Western digit" in problems[0]


# -- bad files -------------------------------------------------------------------------------

def test_malformed_po_file_is_a_located_error(translated):
    path = _po_path(translated)
    lines = path.read_text(encoding="utf-8").splitlines()
    broken = next(i for i, line in enumerate(lines) if line.startswith('msgstr "Защитите'))
    lines[broken] = 'msgstr "Защитите мирных жителей'  # unterminated string
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    prepared, problems = _problems(translated)
    assert prepared.doc is None
    assert len(problems) == 1
    assert problems == [f"content/s/i18n/ru.po:{broken + 1}:8: error: invalid PO file: a string "
                        "without its closing quote"]


def test_duplicate_context_is_an_error(translated):
    path = _po_path(translated)
    path.write_text(path.read_text(encoding="utf-8") + '\nmsgctxt "title"\nmsgid "x"\nmsgstr "y"\n',
                    encoding="utf-8")
    _, problems = _problems(translated)
    assert len(problems) == 1 and "a second entry for 'title'" in problems[0]


def test_po_file_for_an_unknown_language(translated):
    _po_path(translated).rename(_po_path(translated, "xx"))
    prepared, problems = _problems(translated, "xx")
    assert prepared.doc is None
    assert problems == ["content/s/i18n/xx.po: error: 'xx' is not a language code Babel knows "
                        "(check the file name and the 'languages' setting)"]


def test_languages_come_from_po_files_and_settings(translated):
    (translated / "communique.toml").write_text('languages = ["ar", "ru"]\n', encoding="utf-8")
    ws = find_workspace(translated)
    assert editions.languages(_doc(translated), ws) == ["en", "ar", "ru"]
    prepared = editions.prepare(_doc(translated), ws, "ar")
    assert prepared.fallback and [str(p) for p in prepared.problems] == [
        "content/s/i18n/ar.po: warning: no translation file for Arabic (ar): the statement is "
        "printed in English (start one with 'communique translate s --lang ar')"]
    # right-to-left edition, left-to-right fallback text
    assert str(prepared.doc.view["title"]).startswith('<span lang="en" dir="ltr"')


def test_figures_are_found_next_to_the_characters_of_scripts_without_spaces():
    """"9月27日" states 27 (a Chinese translation of "27 September" was refused as dropping it),
    while "the 1990s" or "27th" name no figure a translation must repeat."""
    from communique.i18n.content.checks import _figures

    assert _figures("2020年9月27日，27人受伤") == {2020: 1, 9: 1, 27: 2}
    assert _figures("in the 1990s, on the 27th") == {}
    assert _figures("1,000 and ١٠٠٠ and 1 000") == {1000: 3}
