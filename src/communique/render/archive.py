"""What an archival PDF carries: the data the edition was built from, and nothing else.

A statement is cited for decades, long after the workspace that built it is gone. In archive
mode (PDF/A-3b) each PDF embeds its own data, so the text and every reference can be recovered
from the PDF alone. What is attached is listed explicitly, never found by walking a folder:

- ``statement.yaml``: the statement's *data*, written back from what the build read, so its
  YAML comments ("confirm with the witness…") and the workspace's internal fields are not in
  it;
- the statement's own source libraries that the edition cites from (each written back from
  its entries, so a BibTeX file's comments stay behind too);
- the PO file of the edition's language, without its translators' comments unless the
  workspace asks for them (``[pdf] translator_comments``);
- ``cited-sources.json``: the sources the edition cites and those the statement defines.

A file is attached only if the build read it, through no symlink, outside every hidden folder
and every internal one (``[internal] folders``), and by the sandbox's rule.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from communique.render.pdf import DataFile
from communique.sandbox import Refused, contained, read_file

if TYPE_CHECKING:
    from communique.document import Document
    from communique.workspace import Workspace

MAX_TOTAL_BYTES = 20 * 1024 * 1024  # the whole of a statement's data; a PDF is no backup tool
SOURCES_NAME = "cited-sources.json"
STATEMENT_NAME = "statement.yaml"


def source_files(doc: Document, workspace: Workspace, lang: str,
                 sources: list[dict]) -> tuple[list[DataFile], list[str]]:
    """The files to embed in the ``lang`` edition of ``doc``, and why any were left out.

    The statement comes first, then the translation, then the statement's libraries the
    edition cites from (in the order the statement lists them), then ``sources`` (CSL-JSON
    items: those the edition cites and those the statement defines) as one CSL-JSON file.
    """
    from communique.i18n import content
    from communique.i18n.editions import same_language

    settings = workspace.settings
    files: list[DataFile] = []
    skipped: list[str] = []
    total = 0

    def add(file: DataFile) -> None:
        nonlocal total
        if total + len(file.data) > MAX_TOTAL_BYTES:
            skipped.append(f"not attached: '{file.name}' would take the attachments past "
                           f"{MAX_TOTAL_BYTES:,} bytes")
            return
        total += len(file.data)
        taken = {f.name for f in files}
        name, n = file.name, 1
        while name in taken:
            n += 1
            stem, dot, suffix = file.name.rpartition(".")
            name = f"{stem}-{n}.{suffix}" if dot else f"{file.name}-{n}"
        files.append(DataFile(name, file.data, file.description, file.relationship))

    add(DataFile(STATEMENT_NAME, statement_data(doc.located.data),
                 "The statement's content as data (YAML), without comments or internal fields",
                 "Source"))
    folder = doc.located.path.parent
    written_in = (doc.located.data or {}).get("lang") or doc.statement.lang  # not the edition's
    if not same_language(lang, str(written_in)):
        po = content.po_path(folder, lang)
        if po.exists() or po.is_symlink():
            try:
                raw = _readable(po, workspace)
                add(DataFile(po.name, po_data(raw, settings.pdf.translator_comments),
                             "The translation of the statement (gettext PO)", "Source"))
            except Refused as exc:
                skipped.append(f"not attached: {exc}")
    for path in cited_libraries(doc, workspace):
        try:
            raw = _readable(path, workspace)
            add(DataFile(path.name, library_data(path, raw),
                         f"A source library of the statement: {path.name}", "Data"))
        except Refused as exc:
            skipped.append(f"not attached: {exc}")
    if sources:
        text = json.dumps(sources, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
        add(DataFile(SOURCES_NAME, text.encode("utf-8"), "The statement's sources, as CSL-JSON",
                     "Data"))
    return files, skipped


def _readable(path: Path, workspace: Workspace) -> bytes:
    """The bytes of a file that may be attached: inside the workspace, reached through no
    symlink, in no hidden or internal folder."""
    root = workspace.root.absolute()
    shown = workspace.display(path)
    absolute = Path(os.path.abspath(path))
    try:
        relative = absolute.relative_to(root)
    except ValueError:
        raise Refused(f"'{shown}' is outside the workspace") from None
    if Path(os.path.realpath(absolute)) != Path(os.path.realpath(root)) / relative:
        raise Refused(f"'{shown}' is reached through a symbolic link")
    internal = set(workspace.settings.internal.folders)
    for part in relative.parts[:-1]:
        if part.startswith("."):
            raise Refused(f"'{shown}' is in a hidden folder")
        if part in internal:
            raise Refused(f"'{shown}' is in the internal folder '{part}' ([internal] folders)")
    return read_file(contained(absolute, [root]), MAX_TOTAL_BYTES)


def cited_libraries(doc: Document, workspace: Workspace) -> list[Path]:
    """The statement's own libraries (``citations.libraries``) the document cites from, in the
    order the statement names them. A workspace library is shared by every statement: only the
    sources cited from it are attached, in ``cited-sources.json``."""
    from communique.citations.setup import STATEMENT_LIBRARY

    cited = {doc.sources[key].origin.path for key in _cited_keys(doc) if key in doc.sources
             and doc.sources[key].origin.level == STATEMENT_LIBRARY}
    folder = doc.located.path.parent
    found: list[Path] = []
    for name in doc.statement.citations.libraries:
        path = folder / name
        shown = {workspace.display(path), workspace.display(path.resolve())}  # a symlink's too
        if shown & cited and path not in found:
            found.append(path)
    return found


def _cited_keys(doc: Document) -> list[str]:
    from communique.content.markup import cited_keys

    return list(dict.fromkeys(cite.key for cite in cited_keys(tuple(ref.mark for ref in doc.marks))))


class _Dumper(yaml.SafeDumper):
    """Writes multi-line text as literal blocks (``|``), as people write statements."""


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


def statement_data(data: Any) -> bytes:
    """The statement's data as YAML: what the loader read, so no comment is in it."""
    data = data if data is not None else {}
    text = yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False,
                     default_flow_style=False, width=100)
    if yaml.safe_load(text) != data:  # never seen; but the data must come back as it was read
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
    return text.encode("utf-8")


def po_data(raw: bytes, comments: bool) -> bytes:
    """A translation as attached: without translators' comments (entries' ``#`` lines, the
    header's) and obsolete entries unless ``comments``; as read otherwise."""
    if comments:
        return raw
    import polib

    po = polib.pofile(raw.decode("utf-8"), wrapwidth=78)
    po.header = ""
    for entry in po.obsolete_entries():
        po.remove(entry)
    for entry in po:
        entry.tcomment = ""
    return str(po).removeprefix("#\n").encode("utf-8")  # polib writes "#" for no header


def library_data(path: Path, raw: bytes) -> bytes:
    """A library as attached: its entries only (a BibTeX file's comments and text between
    entries stay behind; CSL-JSON has no comments and is attached as read)."""
    if path.suffix.lower() not in (".bib", ".bibtex"):
        return raw
    import bibtexparser
    from bibtexparser.library import Library

    parsed = bibtexparser.parse_string(raw.decode("utf-8"))
    kept = Library([*parsed.strings, *parsed.entries])
    return bibtexparser.write_string(kept).encode("utf-8")
