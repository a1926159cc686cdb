"""The structure pass (render/structure.py) and what `communique verify` reads of it: notes a
screen reader can follow, words that extract whole, one article, artifacts, archive claims,
and the typesetting points measured on the example's pages."""

from __future__ import annotations

import io
import itertools
import re
import shutil
import subprocess
import tempfile
import unicodedata
from pathlib import Path

import pikepdf
import pytest
import yaml
from click.testing import CliRunner

from communique.cli import main
from communique.render.structure import (
    _all_elements,
    _is_element,
    _kids,
    _Reader,
    marked_texts,
    structure_problems,
)

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = "nagorno-karabakh-2020"
LANGS = ("en", "ru", "hy", "az", "ar")


def _workspace(target: Path, settings: str = "") -> Path:
    target.mkdir(parents=True)
    shutil.copy(ROOT / "communique.toml", target / "communique.toml")
    if settings:
        with (target / "communique.toml").open("a", encoding="utf-8") as f:
            f.write("\n" + settings)
    shutil.copytree(ROOT / "content" / EXAMPLE, target / "content" / EXAMPLE)
    return target


def _build(root: Path, monkeypatch, *args: str) -> None:
    monkeypatch.chdir(root)
    result = CliRunner().invoke(main, ["build", "--force", "-q", *args])
    assert result.exit_code == 0, result.stderr


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    root = _workspace(tmp_path_factory.mktemp("structure") / "ws")
    with pytest.MonkeyPatch.context() as mp:
        _build(root, mp, *[a for lang in LANGS for a in ("--lang", lang)])
    return root


def _pdf(root: Path, lang: str) -> Path:
    return root / "build" / EXAMPLE / lang / f"{EXAMPLE}-{lang}.pdf"


def _notes(pdf) -> list:
    found = []
    stack = [(k, None) for k in _kids(pdf.Root.StructTreeRoot)]
    while stack:
        element, parent = stack.pop()
        if not _is_element(element):
            continue
        if element.S == pikepdf.Name.Note:
            found.append((element, parent))
        stack.extend((k, element) for k in _kids(element))
    return found


@pytest.mark.parametrize("lang", LANGS)
def test_every_note_is_a_note_with_id_and_label_after_its_call(built, lang):
    data = _pdf(built, lang).read_bytes()
    assert structure_problems(data, notes=11) == []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        notes = _notes(pdf)
        assert sorted(str(n.ID) for n, _ in notes) == sorted(f"note-{i}" for i in range(1, 12))
        texts = marked_texts(pdf)
        for note, parent in notes:
            siblings = _kids(parent)
            at = next(i for i, k in enumerate(siblings) if _is_element(k) and k.objgen == note.objgen)
            assert siblings[at - 1].S == pikepdf.Name.Reference
            label = next(k for k in _kids(note) if _is_element(k) and k.S == pikepdf.Name.Lbl)
            link = _kids(label)[0]
            page = link.get("/Pg", note.get("/Pg"))
            text = "".join(texts.get((page.objgen, int(m)), "") for m in _kids(link) if isinstance(m, int))
            assert text.strip() == str(note.ID).removeprefix("note-")
        # one article, no note area left at the end of each page
        document = _kids(pdf.Root.StructTreeRoot)[0]
        kinds = [str(k.S) for k in _kids(document)]
        assert kinds.count("/Part") == 1 and "/Note" not in kinds
        assert sum(1 for k in _kids(document) if str(k.S) == "/NonStruct") <= 1  # the masthead


def test_the_tree_reaches_everything_but_the_running_footer(built):
    with pikepdf.open(_pdf(built, "en")) as pdf:
        for page in pdf.pages:
            ops = pikepdf.parse_content_stream(page)
            artifacts = [o for o, op in ops if str(op) == "BDC" and o[0] == pikepdf.Name.Artifact]
            assert len(artifacts) == 2  # the footer's text and the page number
    assert structure_problems(_pdf(built, "en").read_bytes()) == []


def test_verify_finds_what_the_pass_fixes():
    """WeasyPrint's own tags (the pass left out) fail the check: notes, artifacts."""
    from communique.render import pdf as render_pdf

    html = ('<html lang="en"><title>t</title><body><main><article><p>Text<a class="note-call" '
            'href="#note-1" id="c1">1</a><span class="footnote" id="note-1" style="float: footnote">'
            '<a class="note-number" href="#c1">1</a> A note.</span></p></article></main></body></html>')
    original = render_pdf.restructure
    render_pdf.restructure = lambda data, found, lang: data
    try:
        raw = render_pdf.print_pdf(html, ROOT, [ROOT]).pdf
    finally:
        render_pdf.restructure = original
    assert any("Note element" in p for p in structure_problems(raw, notes=1))
    fixed = render_pdf.print_pdf(html, ROOT, [ROOT]).pdf
    assert structure_problems(fixed, notes=1) == []


def _source_words(lang: str) -> set[str]:
    """Every word of the statement's body text in ``lang`` (the source, or its translation)."""
    from communique.i18n.content import po_path

    data = yaml.safe_load((ROOT / "content" / EXAMPLE / "statement.yaml").read_text("utf-8"))
    texts = [data["opening"]] + [s.get("body", "") for s in data["sections"]] + [data["background"]["body"]]
    if lang != "en":
        import polib

        po = polib.pofile(str(po_path(ROOT / "content" / EXAMPLE, lang)))
        texts = [e.msgstr for e in po if e.msgstr and not e.obsolete
                 and any(part in (e.msgctxt or "") for part in ("body", "opening"))]
    words = set()
    for text in texts:
        text = re.sub(r"\[@[^\]]+\]|\^\[[^\]]*\]|\]\([^)]*\)|https?://\S+", " ", text)
        words.update(w for w in re.findall(rf"[\w{_MARKS}]+", text)
                     if len(w) > 3 and not w.isdigit())
    return words


_MARKS = "\u0610-\u061a\u064b-\u065f\u0670"  # Arabic vowel and other marks (harakat)
_WORD = re.compile(rf"[\w{_MARKS}]+")


def _searched(text: str) -> set[str]:
    """The words of ``text`` as a search finds them: NFKC (an Arabic ligature extracts as its
    presentation form, "ﻻ" for "لا", which NFKC makes the two letters; Armenian "և" becomes
    "եւ" on both sides)."""
    return set(_WORD.findall(unicodedata.normalize("NFKC", text)))


def _pdftotext(path: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils is not installed")
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


@pytest.mark.parametrize("lang", LANGS)
def test_pdftotext_finds_every_word_whole(built, lang):
    """Every word of the source in the PDF's text, whole: hyphenated, line-broken, ligated
    (lam-alef) or not. Words with an Arabic vowel mark are the next test's."""
    text = _pdftotext(_pdf(built, lang))
    found = _searched(text)
    words = {w for w in _searched(" ".join(_source_words(lang))) if not re.search(f"[{_MARKS}]", w)}
    assert len(words) > 100, "too few source words read"
    missing = sorted(w for w in words if w not in found)
    assert missing == [], missing[:20]
    if lang == "en":
        assert "‐" not in text  # no hyphen WeasyPrint added is extracted
        assert "Armenianbacked" not in text and "Armenian-backed" in text


@pytest.mark.parametrize("reader", ["poppler", "pdfium"])
def test_arabic_words_with_vowel_marks_read_whole(built, reader):
    """Before: a mark WeasyPrint moved onto its letter (a text rise, a TJ number) was read
    apart from it: poppler gave "دول ًيا" for "دوليًا" and a lone "ً" on one line for
    "أيضًا", PDFium dropped letters ("ً بلغ" for "أُبلغ"). Now every vowelled word of the
    source reads whole, and no mark stands alone."""
    path = _pdf(built, "ar")
    text = _pdftotext(path) if reader == "poppler" else _pdfium_text(path)
    found = _searched(text)
    words = {w for w in _searched(" ".join(_source_words("ar"))) if re.search(f"[{_MARKS}]", w)}
    assert len(words) > 10
    assert sorted(w for w in words if w not in found) == []
    assert re.findall(rf"(?:^|\s)[{_MARKS}]+", text, re.M) == []


def _lines(pdf_path: Path, page_index: int = 0) -> list[tuple[float, float, str]]:
    """(baseline, font size, text) of each text run of a page, top down (pdfminer-free: the
    content stream's text matrices)."""
    from communique.render.structure import _codes, to_unicode

    runs = []
    with pikepdf.open(pdf_path) as pdf:
        page = pdf.pages[page_index]
        fonts = {str(n): f for n, f in page.Resources.Font.items()}
        font, size, y = "", 0.0, 0.0
        for operands, op in pikepdf.parse_content_stream(page):
            name = str(op)
            if name == "Tf":
                font, size = str(operands[0]), float(operands[1])
            elif name == "Tm":
                y = float(operands[5])
            elif name == "TJ":
                text = "".join(t for _, t in _codes(operands, 2, to_unicode(fonts[font])))
                runs.append((y, size, text))
    return runs


def test_a_note_call_does_not_make_its_line_taller(built):
    """Before: the 11 lines with a call sat lower (vertical-align: super grew the line box)."""
    runs = _lines(_pdf(built, "en"))
    body = sorted({round(y, 1) for y, size, text in runs if abs(size - 12.67) < 0.1 and text.strip()})
    pitches = [round(b - a, 1) for a, b in itertools.pairwise(body) if b - a < 20]
    assert pitches and max(pitches) - min(pitches) <= 0.2, pitches


def test_footer_and_page_number_are_one_size(built):
    """Before: the footer's text was set at the body size (9.5pt), the page number at 8pt."""
    runs = _lines(_pdf(built, "en"))
    bottom = max(y for y, _, _ in runs)
    footer = [(y, size, text.strip()) for y, size, text in runs if y > bottom - 20]
    assert {text for _, _, text in footer} == {"Amnesty International public statement", "1"}
    assert {round(size, 2) for _, size, _ in footer} == {10.67}  # 8pt, in CSS pixels
    assert len({round(y, 1) for y, _, _ in footer}) == 1  # one baseline


def test_hyphenation_rules(built):
    """At most two hyphenated lines in a row; no capitalised word split; no "wo-man"."""
    runs = [text for _, size, text in _lines(_pdf(built, "en")) + _lines(_pdf(built, "en"), 1)]
    ends = [text.rstrip().endswith("‐") for text in runs if text.strip()]
    row = longest = 0
    for end in ends:
        row = row + 1 if end else 0
        longest = max(longest, row)
    assert longest <= 2
    pieces = [re.search(r"(\w+)‐$", t.rstrip()) for t in runs]
    assert not [p.group(1) for p in pieces if p and p.group(1)[:1].isupper()]


def test_same_bytes_twice(tmp_path, monkeypatch):
    root = _workspace(tmp_path / "ws")
    _build(root, monkeypatch, "--lang", "en")
    first = _pdf(root, "en").read_bytes()
    _build(root, monkeypatch, "--lang", "en")
    assert _pdf(root, "en").read_bytes() == first


def test_archive_claims_pdfa_and_pdfua(tmp_path, monkeypatch):
    from communique.render.verify import verify_pdf

    root = _workspace(tmp_path / "ws", "[pdf]\narchive = true\n")
    _build(root, monkeypatch, "--lang", "en")
    verified = verify_pdf(_pdf(root, "en"), archive=True, notes=11)
    assert verified.problems == []
    assert sorted(verified.conformance) == ["PDF/A-3B", "PDF/UA-1"]
    with pikepdf.open(_pdf(root, "en")) as pdf:
        xmp = pdf.Root.Metadata.read_bytes().decode()
        assert "<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>" in xmp
        assert "/Filter" not in pdf.Root.Metadata.stream_dict  # PDF/A: metadata unfiltered


# --- leaders and languages ---------------------------------------------------------------------

TOC_HTML = """<!DOCTYPE html><html lang="{lang}"><head><title>Contents</title><style>
@page {{ size: A5 }} body {{ font-family: 'DejaVu Sans' }}
.toc a::after {{ content: leader(".") target-counter(attr(href), page); }}
h2 {{ break-before: page }}</style></head><body>
<nav class="toc"><h1>Contents</h1><ul><li><a href="#one">One</a></li><li><a href="#two">Two</a></li></ul></nav>
<h2 id="one">One</h2><p>The text of <span lang="en">Amnesty International</span>.</p>
<h2 id="two">Two</h2><p>More.</p></body></html>"""


def _artifact_types(pdf) -> list[str]:
    return [str(operands[1].get("/Type")) for page in pdf.pages
            for operands, op in pikepdf.parse_content_stream(page)
            if str(op) == "BDC" and operands[0] == pikepdf.Name.Artifact]


def test_leaders_are_layout_artifacts_and_verify_finds_them_tagged(monkeypatch):
    """Before: each dot of a contents page's leaders was tagged text, read aloud."""
    from communique.render import pdf as render_pdf
    from communique.render import structure

    html = TOC_HTML.format(lang="en")
    fixed = render_pdf.print_pdf(html, ROOT, [ROOT]).pdf
    assert structure_problems(fixed) == []
    with pikepdf.open(io.BytesIO(fixed)) as pdf:
        layout = _artifact_types(pdf).count("/Layout")
        assert layout >= 2 * 10  # two rows of dots
        texts = marked_texts(pdf)
        tagged = "".join(texts.values())
        assert "One" in tagged and "." * 5 not in tagged
    monkeypatch.setattr(structure, "_drop_leaders", lambda document, leaders: set())
    tagged_leaders = render_pdf.print_pdf(html, ROOT, [ROOT]).pdf
    problems = structure_problems(tagged_leaders)
    assert problems == ["page 1: a leader (a row of dots) is in the structure tree, read out by a "
                        "screen reader: it should be an artifact"]
    with pikepdf.open(io.BytesIO(tagged_leaders)) as pdf:
        assert "/Layout" not in _artifact_types(pdf)


def test_a_span_in_another_language_gets_its_lang_and_verify_checks_it(monkeypatch):
    from communique.render import pdf as render_pdf

    printed = render_pdf.print_pdf(TOC_HTML.format(lang="az"), ROOT, [ROOT])
    assert printed.languages == ["en"]
    assert structure_problems(printed.pdf, languages=printed.languages) == []
    with pikepdf.open(io.BytesIO(printed.pdf)) as pdf:
        spans = [e for e in _all_elements(pdf.Root.StructTreeRoot) if "/Lang" in e]
        assert [(str(e.S), str(e.Lang)) for e in spans] == [("/Span", "en")]
        spans[0].Lang = pikepdf.String("english!")
        bad = io.BytesIO()
        pdf.save(bad)
    assert structure_problems(bad.getvalue(), languages=["en"]) == [
        "/Lang 'english!' of a Span element is not a language tag",
        "text the HTML marks as 'en' has no /Lang 'en' in the structure tree: a screen reader "
        "reads it in the document's language"]
    monkeypatch.setattr(render_pdf, "restructure", lambda data, found, lang: data)
    raw = render_pdf.print_pdf(TOC_HTML.format(lang="az"), ROOT, [ROOT]).pdf
    assert "text the HTML marks as 'en' has no /Lang 'en'" in " ".join(
        structure_problems(raw, languages=["en"]))


@pytest.mark.parametrize("lang", LANGS)
def test_english_names_and_titles_are_marked_english_in_other_editions(built, lang):
    """Before: no element had /Lang; the organisation's English name was read (and upper-cased:
    Azerbaijani "INTERNATİONAL") in the edition's language, and so was a source's English
    title in a note."""
    from communique.render.verify import verify_pdf

    data = _pdf(built, lang).read_bytes()
    expected = [] if lang == "en" else ["en"]
    assert verify_pdf(data, lang=lang, notes=11, languages=expected).problems == []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        reader = _Reader(pdf)
        marked = [(str(e.Lang), reader.text(e)) for e in _all_elements(pdf.Root.StructTreeRoot) if "/Lang" in e]
    # the example names itself in Arabic in the Arabic edition, in English in the others
    name = [] if lang in ("en", "ar") else [("en", "AMNESTY INTERNATIONAL")]
    assert sorted(marked) == name + ([] if lang == "en" else [("en", "UN HRC Resolution (A/HRC/32/L.20)")])


@pytest.fixture(scope="module")
def other_examples(tmp_path_factory) -> Path:
    """The report and urgent action examples, built in English."""
    root = tmp_path_factory.mktemp("examples") / "ws"
    root.mkdir(parents=True)
    shutil.copy(ROOT / "communique.toml", root / "communique.toml")
    for slug in ("report-example", "urgent-action-example"):
        shutil.copytree(ROOT / "content" / slug, root / "content" / slug)
    with pytest.MonkeyPatch.context() as mp:
        _build(root, mp, "--lang", "en")
    return root


@pytest.mark.slow
@pytest.mark.parametrize("slug", ["report-example", "urgent-action-example"])
def test_other_examples_pass_verify_and_report_leaders_are_artifacts(other_examples, slug):
    from communique.render.verify import verify_pdf

    path = other_examples / "build" / slug / "en" / f"{slug}-en.pdf"
    result = CliRunner().invoke(main, ["verify", str(path)])
    assert result.exit_code == 0, result.stderr
    assert verify_pdf(path).problems == []
    with pikepdf.open(path) as pdf:
        kinds = _artifact_types(pdf)
        tagged = "".join(marked_texts(pdf).values())
    assert "..." not in tagged
    if slug == "report-example":  # the contents page: one artifact a dot, 9 rows of them
        assert kinds.count("/Layout") > 9 * 50


NAMES = {"en": ("Karabakh", "Stepanakert"), "ru": ("Карабах", "Степанакерт"),
         "hy": ("Ղարաբաղ", "Ստեփանակերտ"), "az": ("Qarabağ", "Xankəndi"), "ar": ("كاراباخ", "ستيباناكيرت")}


def _pdftotext(data: bytes | Path) -> str:
    source = str(data) if isinstance(data, Path) else "-"
    return subprocess.run(["pdftotext", source, "-"], input=None if isinstance(data, Path) else data,
                          capture_output=True, check=True).stdout.decode("utf-8")


def _broken(text: str, name: str) -> list[str]:
    """Pieces of ``name`` cut by a line end in ``text`` ("Kara‐⏎bakh", "Stepana-⏎kert")."""
    return [m.group(0) for k in range(1, len(name)) for m in re.finditer(
        re.escape(name[:k]) + r"[\u2010\u00ad-]?\s*\n\s*" + re.escape(name[k:]), text)]


@pytest.mark.parametrize("lang", LANGS)
def test_pdftotext_reads_the_names_whole_wherever_the_lines_break(built, lang):
    """"Karabakh" and "Stepanakert" (and their names in each edition) are found by pdftotext as
    often as the pages print them, none in two pieces."""
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils is not installed")
    path = _pdf(built, lang)
    text = _pdftotext(path)
    with pikepdf.open(path) as pdf:
        count = len(pdf.pages)
    runs = "\n".join(t for page in range(count) for _, _, t in _lines(path, page))
    printed = re.sub(r"[\u2010\u00ad]?\n", "", runs)  # the glyphs, lines joined again
    for name in NAMES[lang]:
        drawn = name[::-1] if lang == "ar" else name  # an Arabic line is drawn right to left
        assert _broken(text, name) == []
        assert len(re.findall(rf"(?<!\w){name}", text)) == printed.count(drawn) > 0, name


def test_a_name_hyphenated_at_a_line_end_is_read_whole():
    """The same for names a narrow column does break (at a soft hyphen: WeasyPrint adds the
    hyphen as it would for a word it hyphenated). Before: the soft hyphen in the text boxes
    hid both breaks ("Stepana‐⏎kert" read in two pieces) and "Nagorno-⏎Kara\u00adbakh" read
    back as "Nagorno-Kara", "bakh" lost."""
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils is not installed")
    from communique.render import pdf as render_pdf

    html = ('<html lang="en"><title>t</title><body style="width: 7em; font-family: \'DejaVu Sans\'">'
            '<p>In Nagorno-Kara&shy;bakh and in Stepana&shy;kert, Kara&shy;bakh again.</p></body></html>')
    printed = render_pdf.print_pdf(html, ROOT, [ROOT]).pdf
    runs = "\n".join(t for _, _, t in _lines_of(printed))
    assert "Kara\u2010" in runs and "Stepana\u2010" in runs  # broken on the page
    text = _pdftotext(printed)
    assert _broken(text, "Karabakh") == [] and _broken(text, "Stepanakert") == []
    assert text.count("Karabakh") == 2 and text.count("Stepanakert") == 1
    assert "Nagorno-Karabakh" in text  # broken after its own hyphen, and nothing of it lost
    # PDFium (Chrome's reader) too: it ignores an empty /ActualText, so the second pieces were
    # read twice ("Stepanakert⏎kert"); it marks a dropped line-end hyphen with U+FFFE.
    seen = _pdfium_text(printed)
    assert seen.count("Karabakh") == 2 and seen.count("Stepanakert") == 1, seen
    assert not {"kert", "bakh"} & set(re.findall(r"\w+", seen)), seen


def _joined(runs: list[tuple[float, float, str]]) -> list[str]:
    """The runs, a URL's hyphen box joined to the run drawn after it on the same baseline: the
    hyphen is held to its next character in a box of its own ("…front-3" "2318.html", or in
    another font "-" "3" "2318.html"), and that is one number."""
    out: list[str] = []
    last = None
    for y, _, text in runs:
        if out and y == last and re.search(r"-\d*$", out[-1]) and text[:1].isdigit():
            out[-1] += text
        else:
            out.append(text)
        last = y
    return out


def _lines_of(data: bytes) -> list[tuple[float, float, str]]:
    path = Path(tempfile.mkdtemp()) / "x.pdf"
    path.write_bytes(data)
    return _lines(path)


# --- the Arabic text layer ----------------------------------------------------------------------

def test_a_bracket_reads_as_itself_after_mirrored_ones():
    """A right-to-left paragraph draws "(" with the glyph of ")" (mirrored); the font's map keeps
    the first character each glyph stood for, so a left-to-right "(A)" after it read back as
    ")A(". Each glyph drawn for another character than its map's now says which."""
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils is not installed")
    from communique.render import pdf as render_pdf

    html = ('<html lang="en"><title>t</title><body style="font-family: \'Noto Sans\'">'
            '<p dir="rtl" lang="ar">نص (VPN) نص</p><p>Text (A/HRC/32/L.20) text [B].</p></body></html>')
    text = _pdftotext(render_pdf.print_pdf(html, ROOT, [ROOT]).pdf)
    assert "Text (A/HRC/32/L.20) text [B]." in text


def test_the_arabic_text_layer_states_marks_brackets_and_figures_right(built):
    """Before: a vowel mark drawn as its own glyph read back with the letter of the first
    cluster it was drawn in ("أُبلغ" as "أُأبلغ", "قُتل" as "ُأقتل"); "(A/HRC/32/L.20)" in a note
    read ")A/HRC/32/L.20(". Every figure the pages draw is extracted as drawn."""
    path = _pdf(built, "ar")
    with pikepdf.open(path) as pdf:
        texts = list(marked_texts(pdf).values())
    assert any("UN HRC Resolution (A/HRC/32/L.20)" in t for t in texts)
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils is not installed")
    text = _pdftotext(path)
    assert "أُبلغ" in text and "أُأ" not in text and "ُأق" not in text


@pytest.mark.parametrize("lang", LANGS)
def test_every_figure_is_extracted_as_it_is_printed(built, lang):
    """Death tolls, dates and index numbers: the digits pdftotext reads are the digits the
    pages draw (an Arabic line is drawn right to left, its numbers left to right), none
    reversed, lost or doubled; the references are read whole."""
    from collections import Counter

    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils is not installed")
    path = _pdf(built, lang)
    with pikepdf.open(path) as pdf:
        count = len(pdf.pages)
    drawn = Counter(n for page in range(count) for t in _joined(_lines(path, page))
                    for n in re.findall(r"\d+", t))
    text = _pdftotext(path)
    assert Counter(re.findall(r"\d+", text)) == drawn
    for reference in ("55/3154/2020", "A/HRC/32/L.20", "2020"):
        assert reference in text, reference


def test_verify_finds_a_mark_glyph_that_reads_with_a_letter(built):
    """What WeasyPrint's map alone gives (the pass's fix left out) fails the check."""
    data = _pdf(built, "ar").read_bytes()
    assert structure_problems(data) == []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        font = next(f for page in pdf.pages for f in page.Resources.Font.values()
                    if "Arabic" in str(f.BaseFont) and "Bold" not in str(f.BaseFont))
        cmap = font.ToUnicode.read_bytes().decode("latin-1")
        damma = "\u064f".encode("utf-16-be").hex()
        glyph = re.search(rf"<([0-9a-f]+)> <{damma}>", cmap, re.I).group(1)
        alef = "\u0623".encode("utf-16-be").hex()
        font.ToUnicode.write(cmap.replace(f"<{glyph}> <{damma}>", f"<{glyph}> <{alef}{damma}>").encode("latin-1"))
        damaged = io.BytesIO()
        pdf.save(damaged)
    problems = structure_problems(damaged.getvalue())
    assert len(problems) == 1 and f"the mark glyph {int(glyph, 16)} reads as 'أُ'" in problems[0]


def _pdfium_text(data: bytes | Path) -> str:
    """The text PDFium (pypdfium2, Chrome's PDF engine) reads, its line-end hyphen marks
    (U+FFFE, where it joined a hyphenated word) dropped."""
    import pypdfium2

    document = pypdfium2.PdfDocument(data)
    try:
        return "\n".join(document[i].get_textpage().get_text_range() for i in range(len(document))).replace(
            "\ufffe", "")
    finally:
        document.close()


@pytest.mark.parametrize("lang", LANGS[:-1])
def test_pdfium_reads_the_words_pdftotext_reads(built, lang):
    """A second reader: every word, as often as pdftotext reads it (no hyphenated word's second
    piece read twice)."""
    from collections import Counter

    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils is not installed")
    path = _pdf(built, lang)
    poppler = Counter(re.findall(r"\w+", _pdftotext(path)))
    pdfium = Counter(re.findall(r"\w+", _pdfium_text(path)))
    assert (pdfium - poppler, poppler - pdfium) == (Counter(), Counter())


def test_pdfium_reads_arabic_ligatures_in_order_too(built):
    """The lam-alef glyphs ("لا", "لإ", "لى"), mapped to their presentation forms, read in
    order in PDFium as in poppler: every word of the Arabic source (those without vowel marks)
    whole, among them words with a ligature."""
    words = {w for w in _searched(" ".join(_source_words("ar"))) if not re.search(f"[{_MARKS}]", w)}
    ligated = {w for w in words if re.search("ل[اأإآى]", w)}
    assert len(ligated) > 20
    found = _searched(_pdfium_text(_pdf(built, "ar")))
    assert sorted(w for w in words if w not in found) == []
