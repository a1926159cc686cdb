"""Read a YAML file into plain Python data, remembering where every value came from.

PyYAML's own loaders lose positions, keep the last of two duplicate keys silently and expand
aliases without limit. This loader composes the node graph (which keeps marks), refuses aliases
and duplicate keys with located messages, and builds dicts, lists and scalars itself.
"""

from __future__ import annotations

import bisect
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from communique import characters
from communique.errors import ContentError, Problem

MAX_BYTES = 2 * 1024 * 1024  # a statement is a few kB; anything this large is a mistake or an attack
MAX_DEPTH = 64  # content nests a handful of levels; "[[[[…" thousands deep would exhaust the stack

Path_ = tuple[str | int, ...]


@dataclass(frozen=True)
class Span:
    """Where a value sits in its file (0-based line/column, as PyYAML marks)."""

    line: int
    column: int
    index: int
    end_index: int
    style: str | None = None  # scalar style: None (plain), "'", '"', "|", ">"


@dataclass
class Located:
    """Loaded data plus the position of every node, keyed by its path from the root."""

    data: Any
    source: str
    path: Path
    display: str
    spans: dict[Path_, Span] = field(default_factory=dict)
    key_spans: dict[Path_, Span] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)  # hidden characters in its text
    _line_starts: list[int] | None = field(default=None, repr=False, compare=False)

    def line_column(self, index: int) -> tuple[int, int]:
        """1-based (line, column) of a character of the source, from an index of line starts
        built once: ten thousand problems in a large file cost no more than one."""
        if self._line_starts is None:
            self._line_starts = line_starts(self.source)
        line = bisect.bisect_right(self._line_starts, index)
        return line, index - self._line_starts[line - 1] + 1

    def span(self, path: Path_) -> Span:
        """The span of the value at ``path``, or of its closest existing ancestor."""
        path = tuple(path)
        while path not in self.spans and path:
            path = path[:-1]
        return self.spans.get(path, Span(0, 0, 0, 0))

    def problem(self, path: Path_, message: str, *, offset: int | None = None,
                needle: str | None = None, severity: str = "error", key: bool = False) -> Problem:
        """A problem at ``path``; with ``offset`` into a string value, at that character."""
        line, col = self.position(path, offset=offset, needle=needle, key=key)
        return Problem(self.display, line, col, message, severity)

    def position(self, path: Path_, *, offset: int | None = None, needle: str | None = None,
                 key: bool = False) -> tuple[int, int]:
        """1-based (line, column) of a value, of a key, or of a character inside a string value."""
        path = tuple(path)
        span = self.key_spans.get(path) if key else None
        span = span or self.span(path)
        if offset is not None:
            found = self._locate_in_scalar(path, span, offset, needle)
            if found:
                return found
        return span.line + 1, span.column + 1

    def _locate_in_scalar(self, path: Path_, span: Span, offset: int,
                          needle: str | None) -> tuple[int, int] | None:
        value = self.get(path)
        if not isinstance(value, str):
            return None
        raw = self.source[span.index:span.end_index]
        needle = needle or value[offset:offset + 12]
        if not needle:
            return None
        # The n-th occurrence of the needle in the value is the n-th in the raw text for every
        # scalar style as long as the needle has no escapes or line breaks in it.
        nth = value.count(needle, 0, offset)
        pos = -1
        for _ in range(nth + 1):
            pos = raw.find(needle, pos + 1)
            if pos < 0:
                return None
        return self.line_column(span.index + pos)

    def get(self, path: Path_) -> Any:
        node = self.data
        for part in path:
            try:
                node = node[part]
            except (KeyError, IndexError, TypeError):
                return None
        return node


class _Loader(yaml.SafeLoader):
    """A safe loader that refuses aliases (no billion laughs, no shared mutable nodes) and
    nesting deeper than ``MAX_DEPTH`` (PyYAML composes recursively)."""

    depth = 0

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.MarkedYAMLError(
                None, None,
                "aliases (*name) are not allowed in content files; write the value out",
                event.start_mark)
        if self.depth >= MAX_DEPTH:
            raise yaml.MarkedYAMLError(
                None, None, f"values are nested more than {MAX_DEPTH} levels deep",
                self.peek_event().start_mark)
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def yaml_message(exc: yaml.MarkedYAMLError, text: str) -> tuple[int, int, str]:
    """Line, column and message of a YAML error, in plain words with the fix for the mistakes
    people make (a tab, an unquoted ': ', a line indented wrongly, a quote never closed) and
    PyYAML's own words otherwise."""
    mark = exc.problem_mark or exc.context_mark
    problem, context = exc.problem or "", exc.context or ""
    message = f"{problem} ({context})" if problem and context else problem or context or "invalid YAML"
    line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
    lines = text.splitlines()
    here = lines[line - 1] if 0 < line <= len(lines) else ""
    if "'\\t'" in problem:
        message = "a tab character: use spaces to indent (YAML does not allow tabs there)"
    elif "quoted scalar" in context and exc.context_mark is not None:
        opened = exc.context_mark  # where the quote opens, not where the file ended
        line, col = opened.line + 1, opened.column + 1
        message = ("this quote is never closed: end the text with the same quote mark, or "
                   "write it after `|` on lines of its own, without quotes")
    elif problem == "mapping values are not allowed here":
        before = here[:max(col - 1, 0)]
        if ": " in before.split("#")[0] or before.rstrip().endswith(":"):
            message = ("': ' inside a value starts a new key in YAML: put the text in quotes, "
                       "or after `|` on the lines below it")
        else:
            col = len(here) - len(here.lstrip()) + 1  # the key indented too far
            message = ("wrong indentation: this line is indented more than the key above it; "
                       "line its key up with the keys of the same level")
    elif problem.startswith(("expected <block end>", "did not find expected key",
                             "did not find expected '-' indicator")) or \
            problem == "could not find expected ':'":
        message = ("wrong indentation, or a line that is not 'key: value': line up the keys of "
                   "one level in the same column, and put text with ': ' in quotes")
    return line, col, message


def load_yaml(path: Path, display: str | None = None, text: str | None = None) -> Located:
    """Load ``path`` (or ``text`` read from it); raise ContentError with located problems."""
    display = display or str(path)
    if text is None:
        raw = _read(path, display)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = raw.count(b"\n", 0, exc.start) + 1
            col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
            raise ContentError([Problem(display, line, col, "file is not valid UTF-8")]) from exc
    if len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        raise ContentError([Problem(display, 0, 0, f"file is larger than {MAX_BYTES:,} bytes")])
    text = text.lstrip("\ufeff")
    try:
        loader = _Loader(text)  # the reader refuses control characters here, before parsing
    except yaml.reader.ReaderError as exc:
        raise ContentError([_problem_at(text, display, exc.position, f"invalid YAML: character "
                                        f"U+{exc.character:04X} is not allowed in YAML")]) from None
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        line, col, message = yaml_message(exc, text)
        raise ContentError([Problem(display, line, col, f"invalid YAML: {message}")]) from None
    except yaml.YAMLError as exc:
        raise ContentError([Problem(display, 0, 0, f"invalid YAML: {exc}")]) from None
    except (ValueError, OverflowError) as exc:  # PyYAML's scanner: e.g. "\U00201000" is no character
        mark = loader.get_mark()
        raise ContentError([Problem(display, mark.line + 1, mark.column + 1,
                                    f"invalid YAML: {exc}")]) from None
    finally:
        loader.dispose()
    located = Located(None, text, Path(path), display)
    problems: list[Problem] = []
    if node is None:
        located.data = {}
        return located
    located.data = _build(node, (), located, loader, problems)
    if problems:
        raise ContentError(problems)
    return located


def line_starts(text: str) -> list[int]:
    """The index of the first character of every line of ``text``."""
    return [0, *(m.end() for m in re.finditer("\n", text))]


def _problem_at(text: str, display: str, index: int, message: str,
                severity: str = "error") -> Problem:
    line = text.count("\n", 0, index) + 1
    return Problem(display, line, index - (text.rfind("\n", 0, index) + 1) + 1, message,
                   severity)


def _read(path: Path, display: str) -> bytes:
    """The bytes of a regular file of at most MAX_BYTES (no devices or FIFOs, read no further)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)  # a FIFO must not block the build
        with os.fdopen(fd, "rb") as f:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                raise ContentError([Problem(display, 0, 0, "not a regular file")])
            if info.st_size > MAX_BYTES:
                raise ContentError([Problem(
                    display, 0, 0, f"file is {info.st_size:,} bytes; the limit is {MAX_BYTES:,}")])
            raw = f.read(MAX_BYTES + 1)
    except OSError as exc:
        raise ContentError([Problem(display, 0, 0, f"cannot read file: {exc.strerror}")]) from None
    if len(raw) > MAX_BYTES:
        raise ContentError([Problem(display, 0, 0, f"file is larger than {MAX_BYTES:,} bytes")])
    return raw


def _span(node: yaml.Node) -> Span:
    style = getattr(node, "style", None)
    return Span(node.start_mark.line, node.start_mark.column, node.start_mark.index,
                node.end_mark.index, style if isinstance(node, yaml.ScalarNode) else None)


def _build(node: yaml.Node, path: Path_, located: Located, loader: _Loader,
           problems: list[Problem]) -> Any:
    located.spans[path] = _span(node)
    plain_tag = {yaml.MappingNode: "tag:yaml.org,2002:map",
                 yaml.SequenceNode: "tag:yaml.org,2002:seq"}.get(type(node))  # type: ignore[arg-type]
    if plain_tag and node.tag != plain_tag:  # !!set, !!omap, !!python/…: never content
        problems.append(Problem(located.display, node.start_mark.line + 1,
                                node.start_mark.column + 1,
                                f"invalid value: the tag '{node.tag}' is not allowed in content files"))
        return None
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        first_seen: dict[Any, yaml.Node] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                problems.append(Problem(located.display, key_node.start_mark.line + 1,
                                        key_node.start_mark.column + 1,
                                        "merge keys (<<) are not allowed in content files"))
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                problems.append(Problem(located.display, key_node.start_mark.line + 1,
                                        key_node.start_mark.column + 1, "a key must be plain text"))
                continue
            key = key_node.value  # keys stay text: "2020" and "yes" are names, not numbers
            if key in first_seen:
                first = first_seen[key].start_mark
                problems.append(Problem(
                    located.display, key_node.start_mark.line + 1, key_node.start_mark.column + 1,
                    f"duplicate key '{key}' (first defined at line {first.line + 1}, "
                    f"column {first.column + 1}); YAML would silently keep only the last one"))
                continue
            first_seen[key] = key_node
            located.key_spans[path + (key,)] = _span(key_node)
            result[key] = _build(value_node, path + (key,), located, loader, problems)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, path + (i,), located, loader, problems)
                for i, item in enumerate(node.value)]
    try:
        value = loader.construct_object(node, deep=True)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or node.start_mark
        problems.append(Problem(located.display, mark.line + 1, mark.column + 1,
                                f"invalid value: {getattr(exc, 'problem', None) or exc}"))
        return None
    except Exception as exc:
        reason = str(exc) if isinstance(exc, ValueError) else f"not a valid {node.tag.rsplit(':', 1)[-1]}"
        if node.tag.endswith(":timestamp"):  # 2024-10-32 looks like a date to YAML, and is none
            reason = f"{node.value} is not a date ({reason}); write dates as YYYY-MM-DD"
        problems.append(Problem(located.display, node.start_mark.line + 1,
                                node.start_mark.column + 1, f"invalid value: {reason}"))
        return None
    if isinstance(value, str):  # the rule for every text read (communique.characters)
        bad = characters.refused(value)
        if bad:
            index = _raw_index(located.source, node, value[bad[0]])
            problems.append(Problem(located.display, *located.line_column(index), bad[1]))
        hidden = characters.hidden(value) if path[-1:] != ("url",) else None
        if hidden:  # (a URL's own check refuses them outright)
            index = _raw_index(located.source, node, value[hidden[0]])
            located.warnings.append(Problem(located.display, *located.line_column(index),
                                            hidden[1], "warning"))
    return value


def _raw_index(source: str, node: yaml.Node, ch: str) -> int:
    """Where a character of a scalar is in the file: the character itself, or the escape that
    wrote it (``\\x01``, ``\\u202e``) when it appears only so; else the scalar's start."""
    start, end = node.start_mark.index, node.end_mark.index
    found = source.find(ch, start, end)
    if found < 0:
        code, raw = ord(ch), source[start:end].lower()
        for escape in (f"\\x{code:02x}", f"\\u{code:04x}", f"\\U{code:08x}".lower()):
            found = raw.find(escape)
            if found >= 0:
                found += start
                break
    return found if found >= 0 else start
