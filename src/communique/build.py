"""Building statements: read, check, render and write every edition atomically."""

from __future__ import annotations

import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from communique.content import read_statement
from communique.content.assets import figure_problems
from communique.document import Document, build_document
from communique.errors import ContentError, Problem
from communique.render.html import TemplateError, render
from communique.workspace import BUILTIN_TEMPLATES, Workspace


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


@dataclass
class Result:
    editions: list[Edition] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)  # slugs that produced no output

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]


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
    display = workspace.display(path)
    try:
        statement, located = read_statement(
            path, display, default_type=workspace.settings.documents.default_type)
    except ContentError as exc:
        return None, exc.problems
    doc, problems = build_document(statement, located)
    problems += figure_problems(statement, located, workspace.root)
    if any(p.is_error for p in problems):
        return None, problems
    return doc, problems


def build(workspace: Workspace, paths: list[Path], *, write: bool = True) -> Result:
    """Build (or with ``write=False`` only check) the statements at ``paths`` (default: all)."""
    result = Result()
    files, result.problems = statement_paths(workspace, paths)
    for path in files:
        slug = path.parent.name
        doc, problems = load(path, workspace)
        result.problems.extend(problems)
        if doc is None:
            result.failed.append(slug)
            continue
        try:
            edition, problems = build_edition(doc, slug, workspace, write=write)
        except TemplateError as exc:
            result.problems.append(exc.problem)
            result.failed.append(slug)
            continue
        except Exception as exc:  # noqa: BLE001 -- a crash in one edition must not stop the others
            result.problems.append(edition_failure(workspace.display(path), doc.statement.lang, exc))
            result.failed.append(slug)
            continue
        result.problems.extend(problems)
        result.editions.append(edition)
    return result


def edition_failure(where: str, lang: str, exc: Exception) -> Problem:
    """An edition that crashed (WeasyPrint, a full disk), as a problem naming the statement."""
    detail = " ".join(str(exc).split()) or "no details"
    return Problem(where, 0, 0, f"the {lang} edition could not be built "
                   f"({type(exc).__name__}: {detail}); its previous output is left as it was")


def build_edition(doc: Document, slug: str, workspace: Workspace, *,
                  write: bool) -> tuple[Edition, list[Problem]]:
    """Render the web and print HTML, print the PDF, check it, and write both outputs."""
    from communique.render.pdf import print_pdf

    started = time.perf_counter()
    lang = doc.statement.lang
    edition = Edition(slug, lang)
    web = render(doc, workspace, "web")
    printed_html = render(doc, workspace, "print")
    problems = list(web.problems)
    edition.notes = len(web.notes)
    where = doc.located.display
    if not write:
        edition.seconds = time.perf_counter() - started
        return edition, problems
    roots = [workspace.root, BUILTIN_TEMPLATES]
    printed = print_pdf(printed_html.html, doc.located.path.parent, roots)
    edition.pages = printed.pages
    for message in printed.warnings:
        problems.append(Problem(where, 0, 0, f"PDF ({lang}): {message}", "warning"))
    for number, call_page, note_page in printed.misplaced:
        problems.append(Problem(where, 0, 0, f"PDF ({lang}): note {number} is printed on page "
                                f"{note_page or '?'} but its call is on page {call_page}", "warning"))
    out = workspace.build_dir / slug / lang
    edition.pdf_path = out / f"{slug}-{lang}.pdf"
    edition.html_path = out / "index.html"
    write_atomic(edition.pdf_path, printed.pdf)
    write_atomic(edition.html_path, web.html.encode("utf-8"))
    edition.seconds = time.perf_counter() - started
    return edition, problems


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
