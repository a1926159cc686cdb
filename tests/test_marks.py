"""Arabic vowel marks drawn in the flow of their word (render/marks.py): the page looks the
same, the font stays whole, and both readers keep each mark with its letter."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import unicodedata
from decimal import Decimal
from pathlib import Path

import pikepdf
import pytest

from communique.render import marks
from communique.render import pdf as render_pdf
from communique.render.structure import _widths, to_unicode

ROOT = Path(__file__).resolve().parent.parent
WORDS = ["المُبلِّغة", "أيضًا", "فقُتل", "دوليًا", "قيّدت", "يتبقَّ", "وهُجّر", "سابقًا", "شخصًا", "أُبلغ"]
HTML = ('<html lang="ar" dir="rtl"><head><title>t</title><style>p { text-align: justify; '
        'font-family: "Noto Sans Arabic"; font-size: 12pt; width: 9cm }</style></head><body><p>'
        + " ".join(WORDS * 6) + "</p></body></html>")
MARK = re.compile("[\u064b-\u065f\u0670]+")


def _print(monkeypatch, moved: bool) -> bytes:
    if not moved:
        monkeypatch.setattr(marks, "marks_in_place", lambda pdf: None)
    data = render_pdf.print_pdf(HTML, ROOT, [ROOT]).pdf
    monkeypatch.undo()
    return data


def _drawn(data: bytes) -> list[tuple[str, float, float]]:
    """Every mark glyph the pages draw, as (mark glyph's text, x, y) in points: where its
    outline stands, the components of a glyph the pass added each where it places them."""
    found: list[tuple[str, float, float]] = []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            fonts = {str(n): f for n, f in page.Resources.Font.items()}
            parts = {name: _components(f) for name, f in fonts.items()}
            font, size, x, y, rise = "", Decimal(0), Decimal(0), Decimal(0), Decimal(0)
            for operands, op in ((i.operands, str(i.operator)) for i in pikepdf.parse_content_stream(page)):
                if op == "Tf":
                    font, size = str(operands[0]), Decimal(str(operands[1]))
                elif op == "Tm":
                    x, y = Decimal(str(operands[4])), Decimal(str(operands[5]))
                elif op == "Ts":
                    rise = Decimal(str(operands[0]))
                elif op == "TJ":
                    widths, texts = _widths(fonts[font]), to_unicode(fonts[font])
                    for item in operands[0]:
                        if not isinstance(item, pikepdf.String):
                            x -= Decimal(str(item)) * size / 1000
                            continue
                        raw = bytes(item)
                        for at in range(0, len(raw), 2):
                            code = int.from_bytes(raw[at:at + 2], "big")
                            added = widths.get(code) == marks.STEP  # a glyph the pass added
                            for mark, dx, dy in parts[font][code] if added else [(code, 0, 0)]:
                                if MARK.fullmatch(texts.get(mark, "")):
                                    found.append((texts[mark], round(float(x + Decimal(dx) * size / 1000), 2),
                                                  round(float(y - rise - Decimal(dy) * size / 1000), 2)))
                            x += Decimal(str(widths.get(code, 1000))) * size / 1000
    return sorted(found)


def _components(font) -> dict[int, list[tuple[int, int, int]]]:
    """A font's composite glyphs: glyph → its components (glyph, x, y in 1/1000 em)."""
    from fontTools.ttLib import TTFont

    program = TTFont(io.BytesIO(font.DescendantFonts[0].FontDescriptor.FontFile2.read_bytes()))
    order, glyf, upem = program.getGlyphOrder(), program["glyf"], program["head"].unitsPerEm
    found = {}
    for gid, name in enumerate(order):
        glyph = glyf[name]
        if glyph.isComposite():
            found[gid] = [(order.index(c.glyphName), c.x * 1000 // upem, c.y * 1000 // upem)
                          for c in glyph.components]
    return found


@pytest.mark.parametrize("room", [marks._ROOM, 1])
def test_marks_are_drawn_where_they_were(monkeypatch, room):
    """Each mark stands where WeasyPrint drew it (within 0.02 pt, a font unit's rounding),
    as part of a new glyph; no mark is drawn with a text rise any more. A font with no glyph
    numbers left for new glyphs (``room`` 1) keeps the runs it cannot redraw as they were."""
    before = _print(monkeypatch, moved=False)
    monkeypatch.setattr(marks, "_ROOM", room)
    after = _print(monkeypatch, moved=True)
    drawn = _drawn(before)
    assert len(drawn) > 40
    moved = _drawn(after)
    assert [m[0] for m in moved] == [m[0] for m in drawn]
    assert all(abs(a[1] - b[1]) <= 0.02 and abs(a[2] - b[2]) <= 0.02 for a, b in zip(drawn, moved, strict=True))
    with pikepdf.open(io.BytesIO(after)) as pdf:
        rises = [float(i.operands[0]) for page in pdf.pages for i in pikepdf.parse_content_stream(page)
                 if str(i.operator) == "Ts"]
    assert (set(rises) <= {0.0}) == (room > 1)


@pytest.mark.parametrize("moved", [False, True])
def test_poppler_reads_each_vowelled_word_whole(monkeypatch, tmp_path, moved):
    """The words as the readers see them, before (the bug: marks set apart) and after."""
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils is not installed")
    path = tmp_path / "marks.pdf"
    path.write_bytes(_print(monkeypatch, moved=moved))
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    found = set(re.findall(r"[\w\u064b-\u065f\u0670]+", unicodedata.normalize("NFKC", text)))
    missing = [w for w in WORDS if unicodedata.normalize("NFKC", w) not in found]
    assert (missing == []) == moved, missing
