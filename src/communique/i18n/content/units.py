"""The translatable units of a statement, each with the context that names where it is printed
(``sections/escalation/body/2``), its citations and links.

A Markdown block field is split as po4a splits a document: each paragraph, heading and list
item is a unit of its own, so an edit of one sentence sends only its paragraph back to the
translator. A field of several paragraphs numbers them from 1 (``sections/escalation/body/2``);
a field of one paragraph keeps the field's context (``calls/rights/demands/1``).

A unit's text is normalised: the soft line breaks of the YAML block it came from are spaces (a
hard break, two spaces or a backslash at the end of a line, is kept), so the PO file has no
layout noise for Weblate's or pofilter's newline checks and a re-wrapped source changes
nothing. Everything else of the field (list markers, quote marks, blank lines) is the skeleton
the translated paragraphs are put back into (:func:`assemble`). A field with a block no
paragraph can stand for (code, a setext heading) stays one unit, as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from pydantic import BaseModel

from communique.content.fields import children
from communique.content.markup import InlineCites, NoteMark, parse

PLAIN_TRANSLATABLE = frozenset({"alt"})  # plain-text fields that are prose, not data


NOT_TRANSLATED = frozenset({"sources"})  # bibliographic data: cited as published


KIND_COMMENTS = {
    "block": "Markdown paragraphs (a blank line between paragraphs; *emphasis*, [text](url)).",
    "paragraph": "One Markdown paragraph (*emphasis*, [text](url)): keep it one paragraph.",
    "inline": "Markdown, one line.",
    "plain": "Plain text, read aloud by screen readers.",
}


_PARAGRAPHS = re.compile(r"\n[ \t]*\n")


@dataclass(frozen=True)
class Unit:
    """One translatable text of the source statement."""

    context: str  # the msgctxt: a path of field names and ids
    text: str  # the msgid: the source text
    path: tuple  # where the value sits in the content data (and the document view)
    kind: str  # "block", "inline" or "plain"
    notes: tuple = ()  # the cited keys of each note, in order
    links: tuple = ()  # link targets, sorted
    part: int = 0  # the paragraph's number in its block field, from 1; 0: the whole field
    offset: int = 0  # where the paragraph's text starts in the field's text
    field_context: str = ""  # the field's context (the unit's, less the paragraph's number)

    @property
    def field_name(self) -> str:
        """The field the unit belongs to (``demands`` for ``calls/x/demands/2``)."""
        return next(p for p in reversed(self.path) if isinstance(p, str))


def units(statement: BaseModel) -> list[Unit]:
    """Every translatable unit of a statement, in reading order of its content file."""
    found: list[Unit] = []
    _collect(statement, (), (), None, found)
    seen: set[str] = set()
    out = []
    for unit in found:  # ids are unique; this only guards contexts against odd content
        context = unit.context
        while context in seen:
            context += "+"
        seen.add(context)
        out.append(unit if context == unit.context else replace(unit, context=context))
    return out


def _collect(value: Any, path: tuple, ctx: tuple, kind: str | None, out: list[Unit]) -> None:
    """The translatable texts under ``value``, each with its context: the path of field names,
    ids (or positions from 1 for items without one) and mapping keys."""
    if isinstance(value, str) and kind and value.strip():
        found = paragraphs(value) if kind == "block" else None
        if found is None:
            text = flatten(value) if kind != "block" else value.strip()
            out.append(Unit("/".join(ctx), text, path, kind, *signature(text, kind)))
            return
        field = "/".join(ctx)
        for number, paragraph in enumerate(found, 1):
            context = f"{field}/{number}" if len(found) > 1 else field
            out.append(Unit(context, paragraph.text, path, kind, *signature(paragraph.text, kind),
                            part=number, offset=paragraph.offset, field_context=field))
        return
    # A field the edition does not print (a prose call's addressees) is never asked of a
    # translator, so it can never make a fallback either.
    unprinted = value.unprinted() if hasattr(value, "unprinted") else frozenset()
    for child in children(value, kind=kind):
        if child.field in NOT_TRANSLATED or child.field in unprinted:
            continue
        if child.field is not None:
            label, child_kind = child.field, child.kind or (
                "plain" if child.field in PLAIN_TRANSLATABLE else None)
        elif isinstance(child.key, int):
            item_id = getattr(child.value, "id", None) if isinstance(child.value, BaseModel) else None
            label, child_kind = str(item_id or child.key + 1), kind
        else:
            label, child_kind = str(child.key), kind
        _collect(child.value, path + (child.key,), ctx + (label,), child_kind, out)


def signature(text: str, kind: str) -> tuple[tuple, tuple]:
    """What a translation must keep: the keys cited by each note in order, and link targets."""
    if kind == "plain":
        return (), ()
    rich, _ = parse(text, block=kind == "block")
    notes = []
    for part in rich:
        if isinstance(part, NoteMark):
            keys = [c.key for c in part.cites]
            keys += [c.key for inner in part.text if isinstance(inner, InlineCites) for c in inner.cites]
            notes.append(tuple(keys))
    return tuple(notes), tuple(sorted(_links(text, kind == "block")))


def _links(text: str, block: bool) -> list[str]:
    from communique.content.markup import _markdown

    md = _markdown()
    tokens = md.parse(text) if block else md.parseInline(text)
    found = []
    for token in tokens:
        for child in [token, *(token.children or [])]:
            if child.type == "link_open":
                found.append(str(child.attrGet("href") or ""))
    return found


def same_text(a: str, b: str) -> bool:
    """Equal but for line wrapping and spaces inside paragraphs (a re-wrapped YAML block)."""
    def norm(s: str) -> list[str]:
        return [" ".join(p.split()) for p in _PARAGRAPHS.split(s.strip())]
    return norm(a) == norm(b)


def flatten(text: str) -> str:
    """A paragraph without its soft line breaks: each is one space; a hard break (two spaces or
    a backslash at the end of a line) is kept as it is written."""
    lines = text.strip().split("\n")
    out = lines[0].lstrip()
    for line in lines[1:]:
        if out.endswith(("  ", "\\")) and out.strip():
            out += "\n" + line.strip()
        else:
            out = out.rstrip() + " " + line.strip()
    return out.rstrip()


@dataclass(frozen=True)
class Paragraph:
    """One paragraph (or heading, or list item's paragraph) of a block field."""

    text: str  # normalised (see ``flatten``)
    first: int  # its first line in the field's text, from 0
    last: int  # the line after its last
    prefix: str  # what stands before its text on its first line: a list marker, '> ', '## '
    offset: int  # where its text starts in the field's text


_UNSPLIT = frozenset({"code_block", "fence", "html_block", "table_open"})


def paragraphs(text: str) -> list[Paragraph] | None:
    """The paragraphs of a Markdown block text in reading order, or None when it has a block
    that is not made of paragraphs (code, raw HTML, a setext heading): such a field stays one
    unit."""
    from communique.content.markup import _markdown

    lines = text.split("\n")
    found: list[Paragraph] = []
    tokens = _markdown().parse(text)
    for i, token in enumerate(tokens):
        if token.type in _UNSPLIT or (token.type == "heading_open" and token.markup in ("=", "-")):
            return None
        if token.type != "inline" or token.map is None or not token.content.strip():
            continue
        first, last = token.map
        head = lines[first].rstrip()
        start = head.rfind(token.content.split("\n")[0].rstrip())
        if start < 0 or tokens[i - 1].type not in ("paragraph_open", "heading_open"):
            return None
        offset = sum(len(line) + 1 for line in lines[:first]) + start
        found.append(Paragraph(flatten(token.content), first, last, head[:start], offset))
    return found


_MARKER = re.compile(r"[-+*]|\d+[.)]|#+")


def assemble(text: str, found: list[Paragraph], replaced: dict[int, str]) -> str:
    """``text`` with paragraph ``i`` of ``found`` replaced by ``replaced[i]`` (normalised, its
    hard breaks continued under the paragraph's first line), the rest as it is."""
    lines = text.split("\n")
    out: list[str] = []
    pos = 0
    for i, paragraph in enumerate(found):
        out += lines[pos:paragraph.first]
        if i in replaced:
            # continuation lines: under the text, list markers as spaces, quote marks kept
            under = _MARKER.sub(lambda m: " " * len(m.group()), paragraph.prefix)
            first, *rest = flatten(replaced[i]).split("\n")
            out += [paragraph.prefix + first, *(under + line for line in rest)]
        else:
            out += lines[paragraph.first:paragraph.last]
        pos = paragraph.last
    out += lines[pos:]
    return "\n".join(out)


def note_text(note: tuple) -> str:
    return "[" + "; ".join(f"@{k}" for k in note) + "]"
