"""Approved terms: the workspace's termbase, ``terms.csv``, and the check that a translation uses
the approved form of each concept its source names, and no forbidden form.

The names of places and parties are the organisation's position: a translation that writes only
"Stepanakert" where the source writes "Stepanakert/Khankendi" misstates it. ``terms.csv`` lies at
the workspace root, one row per concept::

    id,en,ru,az,forbidden:ru
    khankendi,Khankendi,Ханкенди*,Xankəndi*,
    nagorno-karabakh,Nagorno-Karabakh,Нагорн* Карабах*|Нагорно-Карабах*,Dağlıq Qarabağ*,Арцах*

A cell holds one form or several separated by ``|``; any of them will do. ``*`` stands for any
letters, so a stem covers the inflected forms (ru "Ханкенди*": Ханкенди, Ханкендизе...; ar
"*سلطات الأمر الواقع" also covers وسلطات and لسلطات, the conjunction or preposition written
on). Words are matched whole, case and Arabic vowel marks ignored, with any spacing between the
words of a form. A concept applies to a unit whose source text (in the statement's language's
column) has one of its forms: the translation must have an approved form as many times as the
source names the concept (each mention of Stepanakert/Khankendi keeps both names). A forbidden
form is reported wherever a translation uses it.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from communique.errors import ContentError, Problem
from communique.i18n import locale as loc
from communique.i18n.content.checks import _NOT_PROSE, _UNSPACED, Positions, Translation

TERMS_FILE = "terms.csv"
MAX_TERMS_BYTES = 5 * 1024 * 1024  # a termbase of thousands of concepts is well under 1 MB
FORBIDDEN = "forbidden:"

# Arabic vowel marks and the tatweel: written or not, the word is the same
_UNSPACED_CHAR = re.compile(f"[{_UNSPACED}]")
_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")


def _normal(text: str) -> str:
    return _MARKS.sub("", unicodedata.normalize("NFC", text)).replace("\u2019", "'")


def _prose(text: str) -> tuple[str, list[int]]:
    """``text`` without citation keys and link targets (so "@reartsakh-stepanakert" names no
    city) and without vowel marks, with the offset in ``text`` of each character kept."""
    blanked = _NOT_PROSE.sub(lambda m: " " * len(m.group()), text)
    kept = [(i, "'" if ch == "\u2019" else ch) for i, ch in enumerate(blanked) if not _MARKS.match(ch)]
    return unicodedata.normalize("NFC", "".join(ch for _, ch in kept)), [i for i, _ in kept]


def _lang_key(lang: str) -> str:
    return lang.replace("_", "-").lower()


@dataclass(frozen=True)
class Forms:
    """One cell: the forms as written, and a pattern matching any of them."""

    shown: str
    pattern: re.Pattern

    @classmethod
    def parse(cls, cell: str) -> Forms | None:
        forms = [f.strip() for f in cell.split("|") if f.strip()]
        if not forms:
            return None
        alternatives = []
        for form in forms:
            words = [re.escape(_normal(w)).replace(r"\*", r"\w*") for w in form.split()]
            # whole words, except at an end written in a script without spaces ("在纳戈尔诺-卡拉巴赫问题上")
            before = "" if _UNSPACED_CHAR.match(form.lstrip("*")[:1]) else r"(?<!\w)"
            after = "" if _UNSPACED_CHAR.match(form.rstrip("*")[-1:]) else r"(?!\w)"
            alternatives.append(before + r"\s+".join(words) + after)
        joined = "|".join(f"(?:{a})" for a in alternatives)
        return cls(" | ".join(forms), re.compile(joined, re.IGNORECASE))

    def find(self, prose: str) -> re.Match | None:
        return self.pattern.search(prose)

    def count(self, prose: str) -> int:
        return sum(1 for _ in self.pattern.finditer(prose))


@dataclass
class Concept:
    id: str
    line: int  # in terms.csv
    approved: dict[str, Forms] = field(default_factory=dict)  # by language
    forbidden: dict[str, Forms] = field(default_factory=dict)


@dataclass
class Termbase:
    display: str
    concepts: list[Concept] = field(default_factory=list)


def load(root: Path, display) -> Termbase | None:
    """The workspace's termbase, or None when it has none; ContentError, located at its row and
    column, when it cannot be read."""
    from communique.sandbox import Refused, contained, read_file

    path = root / TERMS_FILE
    if not (path.exists() or path.is_symlink()):
        return None
    shown = display(path)
    try:
        raw = read_file(contained(path, [root], name="the termbase"), MAX_TERMS_BYTES, name="the termbase")
        text = raw.decode("utf-8-sig")
    except Refused as exc:
        raise ContentError([Problem(shown, 0, 0, str(exc))]) from None
    except UnicodeDecodeError as exc:
        raise ContentError([Problem(shown, 0, 0,
                                    f"the termbase is not valid UTF-8 ({exc.reason})")]) from None
    return parse(text, shown)


def _columns(header: list[str], shown: str) -> tuple[list[tuple[str, bool]], list[Problem]]:
    """Each column after ``id``: its language and whether it holds forbidden forms."""
    problems = []
    if not header or header[0].strip().lower() != "id":
        problems.append(Problem(shown, 1, 1, "the termbase's first column must be 'id' (then one "
                                "column a language: en, ru, hy..., and 'forbidden:ru' columns)"))
    columns = []
    for i, name in enumerate(header[1:], 2):
        name = name.strip()
        forbidden = name.lower().startswith(FORBIDDEN)
        lang = name[len(FORBIDDEN):].strip() if forbidden else name
        if name.lower() in ("note", "notes", "comment"):
            lang = ""
        elif not loc.known(lang):
            problems.append(Problem(shown, 1, i, f"column {i} of the termbase is '{name}': not a "
                                    "language code Babel knows, nor 'forbidden:<code>' or 'note'"))
        columns.append((_lang_key(lang), forbidden))
    return columns, problems


def parse(text: str, shown: str) -> Termbase:
    """A termbase from the text of ``terms.csv`` (see the module doc)."""
    rows = list(csv.reader(text.splitlines()))
    termbase = Termbase(shown)
    if not any(cell.strip() for row in rows for cell in row):
        return termbase  # an empty termbase: nothing approved yet
    columns, problems = _columns(rows[0], shown)
    seen: dict[str, int] = {}
    for line, row in enumerate(rows[1:], 2):
        if not any(cell.strip() for cell in row) or row[0].lstrip().startswith("#"):
            continue
        concept = Concept(row[0].strip(), line)
        if not concept.id:
            problems.append(Problem(shown, line, 1, "a concept without an id: give it one in the "
                                    "first column"))
        elif concept.id in seen:
            problems.append(Problem(shown, line, 1, f"a second row for '{concept.id}' (the first is "
                                    f"at line {seen[concept.id]}); join them"))
        seen.setdefault(concept.id, line)
        for (lang, forbidden), cell in zip(columns, row[1:], strict=False):
            forms = Forms.parse(cell) if lang else None
            if forms is not None:
                (concept.forbidden if forbidden else concept.approved)[lang] = forms
        termbase.concepts.append(concept)
    if problems:
        raise ContentError(problems)
    return termbase


def check(termbase: Termbase, translation: Translation, source_lang: str,
          severity: str = "warning") -> list[Problem]:
    """Where the translated units of ``translation`` miss an approved term of a concept their
    source names, or use a forbidden one; at the translation's line (and column) in the PO file.

    Only units printed translated are read: a fuzzy or untranslated unit falls back to the source
    and is reported as such already.
    """
    lang, source = _lang_key(translation.lang), _lang_key(source_lang)
    positions = Positions(translation.text)
    problems = []
    for state in translation.states:
        if state.state != "translated" or state.entry is None:
            continue
        entry = state.entry
        said, (written, offsets) = _prose(state.unit.text)[0], _prose(entry.msgstr)
        for concept in termbase.concepts:
            where = f"'{concept.id}' ({termbase.display}:{concept.line})"
            named = concept.approved.get(source)
            wanted = concept.approved.get(lang)
            times = named.count(said) if named is not None and wanted is not None else 0
            if times and wanted is not None and wanted.count(written) < times:
                has = wanted.count(written)
                problems.append(Problem(
                    translation.display, positions.msgstr_line(entry), 1,
                    f"'{state.unit.context}': the source names {where} "
                    + (f"{times} times but the translation has its approved forms only {has} "
                       f"time(s): {wanted.shown}" if has else
                       f"but the translation has none of its approved forms: {wanted.shown}"),
                    severity))
            refused = concept.forbidden.get(lang)
            found = refused.find(written) if refused is not None else None
            if found:
                start = found.start()
                at = positions.of(entry, offsets[start] if start < len(offsets) else 0)
                problems.append(Problem(
                    translation.display, at[0], at[1],
                    f"'{state.unit.context}': '{found.group()}' is a forbidden form of {where}"
                    + (f"; write {wanted.shown}" if wanted is not None else ""), severity))
    return problems

