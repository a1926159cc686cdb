"""Note numbering: 1…N in reading order across every part, whatever the template's layout."""

from __future__ import annotations

import re
import textwrap

from communique.document import load
from communique.render.html import render
from communique.workspace import find_workspace

STATEMENT = """\
type: public-statement
lang: en
date: 2020-09-29
title: Numbering
opening: Opening cites A.[@a]
sections:
  - id: body
    body: |
      Body cites B[@b] and a free note.^[A free note that cites [@c, p. 4].]

      Second paragraph cites A again[@a] and two at once.[@b; @c]
    incidents:
      - id: one
        date: 2020-09-27
        place: Somewhere
        reported_by: Someone
        text: |
          Incident cites C.[See as well: @c]
calls:
  - id: call
    addressees: [Everyone]
    demands: [Stop.]
    text: The call cites B.[@b, para. 10]
background:
  body: Background cites A.[@a]
sources:
  a: {url: "https://example.org/a"}
  b: {url: "https://example.org/b"}
  c: {title: "Report C", kind: report}
"""


def rendered(workspace, medium="web", text=STATEMENT):
    root = workspace({"numbering": text})
    ws = find_workspace(root)
    doc, problems = load(root / "content" / "numbering" / "statement.yaml", ws)
    assert doc is not None, problems
    return render(doc, ws, medium)


def test_numbers_follow_reading_order_across_parts(workspace):
    out = rendered(workspace)
    calls = re.findall(r'role="doc-noteref">(\d+)<', out.html)
    assert calls == [str(n) for n in range(1, 9)]
    texts = [re.sub(r"<[^>]+>", "", str(n.html)) for n in out.notes]
    assert texts == [
        "https://example.org/a",
        "https://example.org/b",
        "A free note that cites Report C, p. 4.",
        "https://example.org/a",
        "https://example.org/b; Report C",
        "See as well: Report C",
        "https://example.org/b, para. 10",
        "https://example.org/a",  # the background, last in reading order, is note 8
    ]


def test_every_citation_makes_its_own_note(workspace):
    out = rendered(workspace)
    assert len(out.notes) == 8  # A is cited three times: three notes, as the seed does


def test_print_places_each_note_right_after_its_call(workspace):
    out = rendered(workspace, "print")
    for n in range(1, 9):
        call = out.html.index(f'id="note-call-{n}"')
        note = out.html.index(f'<span class="footnote" id="note-{n}"')
        assert call < note
        if n < 8:
            assert note < out.html.index(f'id="note-call-{n + 1}"')
    assert 'role="doc-endnotes"' not in out.html


def test_numbering_follows_the_template_not_the_file(workspace, tmp_path):
    # A designer who prints the background first gets it numbered first.
    root = workspace({"numbering": STATEMENT})
    (root / "templates").mkdir()
    (root / "templates" / "public-statement.html.j2").write_text(textwrap.dedent("""\
        {% extends "base.html.j2" %}
        {% block body %}
        <section>{{ statement.background.body }}</section>
        <p>{{ statement.opening }}</p>
        {{ endnotes }}
        {% endblock %}
        """))
    ws = find_workspace(root)
    doc, _ = load(root / "content" / "numbering" / "statement.yaml", ws)
    out = render(doc, ws, "web")
    assert [n.number for n in out.notes] == [1, 2]
    # the sections and calls are not printed by this template: their notes are reported
    lost = [p for p in out.problems if "does not print this field" in p.message]
    assert len(lost) == 6
    assert all(p.severity == "warning" for p in lost)
