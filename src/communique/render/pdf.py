"""Printing HTML to PDF with WeasyPrint: sandboxed resources, captured warnings, note checks."""

from __future__ import annotations

import logging
import mimetypes
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

MAX_RESOURCE_BYTES = 50 * 1024 * 1024


@dataclass
class Printed:
    pdf: bytes
    pages: int
    warnings: list[str] = field(default_factory=list)  # WeasyPrint's own, and refused loads
    misplaced: list[tuple[int, int, int]] = field(default_factory=list)  # (note, call page, note page)


def _fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse, URLFetchingError

    class SandboxFetcher(URLFetcher):
        """Loads only ``data:`` URIs and files inside the allowed folders (symlinks resolved)."""

        def __init__(self, roots: list[Path]):
            super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False)
            self.roots = [r.resolve() for r in roots]

        def fetch(self, url, headers=None):
            scheme = urlsplit(url).scheme.lower()
            if scheme == "data":
                return super().fetch(url, headers)
            if scheme != "file":
                raise URLFetchingError(f"refused to load '{url}': only files inside the workspace "
                                       "and data: URIs may be used")
            path = Path(unquote(urlsplit(url).path)).resolve()
            if not any(path.is_relative_to(root) for root in self.roots):
                raise URLFetchingError(f"refused to load '{url}': it is outside the workspace")
            if not path.is_file():
                raise URLFetchingError(f"cannot load '{url}': no such file")
            if path.stat().st_size > MAX_RESOURCE_BYTES:
                raise URLFetchingError(f"refused to load '{url}': larger than {MAX_RESOURCE_BYTES} bytes")
            mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(path.as_uri(), body=path.read_bytes(),
                                      headers={"Content-Type": mime})

    return SandboxFetcher


@contextmanager
def _captured_warnings():
    """WeasyPrint logs to a logger with only a NullHandler: collect what it says."""
    records: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(" ".join(record.getMessage().split()))

    logger = logging.getLogger("weasyprint")
    handler = Collect(level=logging.WARNING)
    logger.addHandler(handler)
    previous = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield records
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous)


_NOTE_ID = re.compile(r"^note-(\d+)$")
_CALL_ID = re.compile(r"^note-call-(\d+)$")


def misplaced_notes(document) -> list[tuple[int, int, int]]:
    """Notes printed on another page than their call: (number, call page, note page), 1-based."""
    call_page: dict[int, int] = {}
    note_page: dict[int, int] = {}
    for number, page in enumerate(document.pages, 1):
        for anchor in page.anchors:
            if m := _CALL_ID.match(anchor):
                call_page.setdefault(int(m.group(1)), number)
            elif m := _NOTE_ID.match(anchor):
                note_page.setdefault(int(m.group(1)), number)
    return [(n, call_page[n], note_page.get(n, 0)) for n in sorted(call_page)
            if note_page.get(n) != call_page[n]]


def print_pdf(html: str, base: Path, roots: list[Path], **options) -> Printed:
    """Render ``html`` (resources relative to ``base``) to PDF bytes and check it."""
    from weasyprint import HTML

    fetcher = _fetcher_class()(roots)
    with _captured_warnings() as warnings:
        document = HTML(string=html, base_url=base.resolve().as_uri() + "/",
                        url_fetcher=fetcher).render()
        misplaced = misplaced_notes(document)
        pdf = document.write_pdf(**options)
    return Printed(pdf, len(document.pages), warnings, misplaced)
