"""The one walker over content: every field of a statement, in reading order, with its path.

A statement is a tree of pydantic models, lists and mappings. :func:`children` is the one
place that knows how to step into it: into a validated model (its fields, in declaration
order), or into the raw YAML data of one that failed validation, guided by the model's
annotations (so the Markdown fields can still be checked). Everything that goes over a
statement — the document view (:mod:`communique.document`), duplicate ids, markup checks of
invalid data, the parts of a kind (figures, incidents), the translatable units
(:mod:`communique.i18n.content`) — is built on it.

A *path* is a tuple of field names, list indexes and mapping keys, as
:meth:`communique.content.load.Located.problem` takes it to find a line and column.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel

from communique.content.model import Markdown

T = TypeVar("T", bound=BaseModel)


@dataclass(frozen=True)
class Child:
    """One step into a value: its key (field name, index or mapping key), the value there, the
    annotation it is declared with and, for text, its Markdown kind ('block', 'inline', None)."""

    key: str | int
    value: Any
    annotation: Any
    kind: str | None
    field: str | None  # the model field it belongs to (None for items of a list or mapping)


def children(value: Any, annotation: Any = None, kind: str | None = None) -> Iterator[Child]:
    """The direct children of ``value``: a model's fields, a list's items or a mapping's values.

    ``annotation`` is what ``value`` is declared as; for raw data (a ``dict`` where a model is
    expected) the model is taken from it. Items of a list or mapping inherit ``kind``.
    """
    model = type(value) if isinstance(value, BaseModel) else None
    if model is None and isinstance(value, dict) and not _is_mapping(annotation):
        model = model_in(annotation)
    if model is not None:
        for name, info in model.model_fields.items():
            if isinstance(value, BaseModel):
                child = getattr(value, name)
            elif name in value:
                child = value[name]
            else:
                continue
            yield Child(name, child, info.annotation, markdown_kind(info.annotation, info.metadata),
                        name)
    elif isinstance(value, (list, tuple)):
        item = _item_annotation(annotation)
        for index, child in enumerate(value):
            yield Child(index, child, item, kind, None)
    elif isinstance(value, dict):
        item = _item_annotation(annotation)
        for key, child in value.items():
            yield Child(key, child, item, kind, None)


def walk(value: Any, annotation: Any = None, path: tuple = (), kind: str | None = None,
         skip: frozenset[str] = frozenset()) -> Iterator[tuple[tuple, Any, str | None]]:
    """Every value under ``value`` (itself first) with its path and Markdown kind, depth first
    in reading order. Model fields named in ``skip`` are not entered."""
    yield path, value, kind
    for child in children(value, annotation, kind):
        if child.field not in skip:
            yield from walk(child.value, child.annotation, path + (child.key,), child.kind, skip)


def parts_of(value: Any, kind: type[T], path: tuple = (),
             parent: BaseModel | None = None) -> list[tuple[tuple, T, BaseModel | None]]:
    """Every ``kind`` part of a document (a figure, an incident), whatever its document type:
    its path in the file, the part, and the nearest enclosing part with an id (its section or
    chapter), in reading order."""
    if isinstance(value, kind):
        return [(path, value, parent)]
    inner = value if isinstance(getattr(value, "id", None), str) else parent
    found: list[tuple[tuple, T, BaseModel | None]] = []
    for child in children(value):
        found += parts_of(child.value, kind, path + (child.key,), inner)
    return found


def markdown_kind(annotation: Any, metadata: Any = ()) -> str | None:
    """'block' or 'inline' when the field (or the items of a list field) is Markdown."""
    for meta in (*metadata, *getattr(annotation, "__metadata__", ())):
        if isinstance(meta, Markdown):
            return str(meta)
    for arg in typing.get_args(annotation):
        found = markdown_kind(arg)
        if found:
            return found
    return None


def model_in(annotation: Any) -> type[BaseModel] | None:
    """The pydantic model an annotation holds (directly, in a list or optional), if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = model_in(arg)
        if found:
            return found
    return None


def _strip(annotation: Any) -> Any:
    """The annotation without ``Annotated`` and ``Optional``."""
    while typing.get_origin(annotation) is typing.Annotated or (
            typing.get_origin(annotation) in (typing.Union, types.UnionType)):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if not args:
            break
        annotation = args[0]
    return annotation


def _is_mapping(annotation: Any) -> bool:
    return typing.get_origin(_strip(annotation)) is dict


def _item_annotation(annotation: Any) -> Any:
    """What the items of a list or mapping annotation are declared as."""
    args = typing.get_args(_strip(annotation))
    return args[-1] if args else None
