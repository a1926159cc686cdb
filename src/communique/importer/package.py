"""Opening a Word draft safely: what is checked before python-docx reads a byte of XML.

A .docx is a zip of XML parts. Drafts come from outside the organisation, so before it is
parsed the package is checked, each refusal a located error that says what to do:

- a regular file (not a FIFO or a device) of at most :data:`MAX_DRAFT_BYTES`;
- a zip archive: an OLE2 file is either a password-protected .docx (Office encrypts into an
  OLE2 container) or a Word 97-2003 .doc, and each gets its own message;
- a Word document (its main part is ``wordprocessingml.document.main``), not a workbook, a
  presentation or an OpenDocument file, and not macro-enabled (a .docm, or a ``vbaProject.bin``
  in a .docx): communique never opens a document that carries macros;
- no zip bomb: at most :data:`MAX_ENTRIES` entries, each XML part at most
  :data:`MAX_PART_BYTES` and all of them together at most :data:`MAX_TOTAL_BYTES` once
  inflated, and no large entry inflating more than :data:`MAX_RATIO` times (zipfile itself
  stops at the declared size, so a lying header cannot inflate more);
- no document type declaration in any XML part (an entity expansion attack: Word never
  writes one), and python-docx's parser does not resolve entities anyway;
- relationships that point outside the package (``TargetMode="External"``): hyperlinks to
  http, https and mailto are ordinary; anything else (an image or template linked from another
  host, a ``file://`` path) is reported and never fetched.
"""

from __future__ import annotations

import io
import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from lxml import etree

MAX_DRAFT_BYTES = 100 * 1024 * 1024  # a draft with photographs is a few MB; 100 MB is generous
MAX_ENTRIES = 5_000
MAX_PART_BYTES = 64 * 1024 * 1024  # one XML part, inflated (a 500-page document.xml is ~20 MB)
MAX_TOTAL_BYTES = 512 * 1024 * 1024  # every entry, inflated (python-docx holds them in memory)
MAX_RATIO = 200  # an entry over 8 MB inflating more than this is a bomb, not a document
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
WORD_TEMPLATE = "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
MACRO_MAINS = ("application/vnd.ms-word.document.macroEnabled.main+xml",
               "application/vnd.ms-word.template.macroEnabledTemplate.main+xml")
OTHER_MAINS = {"spreadsheetml": "an Excel workbook", "presentationml": "a PowerPoint presentation"}
HYPERLINK_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"
_CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"


class Refused(Exception):
    """The draft cannot be opened; the message says why and what to do."""


@dataclass
class Checked:
    """A package that passed the checks: its bytes, and what it links to outside itself."""

    data: bytes
    external: list[str] = field(default_factory=list)  # warnings: relationships not followed


def check_draft(path: Path) -> Checked:
    """Read ``path`` and check it as a Word package; raise :class:`Refused` if it is not one."""
    try:
        info = path.stat()
    except OSError as exc:
        raise Refused(f"cannot read the draft: {exc.strerror or exc}") from None
    if not stat.S_ISREG(info.st_mode):
        raise Refused("not a regular file (a FIFO, a device or a folder)")
    if info.st_size > MAX_DRAFT_BYTES:
        raise Refused(f"the draft is {info.st_size / 1024 / 1024:.0f} MB, more than the "
                      f"{MAX_DRAFT_BYTES // 1024 // 1024} MB communique reads: remove large "
                      "images from it (File > Compress Pictures in Word) and save it again")
    try:
        with path.open("rb") as f:
            data = f.read(MAX_DRAFT_BYTES + 1)
    except OSError as exc:
        raise Refused(f"cannot read the draft: {exc.strerror or exc}") from None
    if data.startswith(OLE2_MAGIC):
        if any(name.encode("utf-16-le") in data for name in ("EncryptionInfo", "EncryptedPackage")):
            raise Refused("the draft is password-protected: open it in Word, remove the "
                          "password (File > Info > Protect Document > Encrypt with Password) "
                          "and save it again")
        raise Refused("this is a Word 97-2003 .doc file, not a .docx: open it in Word or "
                      "LibreOffice and save it as Word Document (.docx)")
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise Refused("not a Word .docx file (a .docx is a zip archive, this is not one)")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            external = _check_archive(archive)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError,
            NotImplementedError) as exc:
        raise Refused(f"a damaged zip archive ({exc}): open it in Word and save it again") from None
    return Checked(data, external)


def _check_archive(archive: zipfile.ZipFile) -> list[str]:
    """Check an archive as a Word package, in order: what kind of file it is, its sizes (no
    zip bomb), its main part (Word, no macros), no entity declarations; then the warnings for
    its relationships leading outside it."""
    entries = archive.infolist()
    if len(entries) > MAX_ENTRIES:
        raise Refused(f"the archive holds {len(entries)} files, more than a Word document has")
    names = {e.filename for e in entries}
    _check_package(archive, names)
    _check_sizes(entries)
    _check_main(archive, names)
    _check_declarations(archive, entries)
    return _external_relations(archive, [e.filename for e in entries
                                         if e.filename.endswith(".rels")])


def _check_package(archive: zipfile.ZipFile, names: set[str]) -> None:
    """An Office Open XML package at all (it has ``[Content_Types].xml``); an OpenDocument
    file (its ``mimetype`` entry) is named as such."""
    if "mimetype" in names and "[Content_Types].xml" not in names:
        kind = archive.read("mimetype")[:100].decode("ascii", "replace")
        what = "an OpenDocument text (.odt)" if "opendocument.text" in kind else f"a '{kind}' file"
        raise Refused(f"this is {what}, not a Word .docx: save it as Word Document (.docx)")
    if "[Content_Types].xml" not in names:
        raise Refused("a zip archive, but not a Word document (it has no [Content_Types].xml)")


def _check_sizes(entries: list[zipfile.ZipInfo]) -> None:
    """No encrypted entry, and no zip bomb: each entry checked by :func:`_check_entry`, then
    all of them together at most :data:`MAX_TOTAL_BYTES` inflated."""
    total = 0
    for entry in entries:
        _check_entry(entry)
        total += entry.file_size
    if total > MAX_TOTAL_BYTES:
        raise Refused(f"the archive inflates to {total // 1024 // 1024} MB: refused as a zip bomb")


def _check_entry(entry: zipfile.ZipInfo) -> None:
    """One entry: not encrypted, an XML part at most :data:`MAX_PART_BYTES` inflated, and a
    large entry inflating at most :data:`MAX_RATIO` times its compressed size."""
    if entry.flag_bits & 0x1:
        raise Refused(f"'{entry.filename}' in the archive is encrypted: save the draft "
                      "again without a password")
    xml = entry.filename.endswith((".xml", ".rels"))
    if xml and entry.file_size > MAX_PART_BYTES:
        raise Refused(f"'{entry.filename}' inflates to {entry.file_size // 1024 // 1024} MB, "
                      "more than any Word document's part: refused as a zip bomb")
    compressed = max(entry.compress_size, 1)
    if entry.file_size > 8 * 1024 * 1024 and entry.file_size > MAX_RATIO * compressed:
        raise Refused(f"'{entry.filename}' inflates {entry.file_size // compressed} "
                      "times its size in the archive: refused as a zip bomb")


def _check_main(archive: zipfile.ZipFile, names: set[str]) -> None:
    """The main part is a Word document's or template's: not macro-enabled (nor a
    ``vbaProject.bin`` anywhere), not a workbook or a presentation."""
    main = _main_type(archive)
    if main in MACRO_MAINS or any(PurePosixPath(n).name.lower() == "vbaproject.bin" for n in names):
        raise Refused("a macro-enabled document (.docm): communique does not open documents "
                      "that carry macros; save it as Word Document (.docx), without macros")
    if main not in (WORD_MAIN, WORD_TEMPLATE):
        other = next((label for key, label in OTHER_MAINS.items() if key in (main or "")), None)
        raise Refused(f"this is {other}, not a Word document" if other else
                      "a zip archive, but not a Word document (no Word main part)")


def _check_declarations(archive: zipfile.ZipFile, entries: list[zipfile.ZipInfo]) -> None:
    """No XML part starts with a document type or entity declarations (Word never writes
    one; an entity expansion attack does)."""
    for entry in entries:
        if entry.filename.endswith((".xml", ".rels")):
            head = archive.read(entry)[:4096] if entry.file_size else b""
            if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                raise Refused(f"'{entry.filename}' declares a document type or entities, "
                              "which Word never writes: refused (an XML entity attack?)")


def _parse(data: bytes) -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=False)
    return etree.fromstring(data, parser)


def _main_type(archive: zipfile.ZipFile) -> str | None:
    """The content type of the package's main part (``/word/document.xml`` as a rule)."""
    try:
        types = _parse(archive.read("[Content_Types].xml"))
        rels = _parse(archive.read("_rels/.rels"))
    except (KeyError, etree.XMLSyntaxError):
        return None
    main = next((r.get("Target") for r in rels.iter(f"{_REL}Relationship")
                 if (r.get("Type") or "").endswith("/officeDocument")), None)
    if not main:
        return None
    part = "/" + main.lstrip("/")
    for override in types.iter(f"{_CT}Override"):
        if override.get("PartName") == part:
            return override.get("ContentType")
    extension = part.rsplit(".", 1)[-1]
    for default in types.iter(f"{_CT}Default"):
        if (default.get("Extension") or "").lower() == extension.lower():
            return default.get("ContentType")
    return None


def _external_relations(archive: zipfile.ZipFile, rels_files: list[str]) -> list[str]:
    """Warnings for relationships leading out of the package other than web and mail links."""
    found: list[str] = []
    for name in rels_files:
        try:
            rels = _parse(archive.read(name))
        except etree.XMLSyntaxError:
            raise Refused(f"'{name}' in the archive is not well-formed XML") from None
        for rel in rels.iter(f"{_REL}Relationship"):
            if rel.get("TargetMode") != "External":
                continue
            target, kind = rel.get("Target") or "", (rel.get("Type") or "").rsplit("/", 1)[-1]
            scheme = urlsplit(target).scheme.lower()
            if rel.get("Type") == HYPERLINK_TYPE and scheme in ("http", "https", "mailto"):
                continue
            what = "a link" if rel.get("Type") == HYPERLINK_TYPE else f"an external {kind}"
            found.append(f"{what} to '{target[:200]}' is not followed (nothing is fetched)")
    return found
