"""pydantic's validation errors as located problems: one translation for statements and settings.

A statement (``content``) and the workspace's settings (``workspace``) are both validated by
pydantic models; each error becomes a :class:`~communique.errors.Problem` at the line and column
of the key or value concerned, in the user's words: "missing required field 'title'", "unknown
setting 'colours.acent' (did you mean 'accent'?)". Where the text is found is the caller's
business (YAML and TOML keep positions differently): it passes a ``place`` function.
"""

from __future__ import annotations

import difflib
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

from communique.errors import Problem

# place(path, message, key): the problem at a path's key (key=True) or value
Place = Callable[[tuple, str, bool], Problem]
# refine(error, path, name, message): a better message for an error, or None to keep pydantic's
Refine = Callable[[Any, tuple, str, str], "tuple[str, bool] | None"]


@dataclass(frozen=True)
class Wording:
    """How a kind of file names what it holds."""

    noun: str  # "field", "setting"
    missing: str  # "missing required field"
    known: str  # "known fields"


FIELDS = Wording("field", "missing required field", "known fields")
SETTINGS = Wording("setting", "missing setting", "known settings here")


def problems(exc: ValidationError, model: type[BaseModel], place: Place, wording: Wording = FIELDS,
             refine: Refine | None = None) -> list[Problem]:
    """Every error of ``exc`` (from validating against ``model``) as a located problem."""
    return [_problem(err, model, place, wording, refine) for err in exc.errors()]


def _problem(err: Any, model: type[BaseModel], place: Place, wording: Wording,
             refine: Refine | None) -> Problem:
    loc = tuple(p for p in err["loc"]
                if p != "[key]" and not (isinstance(p, str) and p.startswith("function-")))
    name = field_name(loc)
    kind = err["type"]
    if kind == "missing":
        return place(loc[:-1], f"{wording.missing} '{name}'", False)
    if kind == "extra_forbidden":
        known = known_fields(model, loc[:-1])
        close = difflib.get_close_matches(str(loc[-1]), known, n=1)
        hint = (f" (did you mean '{close[0]}'?)" if close
                else f"; {wording.known}: {', '.join(known)}" if known else "")
        return place(loc, f"unknown {wording.noun} '{name}'{hint}", True)
    plain = plain_message(err, name)
    if plain is not None:
        return place(loc, plain, False)
    message = err["msg"].removeprefix("Value error, ")
    better = refine(err, loc, name, message) if refine else None
    if better is not None:
        message, key = better
        return place(loc, f"{name}: {message}", key)
    return place(loc, f"{name}: {message}", False)


def plain_message(err: Any, name: str) -> str | None:
    """pydantic's commonest messages in the words of the people who write the files (an empty
    title, a date written another way, a negative figure), or None to keep pydantic's."""
    kind, given, ctx = err["type"], err.get("input"), err.get("ctx") or {}
    shown = f" (got '{given}')" if isinstance(given, str) else ""
    if kind == "string_too_short" and ctx.get("min_length") == 1:
        return f"{name} is empty"
    if kind == "date_from_datetime_parsing" or (kind == "date_parsing" and isinstance(given, str)):
        return f"{name}: write dates as YYYY-MM-DD, e.g. 2024-10-14{shown}"
    if kind == "datetime_parsing" or kind == "datetime_from_date_parsing":
        return f"{name}: write a moment as YYYY-MM-DDTHH:MM with its time zone, e.g. " \
               f"2024-10-14T00:01:00+00:00{shown}"
    if kind == "string_type" and isinstance(given, (int, float)) and not isinstance(given, bool):
        return f"{name}: must be text (got the number {given}: put it in quotes to make it text)"
    if kind in ("greater_than_equal", "greater_than") and ("ge" in ctx or "gt" in ctx):
        bound = ctx.get("ge", ctx.get("gt"))
        return f"{name}: must be {bound} or more" if "ge" in ctx else f"{name}: must be more than {bound}"
    if kind == "too_short" and ctx.get("min_length"):
        count = ctx["min_length"]
        return f"{name}: give at least {count} item{'s' if count != 1 else ''}"
    return None


def field_name(loc: tuple) -> str:
    """A path as the user writes it, list positions counted from 1 as people count:
    ``sections[2].incidents[1].date`` is the first incident of the second section."""
    out = ""
    for part in loc:
        out += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def known_fields(model: type[BaseModel], loc: tuple) -> list[str]:
    """Field names of the model found at ``loc``, following nested models, lists and dicts."""
    current: object = model
    skip = 0  # list indexes and dict keys step into a container's item type, already unwrapped
    for part in loc:
        if skip:
            skip -= 1
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return []
        info = current.model_fields.get(str(part))
        if info is None:
            return []
        current, skip = _item_type(info.annotation)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _item_type(annotation: Any) -> tuple[object, int]:
    """The model inside an annotation, and how many path parts its containers add."""
    depth = 0
    while True:
        origin = typing.get_origin(annotation)
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if origin is typing.Annotated or (origin in (typing.Union, types.UnionType) and args):
            annotation = args[0]
        elif origin in (list, dict) and args:
            annotation, depth = args[-1], depth + 1
        else:
            return annotation, depth
