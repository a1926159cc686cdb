"""Building statements: read, check, render and write every edition atomically.

A build goes in four steps: *plan* the editions (statement x language), compare each one's
*fingerprint* with the record of the last build and keep those whose inputs did not change,
*execute* the others in a pool of worker processes (:func:`run_edition` is what a worker runs,
and all the per-edition work lives below it), then *write* the record and the build report.
The content model, Jinja2 and WeasyPrint are imported only where an edition is really built,
so a build with nothing to do stays quick.
"""

from __future__ import annotations

import functools
import os
import tempfile
import time
from dataclasses import dataclass, field, fields
from pathlib import Path
from collections.abc import Generator, Iterable
from typing import TYPE_CHECKING

from communique.errors import ContentError, Problem
from communique.workspace import BUILTIN_TEMPLATES, Workspace

if TYPE_CHECKING:
    from communique.document import Document
    from communique.render.pdf import Printout


@dataclass
class Edition:
    """One statement in one language, and what building it produced."""

    slug: str
    lang: str
    html_path: Path | None = None
    pdf_path: Path | None = None
    pages: int = 0
    notes: int = 0
    seconds: float = 0.0
    problems: list[Problem] = field(default_factory=list)  # this edition's, statement's included
    cached: bool = False  # up to date: its inputs had not changed, so it was not rebuilt
    # A translated edition: its translatable units, and how many of them fell back to the
    # source text (untranslated, fuzzy, outdated). None for the source language.
    units: int | None = None
    fallbacks: int | None = None

    @property
    def warnings(self) -> int:
        return sum(not p.is_error for p in self.problems)


@dataclass
class Result:
    editions: list[Edition] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)  # slugs (or slug/lang) that produced no output
    seconds: float = 0.0

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def built(self) -> list[Edition]:
        return [e for e in self.editions if not e.cached]


@dataclass(frozen=True)
class Job:
    """One edition to build, as plain data a worker process receives."""

    path: Path  # the statement.yaml
    lang: str
    workspace: Workspace
    write: bool = True
    pdf: bool = True  # False: only the web page (the preview server's first, fast pass)
    options: tuple[tuple[str, object], ...] = ()  # build options that change the output
    langs: tuple[str, ...] = ()  # the languages of all the statement's editions

    @property
    def slug(self) -> str:
        return self.path.parent.name

    @property
    def key(self) -> str:
        return f"{self.slug}/{self.lang}"


@dataclass
class Outcome:
    """What a worker sends back: plain data only."""

    job: Job
    edition: Edition | None  # None: the edition could not be built
    problems: list[Problem]
    opened: list[str]  # files read while building it, for the incremental-build record
    seconds: float


class Progress:
    """What :func:`build` tells while it runs; the command line draws a bar from it."""

    def planned(self, total: int, to_build: int) -> None:
        """``total`` editions, of which ``to_build`` are out of date."""

    def finished(self, outcome: Outcome) -> None:
        """One edition was built (or failed)."""


def statement_paths(workspace: Workspace, paths: list[Path]) -> tuple[list[Path], list[Problem]]:
    """Resolve command-line paths (folders or files) to ``statement.yaml`` files."""
    if not paths:
        return workspace.statements(), []
    found, problems = [], []
    for path in paths:
        if path.is_dir() and (path / "statement.yaml").is_file():
            found.append(path / "statement.yaml")
        elif path.is_dir():
            inside = sorted(path.glob("*/statement.yaml"))
            if inside:
                found.extend(inside)
            else:
                problems.append(Problem(workspace.display(path), 0, 0, "no statement.yaml here"))
        elif path.is_file():
            found.append(path)
        else:
            problems.append(Problem(str(path), 0, 0, "no such file or folder"))
    return found, problems


def load(path: Path, workspace: Workspace) -> tuple[Document | None, list[Problem]]:
    """Read and check one statement; the document is None when it has errors."""
    from communique.content import read_statement
    from communique.content.assets import figure_problems
    from communique.citations import prepare
    from communique.document import build_document
    from communique.sandbox import Refused, contained

    display = workspace.display(path)
    try:  # the sandbox's rule: a statement (or a symlink to one) outside the workspace is refused
        contained(path, [workspace.root], name="the statement")
        statement, located = read_statement(
            path, display, default_type=workspace.settings.documents.default_type)
        citations, problems = prepare(statement, located, workspace)
        doc, more = build_document(statement, located, citations)
        problems += located.warnings + more
        problems += figure_problems(statement, located, workspace.root)
    except Refused as exc:
        return None, [Problem(display, 0, 0, str(exc))]
    except ContentError as exc:
        return None, exc.problems
    except Exception as exc:  # noqa: BLE001 -- one statement's failure must not stop the others
        return None, [statement_failure(display, exc)]
    if any(p.is_error for p in problems):
        return None, problems
    return doc, problems


def statement_failure(where: str, exc: Exception) -> Problem:
    """A statement that could not be read for a reason no check foresaw (content nested past
    Python's stack, no memory left): one line naming it, never a traceback."""
    detail = " ".join(str(exc).split()) or "no details"
    if isinstance(exc, MemoryError):
        detail = "the machine ran out of memory"
    elif isinstance(exc, RecursionError):
        detail = "its content is nested too deeply"
    return Problem(where, 0, 0, f"the statement could not be read ({type(exc).__name__}: "
                   f"{detail}); the other statements are built")


def languages(doc: Document, workspace: Workspace) -> list[str]:
    """The languages a statement is built in: its own first, then those of the workspace's
    ``languages`` setting and of its PO files (``communique.i18n.editions``)."""
    from communique.i18n.editions import languages as edition_languages

    return edition_languages(doc, workspace)


def build(workspace: Workspace, paths: list[Path], *, write: bool = True, jobs: int | None = None,
          force: bool = False, options: dict | None = None, pdf: bool = True,
          progress: Progress | None = None, only: Iterable[str] = ()) -> Result:
    """Build (or with ``write=False`` only check) the statements at ``paths`` (default: all).

    ``jobs`` worker processes build the editions (default: one a core; 1 builds in this
    process). Editions whose inputs are unchanged since the last build are not rebuilt unless
    ``force``; their recorded results and problems are reported again. ``options`` are the
    settings of this run that change the output (they are part of every fingerprint).
    ``pdf=False`` writes only the web pages and leaves the record alone. Presses started
    earlier in this process (by the command line, or the preview server) are used when waiting.
    ``only`` limits the build to the editions in these languages (``build --lang``); the others
    are neither built nor reported, and their record is kept. A language no statement has is an
    error.
    """
    from communique import cache, presses

    started = time.perf_counter()
    progress = progress or Progress()
    result = Result()
    files, result.problems = statement_paths(workspace, paths)
    record = cache.Cache.load(workspace.build_dir)
    digests = cache.Digests(record.files)
    prints = cache.Fingerprints(workspace.root, BUILTIN_TEMPLATES, digests, options)
    incremental = write and pdf and not force
    frozen_options = tuple(sorted((options or {}).items()))
    count = 1 if not (write and pdf) else (jobs or presses.default_jobs())

    # 1. Plan: the languages of each statement (known from the record while its folder is unchanged).
    planned: list[tuple[Path, list[str]]] = []
    loaded: dict[Path, tuple] = {}  # statements read while planning, for their first edition
    for path in files:
        slug = path.parent.name
        fingerprint = prints.statement(path.parent)
        known = record.statements.get(slug)
        if incremental and known and known.get("fingerprint") == fingerprint:
            planned.append((path, known["langs"]))
            continue
        if count > 1 and (len(files) > 1 or len((known or {}).get("langs", ())) > 1):
            presses.warm(count)  # editions to build: the presses import WeasyPrint meanwhile
        with cache.recording() as read:
            doc, problems = load(path, workspace)
        if doc is None:
            result.problems.extend(problems)
            result.failed.append(slug)
            record.statements.pop(slug, None)
            continue
        langs = languages(doc, workspace)
        if count > 1 and len(langs) > 1:  # (a statement never built before: now it is known)
            presses.warm(count)
        loaded[path] = (doc, problems, read)
        record.statements[slug] = {"fingerprint": fingerprint, "langs": langs,
                                   "path": path.resolve().relative_to(workspace.root.resolve())
                                   .as_posix() if path.resolve().is_relative_to(
                                       workspace.root.resolve()) else str(path.resolve())}
        planned.append((path, langs))

    # 2. Fingerprint: keep the editions whose inputs are as they were when last built.
    todo: list[Job] = []
    fixed: dict[str, str] = {}
    wanted = {code.lower() for code in only}
    if wanted:
        known = sorted({lang for _, langs in planned for lang in langs})
        for code in sorted(wanted - {lang.lower() for lang in known}):
            result.problems.append(Problem(workspace.display(workspace.content_dir), 0, 0,
                                           f"--lang {code}: no statement "
                                           f"has an edition in '{code}' (languages: "
                                           f"{', '.join(known) or 'none'})"))
    for path, langs in planned:
        for lang in langs:
            if wanted and lang.lower() not in wanted:
                continue
            job = Job(path, lang, workspace, write, pdf, frozen_options, tuple(langs))
            fixed[job.key] = prints.edition(path.parent, lang, langs)
            entry = record.editions.get(job.key)
            edition = _edition_from_record(entry["result"]) if entry else None
            if (incremental and edition is not None and entry.get("fixed") == fixed[job.key]
                    and prints.unchanged(entry.get("inputs", {})) and _outputs_exist(edition)):
                edition.cached = True
                result.editions.append(edition)
                result.problems.extend(edition.problems)
            else:
                todo.append(job)
    # Longest first (by the last build's times), so that no long edition is left running alone
    # at the end while the other workers idle.
    todo.sort(key=lambda job: -record.editions.get(job.key, {}).get("result", {}).get(
        "seconds", float("inf")))
    progress.planned(len(todo) + len(result.editions), len(todo))

    # 3. Execute: this process prepares each edition while presses print the previous ones.
    from communique.render import verify
    from communique.render.pdf import press_print

    steps = functools.partial(edition_steps, loaded=loaded)
    for outcome in presses.run(steps, todo, count, print_here=press_print,
                               crashed=_crashed, finish=_finished, while_waiting=verify.prepare):
        job = outcome.job
        result.problems.extend(outcome.problems)
        if outcome.edition is None:
            result.failed.append(job.key)
            record.editions.pop(job.key, None)
        else:
            outcome.edition.problems = list(dict.fromkeys(outcome.problems))
            result.editions.append(outcome.edition)
            if write and pdf:
                inputs = prints.inputs(prints.relevant(outcome.opened, job.path.parent))
                record.editions[job.key] = {"fixed": fixed[job.key], "inputs": inputs,
                                            "result": _edition_to_record(outcome.edition)}
        progress.finished(outcome)

    # 4. Write the record and the report; the same problem from several editions is told once.
    result.problems = list(dict.fromkeys(result.problems))
    result.editions.sort(key=lambda e: (e.slug, e.lang))
    result.failed.sort()
    if write and pdf:
        record.save(digests)
        from communique.report import write_report

        write_report(workspace, record)
    result.seconds = time.perf_counter() - started
    return result


def edition_steps(job: Job, loaded: dict[Path, tuple] | None = None
                  ) -> Generator[object, Printout | None, Outcome]:
    """Build one edition: read and render it here, yield what to print and later receive the
    printout (from a press, :mod:`communique.presses`, or this process), then check and write
    it. Every error is caught: the outcome says what went wrong.

    ``loaded`` holds statements already read (with their problems and the files read): the
    first edition of each takes its statement from there instead of reading it again.
    """
    from communique.render.html import TemplateError

    edition = translation = None
    earlier = (loaded or {}).pop(job.path, None)
    if earlier is not None:
        doc, problems, read = earlier[0], list(earlier[1]), sorted(earlier[2])
    else:
        (doc, problems), read = load(job.path, job.workspace), []
    publish = bool(dict(job.options).get("publish"))  # publishing is strict, and more
    strict, fallback = publish or bool(dict(job.options).get("strict")), False
    if doc is not None:  # another language: the same statement with its translation applied
        from communique.i18n.editions import prepare

        try:
            prepared = prepare(doc, job.workspace, job.lang, strict=strict)
        except Exception as exc:  # noqa: BLE001 -- a crash in one edition must not stop the others
            return Outcome(job, None, problems + [edition_failure(job.workspace.display(job.path),
                                                                  job.lang, exc)], read, 0.0)
        doc, fallback = prepared.doc, prepared.fallback
        translation = prepared.translation
        problems += prepared.problems
    if publish and problems:  # a warning in the content (a source never cited) stops it too
        problems, doc = publication_problems(problems), None
    if doc is not None:
        try:
            edition, more = yield from build_edition(doc, job.slug, job.workspace, write=job.write,
                                                     pdf=job.pdf, fallback=fallback,
                                                     strict=strict, publish=publish,
                                                     languages=job.langs)
            problems += more
            if edition is not None and translation is not None:
                edition.units = len(translation.states)
                edition.fallbacks = len(translation.fallbacks)
        except TemplateError as exc:
            problems.append(exc.problem)
        except Exception as exc:  # noqa: BLE001 -- a crash in one edition must not stop the others
            problems.append(edition_failure(job.workspace.display(job.path), job.lang, exc))
    return Outcome(job, edition, problems, read, 0.0)


def _finished(outcome: Outcome, opened: set[str], seconds: float) -> Outcome:
    """An outcome completed with the files its edition read and the time its steps took."""
    outcome.opened = sorted(opened.union(outcome.opened))
    outcome.seconds = seconds
    if outcome.edition is not None:
        outcome.edition.seconds = seconds
    return outcome


def _crashed(job: Job, exc: BaseException) -> Outcome:
    """The outcome of an edition whose worker process died (a crash in a C library, no memory)."""
    problem = edition_failure(job.workspace.display(job.path), job.lang, exc)
    return Outcome(job, None, [problem], [], 0.0)


def _outputs_exist(edition: Edition) -> bool:
    return all(p is None or p.is_file() for p in (edition.html_path, edition.pdf_path))


def _edition_to_record(edition: Edition) -> dict:
    """An edition's result as JSON data for the incremental-build record."""
    data = {}
    for f in fields(Edition):
        value = getattr(edition, f.name)
        if f.name == "problems":
            value = [[p.path, p.line, p.column, p.message, p.severity] for p in value]
        elif isinstance(value, Path):
            value = str(value)
        data[f.name] = value
    data.pop("cached", None)
    return data


def _edition_from_record(data: dict) -> Edition | None:
    """The recorded result of an edition, or None when the record does not fit this version."""
    try:
        known = {f.name for f in fields(Edition)}
        values = {k: v for k, v in data.items() if k in known}
        values["problems"] = [Problem(*p) for p in values.get("problems", [])]
        for name in ("html_path", "pdf_path"):
            if values.get(name):
                values[name] = Path(values[name])
        return Edition(**values)
    except (TypeError, ValueError):
        return None


def edition_failure(where: str, lang: str, exc: Exception) -> Problem:
    """An edition that crashed (WeasyPrint, a full disk), as a problem naming the statement."""
    if isinstance(exc, MemoryError):  # WeasyPrint's layout of a huge table, say: one line
        return Problem(where, 0, 0, f"the {lang} edition could not be built: it needs more "
                       "memory than the machine could give (MemoryError); its previous output "
                       "is left as it was")
    detail = " ".join(str(exc).split()) or "no details"
    return Problem(where, 0, 0, f"the {lang} edition could not be built "
                   f"({type(exc).__name__}: {detail}); its previous output is left as it was")


def build_edition(doc: Document, slug: str, workspace: Workspace, *, write: bool,
                  pdf: bool = True, fallback: bool = False, strict: bool = False,
                  publish: bool = False, languages: tuple[str, ...] = ()
                  ) -> Generator[object, Printout | None, tuple[Edition | None, list[Problem]]]:
    """Render the print and web HTML, have the PDF printed, check it, and write both outputs.

    The print request is yielded as soon as the print HTML is ready, so that a press prints
    while the web page is rendered here; then the generator yields ``AWAIT`` and receives the
    printout (see :func:`communique.presses.run`).

    With ``pdf=False`` only the web page is written (the preview server shows it first).
    ``fallback`` says some of the text is printed in the source language (a missing
    translation); with ``strict`` a template string without translation is an error. An
    edition with errors (a missing glyph in the PDF among them) is not written: None.
    ``publish`` (``build --publish``) refuses a draft, and makes every warning an error.
    ``languages`` are those of all the statement's editions: the web page links to the others.
    """
    from communique.i18n import ui
    from communique.i18n.editions import pdf_problem
    from communique.presses import AWAIT
    from communique.render.html import render
    from communique.render.pdf import edition_pdf, edition_request

    lang = doc.statement.lang
    edition = Edition(slug, lang)
    if publish and doc.statement.draft:
        return None, [doc.located.problem(("draft",), "the statement is marked 'draft: true'; "
                                          "--publish refuses drafts", key=True)]
    severity = "error" if strict else "warning"
    strings, problems = ui.load(workspace, lang, severity=severity)  # the templates' own words
    if any(p.is_error for p in problems):
        return None, problems
    if write and pdf:  # printing starts first: it takes longest
        printed_html = render(doc, workspace, "print", fallback=fallback, strings=strings)
        request, more = edition_request(doc, printed_html, workspace)
        problems += more
        yield request
    web = render(doc, workspace, "web", fallback=fallback, strings=strings, languages=languages)
    problems += web.problems + strings.problems(severity)
    if any(p.is_error for p in problems):
        return None, problems
    edition.notes = len(web.notes)
    where = doc.located.display
    if not write:
        return edition, problems
    if not pdf:
        edition.html_path = workspace.build_dir / slug / lang / "index.html"
        write_atomic(edition.html_path, web.html.encode("utf-8"))
        return edition, problems
    printout = yield AWAIT  # printed and its first page drawn, here or in a press
    made = edition_pdf(doc, printed_html, request, printout)  # checked
    printed = made.printed
    edition.pages = printed.pages
    for message in printed.warnings:
        problems.append(pdf_problem(where, lang, message))  # a missing glyph is an error
    problems += made.problems  # notes away from their call, layout faults, the structure check
    if publish:
        problems = publication_problems(problems)
    if any(p.is_error for p in problems):
        return None, problems  # the previous output stays as it was
    out = workspace.build_dir / slug / lang
    edition.pdf_path = out / f"{slug}-{lang}.pdf"
    edition.html_path = out / "index.html"
    write_atomic(edition.pdf_path, printed.pdf)
    write_atomic(out / f"{slug}-{lang}.png", made.thumbnail)  # the first page, for the report
    write_atomic(edition.html_path, web.html.encode("utf-8"))
    from communique.citations.export import files as data_files

    for name, data in data_files(doc, web.notes, f"{slug}-{lang}").items():
        write_atomic(out / name, data)  # sources (CSL-JSON, CSV), incidents (JSON, CSV)
    return edition, problems


def publication_problems(problems: list[Problem]) -> list[Problem]:
    """What is published must be right: each warning becomes an error that says why."""
    return [p if p.is_error else Problem(p.path, p.line, p.column,
                                         f"{p.message} (--publish refuses warnings)", "error")
            for p in problems]


def write_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary file beside ``path`` and rename it into place: never half a file.

    A build killed mid-write leaves only a hidden ``.<name>.<pid>.<random>.tmp``; the next
    write in that folder removes those whose process is gone.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(path.parent)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(folder)  # the rename itself survives a power cut
    finally:
        os.close(folder)


def remove_stale_temporaries(folder: Path) -> None:
    """Delete temporary files left in ``folder`` by builds that were killed before renaming."""
    for tmp in folder.glob(".*.tmp"):
        pid = tmp.name.split(".")[-3] if tmp.name.count(".") >= 4 else ""
        if not pid.isdigit() or _alive(int(pid)):
            continue
        tmp.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's live process
    return True
