"""The Word edition (outputs/docx.py): made when ``[documents] outputs`` asks for it, with real
Word footnotes numbered as in the PDF, the language set, right-to-left Arabic paragraphs, the
organisation in the footer and core properties; opened by LibreOffice in the slow tests."""

from __future__ import annotations

import datetime as dt
import html
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from communique.outputs import registry
from conftest import LOCATED, build_in

ROOT = Path(__file__).resolve().parent.parent
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
SETTINGS = ('[organisation]\nname = "Amnesty International"\n\n'
            '[documents]\noutputs = ["docx"]\n')


def squash(text: str) -> str:
    return re.sub(r"[\s\-\u00ad\u2010\u2011]+", "", text)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The example workspace's statements built as Word editions only (no PDF: quick)."""
    root = tmp_path_factory.mktemp("docx")
    shutil.copytree(ROOT / "content", root / "content")
    (root / "communique.toml").write_text(SETTINGS)
    result = build_in(root, "-j", "1")
    assert result.exit_code == 0, result.output
    return root


def part(docx: Path, name: str) -> etree._Element:
    with zipfile.ZipFile(docx) as z:
        return etree.fromstring(z.read(name))


def example_notes(root: Path, lang: str = "en") -> list[str]:
    """The example's notes as the web page (and the PDF) number them."""
    from communique.document import load
    from communique.i18n.editions import prepare
    from communique.render.html import render
    from communique.workspace import find_workspace

    workspace = find_workspace(root)
    doc, _ = load(root / "content" / "nagorno-karabakh-2020" / "statement.yaml", workspace)
    doc = prepare(doc, workspace, lang, strict=False).doc
    notes = render(doc, workspace, "print").notes
    return [html.unescape(re.sub(r"<[^>]+>", "", str(n.html))) for n in notes]


def test_the_settings_name_every_registered_output():
    from communique.workspace import OUTPUTS

    assert set(OUTPUTS) == set(registry())


def test_an_unknown_output_is_a_located_error(workspace, capsys):
    from click.testing import CliRunner

    from communique.cli import main

    workspace(settings='[documents]\noutputs = ["web", "pdf"]\n')
    result = CliRunner().invoke(main, ["check"])
    assert result.exit_code == 1
    m = LOCATED.match(result.output.strip().splitlines()[-1])
    assert m and m["path"] == "communique.toml" and (m["line"], m["col"]) == ("2", "11")
    assert "unknown output 'pdf'" in m["msg"] and "docx" in m["msg"]


def test_the_word_edition_is_made_only_on_request(workspace):
    from communique.build.edition import wanted
    from communique.build.model import Job
    from communique.workspace import find_workspace

    root = workspace()
    job = Job(root / "content" / "minimal" / "statement.yaml", "en", find_workspace())
    assert [o.name for o in wanted(job)] == ["print", "web", "data"]
    (root / "communique.toml").write_text('[documents]\noutputs = ["web", "docx"]\n')
    job = Job(job.path, "en", find_workspace())
    assert [o.name for o in wanted(job)] == ["web", "docx"]


def test_every_example_edition_has_a_word_edition_and_nothing_else(built: Path):
    made = sorted(p.relative_to(built / "build").as_posix() for p in (built / "build").rglob("*.docx"))
    example = [f"nagorno-karabakh-2020/{lang}/nagorno-karabakh-2020-{lang}.docx"
               for lang in ("ar", "az", "en", "es", "fa", "fr", "hy", "ru", "zh")]
    assert made == [*example, "report-example/en/report-example-en.docx",
                    "urgent-action-example/en/urgent-action-example-en.docx"]
    assert not list((built / "build").rglob("*.pdf"))


def test_notes_are_real_word_footnotes_numbered_as_in_the_pdf(built: Path):
    import docx

    path = built / "build/nagorno-karabakh-2020/en/nagorno-karabakh-2020-en.docx"
    document = part(path, "word/document.xml")
    calls = [int(r.get(f"{W}id")) for r in document.iter(f"{W}footnoteReference")]
    assert calls == list(range(1, 12))
    assert not list(document.iter(f"{W}endnoteReference"))
    notes = [n for n in part(path, "word/footnotes.xml").iter(f"{W}footnote")
             if n.get(f"{W}type") is None]
    texts = [" ".join("".join(t.text or "" for t in n.iter(f"{W}t")).split()) for n in notes]
    assert texts == example_notes(built)
    assert all(list(n.iter(f"{W}footnoteRef")) for n in notes)  # Word writes each number
    opened = docx.Document(str(path))  # python-docx opens it; the footnotes part is related
    rels = [r.reltype.rsplit("/", 1)[-1] for r in opened.part.rels.values()]
    assert "footnotes" in rels
    with zipfile.ZipFile(path) as z:
        assert ('PartName="/word/footnotes.xml" ContentType="application/vnd.openxmlformats-'
                'officedocument.wordprocessingml.footnotes+xml"') in z.read("[Content_Types].xml").decode()
    body = " ".join(p.text for p in opened.paragraphs)
    assert "Azerbaijan and Armenia must protect civilians" in body
    assert "September 27, 2020 · Martuni region, Nagorno-Karabakh · 2 civilians killed, 2 wounded" in body
    assert "Background" in body and "Amnesty International calls on the parties" in body


def test_language_footer_and_core_properties(built: Path):
    import docx

    path = built / "build/nagorno-karabakh-2020/ru/nagorno-karabakh-2020-ru.docx"
    opened = docx.Document(str(path))
    props = opened.core_properties
    assert props.language == "ru" and props.author == "Amnesty International"
    assert props.title.startswith("Азербайджан и Армения")
    assert props.created == props.modified == dt.datetime(2020, 9, 29, tzinfo=dt.UTC)
    lang = part(path, "word/styles.xml").find(f".//{W}docDefaults//{W}lang")
    assert lang.get(f"{W}val") == "ru"
    footer = " ".join(p.text for p in opened.sections[0].footer.paragraphs)
    assert "Amnesty International" in footer
    assert any(i.text == " PAGE " for i in part(path, "word/footer1.xml").iter(f"{W}instrText")) \
        if "word/footer1.xml" in zipfile.ZipFile(path).namelist() else True


def test_the_arabic_edition_reads_right_to_left(built: Path):
    path = built / "build/nagorno-karabakh-2020/ar/nagorno-karabakh-2020-ar.docx"
    body = part(path, "word/document.xml").find(f"{W}body")
    paragraphs = body.findall(f"{W}p")
    assert paragraphs and all(p.find(f"{W}pPr/{W}bidi") is not None for p in paragraphs)
    arabic = [r for r in body.iter(f"{W}r") if re.search("[\u0600-\u06ff]", "".join(
        t.text or "" for t in r.iter(f"{W}t")))]
    assert arabic and all(r.find(f"{W}rPr/{W}rtl") is not None for r in arabic)
    latin_urls = [r for r in part(path, "word/footnotes.xml").iter(f"{W}r")
                  if "".join(t.text or "" for t in r.iter(f"{W}t")).startswith("https://")]
    assert latin_urls and all(r.find(f"{W}rPr/{W}rtl") is None for r in latin_urls)
    lang = part(path, "word/styles.xml").find(f".//{W}docDefaults//{W}lang")
    assert lang.get(f"{W}bidi") == "ar"


def test_the_word_edition_is_the_same_file_on_every_build(built: Path):
    path = built / "build/nagorno-karabakh-2020/en/nagorno-karabakh-2020-en.docx"
    first = path.read_bytes()
    result = build_in(built, "-j", "1", "--force", "content/nagorno-karabakh-2020", "--lang", "en")
    assert result.exit_code == 0, result.output
    assert path.read_bytes() == first
    with zipfile.ZipFile(path) as z:
        assert {info.date_time for info in z.infolist()} == {(2020, 9, 29, 0, 0, 0)}


# -- LibreOffice, a real client -----------------------------------------------------------

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def convert(files: list[Path], to: str, folder: Path) -> None:
    profile = folder / "lo-profile"
    subprocess.run([SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless",
                    "--convert-to", to, "--outdir", str(folder), *map(str, files)],
                   check=True, capture_output=True, timeout=300, env={**os.environ, "HOME": str(folder)})


@pytest.mark.slow
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed: "
                    "WITH_OFFICE=1 scripts/setup.sh installs libreoffice-writer-nogui")
def test_libreoffice_opens_every_word_edition_with_its_footnotes(built: Path, tmp_path: Path):
    from pypdf import PdfReader

    editions = sorted((built / "build").rglob("*.docx"))
    convert(editions, "pdf", tmp_path)
    for docx_file in editions:
        pdf = tmp_path / docx_file.with_suffix(".pdf").name
        assert pdf.is_file(), f"LibreOffice could not open {docx_file.name}"
        assert len(PdfReader(pdf).pages) >= 1
    text = squash("".join(p.extract_text() for p in PdfReader(
        tmp_path / "nagorno-karabakh-2020-en.pdf").pages))
    # every sentence of the statement (its paragraphs as the web page prints them)
    from communique.document import load
    from communique.render.html import render
    from communique.workspace import find_workspace

    workspace = find_workspace(built)
    doc, _ = load(built / "content/nagorno-karabakh-2020/statement.yaml", workspace)
    web = render(doc, workspace, "web").html.split("<main>", 1)[1].split('<section class="notes"')[0]
    web = re.sub(r'<a class="note-call"[^>]*>\d+</a>', "\n", web)  # a sentence breaks at a call
    sentences = [s for block in re.findall(r"<p[^>]*>(.*?)</p>", web, re.S)
                 for piece in html.unescape(re.sub(r"<[^>]+>", "", block)).split("\n\n")
                 for s in re.split(r"(?<=[.;:])\s+|\n", piece) if len(s.split()) > 2]
    assert len(sentences) > 30
    notes = example_notes(built)
    body = text
    for number in range(len(notes), 0, -1):  # the notes at the page foot, in order
        found = body.find(squash(f"{number}{notes[number - 1]}"))
        assert found >= 0, number
        body = body[:found] + body[found + len(squash(f"{number}{notes[number - 1]}")):]
    body = re.sub(r"AmnestyInternationalPublicStatement\d*", "", body)
    missing = [s for s in sentences if squash(s) not in body]
    assert not missing
    order = [text.find(squash(f"{n}{note}")) for n, note in enumerate(notes, 1)]
    assert order == sorted(order) and len(order) == 11
    # the Arabic edition: LibreOffice reads its paragraphs right to left
    convert([built / "build/nagorno-karabakh-2020/ar/nagorno-karabakh-2020-ar.docx"], "fodt", tmp_path)
    flat = (tmp_path / "nagorno-karabakh-2020-ar.fodt").read_text(encoding="utf-8")
    assert 'style:writing-mode="rl-tb"' in flat
    arabic = squash("".join(p.extract_text() for p in PdfReader(
        tmp_path / "nagorno-karabakh-2020-ar.pdf").pages))
    assert len(re.findall("[\u0600-\u06ff]", arabic)) > 1000
