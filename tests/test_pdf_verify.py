"""The PDF structure check: what it accepts, and each fault it must catch in a damaged PDF."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject, TextStringObject

from communique.render.pdf import print_pdf
from communique.render.verify import verify_pdf

HTML = """<!DOCTYPE html><html lang="en"><head><title>A tagged statement</title>
<style>@page { size: A5 } body { font-family: 'DejaVu Sans' }</style></head><body>
<h1>A tagged statement</h1><p id="top">Text with <a href="https://example.org/a">a link</a>
and <a href="#later">an internal one</a>.</p><h2 id="later">Later</h2><p>More text.</p>
</body></html>"""


@pytest.fixture(scope="module")
def tagged(tmp_path_factory) -> bytes:
    folder = tmp_path_factory.mktemp("verify")
    return print_pdf(HTML, folder, [folder]).pdf


def damaged(pdf: bytes, change) -> bytes:
    """``pdf`` after ``change(writer)`` has altered some of its objects."""
    writer = PdfWriter(clone_from=io.BytesIO(pdf))
    change(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def links(writer):
    for page in writer.pages:
        for annot in page.get("/Annots") or []:
            yield annot.get_object()


def test_a_pdf_from_print_pdf_passes(tagged):
    found = verify_pdf(tagged, lang="en", pages=1, archive=False)
    assert found.problems == []
    assert found.conformance == ["PDF/UA-1"] and found.tagged and found.lang == "en"
    assert found.fonts >= 1 and found.links >= 2 and found.bookmarks == 2
    assert "1 page(s), PDF/UA-1, tagged, lang en" in found.summary()


def test_an_untagged_pdf_fails(tmp_path):
    from weasyprint import HTML as Html

    found = verify_pdf(Html(string=HTML).write_pdf())
    assert not found.tagged
    assert "not tagged: no structure tree (/StructTreeRoot)" in found.problems
    assert "no PDF/UA or PDF/A conformance declared in the XMP metadata" in found.problems
    assert "no document identifier (/ID)" in found.problems


def test_expectations_of_the_build_are_checked(tagged):
    problems = verify_pdf(tagged, lang="ru", pages=3, archive=True).problems
    assert "document language is 'en', expected 'ru'" in problems
    assert "the PDF has 1 page(s), the layout had 3" in problems
    assert "expected PDF/A-3b (archive mode)" in problems
    assert "archive mode, but no source data is attached" in problems


def test_a_link_to_a_missing_destination_is_caught(tagged):
    def retarget(writer):
        for annot in links(writer):
            if "/Dest" in annot:
                annot[NameObject("/Dest")] = TextStringObject("nowhere")

    problems = verify_pdf(damaged(tagged, retarget)).problems
    assert problems == ["page 1: a link points to '#nowhere', which is not in the PDF"]


@pytest.mark.parametrize("uri", ["file:///etc/passwd", "javascript:alert(1)", "https:nohost"])
def test_links_other_than_web_and_mail_addresses_are_caught(tagged, uri):
    def relink(writer):
        for annot in links(writer):
            if "/A" in annot:
                annot["/A"][NameObject("/URI")] = TextStringObject(uri)

    problems = verify_pdf(damaged(tagged, relink)).problems
    assert problems == [f"page 1: link to '{uri}': only http, https and mailto addresses may be linked"]


def test_a_font_without_its_file_is_caught(tagged):
    def unembed(writer):
        fonts = writer.pages[0]["/Resources"]["/Font"]
        for font in fonts.values():
            descriptor = font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            del descriptor.get_object()["/FontFile2"]

    problems = verify_pdf(damaged(tagged, unembed)).problems
    assert problems and all(p.startswith("font '") and p.endswith("' is not embedded") for p in problems)


def test_a_missing_language_and_title_are_caught(tagged):
    def strip(writer):
        del writer._root_object["/Lang"]
        del writer._root_object["/ViewerPreferences"]

    problems = verify_pdf(damaged(tagged, strip)).problems
    assert "no document language (/Lang)" in problems
    assert "viewers are not told to show the title (/DisplayDocTitle)" in problems


def test_a_link_without_a_description_is_caught(tagged):
    def undescribe(writer):
        for annot in links(writer):
            del annot["/Contents"]

    assert "page 1: a tagged link has no description (/Contents)" in verify_pdf(
        damaged(tagged, undescribe)).problems


def test_garbage_is_not_a_pdf(tmp_path):
    path = tmp_path / "x.pdf"
    path.write_bytes(b"%PDF-1.7\nnot really\n")
    found = verify_pdf(path)
    assert len(found.problems) == 1 and found.problems[0].startswith("not a readable PDF")


def test_the_reader_sees_the_same_pdf(tagged):
    """Guard for the damage helper: an untouched round trip through pypdf still passes."""
    assert verify_pdf(damaged(tagged, lambda writer: None)).problems == []
    assert PdfReader(io.BytesIO(tagged)).trailer["/Root"]["/Lang"] == "en"


def test_an_encrypted_pdf_is_named(tagged):
    def encrypt(writer):
        writer.encrypt("secret")

    assert verify_pdf(damaged(tagged, encrypt)).problems == [
        "the PDF is encrypted: archives and assistive tools cannot read it"]


def test_a_pdf_that_must_be_repaired_to_be_read_is_not_readable(tagged):
    """A wrong cross-reference offset: the reader could rebuild the table, but a file the build
    wrote must be readable as it is (as pypdf's strict mode required)."""
    at = tagged.rindex(b"startxref") + len(b"startxref\n")
    broken = tagged[:at] + b"12" + tagged[at:]
    found = verify_pdf(broken)
    assert len(found.problems) == 1 and found.problems[0].startswith("not a readable PDF")
