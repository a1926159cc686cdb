"""PDF output: byte-identical for the same inputs, PDF/A-3b with the source data in archive
mode, and a first-page picture."""

from __future__ import annotations

import datetime as dt
import io
import os
import time
from pathlib import Path

from pypdf import PdfReader

from communique.render import pdf as pdf_module
from communique.render.pdf import DataFile, print_pdf, reproducible_fonts
from communique.render.thumbnail import first_page_png
from communique.render.verify import verify_pdf

HTML = """<!DOCTYPE html><html lang="en"><head><title>Same every time</title>
<meta name="dcterms.created" content="2020-09-29"></head>
<body><h1>Same every time</h1><p>Text in <b>two</b> fonts.</p></body></html>"""
DATE = dt.date(2020, 9, 29)


def render(tmp_path: Path, html: str = HTML, **options):
    return print_pdf(html, tmp_path, [tmp_path], date=DATE, **options)


def test_harfbuzz_subsets_fonts_here():
    """scripts/setup.sh installs libharfbuzz-subset0; without it no two builds are alike."""
    assert reproducible_fonts()


def test_the_same_html_gives_the_same_bytes(tmp_path):
    first, second = render(tmp_path), render(tmp_path)
    assert first.pdf == second.pdf
    assert first.warnings == []


def test_the_identifier_is_a_hash_of_the_inputs(tmp_path):
    printed = render(tmp_path)
    ids = PdfReader(io.BytesIO(printed.pdf)).trailer["/ID"]
    assert bytes(ids[0], "latin-1").decode() == printed.identifier
    assert len(printed.identifier) == 32
    assert render(tmp_path, HTML.replace("two", "three")).identifier != printed.identifier
    assert render(tmp_path, archive=True).identifier != printed.identifier


SVG = ('<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20">'
       '<rect width="40" height="20" fill="{}"/></svg>')


def test_the_identifier_follows_loaded_files_not_folders(tmp_path):
    """Templates give images as absolute file URLs: the folder must not change the PDF, the
    image's content must change the identifier."""
    printed = []
    for folder, colour in ((tmp_path / "a", "red"), (tmp_path / "b" / "c", "red"),
                           (tmp_path / "d", "blue")):
        folder.mkdir(parents=True)
        (folder / "x.svg").write_text(SVG.format(colour))
        html = HTML.replace("</p>", f'</p><img src="{folder.as_uri()}/x.svg" alt="box">')
        printed.append(print_pdf(html, folder, [folder], date=DATE))
    assert printed[0].pdf == printed[1].pdf
    assert printed[2].identifier != printed[0].identifier


def test_no_build_time_in_the_pdf(tmp_path):
    raw = render(tmp_path).pdf
    reader = PdfReader(io.BytesIO(raw))
    assert reader.metadata["/CreationDate"] == "D:20200929"
    assert "/ModDate" not in reader.metadata or reader.metadata["/ModDate"] == "D:20200929"
    assert str(dt.date.today().year).encode() not in raw.replace(b"2020", b"")


def test_fonttools_fallback_is_dated_by_the_statement(tmp_path, monkeypatch):
    """Without HarfBuzz-subset, fontTools stamps fonts with SOURCE_DATE_EPOCH or the time."""
    import weasyprint.pdf.fonts
    import weasyprint.text.ffi

    monkeypatch.setattr(weasyprint.pdf.fonts, "harfbuzz_subset", None)
    monkeypatch.setattr(weasyprint.text.ffi, "harfbuzz_subset", None)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    first = render(tmp_path)
    time.sleep(1.1)  # fontTools' timestamps count seconds
    second = render(tmp_path)
    assert first.pdf == second.pdf
    assert first.warnings[0] == pdf_module.NO_HARFBUZZ_SUBSET
    assert not any("instead of HarfBuzz-Subset" in w for w in first.warnings)
    assert "SOURCE_DATE_EPOCH" not in os.environ


def test_source_date_epoch_of_the_caller_is_kept(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1234")
    with pdf_module._source_date(dt.datetime(2020, 9, 29, tzinfo=dt.UTC)):
        assert os.environ["SOURCE_DATE_EPOCH"] == "1234"
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    with pdf_module._source_date(dt.datetime(2020, 9, 29, tzinfo=dt.UTC)):
        assert os.environ["SOURCE_DATE_EPOCH"] == "1601337600"
    assert "SOURCE_DATE_EPOCH" not in os.environ


def test_archive_mode_embeds_the_data_and_it_extracts_back(tmp_path):
    files = [DataFile("statement.yaml", "title: Ünïcode\n".encode(), "The content", "Source"),
             DataFile("cited-sources.json", b'[{"id": "a"}]\n', "The sources", "Data")]
    printed = render(tmp_path, archive=True, attachments=files)
    reader = PdfReader(io.BytesIO(printed.pdf))
    assert {name: data[0] for name, data in reader.attachments.items()} == {
        f.name: f.data for f in files}
    names = reader.trailer["/Root"]["/Names"]["/EmbeddedFiles"]["/Names"]
    specs = {str(names[i]): names[i + 1].get_object() for i in range(0, len(names), 2)}
    assert specs["statement.yaml"]["/AFRelationship"] == "/Source"
    assert specs["cited-sources.json"]["/AFRelationship"] == "/Data"
    stream = specs["statement.yaml"]["/EF"]["/F"].get_object()
    assert stream["/Subtype"] == "/application/yaml"
    assert stream["/Params"]["/ModDate"] == "D:20200929000000Z"
    found = verify_pdf(printed.pdf, lang="en", archive=True)
    # an archive PDF is tagged as a PDF/UA one is, and claims both (issue 21)
    assert found.problems == [] and found.conformance == ["PDF/A-3B", "PDF/UA-1"] and found.tagged
    assert render(tmp_path, archive=True, attachments=files).pdf == printed.pdf


def test_the_thumbnail_is_a_png_of_the_first_page(tmp_path):
    printed = render(tmp_path)
    png = first_page_png(printed.pdf, width=300)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    from PIL import Image

    image = Image.open(io.BytesIO(png))
    assert image.width == 300 and 420 < image.height < 430  # A4 proportions
    assert image.getextrema() != ((255, 255), (255, 255), (255, 255))  # something is drawn
    assert first_page_png(printed.pdf, width=300) == png
