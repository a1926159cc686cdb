"""The print edition: ``build/<slug>/<lang>/<slug>-<lang>.pdf`` and a picture of its first page.

The print HTML is rendered and handed to a press (:mod:`communique.presses`) at once; while
it prints, the other outputs are made; then the printout comes back and is checked here:
notes away from their call, layout faults, WeasyPrint's warnings (a missing glyph is an
error), and the structure check of the finished file (:mod:`communique.render.verify`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from communique.errors import Problem
from communique.outputs.base import EditionContext, Made, Steps
from communique.presses import AWAIT
from communique.render.pdf import DataFile, Printed, Printout, PrintRequest

if TYPE_CHECKING:
    from communique.document import Document
    from communique.render.html import Rendered
    from communique.render.verify import Verified
    from communique.workspace import Workspace


class PrintOutput:
    """The PDF, printed by WeasyPrint in a press, checked after layout and read back."""

    name = "print"
    label = "PDF"  # in the build report

    def path(self, ctx: EditionContext) -> Path:
        return ctx.folder / f"{ctx.stem}.pdf"

    def make(self, ctx: EditionContext, made: dict[str, Made]) -> Steps:
        from communique.i18n.editions import glyph_problems, pdf_problem
        from communique.render.html import render

        rendered = render(ctx.doc, ctx.workspace, "print", fallback=ctx.fallback,
                          strings=ctx.strings)
        archive = ctx.options.archive or ctx.workspace.settings.pdf.archive
        request, problems = edition_request(ctx.doc, rendered, ctx.workspace, archive=archive)
        ctx.problems.extend(problems)
        if ctx.workspace.settings.site is not None:  # the share card, printed by the same press
            from communique.render.html import render_card

            request.card = render_card(ctx.doc, ctx.workspace, strings=ctx.strings,
                                       draft=bool(ctx.doc.statement.draft or ctx.fallback))
        yield request
        printout = yield AWAIT  # printed and its first page drawn, here or in a press
        if printout is None:
            raise RuntimeError("the print output was resumed without its printout")
        checked = edition_pdf(ctx.doc, rendered, request, printout)
        where = ctx.doc.located.display
        # a character no font has: the PDF would show a box, so it is refused; a browser has
        # fonts of its own, so the web page is still written
        refused, warnings = glyph_problems(checked.printed.warnings, ctx.lang,
                                           _text_sources(ctx))
        for message in warnings:
            ctx.problems.append(pdf_problem(where, ctx.lang, message))
        ctx.problems.extend(checked.problems)  # notes away from their call, layout, structure
        pdf = self.path(ctx)
        if refused:
            return Made(pages=checked.printed.pages, refused=refused)
        files = {pdf: checked.printed.pdf, pdf.with_suffix(".png"): checked.thumbnail}
        if printout.card is not None:
            files[card_path(ctx)] = printout.card
        return Made(files,
                    pages=checked.printed.pages,
                    attachments=[f.name for f in request.attachments])


def _text_sources(ctx: EditionContext) -> list[tuple[Path, str]]:
    """The files an edition's characters come from, where a missing glyph is looked for: its
    translation, the statement, the catalogs of template strings (the workspace's first)."""
    from communique.i18n import content, ui

    statement = ctx.doc.located.path
    found = []
    translation = content.po_path(statement.parent, ctx.lang)
    if translation.is_file():
        found.append(translation)
    found.append(statement)
    for origin in ("workspace", "builtin"):
        for code in ui._candidates(ctx.lang):
            po = ui.po_path(ui.locale_dir(ctx.workspace, origin), code)
            if po.is_file():
                found.append(po)
                break
    return [(path, ctx.workspace.display(path)) for path in found]


def card_path(ctx: EditionContext) -> Path:
    """The edition's share card: ``<slug>-<lang>.card.png`` beside its PDF."""
    return ctx.folder / f"{ctx.stem}.card.png"


@dataclass
class EditionPdf:
    """An edition's finished PDF with its first-page picture and every problem found in it."""

    printed: Printed
    thumbnail: bytes  # PNG
    problems: list[Problem]  # located at the citation in the content where a note is concerned
    verified: Verified


def edition_request(doc: Document, rendered: Rendered, workspace: Workspace, *,
                    archive: bool) -> tuple[PrintRequest, list[Problem]]:
    """What to print for one edition (``rendered``: its print HTML and notes): the HTML, the
    folders its resources may come from and, in archive mode, the statement's data files."""
    from communique.outputs.data import sources_csl
    from communique.render.archive import source_files
    from communique.workspace import BUILTIN_TEMPLATES

    statement = doc.statement
    problems: list[Problem] = []
    files: list[DataFile] = []
    if archive:

        files, skipped = source_files(doc, workspace, statement.lang,
                                      sources_csl(doc, rendered.notes))
        problems += [Problem(doc.located.display, 0, 0, f"PDF ({statement.lang}): {message}",
                             "warning") for message in skipped]
    budget = workspace.settings.budget
    request = PrintRequest(rendered.html, doc.located.path.parent,
                           [workspace.root, BUILTIN_TEMPLATES], files, archive, statement.date,
                           budget.edition_seconds, budget.edition_memory_mb)
    return request, problems


def edition_pdf(doc: Document, rendered: Rendered, request: PrintRequest,
                printout: Printout) -> EditionPdf:
    """Check a printed edition: notes away from their call, layout faults and the structure
    check (:mod:`communique.render.verify`).

    Layout faults are warnings; a note that runs over the text and a PDF that fails the
    structure check are errors. Faults of a note point at the citation in the content that
    made it. WeasyPrint's own warnings are left in ``printed.warnings`` for the caller, which
    knows which of them are errors (a missing glyph).
    """
    from communique.render.verify import verify_pdf

    printed = printout.printed
    lang, where = doc.statement.lang, doc.located.display
    problems: list[Problem] = []
    marks = {note.number: note.mark_index for note in rendered.notes}

    def problem(message: str, severity: str, note: int | None = None, text: str = "") -> Problem:
        message = f"PDF ({lang}): {message}"
        if note in marks and marks[note] < len(doc.marks):
            ref = doc.marks[marks[note]]
            try:
                return doc.located.problem(ref.path, message, offset=ref.mark.offset, severity=severity)
            except (KeyError, IndexError, AttributeError, TypeError):
                pass
        # text running past the margin, found where the statement holds it (not in a translation)
        found = doc.located.source.find(text) if len(text) > 3 else -1
        if found >= 0:
            return Problem(where, *doc.located.line_column(found), message, severity)
        return Problem(where, 0, 0, message, severity)

    oversized = {issue.note for issue in printed.layout if issue.severity == "error"}
    for number, call_page, note_page in printed.misplaced:
        if number not in oversized:
            problems.append(problem(f"note {number} is printed on page {note_page or '?'} but its "
                                    f"call is on page {call_page}", "warning", number))
    problems += [problem(issue.message, issue.severity, issue.note, issue.text) for issue in printed.layout]
    verified = verify_pdf(printed.pdf, lang=lang, pages=printed.pages, archive=request.archive,
                          notes=len(rendered.notes), languages=printed.languages)
    problems += [Problem(where, 0, 0, f"PDF ({lang}) check: {message}") for message in verified.problems]
    return EditionPdf(printed, printout.thumbnail, problems, verified)
