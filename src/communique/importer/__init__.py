"""``communique import``: a researcher's Word draft becomes ``content/<slug>/statement.yaml``.

The draft is checked as a package first (:mod:`.package`: not a zip, not Word, encrypted,
macros, zip bombs, external links), read with python-docx (:mod:`.word`, which says why that
library), then mapped to a statement:

- the title (Title style, else the first heading, else the first bold line), a subtitle
  (Subtitle style), the date and index number where the title block has them;
- the opening call: the first paragraph in bold;
- each heading starts a section; a heading reading "Background" (any case, or the word in the
  statement's language) starts the background;
- paragraphs, bold, italic, links and lists as Markdown;
- each footnote or endnote at its place: a URL (with a short prefix such as "See as well:" and
  a trailing quotation) becomes a source and its citation, ``[@id]``, ``[See as well: @id]``,
  ``[@id, “…”]``; the same URL cited twice is one source; any other note is a free note
  ``^[…]`` with its links.

What cannot be mapped (tables, images, comments, tracked changes still pending) is reported at
its paragraph. The statement is written with ``draft: true`` (and never over an existing one
unless ``force``), atomically, inside ``content/`` only; then it is checked like any statement.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from communique.errors import Problem
from communique.importer.word import Para, Sources, escape_start

if TYPE_CHECKING:
    from communique.workspace import Workspace

IMPORTABLE_TYPES = ("public-statement", "report")
WIDTH = 100
_INDEX = re.compile(r"(?:(?:AI\s+)?Index(?:\s+(?:number|no\.?))?\s*:?\s*)?"
                    r"\b(?P<ref>[A-Z]{2,5}\s?\d{1,3}/\d{1,6}/\d{4})\b", re.I)
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_SCRIPTS = (("ar", re.compile("[\u0600-\u06ff]")), ("ru", re.compile("[\u0400-\u04ff]")),
            ("hy", re.compile("[\u0530-\u058f]")))


class DraftError(Exception):
    """The draft cannot be imported (nothing was written); ``problem`` says why, where."""

    def __init__(self, problem: Problem):
        self.problem = problem
        super().__init__(str(problem))


@dataclass
class Imported:
    """What an import wrote and found."""

    path: Path
    mapped: list[str]  # what became what, for the summary
    problems: list[Problem] = field(default_factory=list)  # the draft's, then the check's
    seconds: float = 0.0


def import_draft(draft: Path, workspace: Workspace, *, slug: str | None = None,
                 kind: str | None = None, lang: str | None = None,
                 force: bool = False) -> Imported:
    """Import ``draft`` into ``content/<slug>/statement.yaml`` and check the result."""
    import io

    import docx

    from communique.errors import display_path
    from communique.files import write_atomic
    from communique.importer.package import Refused, check_draft
    from communique.importer.word import Reader

    display = display_path(draft, workspace.root)
    kind = kind or workspace.settings.documents.default_type
    if kind not in IMPORTABLE_TYPES:
        raise DraftError(Problem(display, 0, 0, f"--type {kind}: a draft can be imported as "
                                   f"{' or '.join(IMPORTABLE_TYPES)}; an urgent action's "
                                   "addressees, appeal and deadline are not in a draft: "
                                   "start it with `communique new --type urgent-action`"))
    slug = slug or _slug(draft.stem)
    target = _target(workspace, slug, display, force)
    try:
        checked = check_draft(draft)
    except Refused as exc:
        raise DraftError(Problem(display, 0, 0, str(exc))) from None
    try:
        doc = docx.Document(io.BytesIO(checked.data))
    except Exception as exc:
        raise DraftError(Problem(display, 0, 0, "cannot read the draft as Word "
                                   f"({type(exc).__name__}: {exc})")) from None
    sources = Sources()
    read = Reader(doc, display, sources).read()
    problems = [Problem(display, 0, 0, message, "warning") for message in checked.external]
    problems += read.problems
    lang = lang or _guess_language(read.paras, read.language)
    statement, mapped, more = _map(read, kind, lang, display, workspace)
    problems += more
    statement["sources"] = sources.entries
    if read.notes:
        mapped.append(f"notes: {read.notes} ({sources.count.citations} citations of "
                      f"{len(sources.entries)} sources, {sources.count.free} free)")
    text = statement_yaml(statement, draft.name)
    write_atomic(target, text.encode("utf-8"))
    from communique.document import load  # checked like any statement

    problems += load(target, workspace)[1]
    return Imported(target, mapped, problems)


def _slug(stem: str) -> str:
    import unicodedata

    ascii_ = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_.lower()).strip("-")[:80].strip("-")


def _target(workspace: Workspace, slug: str, display: str, force: bool) -> Path:
    """``content/<slug>/statement.yaml``, checked to stay inside ``content/``."""
    from communique.scaffold import SLUG

    if not SLUG.match(slug):
        raise DraftError(Problem(display, 0, 0, f"'{slug}' is not a valid name for a statement: "
                                   "give --slug with lower-case letters, digits and '-'"))
    content = workspace.content_dir
    target = content / slug / "statement.yaml"
    resolved = target.parent.resolve()
    if content.exists() and not resolved.is_relative_to(content.resolve()):
        raise DraftError(Problem(display, 0, 0, f"content/{slug} leads out of content/ "
                                   "(a symlink): refused"))
    if (target.exists() or target.is_symlink()) and not force:
        raise DraftError(Problem(display, 0, 0, f"{workspace.display(target)} already exists: "
                                   "give --force to replace it, or another --slug"))
    if target.is_symlink():
        raise DraftError(Problem(display, 0, 0, f"{workspace.display(target)} is a symlink: "
                                   "refused"))
    return target


def _guess_language(paras: list[Para], recorded: str) -> str:
    """The statement's language when --lang is not given: the script most of its letters are
    in (Arabic, Cyrillic as Russian, Armenian), else the language Word recorded, else English."""
    from communique.i18n.locale import known

    text = " ".join(p.plain for p in paras)[:20_000]
    letters = sum(ch.isalpha() for ch in text) or 1
    for code, script in _SCRIPTS:
        if len(script.findall(text)) > letters / 2:
            return code
    base = recorded.split("-")[0].lower()
    return base if base and known(base) else "en"


@dataclass
class _Mapping:
    """What mapping a draft tells its author: what became what (``mapped``, for the summary)
    and the warnings (``problems``), in the order they were found."""

    display: str
    mapped: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def warn(self, para: Para | None, message: str) -> None:
        """A warning at ``para`` (or at the draft as a whole)."""
        where = para.where if para else 0
        self.problems.append(Problem(self.display, where, 1 if where else 0, message, "warning"))


def _map(read: Any, kind: str, lang: str, display: str,
         workspace: Workspace) -> tuple[dict[str, Any], list[str], list[Problem]]:
    """The statement's fields from the draft's paragraphs: the title, the title block, the
    opening, then the sections (a report's chapters), each taken from ``paras`` in turn."""
    log = _Mapping(display)
    paras: list[Para] = list(read.paras)
    title, title_at = _take_title(paras, log)
    statement: dict[str, Any] = {"type": kind, "lang": lang}
    fields: dict[str, Any] = {"title": escape_start(title.markdown(plain_bold=True))}
    date = _take_title_block(paras, title_at, lang, statement, fields, log)
    statement["date"] = date if date is not None else _default_date(read, log)
    statement["draft"] = True
    statement.update(fields)
    opening = _take_opening(paras, log)
    background_words = _background_words(workspace, lang)
    sections = _sections(paras, background_words, log.warn)
    key = "summary" if kind == "report" else "opening"
    statement[key] = opening.markdown(plain_bold=True) if opening is not None else ""
    if kind == "report":
        _as_report(statement, sections, log.warn)
    else:
        _as_statement(statement, sections, background_words, log)
    if not statement[key]:
        raise DraftError(Problem(display, 0, 0, "the draft has no paragraph for the opening"))
    count = len(statement.get("sections") or statement.get("chapters") or [])
    log.mapped.append(f"{count} {'chapters' if kind == 'report' else 'sections'}")
    return statement, log.mapped, log.problems


def _take_title(paras: list[Para], log: _Mapping) -> tuple[Para, int]:
    """The title, taken out of ``paras``, and where it was: the Title style, else the first
    heading or bold line among the first eight paragraphs, else the first paragraph."""
    title_at = next((i for i, p in enumerate(paras) if p.heading == 0), None)
    if title_at is None:
        title_at = next((i for i, p in enumerate(paras[:8]) if p.heading is not None or p.bold),
                        None)
    if title_at is None:
        if not paras:
            raise DraftError(Problem(log.display, 0, 0, "the draft has no text"))
        title_at = 0
        log.warn(paras[0], "no title (Title style, heading or bold line): "
                           "the first paragraph is the title")
    title = paras.pop(title_at)
    log.mapped.append(f"title: paragraph {title.where} ({title.style})")
    return title, title_at


def _take_title_block(paras: list[Para], title_at: int, lang: str, statement: dict[str, Any],
                      fields: dict[str, Any], log: _Mapping) -> dt.date | None:
    """The subtitle, the date and the index number, taken out of the title block: the short
    paragraphs before the first heading or bold one (and any above the title, at
    ``title_at``). The index number goes to ``statement``, the subtitle to ``fields``;
    returns the date, if one is written there."""
    date: dt.date | None = None
    block_end = next((i for i, p in enumerate(paras) if p.heading is not None or p.bold
                      or len(p.plain) > 200), len(paras))
    for para in list(paras[:max(block_end, title_at)]):
        found_date = _date_in(para.plain, lang)
        found_ref = _INDEX.search(para.plain) if len(para.plain) < 120 else None
        if para.style == "subtitle" and "subtitle" not in fields:
            fields["subtitle"] = escape_start(para.markdown())
            log.mapped.append(f"subtitle: paragraph {para.where}")
        elif (found_date or found_ref) and len(para.plain) < 120:
            if found_date and date is None:
                date = found_date
                log.mapped.append(f"date: paragraph {para.where}")
            if found_ref and "reference" not in statement:
                statement["reference"] = found_ref["ref"]
                log.mapped.append(f"index number: paragraph {para.where}")
        else:
            continue
        paras.remove(para)
    return date


def _default_date(read: Any, log: _Mapping) -> dt.date:
    """The date when the draft has none: when it was created, else today (with a warning)."""
    created = read.created.date() if isinstance(read.created, dt.datetime) else None
    date = created or dt.date.today()
    log.warn(None, f"no date in the draft: date set to {date.isoformat()} "
                   f"({'when the draft was created' if created else 'today'}); check it")
    return date


def _take_opening(paras: list[Para], log: _Mapping) -> Para | None:
    """The opening call, taken out of ``paras``: the first bold paragraph (not a list item)
    before the first heading, else the first paragraph if one comes before it."""
    first_heading = next((i for i, p in enumerate(paras) if p.heading is not None), len(paras))
    opening_at = next((i for i, p in enumerate(paras[:first_heading])
                       if p.bold and not p.list_kind), None)
    if opening_at is None:
        opening_at = 0 if first_heading > 0 else None
        if paras:
            log.warn(paras[0], "no bold paragraph before the first heading: "
                     + ("the first paragraph is the opening" if opening_at == 0
                        else "the opening is empty"))
    opening = paras.pop(opening_at) if opening_at is not None else None
    if opening is not None:
        log.mapped.append(f"opening: paragraph {opening.where}")
    return opening


def _background_words(workspace: Workspace, lang: str) -> set[str]:
    """What a heading starting the background reads: "background", or the word in the
    statement's language."""
    from communique.i18n import ui

    strings, _ = ui.load(workspace, lang)
    return {"background", strings.gettext("Background").casefold()}


def _as_statement(statement: dict[str, Any], sections: list[dict[str, Any]],
                  background_words: set[str], log: _Mapping) -> None:
    """A public statement's sections, and its background: the sections headed "Background"
    (their heading kept only when it is not the word itself)."""
    body = [s for s in sections if not s["background"]]
    background = [s for s in sections if s["background"]]
    statement["sections"] = [{k: v for k, v in s.items() if k not in ("background", "where")}
                             for s in body]
    if not background:
        return
    first = background[0]
    statement["background"] = {"body": "\n\n".join(s["body"] for s in background if s["body"])}
    heading = first.get("heading", "")
    if heading.casefold() not in background_words:
        statement["background"]["heading"] = heading
    log.mapped.append(f"background: paragraph {first['where']}")
    if sections.index(first) < len(sections) - len(background):
        log.warn(None, "sections after the background are printed before it")


def _sections(paras: list[Para], background_words: set[str], warn) -> list[dict[str, Any]]:
    """Headings start sections; paragraphs and lists become each one's Markdown body."""
    sections: list[dict[str, Any]] = []
    taken: set[str] = set()
    current: dict[str, Any] | None = None
    blocks: list[str] = []
    pending: list[str] = []  # a heading with nothing under it: kept as a bold line

    def close() -> None:
        if current is None:
            return
        if blocks:
            current["body"] = "\n\n".join(blocks)
            sections.append(current)
        elif current.get("heading"):
            pending.append(f"**{current['heading']}**")

    def start(heading: Para | None) -> dict[str, Any]:
        name = heading.markdown(plain_bold=True) if heading else ""
        base = _slug(heading.plain)[:40].strip("-") if heading else ""
        section_id = base or f"section-{len(sections) + 1}"
        n = 2
        while section_id in taken:
            section_id = f"{base or 'section'}-{n}"
            n += 1
        taken.add(section_id)
        said = heading.plain.strip(" :.").casefold() if heading else ""
        section: dict[str, Any] = {"id": section_id, "where": heading.where if heading else 0,
                                   "background": bool(said) and said in background_words}
        if name:
            section["heading"] = escape_start(name)
        return section

    list_lines: list[str] = []
    for para in paras:
        if para.heading is not None:
            if list_lines:
                blocks.append("\n".join(list_lines))
                list_lines = []
            close()
            blocks = list(pending)
            pending.clear()
            current = start(para)
            continue
        if current is None:
            current = start(None)
            blocks = list(pending)
            pending.clear()
        text = para.markdown()
        if para.list_kind:
            marker = "-" if para.list_kind == "bullet" else "1."
            list_lines.append("   " * para.list_level + f"{marker} {text}")
            continue
        if list_lines:
            blocks.append("\n".join(list_lines))
            list_lines = []
        blocks.append(escape_start(text))
    if list_lines:
        blocks.append("\n".join(list_lines))
    close()
    if pending:
        if sections:
            sections[-1]["body"] += "\n\n" + "\n\n".join(pending)
        else:
            sections.append({"id": "section-1", "where": 0, "background": False,
                             "body": "\n\n".join(pending)})
    return sections


def _as_report(statement: dict[str, Any], sections: list[dict[str, Any]], warn) -> None:
    """A report's chapters: every section with a heading; text before the first heading
    joins the summary."""
    chapters = []
    for section in sections:
        if "heading" not in section:
            statement["summary"] = "\n\n".join(filter(None, [statement["summary"], section["body"]]))
            continue
        chapters.append({"id": section["id"], "heading": section["heading"], "body": section["body"]})
    if not chapters:
        warn(None, "a report needs chapters: the draft has no headings, so its text is one chapter")
        chapters.append({"id": "text", "heading": "Text", "body": statement["summary"]})
    statement["chapters"] = chapters


def _date_in(text: str, lang: str) -> dt.date | None:
    """A date written in ``text``: 2020-09-29, or day, month and year in the draft's language
    or in English (29 September 2020, September 29, 2020)."""
    from babel.dates import get_month_names

    m = _ISO_DATE.search(text)
    if m:
        try:
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            return None
    months: dict[str, int] = {}
    for code in dict.fromkeys((lang.replace("-", "_"), "en")):
        for context in ("format", "stand-alone"):
            try:
                for number, name in get_month_names("wide", context, locale=code).items():
                    months[name.casefold()] = number
            except Exception:
                continue
    names = "|".join(sorted(map(re.escape, months), key=len, reverse=True))
    if not names:
        return None
    # A month may be named twice, as Arabic statements do (and communique's Arabic editions):
    # "29 سبتمبر/أيلول 2020", "2 أكتوبر/تشرين الأول 2020"; the first name is read.
    other = r"(?:/[^\s\d/]+(?:\s[^\s\d/]+)?)?"
    for pattern in (rf"\b(?P<d>\d{{1,2}})\s+(?P<m>{names}){other}\s*,?\s+(?P<y>\d{{4}})",
                    rf"\b(?P<m>{names})\s+(?P<d>\d{{1,2}}),?\s+(?P<y>\d{{4}})"):
        m = re.search(pattern, text, re.I)
        if m:
            try:
                return dt.date(int(m["y"]), months[m["m"].casefold()], int(m["d"]))
            except ValueError:
                return None
    return None


# -- writing statement.yaml ----------------------------------------------------------------

_BLOCK_WORD = re.compile(r"^(#{1,6}|>|[-+*]|=+|-+|\d{1,9}[.)])$")


def wrap(text: str, width: int) -> list[str]:
    """Markdown paragraphs wrapped at ``width``, never starting a line with a word Markdown
    would read as a heading, quote or list marker; list items stay one a line."""
    out: list[str] = []
    for block in text.split("\n\n"):
        if out:
            out.append("")
        for source_line in block.split("\n"):
            indent = source_line[:len(source_line) - len(source_line.lstrip(" "))]
            words = source_line.split(" ")
            words = [w for w in words if w]
            line = indent
            for word in words:
                if line.strip() and len(line) + 1 + len(word) > width and not _BLOCK_WORD.match(word):
                    out.append(line)
                    line = indent + ("   " if _is_item(source_line) else "") + word
                else:
                    line = f"{line} {word}" if line.strip() else line + word
            out.append(line)
    return out


def _is_item(line: str) -> bool:
    return bool(re.match(r"^\s*(-|\d+\.)\s", line))


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    return json.dumps(str(value), ensure_ascii=False)  # a YAML double-quoted scalar


def _block(key: str, text: str, indent: int) -> list[str]:
    """A text field as a block scalar (``key: |``), its Markdown wrapped."""
    pad = " " * indent
    return [f"{pad}{key}: |"] + [f"{pad}  {line}" if line else "" for line in wrap(text, WIDTH - indent - 2)]


def statement_yaml(statement: dict[str, Any], draft_name: str) -> str:
    """The statement as YAML text in the layout of the examples: block scalars for text."""
    from communique.schema import SCHEMA_FILE, modeline

    lines = [modeline(f"../../{SCHEMA_FILE}"),
             f"# Imported from the Word draft {draft_name} by `communique import`. Check every",
             "# field against the draft, give each source a title and a publisher, then remove",
             "# `draft: true`.",
             f"type: {statement['type']}", f"lang: {statement['lang']}",
             f"date: {_scalar(statement['date'])}", "draft: true"]
    for key in ("reference", "title", "subtitle"):
        if key in statement:
            lines.append(f"{key}: {_scalar(statement[key])}")
    for key in ("opening", "summary"):
        if key in statement:
            lines += ["", *_block(key, statement[key], 0)]
    if statement.get("sections"):
        lines += ["", "sections:"]
        for section in statement["sections"]:
            lines.append(f"  - id: {section['id']}")
            if "heading" in section:
                lines.append(f"    heading: {_scalar(section['heading'])}")
            lines += [*_block("body", section["body"], 4), ""]
    if statement.get("chapters"):
        lines += ["", "chapters:"]
        for chapter in statement["chapters"]:
            lines += [f"  - id: {chapter['id']}", f"    heading: {_scalar(chapter['heading'])}"]
            lines += [*_block("body", chapter["body"], 4), ""]
    if "background" in statement:
        lines += ["", "background:"]
        if "heading" in statement["background"]:
            lines.append(f"  heading: {_scalar(statement['background']['heading'])}")
        lines += _block("body", statement["background"]["body"], 2)
    if statement.get("sources"):
        lines += ["", "sources:"]
        for key, source in statement["sources"].items():
            lines.append(f"  {key}:")
            lines += [f"    {name}: {value if name == 'kind' else _scalar(value)}"
                      for name, value in source.items()]
    while lines and not lines[-1]:
        lines.pop()
    text = "\n".join(lines) + "\n"
    return re.sub(r"\n{3,}", "\n\n", text)
