"""Arabic vowel marks drawn where a text extractor keeps them with their letter.

WeasyPrint draws a mark (fatha, damma, shadda, tanween…) as a glyph of its own, of no width,
moved onto its letter: right by a ``TJ`` number, up by a text rise (``Ts``) when the letter is
tall, in a ``TJ`` of its own between two ``Ts``. Readers place text by where each glyph is
drawn, and a glyph drawn that far from the flow of its word is not part of it:

- poppler (pdftotext, Evince, Okular) starts a new word at a glyph whose baseline is more
  than half a point off, or that starts more than a tenth of an em after the word's end or
  more than a fifth before it, and a glyph drawn where the previous one starts it takes for
  the same text drawn twice; it copied "دوليًا" as "دول ًيا", "أيضًا" as a lone "ً" on one
  line and "أيضا" on the next;
- PDFium (Chrome) sorts a line's text objects by where they start: a mark in a ``TJ`` of its
  own ends up away from its letter, or in another line.

This pass draws each letter's marks as one new glyph of the same font: a composite glyph
(TrueType ``glyf``) whose components are the marks at the offsets WeasyPrint gave them, so
the page looks the same (within a thousandth of an em, the rounding of a font unit). The new
glyph is drawn on the baseline, in the flow of its word, starting a seventh of an em
(:data:`STEP`) before the glyph that follows it, which is where both readers keep a glyph of
no width in its word; it reads as the marks (``/ToUnicode``). Stacked marks (shadda and a
vowel) become one glyph that reads as both, in the order they were drawn, which is
canonically equivalent to the other (their combining classes differ).

Only glyphs that stand for Arabic marks alone and have no width are moved, and only in a run
of text whose rises are all on such marks; anything else is left as WeasyPrint drew it.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from communique.render.structure import _fonts, _operations, _set_operations, _widths, to_unicode

# Arabic marks (harakat, tanween, shadda, sukun, superscript alef, Quranic marks).
MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e4\u06e7\u06e8\u06ea-\u06ed]+")
STEP = Decimal(140)  # thousandths of an em: the new glyph starts this far before the next
_ROOM = 4096  # glyph numbers kept free for new glyphs: more distinct mark groups are left as drawn
_SEGMENT = {"TJ", "Tj", "Ts"}  # the operators a run of text is made of


@dataclass
class _Font:
    """What the pass needs of one font: its mark glyphs and the glyphs it adds."""

    obj: Any
    marks: dict[int, str]  # glyph code → the marks it stands for
    widths: dict[int, float]
    first: int  # the first glyph number free for a new glyph
    added: dict[tuple[tuple[int, int, int], ...], int] = field(default_factory=dict)
    texts: dict[int, str] = field(default_factory=dict)

    def glyph(self, parts: tuple[tuple[int, int, int], ...], text: str) -> int | None:
        """The new glyph drawing ``parts`` ((mark glyph, x, y) in font units), or None when
        the font has no glyph numbers left."""
        if parts not in self.added:
            if len(self.added) >= _ROOM:
                return None
            self.added[parts] = self.first + len(self.added)
            self.texts[self.added[parts]] = text
        return self.added[parts]


def marks_in_place(pdf) -> None:
    """Draw the Arabic marks of every page of ``pdf`` in the flow of their word (see the
    module's docstring)."""
    fonts: dict[tuple[int, int], _Font] = {}
    for font in _fonts(pdf):
        found = _mark_glyphs(font)
        if found is not None:
            fonts[font.objgen] = found
    if not fonts:
        return
    for page in pdf.pages:
        out = _page(page, fonts)
        if out is not None:
            _set_operations(pdf, page, out)
    for font in fonts.values():
        if font.added:
            _add_glyphs(pdf, font)


def _mark_glyphs(font) -> _Font | None:
    """The font's glyphs that stand for Arabic marks alone and have no width, if any."""
    widths = _widths(font)
    marks = {code: text for code, text in to_unicode(font).items()
             if text and MARKS.fullmatch(text) and widths.get(code, 1000.0) == 0}
    descendant = font.DescendantFonts[0]
    if not marks or "/FontFile2" not in descendant.FontDescriptor \
            or str(descendant.get("/CIDToGIDMap", "/Identity")) != "/Identity":
        return None
    from fontTools.ttLib import TTFont

    program = TTFont(io.BytesIO(descendant.FontDescriptor.FontFile2.read_bytes()), lazy=True)
    if "glyf" not in program or program["maxp"].numGlyphs > 0xFFFF - _ROOM:
        return None  # no outlines to compose (CFF), or no glyph numbers left for new glyphs
    return _Font(font, marks, widths, program["maxp"].numGlyphs)


def _page(page, fonts: dict[tuple[int, int], _Font]) -> list | None:
    """The page's content with its marks moved, or None when it has none to move."""
    import pikepdf

    page_fonts = {str(name): f for name, f in (page.Resources.get("/Font") or {}).items()}
    ops = _operations(page)
    out: list = []
    changed = False
    font: _Font | None = None
    size = Decimal(0)
    rise = Decimal(0)
    run: list[tuple[Any, str]] = []

    def flush() -> None:
        nonlocal changed, run
        if run:
            new = _run(run, font, size, rise_before) if font is not None else None
            if new is None:
                out.extend(pikepdf.ContentStreamInstruction(o, pikepdf.Operator(n)) for o, n in run)
            else:
                out.append(new)
                changed = True
        run = []

    rise_before = rise
    for operands, name in ops:
        if name in _SEGMENT:
            if not run:
                rise_before = rise
            run.append((operands, name))
            if name == "Ts":
                rise = Decimal(str(operands[0]))
            continue
        flush()
        if name == "Tf":
            known = page_fonts.get(str(operands[0]))
            font = fonts.get(known.objgen) if known is not None else None
            size = Decimal(str(operands[1]))
        out.append(pikepdf.ContentStreamInstruction(operands, pikepdf.Operator(name)))
    flush()
    return out if changed else None


def _items(run: list[tuple[Any, str]], rise: Decimal) -> list[tuple[str, Any, Decimal]] | None:
    """A run's glyphs and numbers in drawing order, each glyph with its rise:
    ("g", code, rise) or ("n", number, 0)."""
    import pikepdf

    items: list[tuple[str, Any, Decimal]] = []
    for operands, name in run:
        if name == "Ts":
            rise = Decimal(str(operands[0]))
            continue
        parts = operands[0] if isinstance(operands[0], pikepdf.Array) else [operands[0]]
        for part in parts:
            if isinstance(part, pikepdf.String):
                raw = bytes(part)
                if len(raw) % 2:
                    return None
                items += [("g", int.from_bytes(raw[i:i + 2], "big"), rise) for i in range(0, len(raw), 2)]
            else:
                items.append(("n", part, Decimal(0)))
    return items if rise == 0 else None


def _movable(items: list[tuple[str, Any, Decimal]], font: _Font) -> bool:
    """Whether a run draws marks, and raises no glyph but a mark (WeasyPrint's positioning of
    marks, nothing else)."""
    marks = any(kind == "g" and code in font.marks for kind, code, _ in items)
    return marks and not any(kind == "g" and up != 0 and code not in font.marks for kind, code, up in items)


def _run(run: list[tuple[Any, str]], font: _Font, size: Decimal, rise: Decimal):
    """One ``TJ`` that draws ``run`` with each letter's marks as one new glyph, or None when
    the run has no marks or draws something this pass does not know how to keep."""
    import pikepdf

    items = _items(run, rise) if rise == 0 and size > 0 else None
    if items is None or not _movable(items, font):
        return None
    parts: list = []
    glyphs = bytearray()

    def glyph(code: int) -> None:
        glyphs.extend(code.to_bytes(2, "big"))

    def number(value: Any) -> None:
        nonlocal glyphs
        if glyphs:
            parts.append(pikepdf.String(bytes(glyphs)))
            glyphs = bytearray()
        parts.append(value)

    i = 0
    while i < len(items):
        kind, value, _ = items[i]
        if kind == "g" and value not in font.marks:
            glyph(value)
            i += 1
            continue
        j = i  # a group: numbers and marks up to the next glyph that is not a mark
        while j < len(items) and not (items[j][0] == "g" and items[j][1] not in font.marks):
            j += 1
        if any(k == "g" for k, _, _ in items[i:j]):
            move, new = _group(items[i:j], font, size)
            if new is None:
                return None  # the font is out of glyph numbers: the run stays as drawn
            number(move)
            glyph(new)  # as wide as STEP: the next glyph starts where it ends
        else:
            for _, n, _ in items[i:j]:
                number(n)
        i = j
    if glyphs:
        parts.append(pikepdf.String(bytes(glyphs)))
    return pikepdf.ContentStreamInstruction([pikepdf.Array(parts)], pikepdf.Operator("TJ"))


def _group(group: list[tuple[str, Any, Decimal]], font: _Font, size: Decimal) -> tuple[Decimal, int | None]:
    """The ``TJ`` number that moves to where a group of marks (and the numbers around them)
    is drawn as one new glyph, and that glyph: it starts :data:`STEP` before the pen's place
    after the group (where the next glyph starts), its components where the marks were."""
    pen = Decimal(0)  # thousandths of an em from where the group starts
    drawn: list[tuple[int, Decimal, Decimal]] = []
    for kind, value, up in group:
        if kind == "n":
            pen -= Decimal(str(value))
        else:
            drawn.append((value, pen, up))
            pen += Decimal(str(font.widths.get(value, 0)))
    start = pen - STEP
    components = tuple((code, round(x - start), round(up / size * 1000)) for code, x, up in drawn)
    return -start, font.glyph(components, "".join(font.marks[code] for code, _, _ in drawn))


def _add_glyphs(pdf, font: _Font) -> None:
    """Add the font's new glyphs to its program, widths and ``/ToUnicode`` map."""
    import pikepdf
    from fontTools.ttLib import TTFont
    from fontTools.ttLib.tables._g_l_y_f import Glyph, GlyphComponent

    descendant = font.obj.DescendantFonts[0]
    stream = descendant.FontDescriptor.FontFile2
    program = TTFont(io.BytesIO(stream.read_bytes()), recalcTimestamp=False)  # its date stays
    upem = program["head"].unitsPerEm
    order = list(program.getGlyphOrder())
    glyf, hmtx = program["glyf"], program["hmtx"]
    for parts, code in sorted(font.added.items(), key=lambda item: item[1]):
        glyph = Glyph()
        glyph.numberOfContours = -1
        glyph.components = []
        for mark, x, y in parts:
            component = GlyphComponent()
            component.glyphName = order[mark]
            component.x = round(x * upem / 1000)
            component.y = round(y * upem / 1000)
            component.flags = 0
            glyph.components.append(component)
        name = f"marks.{code}"
        order.append(name)
        glyf.glyphs[name] = glyph
        glyph.recalcBounds(glyf)
        hmtx.metrics[name] = (round(STEP * upem / 1000), getattr(glyph, "xMin", 0))
    glyf.glyphOrder = order
    program.setGlyphOrder(order)
    data = io.BytesIO()
    program.save(data)
    stream.write(data.getvalue())
    stream.Length1 = len(data.getvalue())
    widths = descendant.get("/W")
    entries = [font.first, pikepdf.Array([int(STEP)] * len(font.added))]
    descendant.W = pikepdf.Array([*(widths or []), *entries])
    cmap = font.obj.ToUnicode.read_bytes().decode("latin-1")
    pairs = sorted(font.texts.items())
    blocks = []
    for at in range(0, len(pairs), 100):
        chunk = pairs[at:at + 100]
        lines = "\n".join(f"<{code:04x}> <{text.encode('utf-16-be').hex()}>" for code, text in chunk)
        blocks.append(f"{len(chunk)} beginbfchar\n{lines}\nendbfchar\n")
    cmap = cmap.replace("endcmap", "".join(blocks) + "endcmap", 1)
    font.obj.ToUnicode.write(cmap.encode("latin-1"))
