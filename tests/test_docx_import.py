"""communique import: a Word draft becomes a statement (communique/importer/).

The reference draft is made from the seed statement in ../shared/seeds/ (tests/docx_drafts.py):
it must import to a statement whose notes 1–11 sit where the draft calls them, with the same
texts, and whose PDF holds every sentence of the draft. Its speed (under 2 s a whole import)
is measured by benchmarks/import_draft.py, not here: timed tests fail on a busy machine.
"""

from __future__ import annotations

import html
import io
import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from communique.cli import main
from docx_drafts import SEED, Draft, seed_draft, write_docx

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "content" / "nagorno-karabakh-2020"
needs_seed = pytest.mark.skipif(not SEED.is_file(), reason=f"the seed statement is not at {SEED}")


def squash(text: str) -> str:
    """Text without spaces, line breaks and hyphens (a PDF breaks and hyphenates lines), its
    quotation marks straight (the PDF prints straight ones as the language's marks)."""
    text = text.translate(str.maketrans("\u201c\u201d\u2018\u2019", "\"\"''"))
    return re.sub(r"[\s\-\u00ad\u2010\u2011]+", "", text)


def run(root: Path, *args: str):
    import os

    cwd = os.getcwd()
    os.chdir(root)
    try:
        return CliRunner().invoke(main, list(args))
    finally:
        os.chdir(cwd)


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    (tmp_path / "communique.toml").write_text('[organisation]\nname = "Amnesty International"\n')
    (tmp_path / "content").mkdir()
    return tmp_path


def load(ws: Path, slug: str):
    from communique.document import load as load_doc
    from communique.workspace import find_workspace

    workspace = find_workspace(ws)
    doc, problems = load_doc(ws / "content" / slug / "statement.yaml", workspace)
    assert doc is not None, [str(p) for p in problems]
    return doc, workspace


def web_notes(ws: Path, slug: str) -> tuple[str, list[str]]:
    """The web page's text with each call as ⟦n⟧, and the notes' texts in number order."""
    from communique.render.html import render

    doc, workspace = load(ws, slug)
    rendered = render(doc, workspace, "web")
    page = rendered.html.split("<main>", 1)[1].split('<section class="notes"', 1)[0]
    page = re.sub(r'<a class="note-call"[^>]*>(\d+)</a>', r"⟦\1⟧", page)
    text = html.unescape(re.sub(r"<[^>]+>", "", page))
    notes = [html.unescape(re.sub(r"<[^>]+>", "", str(n.html))) for n in rendered.notes]
    return text, notes


# -- the reference draft ------------------------------------------------------------------

@needs_seed
def test_seed_draft_imports_with_its_eleven_notes_in_place(ws: Path):
    draft = seed_draft()
    write_docx(draft, ws / "seed.docx")
    result = run(ws, "import", "seed.docx", "--slug", "seed")
    assert result.exit_code == 0, result.output
    assert "0 errors" in result.output
    text, notes = web_notes(ws, "seed")
    assert len(notes) == 11
    squashed = squash(text)
    for paragraph in draft.paragraphs:
        for i, part in enumerate(paragraph):
            if isinstance(part, int):  # the call follows the same words as in the draft
                before = str(paragraph[i - 1])[-40:]
                assert squash(before) + f"⟦{part}⟧" in squashed, (part, before)
    for number, note in enumerate(notes, 1):  # and each note says what the draft's said
        assert squash(note) == squash(draft.notes[number]), number
    statement = (ws / "content" / "seed" / "statement.yaml").read_text()
    assert "[See as well: @netblocks-org-" in statement
    assert statement.count("\n  twitter-com-") == 2 and "draft: true" in statement
    assert "^[see UN HRC Resolution (A/HRC/32/L.20) “10. Condemns" in statement  # a free note
    assert "opening: |\n  Amnesty International calls on all sides" in statement
    assert "background:\n  body: |\n    Azerbaijan and Armenia remain locked" in statement


@needs_seed
@pytest.mark.slow
def test_seed_draft_builds_a_pdf_holding_every_sentence_and_notes_one_to_eleven(ws: Path):
    draft = seed_draft()
    write_docx(draft, ws / "seed.docx")
    assert run(ws, "import", "seed.docx", "--slug", "seed").exit_code == 0
    result = run(ws, "build", "-j", "1")
    assert result.exit_code == 0, result.output
    pdf = ws / "build" / "seed" / "en" / "seed-en.pdf"
    # poppler's reading order (pypdf moves the raised note calls to the end of the page)
    lines = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                           check=True).stdout.splitlines()
    text = squash("".join(lines))
    # The running text alone: a sentence may go on over a page's notes and footer. The footer is
    # "Amnesty International public statement N" and the watermark says DRAFT (draft: true).
    body = text
    for number in range(11, 0, -1):
        body = body.replace(squash(f"{number} {draft.notes[number]}"), "")
    body = re.sub(r"AmnestyInternationalPublicStatement\d*|DRAFT", "", body, flags=re.IGNORECASE)
    missing = [s for s in draft.sentences() if squash(s) not in body]
    assert not missing
    places = []
    for paragraph in draft.paragraphs:
        for i, part in enumerate(paragraph):
            if isinstance(part, int):
                call = squash(str(paragraph[i - 1])[-30:]) + str(part)
                assert call in text, part
                places.append(text.index(call))
    assert len(places) == 11
    for number in range(1, 12):  # every note's text, in order
        assert squash(draft.notes[number].split("https://")[-1][:60]) in text


# -- Arabic and Russian drafts ------------------------------------------------------------

def translated_draft(lang: str) -> tuple[Draft, dict[str, str]]:
    """A draft in ``lang`` from the example's translation: title, opening, the first section
    with its two notes, the background; returns it and the URLs its notes cite."""
    import polib
    import yaml

    po = {e.msgctxt: e.msgstr for e in polib.pofile(str(EXAMPLE / "i18n" / f"{lang}.po"))}
    for field in ("sections/escalation/body", "background/body"):  # one entry a paragraph
        po[field] = "\n\n".join(v for k, v in po.items() if re.fullmatch(rf"{field}/\d+", k))
    sources = yaml.safe_load((EXAMPLE / "statement.yaml").read_text())["sources"]
    draft = Draft(po["title"])
    draft.paragraphs.append([" ".join(po["opening"].split())])
    draft.bold.add(0)
    urls = {}
    for text in po["sections/escalation/body"].split("\n\n"):
        parts: list[str | int] = []
        for piece in re.split(r"(\[[^\]]*@[^\]]+\])", " ".join(text.split())):
            key = re.search(r"@([\w-]+)", piece) if piece.startswith("[") else None
            if key:
                number = len(draft.notes) + 1
                draft.notes[number] = sources[key[1]]["url"]
                urls[key[1]] = sources[key[1]]["url"]
                parts.append(number)
            elif piece:
                parts.append(piece)
        draft.paragraphs.append(parts)
    heading = {"ar": "خلفية", "ru": "Справочная информация"}[lang]
    draft.headings.add(len(draft.paragraphs))
    draft.paragraphs.append([heading])
    for text in po["background/body"].split("\n\n"):
        draft.paragraphs.append([" ".join(text.split())])
    return draft, urls


@pytest.mark.parametrize("lang", ["ar", "ru"])
def test_arabic_and_russian_drafts_import_with_their_script_intact(ws: Path, lang: str):
    import yaml

    draft, urls = translated_draft(lang)
    date_line = {"ar": "29 سبتمبر 2020", "ru": "29 сентября 2020 г."}[lang]
    write_docx(draft, ws / f"draft-{lang}.docx", lang=lang, date_line=date_line)
    result = run(ws, "import", f"draft-{lang}.docx", "--slug", f"draft-{lang}")
    assert result.exit_code == 0, result.output
    data = yaml.safe_load((ws / "content" / f"draft-{lang}" / "statement.yaml").read_text())
    assert data["lang"] == lang  # from the script of the text
    assert str(data["date"]) == "2020-09-29"  # the month's name in the draft's language
    assert data["title"] == draft.title  # letters and their order as written
    assert " ".join(data["opening"].split()) == draft.paragraphs[0][0]
    if lang == "ar":
        assert "background" in data and "heading" not in data["background"]  # "خلفية" is the word
    assert sorted(s["url"] for s in data["sources"].values()) == sorted(urls.values())
    text, notes = web_notes(ws, f"draft-{lang}")
    assert len(notes) == len(draft.notes)
    for paragraph in draft.paragraphs[1:]:
        for part in paragraph:
            if isinstance(part, str):
                assert squash(part) in squash(text)


# -- mapping ------------------------------------------------------------------------------

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def make_docx(path: Path, build) -> Path:
    """A draft written by ``build(writer)``, a communique WordWriter."""
    import datetime as dt

    from communique.outputs.docx import WordWriter

    writer = WordWriter("en")
    build(writer)
    writer.properties(title="", date=dt.date(2024, 3, 1))
    path.write_bytes(writer.save(dt.date(2024, 3, 1)))
    return path


def test_lists_emphasis_links_headings_and_notes_become_markdown(ws: Path):
    def build(w):
        w.run(w.paragraph("Title"), "Crackdown on protest")
        w.run(w.paragraph(), "Index: EUR 01/2345/2024")
        w.run(w.paragraph(), "1 March 2024")
        w.run(w.paragraph(), "The organisation calls for the release of all detainees.", bold=True)
        w.run(w.paragraph("Heading 1"), "What happened")
        p = w.paragraph()
        w.run(p, "Police used ")
        w.run(p, "tear gas", italic=True)
        w.run(p, " and ")
        w.run(p, "batons", bold=True)
        w.run(p, "; see the ")
        link = w.hyperlink(p, "https://example.org/report")
        w.run(link, "report [2024]")
        w.run(p, " and 1 * 2 = _2_ <b>.")
        note = w.footnote(p)
        w.run(note, "See as well: https://example.org/a")
        w.run(p, " Again.")
        w.run(w.footnote(p), "https://example.org/a, “the same page, quoted”")
        w.run(p, " A free note.")
        free = w.footnote(p)
        w.run(free, "Interview with a witness, see ")
        w.run(w.hyperlink(free, "https://example.org/b", in_note=True), "the transcript")
        for item in ("first demand", "second demand"):
            w.run(w.paragraph("List Bullet"), item)
        for item in ("step one", "step two"):
            w.run(w.paragraph("List Number"), item)
        w.run(w.paragraph("Heading 1"), "BACKGROUND")
        w.run(w.paragraph(), "# Not a heading, and 1. not a list.")

    make_docx(ws / "crackdown.docx", build)
    result = run(ws, "import", "crackdown.docx")
    assert result.exit_code == 0, result.output
    statement = (ws / "content" / "crackdown" / "statement.yaml").read_text()
    assert 'title: "Crackdown on protest"' in statement
    assert 'reference: "EUR 01/2345/2024"' in statement and "date: 2024-03-01" in statement
    assert "opening: |\n  The organisation calls for the release of all detainees." in statement
    assert '  - id: what-happened\n    heading: "What happened"' in statement
    body = " ".join(statement.split())
    assert ("Police used *tear gas* and **batons**; see the "
            "[report \\[2024\\]](https://example.org/report)") in body
    assert ("and 1 \\* 2 = \\_2\\_ \\<b>.[See as well: @example-org-a] "
            "Again.[@example-org-a, “the same page, quoted”]") in body
    assert "A free note.^[Interview with a witness, see [the transcript](https://example.org/b)]" in body
    assert "- first demand - second demand 1. step one 1. step two" in body
    assert "body: | \\# Not a heading, and 1. not a list." in body
    assert statement.count("url: ") == 1  # the same URL cited twice is one source
    text, notes = web_notes(ws, "crackdown")
    assert notes[:2] == ["See as well: https://example.org/a",  # (the house style: a quotation
                         "https://example.org/a “the same page, quoted”"]  # follows the URL)
    assert notes[2] == "Interview with a witness, see the transcript"
    assert "# Not a heading, and 1. not a list." in text


def test_tables_images_comments_and_tracked_changes_are_reported_at_their_paragraph(ws: Path):
    from docx.oxml import parse_xml
    from PIL import Image

    picture = ws / "photo.png"
    Image.new("RGB", (4, 4), "red").save(picture)

    def build(w):
        w.run(w.paragraph("Title"), "A statement")
        w.run(w.paragraph(), "The opening call.", bold=True)
        p = w.paragraph()  # paragraph 3: a pending insertion and a pending deletion
        w.run(p, "Troops were ")
        p.append(parse_xml(f'<w:ins xmlns:w="{W}" w:id="1" w:author="Reviewer A" '
                           'w:date="2024-03-01T00:00:00Z"><w:r><w:t xml:space="preserve">'
                           'reportedly </w:t></w:r></w:ins>'))
        p.append(parse_xml(f'<w:del xmlns:w="{W}" w:id="2" w:author="Reviewer B" '
                           'w:date="2024-03-01T00:00:00Z"><w:r><w:delText xml:space="preserve">'
                           'certainly </w:delText></w:r></w:del>'))
        w.run(p, "deployed.")
        w.doc.add_table(rows=2, cols=2)  # 4
        w.doc.add_picture(str(picture))  # paragraph 5
        commented = w.doc.add_paragraph("A sentence someone queried.")  # 6
        w.doc.add_comment(commented.runs, text="Is this confirmed?", author="Editor")

    make_docx(ws / "changes.docx", build)
    result = run(ws, "import", "changes.docx")
    assert result.exit_code == 0, result.output
    out = result.output
    assert ("changes.docx:3:1: warning: paragraph 3: a tracked insertion by Reviewer A still "
            "pending (“reportedly”), accepted") in out
    assert "changes.docx:3:1: warning: paragraph 3: a tracked deletion by Reviewer B" in out
    assert "changes.docx:4:1: warning: paragraph 4: a table (2 rows) is not imported" in out
    assert "changes.docx:5:1: warning: paragraph 5: an image is not imported" in out
    assert ("changes.docx:6:1: warning: paragraph 6: a comment by Editor is not imported: "
            "“Is this confirmed?”") in out
    statement = (ws / "content" / "changes" / "statement.yaml").read_text()
    assert "Troops were reportedly deployed." in statement  # the changes accepted, as reported
    assert "certainly" not in statement and "draft: true" in statement


def test_endnotes_become_notes_too(ws: Path):
    import datetime as dt

    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.opc.part import XmlPart
    from docx.oxml import parse_xml

    from communique.outputs.docx import WordWriter

    w = WordWriter("en")
    w.run(w.paragraph("Title"), "Endnotes")
    p = w.paragraph()
    w.run(p, "An opening call.", bold=True)
    p.append(parse_xml(f'<w:r xmlns:w="{W}"><w:endnoteReference w:id="1"/></w:r>'))
    endnotes = parse_xml(f'<w:endnotes xmlns:w="{W}"><w:endnote w:id="1"><w:p><w:r>'
                         '<w:t>https://example.org/end</w:t></w:r></w:p></w:endnote></w:endnotes>')
    part = XmlPart(PackURI("/word/endnotes.xml"),
                   "application/vnd.openxmlformats-officedocument.wordprocessingml.endnotes+xml",
                   endnotes, w.doc.part.package)
    w.doc.part.relate_to(part, RT.ENDNOTES)
    (ws / "end.docx").write_bytes(w.save(dt.date(2024, 1, 1)))
    result = run(ws, "import", "end.docx")
    assert result.exit_code == 0, result.output
    assert "An opening call.[@example-org-end]" in (ws / "content" / "end" / "statement.yaml").read_text()


def test_an_existing_statement_is_kept_unless_forced(ws: Path):
    make_docx(ws / "again.docx", lambda w: (w.run(w.paragraph("Title"), "T"),
                                            w.run(w.paragraph(), "Call.", bold=True)))
    target = ws / "content" / "again" / "statement.yaml"
    target.parent.mkdir()
    target.write_text("kept")
    result = run(ws, "import", "again.docx")
    assert result.exit_code == 1
    assert "again.docx: error: content/again/statement.yaml already exists: give --force" in result.output
    assert target.read_text() == "kept"
    assert run(ws, "import", "again.docx", "--force").exit_code == 0
    assert target.read_text().startswith("# yaml-language-server")


def test_an_urgent_action_cannot_be_imported(ws: Path):
    make_docx(ws / "ua.docx", lambda w: w.run(w.paragraph("Title"), "T"))
    result = run(ws, "import", "ua.docx", "--type", "urgent-action")
    assert result.exit_code == 1 and "communique new --type urgent-action" in result.output


def test_import_help_lists_its_options():
    result = CliRunner().invoke(main, ["import", "--help"])
    assert result.exit_code == 0
    for option in ("--slug", "--type", "--lang", "--force"):
        assert option in result.output


# -- hostile drafts -----------------------------------------------------------------------

def minimal_docx() -> bytes:
    buffer = io.BytesIO()
    import docx

    document = docx.Document()
    document.add_paragraph("Hello")
    document.save(buffer)
    return buffer.getvalue()


def rezip(data: bytes, *, replace: dict[str, bytes] | None = None,
          add: dict[str, bytes] | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in source.infolist():
            z.writestr(info.filename, (replace or {}).get(info.filename, source.read(info)))
        for name, content in (add or {}).items():
            z.writestr(name, content)
    return out.getvalue()


def refused(ws: Path, name: str, data: bytes | None = None) -> str:
    if data is not None:
        (ws / name).write_bytes(data)
    before = sorted(p.relative_to(ws) for p in ws.rglob("*"))
    result = run(ws, "import", name, "--slug", "hostile")
    assert result.exit_code == 1, result.output
    assert sorted(p.relative_to(ws) for p in ws.rglob("*")) == before  # nothing written
    assert "Traceback" not in result.output
    line = result.output.strip().splitlines()[-1]
    assert line.startswith(f"{name}: error: ")
    return line


def test_a_file_that_is_not_a_zip_is_refused(ws: Path):
    assert "not a Word .docx file" in refused(ws, "notes.docx", b"Just some text, not Word.")


def test_a_zip_that_is_not_word_is_refused(ws: Path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("readme.txt", "hello")
    assert "not a Word document" in refused(ws, "other.docx", buffer.getvalue())
    odt = io.BytesIO()
    with zipfile.ZipFile(odt, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.text")
    assert "OpenDocument text (.odt)" in refused(ws, "odt.docx", odt.getvalue())


def test_a_password_protected_draft_is_refused_with_what_to_do(ws: Path):
    # Office encrypts a .docx into an OLE2 container holding EncryptionInfo and EncryptedPackage
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504
    names = "EncryptionInfo".encode("utf-16-le") + b"\0" * 40 + "EncryptedPackage".encode("utf-16-le")
    line = refused(ws, "secret.docx", header + names + b"\0" * 1024)
    assert "password-protected" in line and "remove the password" in line
    assert "Word 97-2003 .doc" in refused(ws, "old.docx", header + b"\0" * 2048)


def test_a_macro_enabled_document_is_refused(ws: Path):
    data = minimal_docx()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        types = z.read("[Content_Types].xml")
    docm = rezip(data, replace={"[Content_Types].xml": types.replace(
        b"wordprocessingml.document.main+xml", b"ms-word.document.macroEnabled.main+xml"
    ).replace(b"application/vnd.openxmlformats-officedocument.ms-word",
              b"application/vnd.ms-word")}, add={"word/vbaProject.bin": b"\0" * 64})
    assert "macro-enabled document (.docm)" in refused(ws, "macros.docm", docm)
    hidden = rezip(data, add={"word/vbaProject.bin": b"\0" * 64})  # macros in a .docx
    assert "macro-enabled" in refused(ws, "hidden.docx", hidden)


def test_a_200_mb_draft_is_refused_without_reading_it(ws: Path):
    big = ws / "big.docx"
    with big.open("wb") as f:
        f.truncate(200 * 1024 * 1024)  # sparse: no disk used, and never read
    assert "200 MB, more than the 100 MB" in refused(ws, "big.docx")


def test_a_zip_bomb_is_refused(ws: Path):
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(minimal_docx())) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in source.infolist():
            z.writestr(info.filename, source.read(info))
        with z.open("word/media/bomb.bin", "w") as bomb:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(100):
                bomb.write(chunk)
    assert "refused as a zip bomb" in refused(ws, "bomb.docx", out.getvalue())


def test_xml_entities_are_refused(ws: Path):
    data = minimal_docx()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        document = z.read("word/document.xml")
    evil = document.replace(b"?>", b'?><!DOCTYPE w [<!ENTITY x SYSTEM "file:///etc/passwd">]>', 1)
    assert "declares a document type or entities" in refused(ws, "xxe.docx", rezip(
        data, replace={"word/document.xml": evil}))


def test_external_relations_are_reported_and_never_fetched(ws: Path, monkeypatch):
    import socket
    import urllib.request

    def no_network(*args, **kwargs):
        raise AssertionError("the import tried to reach the network")

    monkeypatch.setattr(socket, "socket", no_network)
    monkeypatch.setattr(urllib.request, "urlopen", no_network)

    def build(w):
        w.run(w.paragraph("Title"), "Links out")
        p = w.paragraph()
        w.run(p, "The opening call.", bold=True)
        w.doc.part.relate_to("file:///etc/passwd", "http://schemas.openxmlformats.org/"
                             "officeDocument/2006/relationships/image", is_external=True)
        w.doc.part.relate_to("http://tracker.example.net/pixel.png", "http://schemas."
                             "openxmlformats.org/officeDocument/2006/relationships/image",
                             is_external=True)
        link = w.hyperlink(w.paragraph(), "file:///C:/secret.docx")
        w.run(link, "a local file")

    make_docx(ws / "out.docx", build)
    result = run(ws, "import", "out.docx")
    assert result.exit_code == 0, result.output
    assert "an external image to 'file:///etc/passwd' is not followed (nothing is fetched)" in result.output
    assert "an external image to 'http://tracker.example.net/pixel.png' is not followed" in result.output
    assert "a link to 'file:///C:/secret.docx' is not followed" in result.output
    statement = (ws / "content" / "out" / "statement.yaml").read_text()
    assert "a local file" in statement and "file:" not in statement
    assert sorted(p.name for p in (ws / "content").iterdir()) == ["out"]


@pytest.mark.parametrize("slug", ["../outside", "a/b", "UPPER"])
def test_nothing_is_written_outside_content(ws: Path, slug: str):
    make_docx(ws / "d.docx", lambda w: (w.run(w.paragraph("Title"), "T"),
                                        w.run(w.paragraph(), "Call.", bold=True)))
    result = run(ws, "import", "d.docx", "--slug", slug)
    assert result.exit_code == 1 and "is not a valid name for a statement" in result.output
    assert not (ws / "outside").exists() and list((ws / "content").iterdir()) == []


def test_a_content_folder_leading_out_of_content_is_refused(ws: Path, tmp_path_factory):
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    (ws / "content" / "leak").symlink_to(elsewhere, target_is_directory=True)
    make_docx(ws / "leak.docx", lambda w: (w.run(w.paragraph("Title"), "T"),
                                           w.run(w.paragraph(), "Call.", bold=True)))
    result = run(ws, "import", "leak.docx")
    assert result.exit_code == 1 and "leads out of content/" in result.output
    assert list(elsewhere.iterdir()) == []


@pytest.mark.parametrize("line, date", [("29 سبتمبر/أيلول 2020", "2020-09-29"),
                                        ("2 أكتوبر/تشرين الأول 2020", "2020-10-02"),
                                        ("29 سبتمبر 2020", "2020-09-29")])
def test_an_arabic_date_naming_its_month_both_ways_is_read(line, date):
    """Arabic statements, and communique's Arabic editions, write "29 سبتمبر/أيلول 2020"."""
    from communique.importer import _date_in

    assert str(_date_in(f"بيان عام · {line} · رقم الوثيقة", "ar")) == date
