"""Applying a translation: the statement's view with each accepted unit translated, and each
unit that falls back wrapped in the source language's ``lang`` and ``dir``."""

from __future__ import annotations

import copy
from typing import Any

from pydantic import ValidationError

from communique.document import Document, Rich, build_document
from communique.errors import Problem
from communique.i18n import locale as loc
from communique.i18n.content.checks import Positions, Translation, UnitState
from communique.i18n.content.units import Unit


def document(doc: Document, translation: Translation,
             severity: str = "warning") -> tuple[Document, list[Problem]]:
    """The statement with every usable translation in place, other units in the source language.

    The source is parsed once; translations replace field strings before Markdown parsing, so
    each edition numbers its notes from its own text.
    """
    data = copy.deepcopy(doc.located.data)
    accepted = {s.unit.path: s for s in translation.states if s.state == "translated"}
    for path, state in accepted.items():
        if state.entry is not None:  # (a translated unit always has its entry)
            _set(data, path, state.entry.msgstr)
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
                state = found
                line = positions.msgstr_line(state.entry) if positions else 0
                state.state = "invalid"
                state.problems.append(Problem(translation.display, line, 1 if line else 0,
                                              f"'{state.unit.context}': {err['msg']}: the "
                                              f"{loc.name(doc.statement.lang)} text is printed instead",
                                              severity))
                _set(data, state.unit.path, doc.located.get(state.unit.path))
                del accepted[state.unit.path]
                fixed = True
            if not fixed:
                raise
    edition, problems = build_document(statement, doc.located, doc.citations)  # same style, same sources
    wrapper = (doc.statement.lang, loc.direction(doc.statement.lang))
    for state in translation.fallbacks:
        _wrap(edition.view, state.unit, *wrapper)
    return edition, problems


def _state_at(accepted: dict, loc_path: tuple) -> UnitState | None:
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
