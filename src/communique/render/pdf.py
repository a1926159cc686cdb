"""Printing HTML to PDF with WeasyPrint: sandboxed resources, captured warnings, note checks."""

from __future__ import annotations

import logging
import mimetypes
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from communique.sandbox import MAX_ASSET_BYTES as MAX_RESOURCE_BYTES, Refused, contained, read_file


@dataclass
class Printed:
    pdf: bytes
    pages: int
    warnings: list[str] = field(default_factory=list)  # WeasyPrint's own, and refused loads
    misplaced: list[tuple[int, int, int]] = field(default_factory=list)  # (note, call page, note page)


def _fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse, URLFetchingError

    class SandboxFetcher(URLFetcher):
        """Loads only ``data:`` URIs and regular files inside the allowed folders.

        WeasyPrint's own fetcher reads any ``file:`` URL and the network: a template line such
        as ``<link rel=attachment href="file:///etc/passwd">`` would embed that file in the
        PDF. Every image, stylesheet, font and attachment goes through ``fetch``; symlinks are
        resolved before the check, hidden files are refused, devices and endless files too.
        """

        def __init__(self, roots: list[Path]):
            super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False)
            self.roots = [r.resolve() for r in roots]
            self.refused: list[str] = []  # WeasyPrint logs some failures (fonts) only at debug level

        def fetch(self, url, headers=None):
            try:
                return self._fetch(url, headers)
            except URLFetchingError as exc:
                self.refused.append(str(exc))
                raise

        def _fetch(self, url, headers):
            parts = urlsplit(url)
            scheme = parts.scheme.lower()
            if scheme == "data":
                return super().fetch(url, headers)
            if scheme != "file":
                raise URLFetchingError(f"refused to load '{url}': only files inside the workspace "
                                       "and data: URIs may be used (no network)")
            if parts.netloc not in ("", "localhost"):
                raise URLFetchingError(f"refused to load '{url}': a file URL on another host")
            try:
                path = contained(Path(unquote(parts.path)), self.roots)
                body = read_file(path, MAX_RESOURCE_BYTES)
            except Refused as exc:
                raise URLFetchingError(f"refused to load '{url}': {exc}") from None
            mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(path.as_uri(), body=body, headers={"Content-Type": mime})

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


def print_pdf(html: str, base: Path, roots: list[Path], *,
              attachments: list[str | Path] = (), **options) -> Printed:
    """Render ``html`` (resources relative to ``base``) to PDF bytes and check it.

    Every resource goes through the sandbox fetcher, ``attachments`` included: WeasyPrint
    would open a plain file name given there directly, so each is turned into a URL first.
    """
    from weasyprint import HTML

    fetcher = _fetcher_class()(roots)
    base_url = base.resolve().as_uri() + "/"
    urls = [a if isinstance(a, str) and urlsplit(a).scheme else (base / a).absolute().as_uri()
            for a in attachments]
    with _captured_warnings() as warnings:
        document = HTML(string=html, base_url=base_url, url_fetcher=fetcher).render()
        misplaced = misplaced_notes(document)
        pdf = document.write_pdf(attachments=urls, **options)
    warnings += [r for r in dict.fromkeys(fetcher.refused) if not any(r in w for w in warnings)]
    return Printed(pdf, len(document.pages), warnings, misplaced)
