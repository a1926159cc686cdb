"""Building one edition: read it, make every output, write them all or nothing.

:func:`edition_steps` is what runs for each job, in this process or alongside a press (see
:mod:`communique.presses`): it reads and translates the statement, has each output of
:mod:`communique.outputs` make its files (the print output hands its request to a press and
waits for the printout while the others are made), then writes every file atomically once
no output found an error. Every error is caught: the outcome says what went wrong.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from pathlib import Path
from typing import TYPE_CHECKING

from communique import outputs
from communique.build.model import Edition, Job, Outcome
from communique.errors import Problem
from communique.files import write_atomic
from communique.outputs import EditionContext, Made, Output
from communique.outputs import Steps as OutputSteps
from communique.presses import AWAIT, Await

if TYPE_CHECKING:
    from communique.document import Document
    from communique.render.pdf import Printout, PrintRequest

Loaded = tuple["Document | None", list[Problem], set[str]]  # a statement read while planning
EditionSteps = Generator["PrintRequest | Await", "Printout | None", Outcome]
MadeSteps = Generator["PrintRequest | Await", "Printout | None", "tuple[Edition | None, list[Problem]]"]


def edition_steps(job: Job, loaded: dict[Path, Loaded] | None = None) -> EditionSteps:
    """Build the edition of ``job``: yield what to print and receive the printout, then check
    and write it; return the outcome.

    ``loaded`` holds statements already read (with their problems and the files read): the
    first edition of each takes its statement from there instead of reading it again.
    """
    from communique.document import load
    from communique.render.html import TemplateError

    edition = translation = None
    earlier = (loaded or {}).pop(job.path, None)
    if earlier is not None:
        doc, problems, read = earlier[0], list(earlier[1]), sorted(earlier[2])
    else:
        (doc, problems), read = load(job.path, job.workspace), []
    options, fallback = job.options, False
    if doc is not None:  # another language: the same statement with its translation applied
        from communique.i18n.editions import prepare

        try:
            prepared = prepare(doc, job.workspace, job.lang, strict=options.strict_or_publish)
        except Exception as exc:
            failure = edition_failure(job.workspace.display(job.path), job.lang, exc)
            return Outcome(job, None, [*problems, failure], read, 0.0)
        doc, fallback = prepared.doc, prepared.fallback
        translation = prepared.translation
        problems += prepared.problems
    if options.publish and problems:  # a warning in the content (a source never cited) stops it
        problems, doc = publication_problems(problems), None
    if doc is not None:
        try:
            edition, more = yield from make_edition(doc, job, fallback=fallback)
            problems += more
            if edition is not None and translation is not None:
                edition.units = len(translation.states)
                edition.fallbacks = len(translation.fallbacks)
        except TemplateError as exc:
            problems.append(exc.problem)
        except Exception as exc:
            problems.append(edition_failure(job.workspace.display(job.path), job.lang, exc))
    return Outcome(job, edition, problems, read, 0.0)


def make_edition(doc: Document, job: Job, *, fallback: bool = False) -> MadeSteps:
    """Have every output of the edition make its files, then write them all.

    An output that prints yields its request and then :data:`~communique.presses.AWAIT`; it is
    resumed with the printout once the outputs after it are made, so the press prints while
    they work. An edition with errors (a missing glyph in the PDF among them) is not written
    (None), and when the other outputs fail first the printout is not awaited at all.
    """
    from communique.i18n import ui

    options, workspace = job.options, job.workspace
    if options.publish and doc.statement.draft:
        return None, [doc.located.problem(("draft",), "the statement is marked 'draft: true'; "
                                          "--publish refuses drafts", key=True)]
    severity = "error" if options.strict_or_publish else "warning"
    strings, problems = ui.load(workspace, doc.statement.lang, severity=severity)
    if any(p.is_error for p in problems):
        return None, problems
    ctx = EditionContext(doc, job.slug, workspace, strings, options, fallback, job.langs,
                         problems)
    chosen = wanted(job)
    made = yield from _make(ctx, chosen, lambda: ctx.problems.extend(strings.problems(severity)))
    refused = [p for result in made.values() for p in result.refused]
    problems = publication_problems(ctx.problems) if options.publish else ctx.problems
    if any(p.is_error for p in problems) or (refused and options.publish):
        return None, problems + refused  # the previous output stays as it was
    if job.write and (outside := _outside(ctx)):
        return None, [*problems, outside]
    # an output that refused its own files (a PDF missing a glyph) leaves the others written
    return _edition(job, ctx, chosen, made), problems + refused


def _make(ctx: EditionContext, chosen: list[Output],
          between: Callable[[], None]) -> Generator[PrintRequest | Await, Printout | None,
                                                    dict[str, Made]]:
    """Run the outputs' steps: each until it is done or waits for its printout, then (after
    ``between``) resume those waiting, unless an error means nothing will be written."""
    made: dict[str, Made] = {}
    waiting: list[tuple[Output, OutputSteps]] = []
    for output in chosen:
        steps = output.make(ctx, made)
        step = _advance(steps)
        while not isinstance(step, (Await, Made)):
            yield step  # a print request: a press starts on it while the next outputs are made
            step = _advance(steps)
        if isinstance(step, Made):
            made[output.name] = step
        else:
            waiting.append((output, steps))
    between()
    for output, steps in waiting:
        if any(p.is_error for p in ctx.problems):
            break  # not written anyway: the printout is not awaited
        done = _advance(steps, (yield AWAIT))
        if not isinstance(done, Made):
            raise TypeError(f"the {output.name} output asked for a second printout")
        made[output.name] = done
    for result in list(made.values()):
        if result.finish is not None:
            result.finish(made)
    return made


def wanted(job: Job) -> list[Output]:
    """The outputs to make for a job: those the workspace asks for (``[documents] outputs``;
    unset, every output but those made only on request), only the web page when checking
    (nothing is written) or those the job names (the preview's first pass: the web page)."""
    names = ("web",) if not job.write else job.only
    asked = job.workspace.settings.documents.outputs
    if names is None and asked is not None:
        names = tuple(asked)
    return [output for name, output in outputs.registry().items()
            if (names is None and not getattr(output, "on_request", False))
            or (names is not None and name in names)]


def _advance(steps: OutputSteps, value: Printout | None = None) -> PrintRequest | Await | Made:
    """Run an output's steps to what they yield next, or to what they made."""
    try:
        return steps.send(value)
    except StopIteration as stop:
        return stop.value


def _edition(job: Job, ctx: EditionContext, chosen: list[Output], made: dict[str, Made]) -> Edition:
    """The edition's record; its files written first when the job writes (each atomically,
    the print output's first: it took longest)."""
    edition = Edition(job.slug, ctx.lang)
    for output in chosen:
        result = made[output.name]
        edition.notes = len(result.notes) if result.notes is not None else edition.notes
        edition.pages = result.pages if result.pages is not None else edition.pages
        edition.attachments = result.attachments or edition.attachments
        edition.listing = result.listing or edition.listing
        if job.write and not result.refused:
            for path, data in result.files.items():
                write_atomic(path, data)
            edition.outputs[output.name] = output.path(ctx)
    return edition


def _outside(ctx: EditionContext) -> Problem | None:
    """Why the edition's folder in build/ cannot be written (a symlink out of it), or None."""
    from communique.sandbox import Refused, output_folder

    try:
        output_folder(ctx.workspace.root, ctx.folder)
    except Refused as exc:
        return Problem(ctx.doc.located.display, 0, 0, f"the {ctx.lang} edition is not written: {exc}")
    return None


def publication_problems(problems: list[Problem]) -> list[Problem]:
    """What is published must be right: each warning becomes an error that says why."""
    return [p if p.is_error else Problem(p.path, p.line, p.column,
                                         f"{p.message} (--publish refuses warnings)", "error")
            for p in problems]


def edition_failure(where: str, lang: str, exc: BaseException) -> Problem:
    """An edition that crashed (WeasyPrint, a full disk) or went past its budget, as a problem
    naming the statement."""
    from communique.presses import OverBudget

    if isinstance(exc, MemoryError):  # WeasyPrint's layout of a huge table, say: one line
        return Problem(where, 0, 0, f"the {lang} edition could not be built: it needs more "
                       "memory than the machine could give (MemoryError); its previous output "
                       "is left as it was")
    detail = " ".join(str(exc).split()) or "no details"
    if isinstance(exc, OverBudget):
        return Problem(where, 0, 0, f"the {lang} edition was not built: {detail}; its previous "
                       "output is left as it was")
    return Problem(where, 0, 0, f"the {lang} edition could not be built "
                   f"({type(exc).__name__}: {detail}); its previous output is left as it was")
