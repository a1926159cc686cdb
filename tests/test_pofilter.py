"""translate-toolkit's pofilter over every example PO file: the checks translators' tools (Weblate,
Pootle, Virtaal) run must find nothing of the kinds that matter for a printed statement.

pofilter is run through its Python API (the ``pofilter`` command rewrites a file given as its only
argument), with the checks it runs by default for these kinds; it takes well under a second.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from translate.filters import checks
from translate.storage import factory

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_POS = sorted(ROOT.glob("content/*/i18n/*.po"))

# placeholders and variables, newlines and escapes, URLs, double spaces, leading and trailing
# blanks, brackets, and numbers that must read the same
KINDS = ["variables", "printf", "pythonbraceformat", "xmltags", "newlines", "escapes", "urls",
         "doublespacing", "startwhitespace", "endwhitespace", "brackets", "numbers"]

# Chinese writes brackets full width ("无人驾驶飞行器（无人机）"), as its typography requires;
# pofilter counts only ASCII brackets, so it would demand "(" in a Chinese sentence.
EXCLUDED = {"zh": {"brackets"}}

_DECADE = re.compile(r"\b(\d{3}0)s\b")


def _decades_only(source: str, target: str) -> bool:
    """True when the numbers differ only by a decade ("the 1990s") written the way the language
    writes it: in words (ar "تسعينيات القرن الماضي") or as century and decade (zh "20世纪90年代").
    Every other number must still be there, each as often as in the source."""
    def numbers(text: str) -> list[int]:
        return sorted(int(n) for n in re.findall(r"\d+", text))

    decades = [int(d) for d in _DECADE.findall(source)]
    if not decades:
        return False
    rest = numbers(_DECADE.sub(" ", source))
    have = numbers(target)
    for decade in decades:
        parts = sorted([decade // 100 + 1, decade % 100])
        if all(have.count(p) >= parts.count(p) for p in parts):
            for p in parts:
                have.remove(p)
    return have == rest


def findings(path: Path) -> list[str]:
    """What pofilter finds in one PO file, as ``context: check: message``."""
    lang = path.stem
    checker = checks.TeeChecker(checkerconfig=checks.CheckerConfig(targetlanguage=lang),
                                limitfilters=[k for k in KINDS if k not in EXCLUDED.get(lang, set())],
                                checkerclasses=[checks.StandardChecker, checks.StandardUnitChecker],
                                languagecode=lang)
    found = []
    for unit in factory.getobject(str(path)).units:
        if unit.isheader() or unit.isobsolete() or not unit.istranslated():
            continue
        for name, failure in checker.run_filters(unit, categorised=True).items():
            if name == "numbers" and _decades_only(unit.source, unit.target):
                continue
            found.append(f"{unit.getcontext()}: {name}: {failure['message']}")
    return found


def test_there_are_example_po_files():
    assert len(EXAMPLE_POS) >= 8


@pytest.mark.parametrize("path", EXAMPLE_POS, ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_pofilter_finds_nothing_in_the_example(path):
    assert findings(path) == []


def test_pofilter_catches_a_dropped_bracket_and_a_changed_number(tmp_path):
    po = tmp_path / "es.po"
    po.write_text('msgid ""\nmsgstr ""\n"Language: es\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                  'msgctxt "a"\nmsgid "fire from an unmanned aerial vehicle (UAV)"\n'
                  'msgstr "disparos de un dron"\n\n'
                  'msgctxt "b"\nmsgid "ten civilians dead and 30 wounded in the 1990s"\n'
                  'msgstr "diez civiles muertos y 31 heridos en los años noventa"\n', encoding="utf-8")
    found = findings(po)
    assert any(f.startswith("a: brackets") for f in found), found
    assert any(f.startswith("b: numbers") for f in found), found


def test_a_decade_may_be_written_as_the_language_writes_it():
    assert _decades_only("lasted into the 1990s in 1994", "持续到20世纪90年代，1994年")
    assert _decades_only("lasted into the 1990s in 1994", "حتى تسعينيات القرن الماضي في عام 1994")
    assert not _decades_only("lasted into the 1990s in 1994", "持续到20世纪90年代，1995年")
    assert not _decades_only("ten in 1994", "dix en 1995")
