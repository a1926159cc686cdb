"""A picture of a PDF's first page, for build reports and web previews.

PDFium (through pypdfium2, a wheel with the library inside) draws the page, so no system tool
such as poppler is needed; Pillow (already required by WeasyPrint) writes the PNG. Both are
deterministic for the same PDF, so an unchanged edition gives an unchanged picture.
"""

from __future__ import annotations

import io

THUMBNAIL_WIDTH = 420  # pixels: legible headings, a few dozen kilobytes
CARD_WIDTH = 1200  # a share card is 1200×630 pixels, what social media show beside a link


def first_page_png(pdf: bytes, width: int = THUMBNAIL_WIDTH) -> bytes:
    """The first page of ``pdf`` as PNG bytes, ``width`` pixels wide, on white."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    try:
        page = document[0]
        try:
            scale = width / page.get_width()  # a page 1200 CSS px wide is 900 pt
            bitmap = page.render(scale=scale, fill_color=(255, 255, 255, 255), draw_annots=False)
            image = bitmap.to_pil()
        finally:
            page.close()
    finally:
        document.close()
    out = io.BytesIO()
    image.convert("RGB").save(out, format="PNG", compress_level=6)  # 4x faster than optimize
    return out.getvalue()
