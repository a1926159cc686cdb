"""The workspace termbase (terms.csv): approved and forbidden forms per language, checked in every
translated unit by ``communique check`` and the build, located at the PO file's line."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest
from click.testing import CliRunner

from communique.cli import main
from communique.document import load
from communique.errors import ContentError
from communique.i18n import editions
from communique.i18n.content import terms
from communique.workspace import find_workspace
from conftest import LOCATED

SLUG = "nagorno-karabakh-2020"
PLACE = "sections/civilian-casualties/incidents/stepanakert-shelling/place"
TEXT = "sections/civilian-casualties/incidents/stepanakert-shelling/text"


def _po(root: Path, lang: str) -> Path:
    return root / "content" / SLUG / "i18n" / f"{lang}.po"


def _edit(root: Path, lang: str, context: str, old: str, new: str) -> int:
    """Replace ``old`` in one translation; the line of its msgstr in the rewritten file."""
    path = _po(root, lang)
    po = polib.pofile(str(path), wrapwidth=78)
    entry = next(e for e in po if e.msgctxt == context and not e.obsolete)
    assert old in entry.msgstr
    entry.msgstr = entry.msgstr.replace(old, new)
    path.write_text(str(po) + "\n", encoding="utf-8")
    lines = path.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("msgctxt") and
                 context in (line + lines[i + 1]))
    return next(i for i in range(start, len(lines)) if lines[i].startswith("msgstr")) + 1


def _check(*args: str):
    result = CliRunner().invoke(main, ["check", SLUG, *args])
    found = [LOCATED.match(line) for line in result.stderr.splitlines()]
    return result.exit_code, [m for m in found if m]


@pytest.mark.parametrize("lang", ["ar", "az", "es", "fa", "fr", "hy", "ru", "zh"])
def test_the_example_translations_follow_the_termbase(example_workspace, lang):
    ws = find_workspace(example_workspace)
    termbase = terms.load(example_workspace, ws.display)
    assert termbase is not None and len(termbase.concepts) >= 6
    assert all(lang in c.approved and "en" in c.approved for c in termbase.concepts)
    doc, _ = load(example_workspace / "content" / SLUG / "statement.yaml", ws)
    prepared = editions.prepare(doc, ws, lang)
    assert prepared.translation is not None
    assert editions.term_problems(doc, ws, prepared.translation, "warning") == []


def test_a_translation_that_drops_one_of_the_two_names_is_reported_at_its_po_line(example_workspace):
    ru_line = _edit(example_workspace, "ru", PLACE, "Степанакерт/Ханкенди", "Степанакерт")
    az_line = _edit(example_workspace, "az", TEXT, "Stepanakert/Xankəndiyə", "Xankəndiyə")
    code, found = _check()
    assert code == 0
    terms_found = [m for m in found if "approved forms" in m["msg"]]
    assert {(m["path"], int(m["line"]), m["sev"]) for m in terms_found} == {
        (f"content/{SLUG}/i18n/ru.po", ru_line, "warning"),
        (f"content/{SLUG}/i18n/az.po", az_line, "warning")}
    ru = next(m for m in terms_found if m["path"].endswith("ru.po"))
    assert "'khankendi' (terms.csv:3)" in ru["msg"] and "Ханкенди*" in ru["msg"]
    az = next(m for m in terms_found if m["path"].endswith("az.po"))
    assert "'stepanakert' (terms.csv:2)" in az["msg"]

    code, found = _check("--strict")
    assert code == 1
    assert {(m["path"], int(m["line"])) for m in found if m["sev"] == "error"} == {
        (f"content/{SLUG}/i18n/ru.po", ru_line), (f"content/{SLUG}/i18n/az.po", az_line)}


def test_a_forbidden_form_is_reported_at_its_column(example_workspace):
    line = _edit(example_workspace, "hy", PLACE, "Ստեփանակերտ/Խանքենդի",
                 "Ստեփանակերտ/Խանքենդի (Արցախ)")
    code, found = _check()
    hits = [m for m in found if "forbidden" in m["msg"]]
    assert code == 0 and len(hits) == 1, found
    assert (hits[0]["path"], int(hits[0]["line"])) == (f"content/{SLUG}/i18n/hy.po", line)
    text = _po(example_workspace, "hy").read_text(encoding="utf-8").splitlines()[line - 1]
    assert text[int(hits[0]["col"]) - 1:].startswith("Արցախ")
    assert "'Արցախ' is a forbidden form of 'nagorno-karabakh'" in hits[0]["msg"]


def _termbase(text: str) -> terms.Termbase:
    return terms.parse(text, "terms.csv")


def test_stems_cover_inflection_and_arabic_prefixes_and_vowel_marks():
    base = _termbase("id,en,ru,ar,zh,hy\n"
                     "dfa,de facto authorities,де-факто власт*,*سلطات الأمر الواقع,事实当局,դե ֆակտո իշխանություն*\n")
    forms = base.concepts[0].approved
    prose = lambda text: terms._prose(text)[0]  # noqa: E731
    assert forms["ru"].find(prose("де-факто властей Нагорного Карабаха"))
    assert not forms["ru"].find(prose("де-факто правительство"))
    assert forms["ar"].find(prose("وفقًا لسُلطات الأمر الواقع"))  # prefix and a vowel mark
    assert forms["zh"].find(prose("据纳戈尔诺-卡拉巴赫事实当局称"))  # no spaces around words
    assert forms["hy"].find(prose("դե ֆակտո իշխանությունների տվյալներով"))
    assert not forms["hy"].find(prose("դե ֆակտո"))


def test_a_citation_key_names_no_concept():
    base = _termbase("id,en,ru\nstepanakert,Stepanakert,Степанакерт*\n")
    assert not base.concepts[0].approved["en"].find(terms._prose("Shelling.[@reartsakh-stepanakert]")[0])


def test_a_malformed_termbase_is_located():
    with pytest.raises(ContentError) as caught:
        _termbase("id,en,xx-nonsense\nа,b,c\na,b,c\na,b,c\n")
    located = {(p.line, p.column) for p in caught.value.problems}
    assert (1, 3) in located and (4, 1) in located
    with pytest.raises(ContentError) as caught:
        _termbase("concept,en\n")
    assert [(p.line, p.column) for p in caught.value.problems] == [(1, 1)]
    assert _termbase("").concepts == [] and _termbase("\n\n").concepts == []


def test_an_unreadable_termbase_is_a_warning_not_a_traceback(example_workspace):
    (example_workspace / "terms.csv").write_bytes(b"id,en,ru\nx,\xff\xfe,y\n")
    result = CliRunner().invoke(main, ["check", SLUG])
    assert result.exit_code == 0
    assert "terms.csv: warning: the termbase is not valid UTF-8" in result.stderr
