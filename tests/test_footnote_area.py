"""The faster footnote area (communique.render.footnotes) prints the same PDF, byte for byte.

Every document here is printed twice, with the patch and with WeasyPrint's own footnote area
(``footnotes.unpatched()``), and the two PDFs must be identical, with the same pages, notes
away from their call and layout faults: any difference is a failure, not a tolerance. The
corpus (slow) is every example edition in every language, generated reports of 10, 50 and 100
pages and the cases below: notes of one line and of ten, notes that do not fit and move to the
next page, a note longer than a page, each ``footnote-policy``, inline notes, a ``max-height``
on the area, collapsing margins, notes in tables, right-to-left notes, forced page breaks, and
floats and positioned notes (which the patch leaves to WeasyPrint).
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from communique.render import footnotes
from communique.render.pdf import print_pdf
from conftest import GOOD, build_in
from test_pdf_examples import copy_examples

PAGE = ("@page { size: 100mm 80mm; margin: 10mm } body { margin: 0 } "
        "html { font: 10pt/14pt 'DejaVu Sans' } p { margin: 0 0 4pt } "
        ".fn { float: footnote; footnote-policy: line; font-size: 8pt; line-height: 10pt } "
        "@page { @footnote { border-top: 0.75pt solid black; padding-top: 3pt } }")
WORDS = ("Witnesses described the shelling of residential streets in the early morning, and "
         "officials reported damage to homes, a school and the water supply.")
ARABIC = "وصف شهود قصف الشوارع السكنية في الصباح الباكر، وأبلغ مسؤولون عن أضرار لحقت بالمنازل."


def page(css: str, body: str, *, lang: str = "en", direction: str = "ltr") -> str:
    return (f"<!DOCTYPE html><html lang={lang} dir={direction}><head><title>Notes</title>"
            f"<style>{PAGE} {css}</style></head><body>{body}</body></html>")


def note(n: int, text: str, tag: str = "span") -> str:
    return f"<a id='c{n}' href='#n{n}'>{n}</a><{tag} class=fn id='n{n}'>{n}. {text}</{tag}>"


def paragraphs(count: int, notes_each: int, note_text, *, words: str = WORDS) -> str:
    """``count`` paragraphs, each with ``notes_each`` notes; ``note_text(n)`` is note n's."""
    body, n = [], 0
    for _ in range(count):
        calls = []
        for _ in range(notes_each):
            n += 1
            calls.append(note(n, note_text(n)))
        body.append(f"<p>{words} {' '.join(calls)} {words}</p>")
    return "".join(body)


def short(n: int) -> str:
    return f"https://example.org/report/source-{n % 7}"


def long(lines: int):
    return lambda n: " ".join([f"Long note {n} goes on."] * (lines * 3))


# Each case: (css, body, lang, direction); small pages, so that notes crowd and move.
CASES = {
    "one-line notes": ("", paragraphs(12, 2, short), "en", "ltr"),
    "ten-line notes that move": ("", paragraphs(8, 2, long(10)), "en", "ltr"),
    "a note longer than a page": ("", paragraphs(3, 1, long(40)), "en", "ltr"),
    "footnote-policy block": (".fn { footnote-policy: block }", paragraphs(10, 3, long(2)),
                              "en", "ltr"),
    "footnote-policy auto": (".fn { footnote-policy: auto }", paragraphs(10, 3, long(2)),
                             "en", "ltr"),
    "inline notes": (".fn { footnote-display: inline }", paragraphs(10, 3, short), "en", "ltr"),
    "an area with a max-height": ("@page { @footnote { max-height: 20mm } }",
                                  paragraphs(10, 3, long(2)), "en", "ltr"),
    "collapsing margins": ("@page { @footnote { border: 0; padding: 0; margin-top: 5pt } } "
                           ".fn { display: block; margin: 3pt 0 6pt } .fn:nth-of-type(3n) "
                           "{ margin-top: -2pt; margin-bottom: 0 }",
                           paragraphs(10, 2, long(1)), "en", "ltr"),
    "block notes of several paragraphs": (".fn p { margin: 2pt 0 }", "".join(
        f"<div>{WORDS}{note(n, '<p>' + WORDS + '</p><p>' + short(n) + '</p>', 'div')}</div>"
        for n in range(1, 16)), "en", "ltr"),
    "notes in tables": ("table { border-collapse: collapse; width: 100% } td { border: 1px "
                        "solid; padding: 2pt; vertical-align: top }",
                        "<table>" + "".join(
                            f"<tr><td>{WORDS[:40]} {note(2 * r + 1, short(r))}</td>"
                            f"<td>{WORDS[:60]} {note(2 * r + 2, long(1)(r))}</td></tr>"
                            for r in range(14)) + "</table>", "en", "ltr"),
    "right-to-left notes": (".fn { text-align: start; direction: rtl }",
                            paragraphs(10, 2, lambda n: f"{ARABIC} {n}", words=ARABIC),
                            "ar", "rtl"),
    "pages of different sizes": ("@page :first { size: 100mm 60mm } @page :left { margin: 15mm "
                                 "20mm 25mm 5mm } .fn { display: block; margin-top: 4pt }",
                                 paragraphs(10, 2, long(2)), "en", "ltr"),
    "forced page breaks": ("h2 { break-before: page; margin: 0 }", "".join(
        f"<h2>Part {s}</h2>" + paragraphs(3, 2, long(1)) for s in range(4)), "en", "ltr"),
    "floats beside the notes": (".side { float: right; width: 20mm; height: 15mm; "
                                "background: #ccc }", "".join(
        f"<div class=side></div>{paragraphs(2, 2, short)}" for _ in range(5)), "en", "ltr"),
    "a float inside a note": (".fn i { float: left; width: 5mm; height: 5mm; background: #ccc }",
                              paragraphs(8, 2, lambda n: f"<i></i>{long(1)(n)}"), "en", "ltr"),
    "relatively positioned notes": (".fn { position: relative; left: 2pt }",
                                    paragraphs(8, 2, short), "en", "ltr"),
}


def both_ways(html: str, folder: Path):
    """The document printed with the patch and with WeasyPrint's own footnote area."""
    patched = print_pdf(html, folder, [folder])
    assert footnotes.applied(), "the patch should be in place where communique prints"
    with footnotes.unpatched():
        assert not footnotes.applied()
        plain = print_pdf(html, folder, [folder])
    return patched, plain


def assert_same(patched, plain, name: str) -> None:
    assert patched.pages == plain.pages, name
    assert patched.misplaced == plain.misplaced, name
    assert patched.layout == plain.layout, name
    assert patched.warnings == plain.warnings, name
    assert patched.pdf == plain.pdf, f"{name}: the PDFs differ"


def test_a_page_of_notes_is_the_same_and_each_note_is_laid_out_once(tmp_path):
    html = page("@page { size: 210mm 297mm }", paragraphs(6, 2, short))  # 12 notes, one page
    before = dict(footnotes.counts)
    patched, plain = both_ways(html, tmp_path)
    assert_same(patched, plain, "one page")
    assert patched.pages == 1
    # Adding the k-th note lays out that note alone and reuses the k - 1 before it; the
    # page's final area reuses all twelve. WeasyPrint's own code lays out 78 + 12 notes.
    assert footnotes.counts["laid_out"] - before["laid_out"] == 12
    assert footnotes.counts["reused"] - before["reused"] == sum(range(12)) + 12
    assert footnotes.counts["weasyprint"] == before["weasyprint"]


@pytest.mark.parametrize("name", ["inline notes", "a float inside a note",
                                  "ten-line notes that move"])
def test_what_the_patch_leaves_to_weasyprint_is_the_same(tmp_path, name):
    css, body, lang, direction = CASES[name]
    before = footnotes.counts["weasyprint"]
    patched, plain = both_ways(page(css, body, lang=lang, direction=direction), tmp_path)
    assert_same(patched, plain, name)
    if name != "ten-line notes that move":
        assert footnotes.counts["weasyprint"] > before  # these areas are WeasyPrint's own


def test_another_weasyprint_version_is_left_alone(monkeypatch):
    import weasyprint

    with footnotes.unpatched():
        monkeypatch.setattr(weasyprint, "__version__", "71.0")
        assert footnotes.apply() is False
        assert not footnotes.applied()
        monkeypatch.undo()
    assert footnotes.applied()
    monkeypatch.setattr(footnotes, "installed_version", lambda: "71.0")
    assert "WeasyPrint 71.0 is installed, not 70.0" in (footnotes.notice() or "")
    monkeypatch.setattr(footnotes, "installed_version", lambda: "70.0")
    assert footnotes.notice() is None


def test_the_build_says_once_that_the_patch_is_off(workspace, monkeypatch):
    from click.testing import CliRunner

    from communique.cli import main

    root = workspace({"one": GOOD, "two": GOOD.replace("A statement", "Another")})
    monkeypatch.setattr(footnotes, "installed_version", lambda: "71.0")
    result = CliRunner().invoke(main, ["build", "-j", "1", "--json"])  # (-q prints errors only)
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stderr.splitlines() if "faster footnote layout is off" in line]
    assert len(lines) == 1 and ": warning: WeasyPrint 71.0 is installed" in lines[0]
    assert (root / "build" / "one" / "en" / "one-en.pdf").is_file()


# -- the corpus ------------------------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("name", list(CASES))
def test_corpus_cases_print_the_same(tmp_path, name):
    css, body, lang, direction = CASES[name]
    patched, plain = both_ways(page(css, body, lang=lang, direction=direction), tmp_path)
    assert_same(patched, plain, name)


def report_statement(sections: int) -> str:
    """A long report: ``sections`` sections of two paragraphs with three notes (as the
    benchmark's, about four sections a page)."""
    sentence = ("Witnesses described the shelling of residential streets in the early morning, "
                "and local officials reported damage to homes, a school and the water supply.")
    lines = ["type: public-statement", "lang: en", "date: 2020-09-29",
             "title: A generated report", "opening: A generated report.[@src-0]", "sections:"]
    for s in range(sections):
        cite = [f"[@src-{(s * 3 + k) % 40}]" for k in range(3)]
        lines += [f"  - id: part-{s}", f"    heading: Part {s + 1}", "    body: |",
                  f"      {sentence} {sentence[:-1]}{cite[0]} {sentence[:-1]}{cite[1]}", "",
                  f"      {sentence} {sentence[:-1]}{cite[2]}", ""]
    lines += ["sources:"]
    for n in range(40):
        lines += [f"  src-{n}:", f"    url: https://example.org/report/source-{n}",
                  f"    title: Source number {n}", "    publisher: Example publisher"]
    return "\n".join(lines) + "\n"


def built(root: Path) -> tuple[dict[str, str], list[str]]:
    """Build ``root`` from scratch in this process: each PDF's SHA-256, and the problems."""
    result = build_in(root, "--force", "-q", "-j", "1")
    assert result.exit_code == 0, result.stderr
    sums = {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted((root / "build").rglob("*.pdf"))}
    return sums, sorted(result.stderr.splitlines())


def assert_builds_the_same(root: Path) -> dict[str, str]:
    patched, problems = built(root)
    with footnotes.unpatched():
        plain, plain_problems = built(root)
    assert patched, "nothing was printed"
    assert patched == plain
    assert problems == plain_problems  # notes away from their call, layout faults, the check
    return patched


@pytest.mark.slow
def test_every_example_edition_prints_the_same(tmp_path):
    sums = assert_builds_the_same(copy_examples(tmp_path / "examples"))
    assert len(sums) >= 7 and any("/ar/" in path for path in sums)


@pytest.mark.slow
def test_long_reports_print_the_same(tmp_path):
    """Reports of about 10, 50 and 100 pages, ten notes a page (right to left: the Arabic
    example edition and the right-to-left case above)."""
    root = copy_examples(tmp_path / "reports")
    shutil.rmtree(root / "content")
    for name, sections in (("r10", 39), ("r50", 195), ("r100", 390)):
        folder = root / "content" / name
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "statement.yaml").write_text(report_statement(sections), encoding="utf-8")
    before = footnotes.counts["reused"]
    sums = assert_builds_the_same(root)
    assert len(sums) == 3
    assert footnotes.counts["reused"] > before + 1000
