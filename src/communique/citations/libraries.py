"""Reading source libraries: CSL-JSON and BibTeX, as reference managers export them.

Every problem is located (``file:line:col``): ``json`` gives the position of a syntax error, and
the top-level array is walked item by item with ``JSONDecoder.raw_decode`` so each entry keeps
the line it starts on; ``bibtexparser`` gives each BibTeX block's line. A file is read once per
process for as long as it is unchanged (a workspace library is shared by every statement).
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from communique.characters import hidden, refused
from communique.citations.entries import Entry, EntryError, Origin, from_csl
from communique.content.markup import KEY
from communique.errors import Problem
from communique.sandbox import Refused, read_file

MAX_LIBRARY_BYTES = 20 * 1024 * 1024  # a large Zotero library export is a few MB
FORMATS = {".json": "csl-json", ".bib": "bibtex", ".bibtex": "bibtex"}
_KEY = re.compile(rf"^{KEY}$")


@dataclass
class LibraryFile:
    """The entries of one library file and the problems found reading it."""

    path: Path
    display: str
    entries: dict[str, Entry] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


_cache: dict[tuple[str, str, str, str], LibraryFile] = {}


def read_library(path: Path, display: str, level: str) -> LibraryFile:
    """Read a CSL-JSON (``.json``) or BibTeX (``.bib``) file; problems are in the result.

    The file is read every time (so incremental builds see it was used) but parsed once per
    content: a workspace library shared by many statements costs one parse. It is read by the
    sandbox's rule (``communique.sandbox.read_file``): a regular file, no larger than
    ``MAX_LIBRARY_BYTES``, read no further; ``path`` is checked to be inside the workspace first.
    """
    result = LibraryFile(path, display)
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        result.problems.append(Problem(display, 0, 0, "unknown library format: use a CSL-JSON "
                                       "file (.json) or a BibTeX file (.bib)"))
        return result
    try:
        raw = read_file(path, MAX_LIBRARY_BYTES, name="library")
    except Refused as exc:
        result.problems.append(Problem(display, 0, 0, str(exc)))
        return result
    key = (display, level, fmt, hashlib.sha256(raw).hexdigest())
    if key in _cache:
        return _cache[key]
    try:
        text = raw.decode("utf-8").lstrip("\ufeff")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        result.problems.append(Problem(display, line, col, "library is not valid UTF-8"))
    else:
        (_read_csl_json if fmt == "csl-json" else _read_bibtex)(text, result, level)
    _cache[key] = result
    return result


class _Lines:
    """Line and column of any index of a text, from the line starts found once.

    Counting the line breaks from the file's start for every entry made reading a library
    quadratic: 60,000 entries took 51 s.
    """

    def __init__(self, text: str):
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def __call__(self, index: int) -> tuple[int, int]:
        line = bisect_right(self.starts, index)
        return line, index - self.starts[line - 1] + 1


def _line_col(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def _json_field(name: str) -> str:
    return rf'"{re.escape(name)}"\s*:'


def _add(result: LibraryFile, key: Any, item: dict[str, Any], text: str, start: int, end: int,
         level: str, lines: _Lines, field_pattern=_json_field) -> None:
    """Check one item and add it; ``start``/``end`` bound its text for locating fields."""
    line, col = lines(start)

    def where(name: str | None) -> tuple[int, int]:
        pattern = field_pattern(name) if name else None
        if pattern:
            m = re.compile(pattern, re.I).search(text, start, end)
            if m:
                return lines(m.start())
        return line, col

    if not isinstance(key, str) or not key:
        result.problems.append(Problem(result.display, line, col, "entry has no 'id'"))
        return
    if not _KEY.match(key):
        result.problems.append(Problem(result.display, *where("id"),
                                       f"id '{key}' cannot be cited as [@{key}]: use letters, "
                                       "digits and internal - _ : . /"))
        return
    if key in result.entries:
        first = result.entries[key].origin
        result.problems.append(Problem(result.display, *where("id"),
                                       f"duplicate id '{key}' (first used at line {first.line})"))
        return
    for name, value in _texts(item):  # the rule for every text read (content/characters.py)
        bad = refused(value)
        if bad:
            result.problems.append(Problem(result.display, *where(name),
                                           f"source '{key}': '{name}': {bad[1]}"))
            return
        invisible = hidden(value) if name not in ("URL", "DOI") else None
        if invisible:
            result.problems.append(Problem(result.display, *where(name),
                                           f"source '{key}': '{name}': {invisible[1]}", "warning"))
    try:
        entry, warnings = from_csl(key, item, Origin(result.display, line, col, level))
    except EntryError as exc:
        result.problems.append(Problem(result.display, *where(exc.field), f"source '{key}': {exc}"))
        return
    for message, name in warnings:
        result.problems.append(Problem(result.display, *where(name), f"source '{key}': {message}",
                                       "warning"))
    result.entries[key] = entry


def _texts(item: dict[str, Any]):
    """(top-level field, text) for every string in an item, however deep (names, dates)."""
    stack: list[tuple[str, Any]] = list(item.items())
    while stack:
        name, value = stack.pop()
        if isinstance(value, str):
            yield name, value
        elif isinstance(value, dict):
            stack += [(name, v) for v in value.values()]
        elif isinstance(value, list):
            stack += [(name, v) for v in value]


# CSL-JSON ------------------------------------------------------------------------------------

_WS = re.compile(r"[ \t\n\r]*")


def _read_csl_json(text: str, result: LibraryFile, level: str) -> None:
    decoder = json.JSONDecoder()
    display = result.display
    pos = _WS.match(text, 0).end()  # type: ignore[union-attr]
    if text[pos:pos + 1] != "[":
        try:
            json.loads(text)
        except json.JSONDecodeError as exc:
            result.problems.append(Problem(display, exc.lineno, exc.colno, f"invalid JSON: {exc.msg}"))
            return
        except RecursionError:
            pass  # not a list either way: said below
        result.problems.append(Problem(display, *_line_col(text, pos),
                                       "a CSL-JSON library is a list of items: [ {…}, {…} ]"))
        return
    pos = _WS.match(text, pos + 1).end()  # type: ignore[union-attr]
    if text[pos:pos + 1] == "]":
        return
    lines = _Lines(text)
    while True:
        try:
            item, end = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            result.problems.append(Problem(display, exc.lineno, exc.colno, f"invalid JSON: {exc.msg}"))
            return  # the rest of the file cannot be read reliably
        except RecursionError:
            result.problems.append(Problem(display, *lines(pos),
                                           "invalid CSL-JSON: an item is nested too deeply"))
            return
        if isinstance(item, dict):
            _add(result, item.get("id") if not isinstance(item.get("id"), int) else str(item["id"]),
                 item, text, pos, end, level, lines)
        else:
            result.problems.append(Problem(display, *lines(pos),
                                           "expected an item {…} in the CSL-JSON list"))
        pos = _WS.match(text, end).end()  # type: ignore[union-attr]
        if text[pos:pos + 1] == ",":
            pos = _WS.match(text, pos + 1).end()  # type: ignore[union-attr]
            continue
        if text[pos:pos + 1] == "]":
            rest = _WS.match(text, pos + 1).end()  # type: ignore[union-attr]
            if rest < len(text):
                result.problems.append(Problem(display, *lines(rest),
                                               "invalid JSON: extra data after the list"))
            return
        result.problems.append(Problem(display, *lines(pos),
                                       "invalid JSON: expected ',' or ']' after an item"))
        return


# BibTeX --------------------------------------------------------------------------------------

BIBTEX_TYPES = {
    "article": "article-journal", "online": "webpage", "electronic": "webpage", "www": "webpage",
    "report": "report", "techreport": "report", "manual": "report", "book": "book",
    "booklet": "pamphlet", "inbook": "chapter", "incollection": "chapter",
    "inproceedings": "paper-conference", "conference": "paper-conference",
    "proceedings": "book", "legislation": "legislation", "law": "legislation",
    "jurisdiction": "legal_case", "legal": "legislation", "dataset": "dataset",
    "unpublished": "manuscript", "thesis": "thesis", "phdthesis": "thesis",
    "mastersthesis": "thesis", "interview": "interview",
}
_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}
_URL_COMMAND = re.compile(r"\\url\{([^}]*)\}")
_BIB_DATE = re.compile(r"^\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?\s*$")


def _read_bibtex(text: str, result: LibraryFile, level: str) -> None:
    import bibtexparser
    from bibtexparser import middlewares as mw

    logger = logging.getLogger("bibtexparser")
    disabled, logger.disabled = logger.disabled, True  # its warnings become our located problems
    try:
        library = bibtexparser.parse_string(text, append_middleware=[
            mw.LatexDecodingMiddleware(), mw.SeparateCoAuthors(), mw.SplitNameParts()])
    except Exception as exc:  # the parser's own invariant broke: report, never crash
        result.problems.append(Problem(result.display, 0, 0, f"cannot read BibTeX: {exc}"))
        return
    finally:
        logger.disabled = disabled
    lines = _Lines(text)
    line_starts = lines.starts
    for entry in library.entries:
        at = entry.start_line or 0  # (bibtexparser knows it for every parsed entry)
        start = line_starts[min(at, len(line_starts) - 1)]
        next_block = text.find("\n@", start + 1)
        end = len(text) if next_block < 0 else next_block
        try:
            item = _bibtex_to_csl(entry)
        except EntryError as exc:
            result.problems.append(Problem(result.display, at + 1, 1,
                                           f"source '{entry.key}': {exc}"))
            continue
        _add(result, entry.key, item, text, start, end, level, lines, _bibtex_field)
    for block in library.failed_blocks:  # after the entries, so a duplicate names the first
        line = (block.start_line or 0) + 1
        error = getattr(block.error, "abort_reason", None) or str(block.error)
        if "Duplicate entry key" in error:
            key = getattr(block, "key", None) or error.split("'")[1]
            first = result.entries.get(key)
            error = f"duplicate id '{key}'" + (
                f" (first used at line {first.origin.line})" if first else "")
        else:
            error = "cannot read BibTeX entry: " + " ".join(error.split())
        result.problems.append(Problem(result.display, line, 1, error))


# CSL field -> the BibTeX fields it is read from, to point at the right line
_BIBTEX_FIELDS = {"URL": "url|howpublished|doi", "DOI": "doi", "title": "title",
                  "issued": "date|year|month|day", "accessed": "urldate", "type": "@",
                  "author": "author", "editor": "editor"}


def _bibtex_field(name: str) -> str | None:
    bib = _BIBTEX_FIELDS.get(name)
    return rf"\b(?:{bib})\s*=" if bib and bib != "@" else None


def _bibtex_to_csl(entry) -> dict[str, Any]:
    """A BibTeX/BibLaTeX entry as a CSL-JSON item (the fields communique's styles use)."""
    fields = {f.key.lower(): f.value for f in entry.fields}
    kind = entry.entry_type.lower()
    url = _bibtex_url(fields)
    csl_type = BIBTEX_TYPES.get(kind) or ("webpage" if kind == "misc" and url else "document")
    item: dict[str, Any] = {"type": csl_type}
    for bib, csl in (("title", "title"), ("shorttitle", "title-short"), ("doi", "DOI"),
                     ("note", "note"), ("type", "genre"), ("number", "number"),
                     ("abstract", "abstract"), ("language", "language")):
        item[csl] = _plain(fields.get(bib))
    item["URL"] = url
    item["container-title"] = _plain(fields.get("journaltitle") or fields.get("journal")
                                     or fields.get("booktitle"))
    item["publisher"] = _plain(fields.get("publisher") or fields.get("organization")
                               or fields.get("institution"))
    for role in ("author", "editor"):
        item[role] = [_csl_name(n) for n in fields.get(role) or ()]
    item["issued"] = _bib_date(fields.get("date"), fields.get("year"), fields.get("month"),
                               fields.get("day"))
    item["accessed"] = _bib_date(fields.get("urldate"), None, None, None)
    return {key: value for key, value in item.items() if value}  # what the entry has


def _bibtex_url(fields: dict[str, Any]) -> str | None:
    """The entry's URL: its url field, or a \\url{…} (or bare URL) in howpublished."""
    url = _plain(fields.get("url"))
    if not url and isinstance(fields.get("howpublished"), str):
        # \url{…} (the LaTeX decoder may already have unwrapped it)
        m = _URL_COMMAND.search(fields["howpublished"])
        shown = m.group(1).strip() if m else _plain(fields["howpublished"]) or ""
        url = shown if re.match(r"https?://\S+$", shown) else None
    return url


def _plain(value: Any) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).replace("{", "").replace("}", "").split())
    return text or None


def _csl_name(name) -> dict[str, str]:
    if hasattr(name, "last"):
        family = " ".join(name.last)
        given = " ".join(name.first)
        von = " ".join(name.von)
        if not given and not von:
            return {"literal": _plain(family) or ""}  # {Amnesty International}: an organisation
        out = {"family": _plain(family) or "", "given": _plain(given) or ""}
        if von:
            out["non-dropping-particle"] = von
        if name.jr:
            out["suffix"] = " ".join(name.jr)
        return out
    return {"literal": _plain(name) or ""}


def _bib_date(date: Any, year: Any, month: Any, day: Any) -> dict[str, Any] | None:
    if date:
        m = _BIB_DATE.match(str(date))
        if not m:
            return {"literal": str(date)}
        return {"date-parts": [[int(g) for g in m.groups() if g]]}
    if not year:
        return None
    try:
        parts = [int(str(year).strip())]
    except ValueError:
        return {"literal": str(year)}
    if month:
        text = str(month).strip().lower()[:3]
        number = _MONTHS.get(text) or (int(text) if text.isdigit() else None)
        if number:
            parts.append(number)
            if day and str(day).strip().isdigit():
                parts.append(int(str(day).strip()))
    return {"date-parts": [parts]}
