"""Data a journalist or researcher can reuse, written beside each edition's PDF.

- ``<slug>-<lang>.sources.json``: the statement's sources as CSL-JSON (Zotero, pandoc and every
  reference manager import it);
- ``<slug>-<lang>.data.json``: the statement, its incidents and its sources with the notes that
  cite them;
- ``<slug>-<lang>.incidents.csv`` and ``<slug>-<lang>.sources.csv``: the same as tables.

Sources are those the statement cites plus those it defines itself; a shared workspace library
is not copied whole into every statement's export.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from communique.outputs.base import EditionContext, Made, Steps

if TYPE_CHECKING:  # (imported where used: the registry is read by builds with nothing to do)
    from communique.document import Document


def source_notes(doc: Document, notes) -> dict[str, list[int]]:
    """Every source the statement can cite, with the numbers of the notes citing it."""
    from communique.citations.setup import WORKSPACE_LIBRARY

    out: dict[str, list[int]] = {key: [] for key, e in doc.sources.items()
                                 if e.origin.level != WORKSPACE_LIBRARY}
    for note in notes:
        for key in note.keys:
            numbers = out.setdefault(key, [])
            if note.number not in numbers:
                numbers.append(note.number)
    return out


def sources_csl(doc: Document, notes) -> list[dict[str, Any]]:
    return [doc.sources[key].csl_item() for key in source_notes(doc, notes) if key in doc.sources]


def source_records(doc: Document, notes) -> list[dict[str, Any]]:
    records = []
    for key, numbers in source_notes(doc, notes).items():
        entry = doc.sources.get(key)
        if entry is None:
            continue
        records.append({
            "id": key, "kind": entry.kind, "title": entry.title, "authors": list(entry.authors),
            "publisher": entry.publisher, "date": entry.issued.iso if entry.issued else None,
            "accessed": entry.accessed.iso if entry.accessed else None, "url": entry.url,
            "notes": numbers, "defined_in": str(entry.origin),
        })
    return records


def incident_records(doc: Document, notes) -> list[dict[str, Any]]:
    """Each incident's facts, its text without markup, the sources and notes it cites."""
    from communique.content.fields import parts_of
    from communique.content.model import Incident
    from communique.document import plain

    records = []
    for path, incident, section in parts_of(doc.statement, Incident):  # any document type
        view = doc.view
        for step in path:
            view = view[step]
        cited = [n for n in notes
                 if any(doc.marks[m].path[:len(path)] == path for m in n.mark_indexes)]
        records.append({
            "id": incident.id, "section": getattr(section, "id", None),
            "date": incident.date.isoformat(),
            "end_date": incident.end_date.isoformat() if incident.end_date else None,
            "place": plain(view["place"]), "reported_by": plain(view["reported_by"]),
            "civilians_killed": incident.civilians.killed,
            "civilians_wounded": incident.civilians.wounded, "verified": incident.verified,
            "text": plain(view["text"]),
            "sources": list(dict.fromkeys(k for n in cited for k in n.keys)),
            "notes": [n.number for n in cited],
        })
    return records


def files(doc: Document, notes, stem: str) -> dict[str, bytes]:
    """File name -> content for one edition (``stem`` is ``<slug>-<lang>``)."""
    from communique.document import plain

    statement = doc.statement
    sources = source_records(doc, notes)
    incidents = incident_records(doc, notes)
    data = {
        "statement": {"title": plain(doc.view["title"]), "date": statement.date.isoformat(),
                      "lang": statement.lang, "reference": statement.reference,
                      # whoever reuses the data must know it is not for publication (yet)
                      "draft": statement.draft,
                      "embargo": statement.embargo.isoformat() if statement.embargo else None,
                      "citation_style": doc.citations.style,
                      "recitation": doc.citations.recitation},
        "incidents": incidents,
        "sources": sources,
    }
    return {
        f"{stem}.sources.json": _json(sources_csl(doc, notes)),
        f"{stem}.data.json": _json(data),
        f"{stem}.incidents.csv": _csv(incidents, ["id", "section", "date", "end_date", "place",
                                                  "reported_by", "civilians_killed",
                                                  "civilians_wounded", "verified", "sources",
                                                  "notes", "text"]),
        f"{stem}.sources.csv": _csv(sources, ["id", "kind", "title", "authors", "publisher",
                                              "date", "accessed", "url", "notes", "defined_in"]),
    }


def _json(value: Any) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _csv(records: list[dict[str, Any]], columns: list[str]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for record in records:
        writer.writerow([_cell(record.get(c)) for c in columns])
    return out.getvalue().encode("utf-8-sig")  # the BOM makes spreadsheets read UTF-8


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    text = str(value)
    # A cell starting like a formula runs as one in spreadsheets: keep it text.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


class DataOutput:
    """The sources and incidents as CSL-JSON, JSON and CSV beside the PDF."""

    name = "data"
    label = "data"  # in the build report

    def path(self, ctx: EditionContext) -> Path:
        return ctx.folder / f"{ctx.stem}.data.json"

    def make(self, ctx: EditionContext, made: dict[str, Made]) -> Steps:
        yield from ()  # (nothing to print)
        web = made.get("web")
        if web is not None and web.notes is not None:
            notes = web.notes
        else:  # numbered as on the web page
            from communique.render.html import render

            notes = render(ctx.doc, ctx.workspace, "web", fallback=ctx.fallback,
                           strings=ctx.strings, languages=ctx.languages).notes
        return Made({ctx.folder / name: data for name, data in files(ctx.doc, notes, ctx.stem).items()})
