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
    "opening/1": "Организация призывает все стороны защищать мирных жителей.[@src-a]",
    "opening/2": "Она также просит направить [независимых наблюдателей](https://example.org/monitors).",
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
    assert list(found) == ["title", "opening/1", "opening/2", "sections/escalation/body",
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
    assert found["opening/2"].links == ("https://example.org/monitors",)


def test_new_po_file_has_every_unit_with_context_comments_and_plural_header(workspace):
    root = workspace({"s": STATEMENT})
    merged = _update(root)
    assert merged.created and merged.written and len(merged.added) == 11
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
    assert translation.count("translated") == 11


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
    _fill(translated, {"opening/2": RU["opening/2"].replace("example.org/monitors", "example.ru/monitors")})
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


# -- a unit per paragraph ----------------------------------------------------------------------

PARAGRAPHS = """\
type: public-statement
lang: en
date: 2020-09-29
title: Protect civilians now
opening: |
  The organisation calls on every party to protect civilians
  at once.[@src-a]

  It asks for monitors:

  - independent monitors in every town,
    with access to hospitals;
  - a ceasefire.

  > A quoted appeal.
sources:
  src-a:
    url: https://example.org/a
"""

RU_PARAGRAPHS = {
    "title": "Защитите мирных жителей",
    "opening/1": "Организация призывает все стороны немедленно защитить мирных жителей.[@src-a]",
    "opening/2": "Она просит направить наблюдателей:",
    "opening/3": "независимых наблюдателей в каждый город, с доступом в больницы;",
    "opening/4": "прекращение огня.",
    "opening/5": "Процитированный призыв.",
}


def test_each_paragraph_and_list_item_is_a_unit_without_its_line_breaks(workspace):
    root = workspace({"s": PARAGRAPHS})
    found = {u.context: u for u in content.units(_doc(root).statement)}
    assert list(found) == ["title", "opening/1", "opening/2", "opening/3", "opening/4", "opening/5"]
    assert found["opening/1"].text == "The organisation calls on every party to protect civilians at once.[@src-a]"
    assert found["opening/1"].notes == (("src-a",),)
    assert found["opening/3"].text == "independent monitors in every town, with access to hospitals;"
    assert found["opening/5"].text == "A quoted appeal."
    _update(root)
    entries = _entries(root)
    assert all("\n" not in e.msgid for e in entries.values())  # nothing for newline checks to trip on
    assert entries["opening/3"].occurrences == [("statement.yaml", "11")]  # the item's own line
    assert "keep it one paragraph" in entries["opening/1"].comment


def test_an_edited_sentence_sends_back_only_its_paragraph(workspace):
    root = workspace({"s": PARAGRAPHS})
    _update(root)
    _fill(root, RU_PARAGRAPHS)
    _edit(root, "  at once.[@src-a]", "  without delay.[@src-a]")
    merged = _update(root)
    assert merged.fuzzy == ["opening/1"]
    prepared, problems = _problems(root)
    assert len(problems) == 1 and "'opening/1' is marked fuzzy" in problems[0]
    opening = str(prepared.doc.view["opening"])
    # the other paragraphs and list items are printed translated, in the source's structure
    assert "<p>Она просит направить наблюдателей:</p>" in opening
    assert "<li>независимых наблюдателей в каждый город, с доступом в больницы;</li>" in opening
    assert "<blockquote>\n<p>Процитированный призыв.</p>" in opening
    # only the fuzzy paragraph falls back, marked with the source's language
    assert '<p lang="en" dir="ltr" class="untranslated">The organisation calls' in opening
    assert opening.count('class="untranslated"') == 1


def test_a_fallback_list_item_is_marked_in_its_li(workspace):
    root = workspace({"s": PARAGRAPHS})
    _update(root)
    _fill(root, {**RU_PARAGRAPHS, "opening/4": ""})
    prepared, _ = _problems(root)
    opening = str(prepared.doc.view["opening"])
    assert '<li lang="en" dir="ltr" class="untranslated">a ceasefire.</li>' in opening
    assert opening.count('class="untranslated"') == 1


def test_rewrapped_paragraphs_leave_the_po_file_as_it_is(workspace):
    root = workspace({"s": PARAGRAPHS})
    _update(root)
    _fill(root, RU_PARAGRAPHS)
    _update(root)  # the file as communique writes it (polib's save ends it differently)
    _edit(root, "civilians\n  at once.[@src-a]", "civilians at\n  once.[@src-a]")
    _edit(root, "in every town,\n    with access", "in every\n    town, with access")
    assert _update(root).written is False


def test_a_paragraph_translated_as_two_is_caught(workspace):
    root = workspace({"s": PARAGRAPHS})
    _update(root)
    _fill(root, {**RU_PARAGRAPHS, "opening/2": "Она просит.\n\nНаблюдателей:"})
    prepared, problems = _problems(root)
    assert len(problems) == 1 and "'opening/2': the translation of one paragraph has a blank line" in problems[0]
    assert prepared.translation is not None
    assert {s.unit.context: s.state for s in prepared.translation.states}["opening/2"] == "invalid"


def _legacy(root: Path, translations: dict[str, str], fuzzy: tuple = ()) -> None:
    """A PO file as communique wrote it when a field was one unit: ``translations`` by field."""
    doc = _doc(root)
    po = polib.POFile()
    po.metadata = {"Language": "ru", "Content-Type": "text/plain; charset=UTF-8"}
    for context, msgstr in translations.items():
        path = next(u.path for u in content.units(doc.statement)
                    if context in (u.context, u.field_context))
        po.append(polib.POEntry(msgctxt=context, msgid=doc.located.get(path).strip(), msgstr=msgstr,
                                flags=["fuzzy"] if context in fuzzy else []))
    _po_path(root).parent.mkdir(exist_ok=True)
    po.save(str(_po_path(root)))


def test_a_po_file_of_whole_fields_is_split_paragraph_for_paragraph(workspace):
    root = workspace({"s": PARAGRAPHS})
    _legacy(root, {"title": "Защитите мирных жителей", "opening": (
        "Организация призывает все стороны\nнемедленно защитить мирных жителей.[@src-a]\n\n"
        "Она просит направить наблюдателей:\n\n"
        "- независимых наблюдателей в каждый город, с доступом в больницы;\n- прекращение огня.\n\n"
        "> Процитированный призыв.")})
    merged = _update(root)
    assert merged.split == ["opening"] and merged.uncertain == [] and not merged.fuzzy
    entries = _entries(root)
    assert {k: e.msgstr for k, e in entries.items()} == RU_PARAGRAPHS
    assert not any(e.flags for e in entries.values())
    assert not [e for e in polib.pofile(str(_po_path(root))) if e.obsolete]
    prepared, problems = _problems(root)
    assert problems == [] and not prepared.fallback


def test_a_split_that_is_not_certain_is_fuzzy_and_keeps_the_whole_entry(workspace):
    root = workspace({"s": PARAGRAPHS})
    whole = "Организация призывает все стороны защитить мирных жителей и просит наблюдателей.[@src-a]"
    _legacy(root, {"opening": whole})
    merged = _update(root)
    assert merged.split == ["opening"] and merged.uncertain == ["opening"]
    entries = _entries(root)
    assert entries["opening/1"].msgstr == whole and entries["opening/1"].flags == ["fuzzy"]
    assert entries["opening/1"].previous_msgid == _doc(root).located.get(("opening",)).strip()
    # nothing is lost: the whole translation stays in the file, obsolete
    obsolete = [e for e in polib.pofile(str(_po_path(root))) if e.obsolete]
    assert [(e.msgctxt, e.msgstr) for e in obsolete] == [("opening", whole)]


def _paragraphs_of(text: str) -> list[str]:
    from communique.i18n.content.units import flatten

    return [flatten(p) for p in text.split("\n\n") if p.strip()]


def test_the_example_po_files_of_whole_fields_migrate_keeping_every_translation(tmp_path, monkeypatch):
    """The example's PO files as communique wrote them before paragraphs were units (ru as it
    was shipped, the others rebuilt field by field) migrate with every translation kept."""
    import shutil

    from tests.conftest import EXAMPLE, ROOT

    shutil.copy(ROOT / "communique.toml", tmp_path / "communique.toml")
    shutil.copytree(EXAMPLE, tmp_path / "content" / EXAMPLE.name)
    monkeypatch.chdir(tmp_path)
    ws = find_workspace(tmp_path)
    doc, _ = load(tmp_path / "content" / EXAMPLE.name / "statement.yaml", ws)
    assert doc is not None
    i18n = tmp_path / "content" / EXAMPLE.name / "i18n"
    langs = sorted(p.stem for p in i18n.glob("*.po"))
    assert len(langs) == 8
    found = content.units(doc.statement)
    for lang in langs:
        current = {e.msgctxt: e.msgstr for e in polib.pofile(str(i18n / f"{lang}.po")) if not e.obsolete}
        if lang == "ru":
            legacy = polib.pofile(str(ROOT / "tests" / "fixtures" / "i18n" / "legacy-ru.po"))
        else:  # rebuilt: one entry a field, its source as written in statement.yaml
            legacy = polib.POFile()
            legacy.metadata = {"Language": lang, "Content-Type": "text/plain; charset=UTF-8"}
            fields: dict[str, list] = {}
            for unit in found:
                fields.setdefault(unit.field_context or unit.context, []).append(unit)
            for context, group in fields.items():
                legacy.append(polib.POEntry(msgctxt=context, msgid=doc.located.get(group[0].path).strip(),
                                            msgstr="\n\n".join(current[u.context] for u in group)))
            assert any("\n\n" in e.msgstr for e in legacy)
        legacy.save(str(i18n / f"{lang}.po"))
        merged = content.update(doc, lang, ws.display)
        # (the example's calls are prose now: their old addressees and demands turn obsolete)
        assert merged.split and not merged.uncertain and not merged.fuzzy
        assert all(c.startswith("calls/") for c in merged.obsolete), merged.obsolete
        migrated = {e.msgctxt: e for e in polib.pofile(str(i18n / f"{lang}.po"))}
        assert all(not e.obsolete and not e.flags for c, e in migrated.items()
                   if not c.startswith("calls/"))
        # every paragraph of every old translation is the translation of its paragraph now
        for entry in legacy:
            group = [u for u in found if entry.msgctxt in (u.context, u.field_context)]
            if not group:  # a text the statement no longer prints (a prose call's demands)
                continue
            assert _paragraphs_of(entry.msgstr) == [migrated[u.context].msgstr for u in group], entry.msgctxt
        translation = content.read(doc, lang, i18n / f"{lang}.po", f"{lang}.po")
        assert translation.count("translated") == len(found)
