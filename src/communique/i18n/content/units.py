"""The translatable units of a statement: its text fields, each with the context that names
where it is printed (``sections/escalation/body``), its citations and links."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from communique.content.fields import children
from communique.content.markup import InlineCites, NoteMark, parse

PLAIN_TRANSLATABLE = frozenset({"alt"})  # plain-text fields that are prose, not data


NOT_TRANSLATED = frozenset({"sources"})  # bibliographic data: cited as published


KIND_COMMENTS = {
    "block": "Markdown paragraphs (a blank line between paragraphs; *emphasis*, [text](url)).",
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
        out.append(unit if context == unit.context else Unit(context, unit.text, unit.path,
                                                             unit.kind, unit.notes, unit.links))
    return out


def _collect(value: Any, path: tuple, ctx: tuple, kind: str | None, out: list[Unit]) -> None:
    """The translatable texts under ``value``, each with its context: the path of field names,
    ids (or positions from 1 for items without one) and mapping keys."""
    if isinstance(value, str) and kind and value.strip():
        text = value.strip()
        notes, links = signature(text, kind)
        out.append(Unit("/".join(ctx), text, path, kind, notes, links))
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

def note_text(note: tuple) -> str:
    return "[" + "; ".join(f"@{k}" for k in note) + "]"
