"""Word drafts for the import tests, written with python-docx (and the footnotes part of
communique's Word writer, since python-docx has no footnote API).

:func:`seed_draft` makes the reference draft from the seed statement in ``../shared/seeds/``:
its title, its bold opening call, its paragraphs, the BACKGROUND heading, and its 11 footnotes
at the places the seed's text calls them (1–5 as hyperlinks, the way Word formats a pasted
address, 6–9 as plain text, 10 with "See as well:", 11 a quotation of a resolution).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT.parent / "shared" / "seeds" / "000_631b736bfde3c4ed.txt"
# The seed is text taken from a PDF: these begin its paragraphs (its layout, not its words).
PARAGRAPH_STARTS = (
    "Amnesty International calls on all sides", "On 27 September, heavy fighting",
    "While it is reported", "According to the Armenian Defence", "The Ministry of Defence of Azerbaijan",
    "Amnesty International has not yet", "The Azerbaijani government has also",
    "Amnesty International calls on the parties", "Armenia and Azerbaijan also continue",
    "Amnesty International also urges", "BACKGROUND", "Azerbaijan and Armenia remain locked",
    "There have been numerous",
)
PAGE_FURNITURE = ("Amnesty International Public Statement",)


@dataclass
class Draft:
    """A draft's content: the title, then paragraphs (a heading is a str in ``headings``);
    each paragraph a list of text and note numbers."""

    title: str
    paragraphs: list[list[str | int]] = field(default_factory=list)
    headings: set[int] = field(default_factory=set)  # indexes of paragraphs that are headings
    bold: set[int] = field(default_factory=set)  # indexes of paragraphs in bold
    notes: dict[int, str] = field(default_factory=dict)

    def sentences(self) -> list[str]:
        """Every sentence of the draft's text, for comparing with a PDF: a sentence with a
        note call in it is two pieces, before and after the call (the PDF prints its number)."""
        out = []
        for paragraph in self.paragraphs:
            for text in paragraph:
                if isinstance(text, str):
                    out += [s for s in re.split(r"(?<=[.;])\s+(?=[A-Z])", text) if s.strip()]
        return [self.title, *out]


def seed_draft() -> Draft:
    """The seed statement as a draft: its text and its 11 notes at their places."""
    lines = SEED.read_text(encoding="utf-8").splitlines()
    title = " ".join(line.strip() for line in lines[:2])
    body: list[str] = []
    notes: dict[int, str] = {}
    current = None
    for line in lines[2:]:
        text = line.strip()
        m = re.match(r"^(\d{1,2}) (\S.*)$", text)
        if m and int(m[1]) == len(notes) + 1:
            current = int(m[1])
            notes[current] = m[2]
            continue
        if not text or text in PAGE_FURNITURE or text.isdigit():
            continue
        if current == 11:  # the last note runs to the end of the text
            notes[11] += " " + text
            continue
        current = None
        body.append(text)
    paragraphs: list[str] = []
    for text in body:
        if text.startswith(PARAGRAPH_STARTS) or not paragraphs:
            paragraphs.append(text)
        else:
            paragraphs[-1] += " " + text
    draft = Draft(title, notes=notes)
    number = 1
    for index, text in enumerate(paragraphs):
        parts: list[str | int] = []
        while number <= len(notes):
            m = re.compile(rf"(?<=[.,)])( ?){number}(?=\s|$)").search(text)
            if m is None:
                break
            parts += [text[:m.start()], number]
            text = text[m.end():]
            number += 1
        parts.append(text)
        draft.paragraphs.append([p for p in parts if p != ""])
        if text == "BACKGROUND" and len(parts) == 1:
            draft.headings.add(index)
    assert number == 12, f"only {number - 1} note calls found in the seed"
    draft.bold.add(0)  # the opening call
    return draft


def write_docx(draft: Draft, path: Path, *, lang: str = "en", hyperlinked: range = range(1, 6),
               date_line: str | None = None) -> Path:
    """Write ``draft`` as a Word document with real footnotes."""
    from communique.outputs.docx import _RTL_CHARS, WordWriter

    rtl = bool(_RTL_CHARS.search(draft.title))
    writer = WordWriter(lang, rtl=rtl)
    title = writer.paragraph("Title")
    writer.run(title, draft.title)
    if date_line:
        writer.run(writer.paragraph(), date_line)
    for index, paragraph in enumerate(draft.paragraphs):
        style = "Heading 1" if index in draft.headings else None
        p = writer.paragraph(style)
        for part in paragraph:
            if isinstance(part, str):
                writer.run(p, part, bold=index in draft.bold)
                continue
            note = writer.footnote(p)
            text = draft.notes[part]
            url = re.search(r"https?://\S+", text)
            if url and part in hyperlinked:
                writer.run(note, text[:url.start()])
                link = writer.hyperlink(note, url[0], in_note=True)
                writer.run(link, url[0], char_style=writer.link_id)
                writer.run(note, text[url.end():])
            else:
                writer.run(note, text)
    writer.properties(title=draft.title, date=dt.date(2020, 9, 29))
    path.write_bytes(writer.save(dt.date(2020, 9, 29)))
    return path
