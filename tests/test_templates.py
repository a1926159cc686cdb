"""Document types and templates: the examples of each type, overrides, draft and embargo marks,
and located messages for every way a template or a document type can be wrong."""

from __future__ import annotations

import io
import re
import shutil
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from communique.cli import main
from conftest import GOOD, LOCATED

ROOT = Path(__file__).resolve().parent.parent



def spaced(text: str) -> str:
    """Babel's narrow and thin spaces as plain spaces, for comparing."""
    return re.sub("[\u2009\u202f\u00a0]", " ", text)


def pdf_text(path: Path) -> list[str]:
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def build_example(root: Path, slug: str, monkeypatch) -> tuple[Path, str]:
    """Build one of the repository's examples in a copy of the example workspace."""
    shutil.copy(ROOT / "communique.toml", root / "communique.toml")
    shutil.copytree(ROOT / "content" / slug, root / "content" / slug)
    monkeypatch.chdir(root)
    result = CliRunner().invoke(main, ["build", "-j", "1", f"content/{slug}"])
    assert result.exit_code == 0, result.stderr + result.output
    return root / "build" / slug / "en", result.stderr


# -- the examples ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def report(tmp_path_factory) -> tuple[Path, str]:
    mp = pytest.MonkeyPatch()
    try:
        return build_example(tmp_path_factory.mktemp("report"), "report-example", mp)
    finally:
        mp.undo()


@pytest.mark.slow
def test_report_builds_without_warnings(report):
    out, log = report
    assert ": warning:" not in log and ": error:" not in log, log
    assert (out / "report-example-en.pdf").read_bytes().startswith(b"%PDF")


@pytest.mark.slow
def test_report_contents_give_the_page_of_each_heading(report):
    out, _ = report
    pages = pdf_text(out / "report-example-en.pdf")
    contents = pages[1]
    assert contents.startswith("CONTENTS")
    entries = re.findall(r"(?:(\d+(?:\.\d+)?)\.?\s+)?([A-Z][^.]+?)\s*\.{3,}\s*(\d+)",
                         contents.removeprefix("CONTENTS"))
    assert len(entries) >= 9, contents
    for number, heading, page in entries:
        found = pages[int(page) - 1]
        title = heading.strip()
        if not number:  # summary, recommendations, sources: the page starts with the heading
            assert found.startswith(title.upper()), (title, page, found[:80])
        elif "." in number:  # a subsection: its heading is on that page
            assert f"{number} {title}" in found, (number, title, page)
        else:
            assert found.startswith(f"{number}. {title.upper()}"), (number, title, page, found[:80])
    assert [p for _, _, p in entries] == sorted((p for _, _, p in entries), key=int)


@pytest.mark.slow
def test_report_has_incident_table_timeline_figure_and_sources(report):
    out, _ = report
    html = (out / "index.html").read_text(encoding="utf-8")
    table = html[html.index('id="incidents-attacks-table"'):]
    table = table[:table.index("</table>")]
    assert table.count("<tr>") == 7  # the header and six incidents
    assert "27 – 29 September 2020" in spaced(table) and "Yes" not in table  # en_GB (communique.toml)
    svg = re.search(r'<svg [^>]*class="chart timeline"[^>]*>(.*?)</svg>', html, re.S)
    assert svg and svg.group(1).count("<circle") == 5 + 2  # five one-day incidents, the legend
    assert svg.group(1).count('rx="6"') == 1  # the three-day toll as a bar
    assert 'role="img"' in html and "<title id=" in html
    assert 'alt="A timeline with six dates' in html
    assert 'src="data:image/svg+xml;base64,' in html
    assert "Table 1:" in html and "Figure 1:" in html
    assert 'role="doc-bibliography"' in html
    text = " ".join(pdf_text(out / "report-example-en.pdf"))
    for label in ("Reported incidents", "Stepanakert/Khankendi", "Not verified", "Killed",
                  "Figure 1: Key dates", "Table 1: Civilian casualties", "RECOMMENDATIONS",
                  "SOURCES"):
        assert label in text, label


@pytest.mark.slow
def test_urgent_action_example_fits_two_pages(tmp_path, monkeypatch):
    out, log = build_example(tmp_path, "urgent-action-example", monkeypatch)
    assert ": warning:" not in log, log
    pages = pdf_text(out / "urgent-action-example-en.pdf")
    assert 1 <= len(pages) <= 2
    text = " ".join(pages)
    assert pages[0].startswith("URGENT ACTION")
    assert "TAKE ACTION" in pages[0]
    assert "Please take action before 11 November 2020." in pages[0]  # en_GB (communique.toml)
    assert "SAMPLE APPEAL" in text and "Dear Minister," in text and "Yours sincerely," in text
    assert "Minister of Communications of the Republic of Azerbaijan" in text
    assert "State Security Service Baku Azerbaijan" in text
    assert "And copies to" in text and "ADDITIONAL INFORMATION" in text


# -- overrides ---------------------------------------------------------------------------------

def test_workspace_template_overrides_a_builtin_file_and_removing_it_restores_it(workspace):
    root = workspace({"one": GOOD})
    override = root / "templates" / "css" / "web.css"
    override.parent.mkdir(parents=True)
    override.write_text("body { background: #abcdef; }\n")
    runner = CliRunner()
    html = root / "build" / "one" / "en" / "index.html"
    assert runner.invoke(main, ["build", "-j", "1"]).exit_code == 0
    assert "background: #abcdef" in html.read_text()
    assert "max-width: 42rem" not in html.read_text()
    override.unlink()
    assert runner.invoke(main, ["build", "-j", "1"]).exit_code == 0
    assert "background: #abcdef" not in html.read_text()
    assert "max-width: 42rem" in html.read_text()


def test_document_type_template_can_be_replaced_and_extend_the_base(workspace):
    root = workspace({"one": GOOD})
    (root / "templates").mkdir()
    (root / "templates" / "public-statement.html.j2").write_text(textwrap.dedent("""\
        {% extends "base.html.j2" %}
        {% block description %}{{ statement.opening | plain }}{% endblock %}
        {% block body %}<h1 class="house">{{ statement.title }}</h1>{{ statement.opening }}{{ endnotes }}{% endblock %}
        """))
    assert CliRunner().invoke(main, ["build", "-j", "1"]).exit_code == 0
    html = (root / "build" / "one" / "en" / "index.html").read_text()
    assert '<h1 class="house">A statement</h1>' in html
    assert 'class="masthead"' not in html
    assert 'href="#note-1"' in html  # notes still numbered and listed


# -- bad input: located, never a blank page ----------------------------------------------------

def problems(result) -> list[tuple[str, int, int, str, str]]:
    found = []
    for line in result.stderr.splitlines():
        if m := LOCATED.match(line):
            found.append((m["path"], int(m["line"]), int(m["col"]), m["sev"], m["msg"]))
    return found


def check(args=("check",)):
    result = CliRunner().invoke(main, list(args))
    assert "Traceback" not in result.output + result.stderr
    return result


def test_unknown_document_type_is_located_with_a_suggestion(workspace):
    workspace({"one": GOOD.replace("type: public-statement", "type: urgent-actoin")})
    result = check()
    assert result.exit_code == 1
    assert problems(result) == [("content/one/statement.yaml", 1, 7, "error",
                                 "unknown document type 'urgent-actoin' (did you mean 'urgent-action'?)")]


def test_missing_type_uses_the_workspace_default(workspace):
    text = GOOD.replace("type: public-statement\n", "")
    workspace({"one": text}, settings='[documents]\ndefault_type = "report"\n')
    result = check()
    assert result.exit_code == 1
    assert ("content/one/statement.yaml", 1, 1, "error", "missing required field 'summary'") in problems(result)
    assert any("unknown field 'opening'" in p[4] for p in problems(result))


def test_fields_of_another_type_are_refused_with_location(workspace):
    text = GOOD + "deadline: 2020-10-01\n"
    workspace({"one": text})
    result = check()
    assert result.exit_code == 1
    assert problems(result)[0][1:3] == (9, 1)
    assert "unknown field 'deadline'" in problems(result)[0][4]


def test_template_syntax_error_names_file_and_line(workspace):
    root = workspace({"one": GOOD})
    (root / "templates").mkdir()
    (root / "templates" / "public-statement.html.j2").write_text(
        '{% extends "base.html.j2" %}\n{% block body %}\n{% if statement.title %}\n{% endblock %}\n')
    result = check()
    assert result.exit_code == 1
    (path, line, _, sev, msg), = problems(result)
    assert (path, line, sev) == ("templates/public-statement.html.j2", 4, "error")
    assert "template syntax error" in msg


def test_undefined_variable_names_file_and_line(workspace):
    root = workspace({"one": GOOD})
    (root / "templates").mkdir()
    (root / "templates" / "public-statement.html.j2").write_text(
        '{% extends "base.html.j2" %}\n{% block description %}x{% endblock %}\n'
        '{% block body %}\n<h1>{{ statement.title }}</h1>\n<p>{{ statement.tagline }}</p>\n{% endblock %}\n')
    result = check()
    assert result.exit_code == 1
    (path, line, _, sev, msg), = problems(result)
    assert (path, line, sev) == ("templates/public-statement.html.j2", 5, "error")
    assert "tagline" in msg


def test_wrong_call_in_a_template_names_file_and_line(workspace):
    root = workspace({"one": GOOD})
    (root / "templates").mkdir()
    (root / "templates" / "public-statement.html.j2").write_text(
        '{% extends "base.html.j2" %}\n{% block description %}x{% endblock %}\n'
        '{% block body %}\n{% for key in statement.title.nothing() %}{% endfor %}\n{% endblock %}\n')
    result = check()
    assert result.exit_code == 1
    (path, line, _, sev, _msg), = problems(result)
    assert (path, line, sev) == ("templates/public-statement.html.j2", 4, "error")


def test_missing_included_template_names_the_including_line(workspace):
    root = workspace({"one": GOOD})
    (root / "templates").mkdir()
    (root / "templates" / "public-statement.html.j2").write_text(
        '{% extends "base.html.j2" %}\n{% block description %}x{% endblock %}\n'
        '{% block body %}\n{% include "partials/masthead.html.j2" %}\n{% endblock %}\n')
    result = check()
    assert result.exit_code == 1
    assert problems(result) == [("templates/public-statement.html.j2", 4, 1, "error",
                                 "template 'partials/masthead.html.j2' not found")]


def test_missing_base_template_is_named(workspace):
    root = workspace({"one": GOOD})
    (root / "templates").mkdir()
    (root / "templates" / "public-statement.html.j2").write_text('{% extends "house.html.j2" %}\n')
    result = check()
    assert result.exit_code == 1
    (path, line, _, _, msg), = problems(result)
    assert path == "templates/public-statement.html.j2" and line == 1
    assert msg == "template 'house.html.j2' not found"


# -- figures and tables ------------------------------------------------------------------------

REPORT = """\
type: report
lang: en
date: 2020-10-05
title: A report
summary: What the report found.[@src-a]
chapters:
  - id: one
    heading: The first chapter
    figures:
      - id: map
        image: map.svg
        alt: A map of the region.
        caption: The region
    tables:
      - id: figures
        caption: Casualties
        alt: Two places, with their figures.
        columns: [Place, Killed]
        rows:
          - [Martuni, 2]
          - [Vardenis, 1]
sources:
  src-a:
    url: https://example.org/a
"""


def test_figure_without_alt_text_is_refused(workspace):
    root = workspace({"r": REPORT.replace("        alt: A map of the region.\n", "")})
    (root / "content" / "r" / "map.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    result = check()
    assert result.exit_code == 1
    assert problems(result) == [("content/r/statement.yaml", 10, 9, "error",
                                 "missing required field 'chapters[1].figures[1].alt'")]


def test_missing_figure_file_and_escape_are_located(workspace):
    root = workspace({"r": REPORT})
    result = check()
    assert result.exit_code == 1
    assert problems(result) == [("content/r/statement.yaml", 11, 16, "error",
                                 "figure image: 'map.svg' does not exist beside the statement")]
    (root / "content" / "r" / "statement.yaml").write_text(REPORT.replace("map.svg", "../../secret.svg"))
    result = check()
    assert "must be a path inside the statement's folder" in result.stderr


def test_figure_symlink_out_of_the_workspace_is_refused(workspace, tmp_path_factory):
    outside = tmp_path_factory.mktemp("outside") / "map.svg"
    outside.write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    root = workspace({"r": REPORT})
    (root / "content" / "r" / "map.svg").symlink_to(outside)
    result = check()
    assert result.exit_code == 1
    assert "outside the workspace" in result.stderr
    assert problems(result)[0][1:3] == (11, 16)


def test_table_rows_must_match_its_columns(workspace):
    root = workspace({"r": REPORT.replace("[Vardenis, 1]", "[Vardenis, 1, 3]")})
    (root / "content" / "r" / "map.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    result = check()
    assert result.exit_code == 1
    (_, line, _, _, msg), = problems(result)
    assert line == 15 and "row 2 has 3 cells but the table has 2 columns" in msg


def test_report_numbers_figures_and_tables_and_embeds_the_image(workspace):
    root = workspace({"r": REPORT})
    (root / "content" / "r" / "map.svg").write_text(
        "<svg xmlns='http://www.w3.org/2000/svg' width='10' height='10'/>")
    result = CliRunner().invoke(main, ["build", "-j", "1"])
    assert result.exit_code == 0, result.stderr
    html = (root / "build" / "r" / "en" / "index.html").read_text()
    assert "Figure 1:</span> The region" in html and "Table 1:</span> Casualties" in html
    assert 'alt="A map of the region."' in html
    assert 'aria-describedby="figures-alt"' in html
    assert '<td class="number">2</td>' in html


# -- draft and embargo -------------------------------------------------------------------------

@pytest.mark.slow
def test_draft_is_marked_on_every_page_and_in_the_html(workspace):
    long = GOOD + "sections:\n" + "".join(
        f"  - id: s{i}\n    body: |\n" + "      A long paragraph of the body. " * 60 + "\n"
        for i in range(4))
    root = workspace({"one": long.replace("title: A statement", "title: A statement\ndraft: true")})
    result = CliRunner().invoke(main, ["build", "-j", "1"])
    assert result.exit_code == 0, result.stderr
    pages = pdf_text(root / "build" / "one" / "en" / "one-en.pdf")
    assert len(pages) >= 2
    assert all("DRAFT" in page for page in pages)
    html = (root / "build" / "one" / "en" / "index.html").read_text()
    assert 'class="draft-mark" role="note">DRAFT<' in html
    assert "<title>DRAFT: A statement</title>" in html


def test_not_a_draft_has_no_mark(workspace):
    root = workspace({"one": GOOD})
    assert CliRunner().invoke(main, ["build", "-j", "1"]).exit_code == 0
    html = (root / "build" / "one" / "en" / "index.html").read_text()
    assert "draft-mark" not in html.split("</style>")[1]


@pytest.mark.parametrize("lang, expected", [
    ("en", "Embargoed until September 29, 2020, 12:01 AM UTC"),
    ("ru", "29 сентября 2020 г., 00:01 UTC"),
    ("fr", "29 septembre 2020, 00:01 UTC"),
])
def test_embargo_is_printed_in_the_edition_language(workspace, lang, expected):
    text = GOOD.replace("lang: en", f"lang: {lang}") + "embargo: 2020-09-29T00:01:00+00:00\n"
    root = workspace({"one": text})
    assert CliRunner().invoke(main, ["build", "-j", "1"]).exit_code == 0
    html = (root / "build" / "one" / lang / "index.html").read_text()
    assert expected in spaced(html)


@pytest.mark.parametrize("lang, start, end, expected", [
    ("en", "2020-09-27", "2020-09-29", "September 27 – 29, 2020"),
    ("en-GB", "2020-09-27", "2020-10-02", "27 September – 2 October 2020"),
    ("ru", "2020-09-27", "2020-09-29", "27—29 сентября 2020 г."),  # the genitive, as in dates
    ("ru", "2020-12-30", "2021-01-02", "30 декабря 2020 г. — 2 января 2021 г."),
    ("ar", "2020-09-27", "2020-09-29", "27–29 سبتمبر/أيلول 2020"),  # both names, as the statements write them
    # Armenian spans in the order of its dates ("2020 թ. սեպտեմբերի 29"), days not zero-padded
    ("hy", "2020-09-05", "2020-09-07", "2020 թ. սեպտեմբերի 5–7"),
    ("hy", "2020-09-30", "2020-10-02", "2020 թ. սեպտեմբերի 30 – հոկտեմբերի 2"),
    ("hy", "2020-12-30", "2021-01-02", "2020 թ. դեկտեմբերի 30 – 2021 թ. հունվարի 2"),
    ("it", "2020-09-05", "2020-09-07", "5–7 settembre 2020"),  # "5 settembre 2020", not "05–07"
])
def test_a_span_of_dates_writes_its_months_in_full(lang, start, end, expected):
    import datetime as dt

    from communique.render.html import environment

    env = environment(None)
    template = env.from_string("{{ start | period(end) }}")
    got = template.render(lang=lang, start=dt.date.fromisoformat(start),
                          end=dt.date.fromisoformat(end))
    assert spaced(got) == expected


def test_embargo_without_time_zone_is_refused(workspace):
    workspace({"one": GOOD + "embargo: 2020-09-29T00:01:00\n"})
    result = check()
    assert result.exit_code == 1
    (_, line, col, _, msg), = problems(result)
    assert (line, col) == (9, 10) and "time zone" in msg


# -- publishing --------------------------------------------------------------------------------

def test_publish_refuses_a_draft_and_writes_nothing(workspace):
    root = workspace({"one": GOOD.replace("title: A statement", "title: A statement\ndraft: true")})
    result = CliRunner().invoke(main, ["build", "-j", "1", "--publish"])
    assert result.exit_code == 1
    assert problems(result) == [("content/one/statement.yaml", 5, 1, "error",
                                 "the statement is marked 'draft: true'; --publish refuses drafts")]
    assert not (root / "build" / "one").exists()
    # without --publish the draft builds, with its mark
    assert CliRunner().invoke(main, ["build", "-j", "1"]).exit_code == 0
    assert (root / "build" / "one" / "en" / "one-en.pdf").is_file()


def test_publish_refuses_warnings(workspace):
    text = GOOD + "  src-b:\n    url: https://example.org/b\n"
    root = workspace({"one": text})
    result = CliRunner().invoke(main, ["build", "-j", "1", "--publish"])
    assert result.exit_code == 1
    assert problems(result) == [("content/one/statement.yaml", 9, 3, "error",
                                 "source 'src-b' is never cited (--publish refuses warnings)")]
    assert not (root / "build" / "one").exists()
    result = CliRunner().invoke(main, ["build", "-j", "1"])
    assert result.exit_code == 0 and ": warning:" in result.stderr


def test_publish_builds_a_clean_final_statement(workspace):
    root = workspace({"one": GOOD})
    result = CliRunner().invoke(main, ["build", "-j", "1", "--publish"])
    assert result.exit_code == 0, result.stderr
    html = (root / "build" / "one" / "en" / "index.html").read_text()
    assert "draft-mark" not in html.split("</style>")[1]


def test_fallback_edition_is_marked_draft():
    """The translations' hook: an edition with text in another language is a draft."""
    from communique.document import load
    from communique.render.html import render
    from communique.workspace import Workspace

    example = ROOT / "content" / "urgent-action-example" / "statement.yaml"
    doc, _ = load(example, Workspace(ROOT))
    assert 'class="draft-mark"' in render(doc, Workspace(ROOT), "web", fallback=True).html
    assert 'class="draft-mark"' not in render(doc, Workspace(ROOT), "web").html


# -- Arabic: right-to-left editions of each type -----------------------------------------------

@pytest.mark.slow
def test_arabic_examples_of_each_type_build_right_to_left(tmp_path, monkeypatch):
    shutil.copy(ROOT / "communique.toml", tmp_path / "communique.toml")
    shutil.copytree(ROOT / "tests" / "fixtures" / "ar", tmp_path / "content")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["build", "-j", "1"])
    assert result.exit_code == 0, result.stderr
    assert ": warning:" not in result.stderr, result.stderr  # a missing glyph would warn
    for slug in ("public-statement-ar", "urgent-action-ar", "report-ar"):
        html = (tmp_path / "build" / slug / "ar" / "index.html").read_text(encoding="utf-8")
        assert '<html lang="ar" dir="rtl"' in html
    urgent = (tmp_path / "build" / "urgent-action-ar" / "ar" / "index.html").read_text(encoding="utf-8")
    assert "11 نوفمبر/تشرين الثاني 2020" in urgent  # the deadline in Arabic, both month names
    report = pdf_text(tmp_path / "build" / "report-ar" / "ar" / "report-ar-ar.pdf")
    contents = report[1]
    for heading in ("النطاق والمنهجية", "التوصيات"):
        found = re.search(re.escape(heading) + r"\s*\.{3,}\s*(\d+)|(\d+)\s*\.{3,}\s*" + re.escape(heading),
                          contents)
        page = int(found[1] or found[2])
        assert heading in report[page - 1] and heading not in report[page - 2], (heading, page)
    svg = (tmp_path / "build" / "report-ar" / "ar" / "index.html").read_text(encoding="utf-8")
    svg = svg[svg.index('class="chart timeline"'):]
    assert "27 سبتمبر" in svg  # axis dates in Arabic
