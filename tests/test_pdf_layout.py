"""The post-layout checks find each typesetting fault, and the print CSS prevents them.

Each case lays out a tiny page (100 x 80 mm) twice: once with the CSS that lets the fault
happen, where the check must name it, and once with the project's rule, where it must not.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from communique.render.pdf import print_pdf

PAGE = ("@page { size: 100mm 80mm; margin: 10mm } body { margin: 0 } "
        "html { font: 10pt/14pt 'DejaVu Sans' } p { margin: 0 } "
        ".fn { float: footnote; footnote-policy: line }")
# 60 mm of text height = 226.8 px = 12 lines of 14 pt (18.67 px) and a bit


def page(css: str, body: str) -> str:
    return (f"<!DOCTYPE html><html lang=en><head><title>T</title><style>{PAGE} {css}</style>"
            f"</head><body>{body}</body></html>")


def layout(tmp_path: Path, css: str, body: str):
    return print_pdf(page(css, body), tmp_path, [tmp_path])


def note(n: int, text: str) -> str:
    return f"<a id='note-call-{n}' href='#note-{n}'>{n}</a><span class=fn id='note-{n}'>{text}</span>"


HEADING_AT_FOOT = ("<div style='height: 180px'></div><h2>Background</h2>"
                   "<div style='height: 120px; break-inside: avoid'>unbreakable</div>")


def test_a_heading_left_at_a_page_foot_is_named(tmp_path):
    printed = layout(tmp_path, "h2 { margin: 0; font-size: 10pt; break-after: auto }", HEADING_AT_FOOT)
    assert [(i.page, i.message) for i in printed.layout] == [
        (1, "the heading 'Background' is left alone at the foot of page 1")]


def test_headings_keep_with_what_follows(tmp_path):
    printed = layout(tmp_path, "h2 { margin: 0; font-size: 10pt; break-after: avoid }", HEADING_AT_FOOT)
    assert printed.layout == []
    assert printed.pages == 2


def test_the_print_css_keeps_headings_with_their_text():
    css = (Path(__file__).parent.parent / "src/communique/templates/css/print.css").read_text()
    assert "h1, h2, h3, h4, h5, h6 { break-after: avoid;" in css
    assert "orphans: 2; widows: 2;" in css


WORDS = " ".join(["word"] * 22)  # three lines in the 80 mm measure


@pytest.mark.parametrize(("filler", "kind", "where"), [
    (200, "an orphan", "first line alone at the foot of page 1"),
    (181, "a widow", "last line alone at the top of page 2"),
])
def test_a_lone_line_of_a_split_paragraph_is_named(tmp_path, filler, kind, where):
    body = f"<div style='height: {filler}px'></div><p>{WORDS}</p>"
    printed = layout(tmp_path, "p { orphans: 1; widows: 1 }", body)
    messages = [i.message for i in printed.layout]
    assert len(messages) == 1 and where in messages[0] and f"({kind})" in messages[0]
    assert "'word word word" in messages[0]


@pytest.mark.parametrize("filler", [200, 181])
def test_orphans_and_widows_two_keep_lines_together(tmp_path, filler):
    body = f"<div style='height: {filler}px'></div><p>{WORDS}</p>"
    assert layout(tmp_path, "p { orphans: 2; widows: 2 }", body).layout == []


LONG_URL = "https://example.org/" + "/".join(["segment-of-a-long-address"] * 6)


def test_a_line_running_past_the_margin_is_named(tmp_path):
    body = f"<p>See <a href='{LONG_URL}'>{'x' * 120}</a></p>"  # no hyphen, slash or space
    printed = layout(tmp_path, "a { overflow-wrap: normal }", body)
    assert len(printed.layout) == 1
    assert "runs" in printed.layout[0].message and "past its margin on page 1" in printed.layout[0].message


def test_long_urls_in_notes_wrap(tmp_path):
    """The note style: <wbr> after each slash and overflow-wrap: anywhere."""
    from communique.citations.styles import link

    body = "<p>Text" + note(1, str(link(LONG_URL))) + ".</p>"
    printed = layout(tmp_path, "a.url { overflow-wrap: anywhere }", body)
    assert printed.layout == [] and printed.misplaced == []


def test_a_note_too_long_for_any_page_is_an_error_naming_it(tmp_path):
    text = " ".join(["a long note"] * 400)
    body = "<p>Text" + note(1, text) + ".</p><p>" + " ".join(["body"] * 200) + "</p>"
    printed = layout(tmp_path, "", body)
    errors = [i for i in printed.layout if i.severity == "error"]
    assert len(errors) == 1 and errors[0].note == 1
    assert "note 1 is too long to fit on one page" in errors[0].message
    assert [n for n, _, _ in printed.misplaced] == [1]


def test_a_note_filling_most_of_a_page_is_a_warning(tmp_path):
    text = " ".join(["a long note"] * 30)  # three quarters of the page
    printed = layout(tmp_path, "", "<p>Text" + note(1, text) + ".</p>")
    assert [(i.note, i.severity) for i in printed.layout] == [(1, "warning")]
    assert "note 1 fills" in printed.layout[0].message
    assert printed.misplaced == []


def test_out_of_flow_boxes_are_not_content(tmp_path):
    """A fixed draft mark or a running footer is no heading at a foot."""
    body = ("<h2 style='position: fixed; top: 0'>DRAFT</h2>"
            "<div style='height: 300px'></div><p>" + WORDS + "</p>")
    assert layout(tmp_path, "", body).layout == []


@pytest.mark.parametrize("css", ["h2 { break-after: page }", "div.next { break-before: page }",
                                 "section.cover { break-after: page }"])
def test_a_heading_before_a_forced_page_break_is_the_designers_wish(tmp_path, css):
    """A cover page ending with its title, or a chapter that must start a new page."""
    body = ("<section class=cover><div style='height: 40px'></div><h2>Civilians under fire</h2>"
            "</section><div class=next>The report begins here.</div>")
    printed = layout(tmp_path, "h2 { margin: 0; font-size: 10pt } " + css, body)
    assert printed.pages == 2 and printed.layout == []
