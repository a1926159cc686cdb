"""Reading content files: YAML with positions, validated against the schema."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from communique import validation
from communique.content.fields import walk
from communique.content.load import Located, load_yaml
from communique.content.markup import cited_keys, parse
from communique.content.model import DOCUMENT_TYPES, Statement
from communique.errors import ContentError, Problem


def read_statement(path: Path, display: str | None = None, *,
                   default_type: str = "public-statement",
                   internal: Iterable[str] = ()) -> tuple[Statement, Located]:
    """Load and validate a ``statement.yaml``; raise ContentError listing every problem.

    The ``type`` field picks the document model (``default_type`` when it is absent). When the
    schema is not met, the Markdown fields that can still be found are checked too, so one run
    reports every problem of the file. Keys named in ``internal`` (the workspace's
    ``[internal] fields``) are taken out of the data before anything else sees it: what is
    written for colleagues can then reach no output, whatever a template prints.
    """
    located = load_yaml(path, display)
    names = frozenset(internal)
    if names:
        located.data = without_internal(located.data, names)
    model = document_model(located, default_type)
    try:
        statement = validate(located, model)
    except ContentError as exc:
        raise ContentError(exc.problems + raw_markup_problems(located, model)) from None
    problems = _duplicate_ids(located, statement)
    if problems:
        raise ContentError(problems)
    return statement, located


def without_internal(data: Any, names: frozenset[str], path: tuple = ()) -> Any:
    """``data`` without the mapping keys in ``names``, at any level (source ids are ids, not
    fields: a source may be called anything)."""
    if isinstance(data, dict):
        ids = path == ("sources",)
        return {key: without_internal(value, names, path + (key,)) for key, value in data.items()
                if ids or key not in names}
    if isinstance(data, list):
        return [without_internal(item, names, path + (i,)) for i, item in enumerate(data)]
    return data


def document_model(located: Located, default_type: str) -> type[Statement]:
    """The model of the file's document type.

    The type is read before validation (rather than through pydantic's discriminated union)
    so that every other error is located without the union's tag in its path, and a missing
    ``type`` can fall back to the workspace's default.
    """
    data = located.data if isinstance(located.data, dict) else {}
    kind = data.get("type", default_type)
    if isinstance(kind, str) and kind in DOCUMENT_TYPES:
        return DOCUMENT_TYPES[kind]
    close = difflib.get_close_matches(str(kind), list(DOCUMENT_TYPES), n=1)
    hint = f"did you mean '{close[0]}'?" if close else f"known types: {', '.join(DOCUMENT_TYPES)}"
    raise ContentError([located.problem(("type",), f"unknown document type '{kind}' ({hint})")])


def validate(located: Located, model: type[BaseModel]):
    if not isinstance(located.data, dict):
        raise ContentError([located.problem((), "expected a mapping of fields (key: value) at the top")])
    try:
        return model.model_validate(located.data)
    except ValidationError as exc:
        def place(path: tuple, message: str, key: bool) -> Problem:
            return located.problem(path, message, key=key)

        raise ContentError(validation.problems(exc, model, place, refine=_refine)) from None


def _refine(err: Any, loc: tuple, name: str, message: str) -> tuple[str, bool] | None:
    """Messages of the statement schema in its writers' words (see communique.validation)."""
    kind, given = err["type"], err.get("input")
    if kind == "string_pattern_mismatch" and err["loc"][-1:] == ("[key]",):
        return "not a valid id (use letters, digits and - _ : . /)", True
    if kind == "string_pattern_mismatch":
        return ("not a valid id: use lower-case letters, digits and '-'" if loc[-1] == "id"
                else "not a valid language code (e.g. en, ru, ar)" if loc[-1] == "lang"
                else message), False
    if kind.endswith("_type") or (kind.endswith("_parsing") and not isinstance(given, (dict, list))):
        return f"{message} (got {_describe(given)})", False
    return None


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"{str(value).lower()}, a yes/no value (quote it to make it text)"
    if isinstance(value, (dict, list)):
        return "a mapping" if isinstance(value, dict) else "a list"
    return f"{type(value).__name__} {value!r}"


def raw_markup_problems(located: Located, model: type[BaseModel]) -> list[Problem]:
    """Markup problems and unknown sources in data that failed the schema (best effort), so
    that one run reports every problem of the file."""
    problems: list[Problem] = []
    data = located.data if isinstance(located.data, dict) else {}
    raw_sources = data.get("sources")
    known = set(raw_sources) if isinstance(raw_sources, dict) else None
    for path, value, kind in walk(data, model):
        if not (isinstance(value, str) and kind):
            continue
        rich, found = parse(value, block=kind == "block")
        for p in found:
            problems.append(located.problem(path, p.message, offset=p.offset, needle=p.needle))
        for cite in cited_keys(rich):
            if known is not None and cite.key not in known:
                problems.append(located.problem(path, f"unknown source '@{cite.key}'",
                                                offset=cite.offset, needle="@" + cite.key))
    return problems


def _duplicate_ids(located: Located, statement: BaseModel) -> list[Problem]:
    """Ids name parts of the page (``#escalation``): each may be used once in a document.
    Source ids are keys of their own namespace."""
    seen: dict[str, tuple] = {}
    problems = []
    for path, item, _ in walk(statement, skip=frozenset({"sources"})):
        item_id = getattr(item, "id", None) if isinstance(item, BaseModel) else None
        if not (isinstance(item_id, str) and path):
            continue
        if item_id in seen:
            first = located.position(seen[item_id] + ("id",))
            problems.append(located.problem(path + ("id",),
                                            f"duplicate id '{item_id}' (first used at line {first[0]})"))
        else:
            seen[item_id] = path
    return problems
