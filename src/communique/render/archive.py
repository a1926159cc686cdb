"""What an archival PDF carries: the data the edition was built from.

A statement is cited for decades, long after the workspace that built it is gone. In archive
mode (PDF/A-3b) each PDF embeds its own sources: ``statement.yaml``, the data files beside it
(source libraries), the translation of its language (a PO file) and the sources it cites as
JSON, so the text and every reference can be recovered from the PDF alone. Files are read
through the sandbox: nothing outside the workspace, hidden or special is ever embedded.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from communique.render.pdf import DataFile
from communique.sandbox import Refused, contained, read_file

DATA_SUFFIXES = {".yaml", ".yml", ".json", ".bib", ".po"}
MAX_TOTAL_BYTES = 20 * 1024 * 1024  # the whole of a statement's data; a PDF is no backup tool
SOURCES_NAME = "cited-sources.json"
_PO_LANGUAGE = re.compile(rb'^"Language: *([^\\"]+)', re.M)


def source_files(statement: Path, root: Path, lang: str,
                 sources: list[dict]) -> tuple[list[DataFile], list[str]]:
    """The files to embed in the ``lang`` edition of ``statement``, and why any were left out.

    The statement comes first, then every data file in its folder, sorted (for reproducible
    output), except translations into other languages; ``sources`` (CSL-JSON items: those the
    edition cites and those the statement defines) are added as one CSL-JSON file.
    """
    folder = statement.parent
    files: list[DataFile] = []
    skipped: list[str] = []
    total = 0
    found = (p for p in folder.rglob("*") if p.suffix.lower() in DATA_SUFFIXES)
    for path in sorted(found, key=lambda p: (p != statement, p)):  # the statement first
        relative = path.relative_to(folder)
        if any(part.startswith(".") for part in relative.parts) or not path.is_file():
            continue
        try:
            data = read_file(contained(path, [root]), MAX_TOTAL_BYTES)
        except Refused as exc:
            skipped.append(f"not attached: {exc}")
            continue
        if path.suffix.lower() == ".po" and not _po_for(path, data, lang):
            continue
        if total + len(data) > MAX_TOTAL_BYTES:
            skipped.append(f"not attached: '{relative.as_posix()}' would take the attachments "
                           f"past {MAX_TOTAL_BYTES:,} bytes")
            continue
        total += len(data)
        files.append(DataFile(_name(relative, files), data, _description(path, statement),
                              "Source" if path == statement or path.suffix == ".po" else "Data"))
    if sources:
        text = json.dumps(sources, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
        files.append(DataFile(SOURCES_NAME, text.encode("utf-8"),
                              "The statement's sources, as CSL-JSON", "Data"))
    return files, skipped


def _po_for(path: Path, data: bytes, lang: str) -> bool:
    """Whether a PO file is the translation into ``lang``: by its name (``ru.po``,
    ``statement.ru.po``) or its ``Language:`` header."""
    def norm(tag: str) -> str:
        return tag.strip().replace("-", "_").lower()

    if norm(path.stem.split(".")[-1]) == norm(lang):
        return True
    header = _PO_LANGUAGE.search(data[:4096])
    return bool(header) and norm(header.group(1).decode("utf-8", "replace")) == norm(lang)


def _name(relative: Path, files: list[DataFile]) -> str:
    """The file's name, or its path with dashes when two files share a name."""
    taken = {f.name for f in files}
    name = relative.name
    return name if name not in taken else "-".join(relative.parts)


def _description(path: Path, statement: Path) -> str:
    if path == statement:
        return "The statement's content, as written (YAML)"
    if path.suffix == ".po":
        return "The translation of the statement (gettext PO)"
    return f"Data beside the statement: {path.name}"
