"""Building statements: every edition read, checked, made into its outputs and written whole.

A build goes in four named steps:

1. :func:`plan` — which statements, and in which languages (known from the record while a
   statement's folder is unchanged, else read now);
2. :func:`select` — each edition's *fingerprint* compared with the record of the last
   build: those whose inputs did not change are reported from the record, the others are to do;
3. :func:`execute` — the editions to do are built, this process reading and rendering while
   presses (worker processes, :mod:`communique.presses`) print; one edition is
   :func:`communique.build.edition.edition_steps`;
4. :func:`record` — the site is brought up to date when ``[site]`` asks for one
   (:mod:`communique.site`), then the incremental record and the build report are written.

The content model, Jinja2 and WeasyPrint are imported only where an edition is really built,
so a build with nothing to do stays quick.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from communique.build.model import BuildOptions, Edition, Job, Outcome, Progress, Result, summarised
from communique.errors import Problem, printable
from communique.workspace import BUILTIN_TEMPLATES, Workspace, settings_warnings, slug_problem

if TYPE_CHECKING:
    from communique.build.edition import Loaded
    from communique.cache import Cache, Fingerprints

__all__ = ["BuildOptions", "Edition", "Job", "Outcome", "Progress", "Result", "build", "summarised"]


def build(workspace: Workspace, paths: list[Path], *, write: bool = True, jobs: int | None = None,
          force: bool = False, options: BuildOptions | None = None,
          outputs: Iterable[str] | None = None, progress: Progress | None = None,
          only: Iterable[str] = ()) -> Result:
    """Build (or with ``write=False`` only check) the statements at ``paths`` (default: all).

    ``jobs`` worker processes build the editions (default: one a core; 1 builds in this
    process). Editions whose inputs are unchanged since the last build are not rebuilt unless
    ``force``; their recorded results and problems are reported again. ``options`` change
    the output (they are part of every fingerprint). ``outputs`` names the only outputs to
    make (the preview's first pass makes the web pages alone); such a build leaves the record
    alone. Presses started earlier in this process (by the command line, or the preview
    server) are used when waiting. ``only`` limits the build to the editions in these
    languages (``build --lang``); the others are neither built nor reported, and their record
    is kept. A language no statement has is an error.
    """
    from communique import cache

    started = time.perf_counter()
    run = _Run(workspace, options or BuildOptions(), write=write, force=force,
               only=tuple(outputs) if outputs is not None else None,
               jobs=jobs, progress=progress or Progress())
    files, run.result.problems = workspace.statement_files(paths)
    run.result.problems += settings_warnings(workspace)
    if write and (refused := _unwritable(workspace)):
        run.result.problems.append(refused)  # one error, before anything is read or written
        run.result.seconds = time.perf_counter() - started
        return run.result
    run.record = cache.Cache.load(workspace.build_dir)
    if run.record.warning:
        run.result.problems.append(Problem(workspace.display(run.record.path), 0, 0,
                                           f"the record of the last build is unusable "
                                           f"({run.record.warning}): every edition is rebuilt",
                                           "warning"))
    digests = cache.Digests(run.record.files)
    run.prints = cache.Fingerprints(workspace.root, BUILTIN_TEMPLATES, digests,
                                    run.options.fingerprint() or None,
                                    workspace.settings.internal.folders)
    planned = plan(run, files)
    todo = select(run, planned, {code.lower() for code in only})
    execute(run, todo)
    record(run, digests)
    run.result.seconds = time.perf_counter() - started
    return run.result


@dataclass
class _Run:
    """One build's settings and state, passed from step to step."""

    workspace: Workspace
    options: BuildOptions
    write: bool
    force: bool
    only: tuple[str, ...] | None  # the outputs to make (None: all)
    jobs: int | None
    progress: Progress
    result: Result = field(default_factory=Result)
    record: Cache = None  # type: ignore[assignment]  # set before the first step
    prints: Fingerprints = None  # type: ignore[assignment]
    loaded: dict[Path, Loaded] = field(default_factory=dict)  # read while planning
    fixed: dict[str, str] = field(default_factory=dict)  # edition key -> fixed fingerprint

    @property
    def complete(self) -> bool:
        """Whether this build writes every output, and so keeps the incremental record."""
        return self.write and self.only is None

    @property
    def incremental(self) -> bool:
        return self.complete and not self.force

    @property
    def workers(self) -> int:
        from communique import presses

        return 1 if not self.complete else (self.jobs or presses.default_jobs())


def plan(run: _Run, files: list[Path]) -> list[tuple[Path, list[str]]]:
    """Each statement with the languages of its editions: from the record while its folder is
    unchanged, else read now (and kept for its first edition)."""
    from communique import cache, presses

    planned: list[tuple[Path, list[str]]] = []
    workers = run.workers
    for path in files:
        slug = path.parent.name
        if reason := slug_problem(slug):
            run.result.problems.append(Problem(run.workspace.display(path), 0, 0, reason))
            run.result.failed.append(printable(slug))
            continue
        fingerprint = run.prints.statement(path.parent)
        known = run.record.statements.get(slug)
        if run.incremental and known and known.get("fingerprint") == fingerprint:
            planned.append((path, known["langs"]))
            run.record.failures.pop(slug, None)
            continue
        if workers > 1 and (len(files) > 1 or len((known or {}).get("langs", ())) > 1):
            presses.warm(workers)  # editions to build: the presses import WeasyPrint meanwhile
        from communique.document import load  # (only now: a no-op build never needs it)
        from communique.i18n.editions import languages

        with cache.recording() as read:
            doc, problems = load(path, run.workspace)
        if doc is None:
            run.result.problems.extend(problems)
            run.result.failed.append(slug)
            run.result.failures[slug] = problems
            earlier = run.record.statements.pop(slug, None) or run.record.failures.get(slug) or {}
            # remembered for the report: the error, and the editions still in build/ from before
            run.record.failures[slug] = {"problems": problems_to_record(problems),
                                         "langs": list(earlier.get("langs", [])),
                                         "path": _recorded_path(path, run.workspace.root)}
            continue
        run.record.failures.pop(slug, None)
        langs = languages(doc, run.workspace)
        if workers > 1 and len(langs) > 1:  # (a statement never built before: now it is known)
            presses.warm(workers)
        run.loaded[path] = (doc, problems, read)
        run.record.statements[slug] = {"fingerprint": fingerprint, "langs": langs,
                                       "path": _recorded_path(path, run.workspace.root)}
        planned.append((path, langs))
    return planned


def _recorded_path(path: Path, root: Path) -> str:
    resolved, root = path.resolve(), root.resolve()
    return resolved.relative_to(root).as_posix() if resolved.is_relative_to(root) else str(resolved)


def select(run: _Run, planned: list[tuple[Path, list[str]]], langs: set[str]) -> list[Job]:
    """The editions to build; those whose fingerprint and inputs match the record (and whose
    outputs are still there) are reported from it instead. ``langs``: only these languages."""
    result, record = run.result, run.record
    if langs:
        known = sorted({lang for _, found in planned for lang in found})
        for code in sorted(langs - {lang.lower() for lang in known}):
            result.problems.append(Problem(run.workspace.display(run.workspace.content_dir), 0, 0,
                                           f"--lang {code}: no statement has an edition in "
                                           f"'{code}' (languages: {', '.join(known) or 'none'})"))
    todo: list[Job] = []
    for path, found in planned:
        for lang in found:
            if langs and lang.lower() not in langs:
                continue
            job = Job(path, lang, run.workspace, run.options, tuple(found), run.write, run.only)
            run.fixed[job.key] = run.prints.edition(path.parent, lang, found)
            entry = record.editions.get(job.key)
            edition = edition_from_record(entry["result"]) if entry else None
            if (run.incremental and entry is not None and edition is not None
                    and entry.get("fixed") == run.fixed[job.key]
                    and run.prints.unchanged(entry.get("inputs", {})) and _outputs_exist(edition)):
                edition.cached = True
                result.editions.append(edition)
                result.problems.extend(edition.problems)
            else:
                todo.append(job)
    # Longest first (by the last build's times), so that no long edition is left running alone
    # at the end while the other workers idle.
    todo.sort(key=lambda job: -record.editions.get(job.key, {}).get("result", {}).get(
        "seconds", float("inf")))
    run.progress.planned(len(todo) + len(result.editions), len(todo))
    return todo


def execute(run: _Run, todo: list[Job]) -> None:
    """Build the editions to do: this process prepares each one while presses print the
    previous ones; each outcome is added to the result (and the record) as it comes."""
    from communique import presses
    from communique.build.edition import edition_steps
    from communique.render import verify
    from communique.render.pdf import press_print

    if todo and (run.only is None or "print" in run.only):
        _footnote_notice(run)
    steps = functools.partial(edition_steps, loaded=run.loaded)
    for outcome in presses.run(steps, todo, run.workers, print_here=press_print,
                               crashed=_crashed, finish=_finished,
                               while_waiting=verify.prepare):
        job = outcome.job
        run.result.problems.extend(outcome.problems)
        if outcome.edition is None:
            run.result.failed.append(job.key)
            run.result.failures[job.key] = outcome.problems
            earlier = run.record.editions.pop(job.key, None) or {}
            if run.complete:  # remembered for the report, with the outputs left from before
                outputs = (earlier.get("result", {}).get("outputs")
                           or run.record.failures.get(job.key, {}).get("outputs", {}))
                run.record.failures[job.key] = {"problems": problems_to_record(outcome.problems),
                                                "outputs": outputs}
        else:
            run.record.failures.pop(job.key, None)
            outcome.edition.problems = list(dict.fromkeys(outcome.problems))
            run.result.editions.append(outcome.edition)
            if run.complete:
                inputs = run.prints.inputs(run.prints.relevant(outcome.opened, job.path.parent))
                # an edition written with an error (its PDF refused for a missing glyph) is in
                # the report but never up to date: the next build tries again
                fixed = None if any(p.is_error for p in outcome.problems) else run.fixed[job.key]
                run.record.editions[job.key] = {"fixed": fixed, "inputs": inputs,
                                                "result": edition_to_record(outcome.edition)}
        run.progress.finished(outcome)


def _footnote_notice(run: _Run) -> None:
    """Say once, for the whole build, when WeasyPrint is not the version the faster footnote
    area patches (the presses then print with WeasyPrint's own: the same PDFs, slower)."""
    from importlib.util import find_spec

    from communique.render import footnotes

    if message := footnotes.notice():
        spec = find_spec("weasyprint")
        where = Path(spec.origin).parent if spec and spec.origin else Path("weasyprint")
        run.result.problems.append(Problem(run.workspace.display(where), 0, 0, message,
                                           "warning"))


def record(run: _Run, digests: Any) -> None:
    """Write the record and the report; the same problem from several editions is told once."""
    result = run.result
    result.problems = list(dict.fromkeys(result.problems))
    result.editions.sort(key=lambda e: (e.slug, e.lang))
    result.failed.sort()
    if run.complete:
        from communique.report import write_report

        try:
            if run.workspace.settings.site is not None or run.record.site:
                from communique.site import update

                result.problems += update(run.workspace, run.record, run.prints)
            run.record.save(digests)
            write_report(run.workspace, run.record)
        except OSError as exc:  # build/ made read-only, or a full disk, since the build began
            result.problems.append(Problem(run.workspace.display(run.workspace.build_dir), 0, 0,
                                           f"cannot write the build record and report: "
                                           f"{exc.strerror or exc}"))


def _unwritable(workspace: Workspace) -> Problem | None:
    """Why nothing can be written to ``build/`` (outside the workspace, not writable), or None."""
    from communique.sandbox import Refused, output_folder

    try:
        output_folder(workspace.root)
    except Refused as exc:
        return Problem(workspace.display(workspace.build_dir), 0, 0, str(exc))
    return None


def _finished(outcome: Outcome, opened: set[str], seconds: float) -> Outcome:
    """An outcome completed with the files its edition read and the time its steps took."""
    outcome.opened = sorted(opened.union(outcome.opened))
    outcome.seconds = seconds
    if outcome.edition is not None:
        outcome.edition.seconds = seconds
    return outcome


def _crashed(job: Job, exc: BaseException) -> Outcome:
    """The outcome of an edition whose worker process died (a crash in a C library, no memory)."""
    from communique.build.edition import edition_failure

    problem = edition_failure(job.workspace.display(job.path), job.lang, exc)
    return Outcome(job, None, [problem], [], 0.0)


def _outputs_exist(edition: Edition) -> bool:
    return bool(edition.outputs) and all(p.is_file() for p in edition.outputs.values())


def edition_to_record(edition: Edition) -> dict[str, Any]:
    """An edition's result as JSON data for the incremental-build record."""
    data: dict[str, Any] = {}
    for f in fields(Edition):
        value = getattr(edition, f.name)
        if f.name == "problems":
            value = problems_to_record(value)
        elif f.name == "outputs":
            value = {name: str(path) for name, path in value.items()}
        data[f.name] = value
    data.pop("cached", None)
    return data


def problems_to_record(problems: Iterable[Problem]) -> list[list]:
    """Problems as the record keeps them: ``[path, line, column, message, severity(, kind)]``."""
    return [[p.path, p.line, p.column, p.message, p.severity, *([p.kind] if p.kind else [])]
            for p in problems]


def edition_from_record(data: dict[str, Any]) -> Edition | None:
    """The recorded result of an edition, or None when the record does not fit this version."""
    try:
        known = {f.name for f in fields(Edition)}
        values = {k: v for k, v in data.items() if k in known}
        values["problems"] = [Problem(*p) for p in values.get("problems", [])]
        values["outputs"] = {str(name): Path(path) for name, path in
                             dict(values.get("outputs") or {}).items()}
        return Edition(**values)
    except (TypeError, ValueError, AttributeError):
        return None


