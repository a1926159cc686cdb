"""Applying a translation: the statement's view with each accepted unit translated, and each
unit that falls back wrapped in the source language's ``lang`` and ``dir``."""

from __future__ import annotations

import copy
import re
from typing import Any

from pydantic import ValidationError

from communique.document import Document, Rich, build_document
from communique.errors import Problem
from communique.i18n import locale as loc
from communique.i18n.content.checks import Positions, Translation, UnitState
from communique.i18n.content.units import Unit, assemble, paragraphs


def document(doc: Document, translation: Translation,
             severity: str = "warning") -> tuple[Document, list[Problem]]:
    """The statement with every usable translation in place, other units in the source language.

    The source is parsed once; translations replace field strings before Markdown parsing, so
    each edition numbers its notes from its own text.
    """
    data = copy.deepcopy(doc.located.data)
    accepted: dict[tuple, list[UnitState]] = {}  # field path -> its translated units
    for state in translation.states:
        if state.state == "translated" and state.entry is not None:
            accepted.setdefault(state.unit.path, []).append(state)
    for path, states in accepted.items():
        _set(data, path, _translated_field(doc.located.get(path), states))
    data["lang"] = translation.lang
    model = type(doc.statement)
    positions = Positions(translation.text) if translation.text else None
    for _ in range(len(accepted) + 1):
        try:
            statement = model.model_validate(data)
            break
        except ValidationError as exc:
            fixed = False
            for err in exc.errors():
                found = _state_at(accepted, tuple(err["loc"]))
                if found is None:
                    continue
                for state in found:  # the field as written: each of its units falls back
                    line = positions.msgstr_line(state.entry) if positions else 0
                    state.state = "invalid"
                    state.problems.append(Problem(translation.display, line, 1 if line else 0,
                                                  f"'{state.unit.context}': {err['msg']}: the "
                                                  f"{loc.name(doc.statement.lang)} text is printed "
                                                  "instead", severity))
                _set(data, found[0].unit.path, doc.located.get(found[0].unit.path))
                del accepted[found[0].unit.path]
                fixed = True
            if not fixed:
                raise
    edition, problems = build_document(statement, doc.located, doc.citations)  # same style, same sources
    wrapper = (doc.statement.lang, loc.direction(doc.statement.lang))
    fallbacks: dict[tuple, list[Unit]] = {}
    for state in translation.fallbacks:
        fallbacks.setdefault(state.unit.path, []).append(state.unit)
    for path, fallen in fallbacks.items():
        if path in accepted:  # some paragraphs of the field are translated: mark the others
            _wrap_paragraphs(edition.view, path, doc.located.get(path),
                             {u.part - 1 for u in fallen}, *wrapper)
        else:
            _wrap(edition.view, fallen[0], *wrapper)
    return edition, problems


def _translated_field(source: str, states: list[UnitState]) -> str:
    """A field's text with its translated units in place: the whole field, or each translated
    paragraph put back into the source's skeleton (the others stay as written)."""
    if states[0].unit.part == 0 or not isinstance(source, str):
        return str(states[0].entry.msgstr if states[0].entry is not None else source)
    found = paragraphs(source) or []
    replaced = {s.unit.part - 1: s.entry.msgstr for s in states if s.entry is not None}
    return assemble(source, found, replaced)


_BLOCK_TAG = re.compile(r"<(p|li|h[1-6]|blockquote)>")


def _owners(text: str) -> list[int]:
    """For each paragraph of a block text (as ``paragraphs`` counts them), which opening tag of
    ``_BLOCK_TAG`` in its HTML is its own: a tight list's item prints its text in ``<li>``."""
    from communique.content.markup import _markdown

    counted = {"paragraph_open", "heading_open", "list_item_open", "blockquote_open"}
    owners: list[int] = []
    tags = -1
    item = -1
    for token in _markdown().parse(text):
        if token.type in counted and not token.hidden:
            tags += 1
            if token.type == "list_item_open":
                item = tags
        elif token.type == "paragraph_open" and token.hidden:
            owners.append(item)
            continue
        if token.type in ("paragraph_open", "heading_open") and not token.hidden:
            owners.append(tags)
    return owners


def _wrap_paragraphs(view: Any, path: tuple, source: str, numbers: set[int], lang: str,
                     direction: str) -> None:
    """Mark the paragraphs ``numbers`` of a field printed in the source language."""
    parent = view
    for part in path[:-1]:
        parent = parent[part]
    value = parent[path[-1]]
    if not isinstance(value, Rich) or not isinstance(source, str):
        return
    owners = _owners(source)
    marked = {owners[n] for n in numbers if n < len(owners)}
    attrs = f' lang="{loc.html_lang(lang)}" dir="{direction}" class="untranslated"'
    seen = -1
    parts: list = []

    def mark(m: re.Match) -> str:
        nonlocal seen
        seen += 1
        return f"<{m.group(1)}{attrs}>" if seen in marked else m.group()

    for piece in value.parts:
        parts.append(_BLOCK_TAG.sub(mark, piece) if isinstance(piece, str) else piece)
    parent[path[-1]] = Rich(tuple(parts))


def _state_at(accepted: dict, loc_path: tuple) -> list[UnitState] | None:
    for length in range(len(loc_path), 0, -1):
        if loc_path[:length] in accepted:
            return accepted[loc_path[:length]]
    return None


def _set(data: Any, path: tuple, value: Any) -> None:
    for part in path[:-1]:
        data = data[part]
    data[path[-1]] = value


def _wrap(view: Any, unit: Unit, lang: str, direction: str) -> None:
    """Mark a field printed in the source language with that language and direction."""
    parent = view
    for part in unit.path[:-1]:
        parent = parent[part]
    value = parent[unit.path[-1]]
    if not isinstance(value, Rich):
        return
    tag = "div" if unit.kind == "block" else "span"
    attrs = f'lang="{loc.html_lang(lang)}" dir="{direction}" class="untranslated"'
    parent[unit.path[-1]] = Rich((f"<{tag} {attrs}>", *value.parts, f"</{tag}>"))
