"""Source libraries (CSL-JSON, BibTeX), settings per workspace and statement, and bad input.

Every problem is ``path:line:col: severity: message`` at the place to fix, and every problem of
a run is reported together.
"""

from __future__ import annotations

import json
import re
import shutil
import textwrap
from pathlib import Path

from click.testing import CliRunner

from communique.citations.libraries import read_library
from communique.cli import main
from communique.document import load
from communique.render.html import render
from communique.workspace import find_workspace

FIXTURES = Path(__file__).parent / "fixtures" / "citations"

STATEMENT = """\
type: public-statement
lang: en
date: 2020-10-05
title: Library test
opening: The first source.[@a] The second.[@b]
"""


def check(workspace, statement: str = STATEMENT, files: dict[str, str] | None = None,
          settings: str = "", slug: str = "lib"):
    """Load one statement; return (document or None, problems as text)."""
    root = workspace({slug: statement}, settings=settings)
    for name, text in (files or {}).items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    ws = find_workspace(root)
    doc, problems = load(root / "content" / slug / "statement.yaml", ws)
    return doc, [str(p) for p in problems]


def with_library(name: str = "lib.json") -> str:
    return STATEMENT + f"citations:\n  libraries: [{name}]\n"


def csl(*items: dict) -> str:
    return json.dumps(list(items), indent=2)


def line_of(text: str, needle: str, nth: int = 1) -> int:
    """The 1-based line of the nth line holding ``needle``."""
    found = [i for i, line in enumerate(text.splitlines(), 1) if needle in line]
    return found[nth - 1]


A = {"id": "a", "type": "webpage", "title": "Page A", "URL": "https://example.org/a"}
B = {"id": "b", "type": "report", "title": "Report B", "publisher": "Observatory",
     "issued": {"date-parts": [[2020, 9]]}}


# -- reading libraries ------------------------------------------------------------------------

def test_zotero_export_is_read_with_kinds_dates_and_lines():
    library = read_library(FIXTURES / "zotero" / "sources.json", "sources.json", "statement library")
    assert library.problems == []
    entries = library.entries
    assert {k: e.kind for k, e in entries.items()} == {
        "amnesty2020clusterbombs": "webpage", "hrw2020clustermunitions": "report",
        "ohchr2020bachelet": "press-release", "unhrc2016internet": "un-document",
        "gciv1949": "legal-document", "dewaal2013blackgarden": "other",
        "eurasianet2020internet": "news-article", "tass2020vardenis": "news-article",
        "hajiyev2020tweet": "social-media-post", "acled2020dataset": "dataset",
        "interview2020baku": "interview", "netblocks2020azerbaijan": "report",
    }
    text = (FIXTURES / "zotero" / "sources.json").read_text().splitlines()
    for key, entry in entries.items():  # each entry knows the line its item starts on
        assert text[entry.origin.line - 1].strip() == "{"
        assert f'"id": "{key}"' in text[entry.origin.line]
    assert entries["dewaal2013blackgarden"].authors == ("Thomas de Waal",)
    assert entries["dewaal2013blackgarden"].issued.iso == "2013"
    assert entries["acled2020dataset"].issued.iso == "2020-12"
    assert entries["amnesty2020clusterbombs"].accessed.iso == "2020-10-06"  # "2020" as text in Zotero
    assert entries["gciv1949"].short_title == "Fourth Geneva Convention"
    assert entries["interview2020baku"].url is None


def test_bibtex_library_is_read():
    library = read_library(FIXTURES / "library.bib", "library.bib", "statement library")
    assert library.problems == []
    e = library.entries
    assert list(e) == ["hrw2020clusterbib", "netblocks2020bib", "kucera2020bib",
                       "dewaal2013bib", "unhrc2016bib"]
    assert e["hrw2020clusterbib"].title == "Azerbaijan: Cluster Munitions Used in Nagorno-Karabakh"
    assert e["hrw2020clusterbib"].authors == ("Human Rights Watch",)  # {braced}: an organisation
    assert e["kucera2020bib"].authors == ("Joshua Kucera", "Jörg Müller")  # LaTeX accents decoded
    assert e["kucera2020bib"].issued.iso == "2020-09-28"
    assert e["kucera2020bib"].publisher == "Eurasianet"
    assert e["netblocks2020bib"].kind == "webpage" and e["netblocks2020bib"].accessed.iso == "2020-09-28"
    assert e["unhrc2016bib"].url == "https://undocs.org/A/HRC/RES/32/13"  # from \url{…}
    assert e["unhrc2016bib"].kind == "un-document"  # A/HRC/… is a UN document symbol
    assert e["dewaal2013bib"].short_title == "Black Garden"
    assert [x.origin.line for x in e.values()] == [1, 12, 21, 31, 39]


def test_zotero_export_is_cited_in_a_statement(workspace, tmp_path):
    root = workspace({})
    shutil.copytree(FIXTURES / "zotero", root / "content" / "zotero")
    ws = find_workspace(root)
    doc, problems = load(root / "content" / "zotero" / "statement.yaml", ws)
    assert doc is not None and problems == [], [str(p) for p in problems]
    notes = [" ".join(re.sub(r"<[^>]+>", "", str(n.html)).split()) for n in render(doc, ws, "web").notes]
    assert len(notes) == 11
    assert notes[0] == ("https://www.amnesty.org/en/latest/news/2020/10/armenia-azerbaijan-civilians-"
                        "must-be-protected-from-use-of-banned-cluster-bombs/; https://www.hrw.org/news/"
                        "2020/10/23/azerbaijan-cluster-munitions-used-nagorno-karabakh")
    assert notes[1] == "https://ihl-databases.icrc.org/en/ihl-treaties/gciv-1949, art. 27"
    assert notes[3] == "See Black Garden: Armenia and Azerbaijan through Peace and War, pp. 10-14"
    assert notes[8] == "Interview with a human rights defender in Baku"  # no URL: its title
    assert notes[9].startswith("https://undocs.org/A/HRC/RES/32/13, para. 10 &quot;Condemns")
    assert notes[10] == "See note 3"  # ibid rule: the High Commissioner again, later
    assert doc.sources["tass2020vardenis"].origin.path == "content/zotero/sources.json"


# -- bad libraries: located errors ------------------------------------------------------------

def test_invalid_json_is_located_like_json_says(workspace):
    broken = '[\n  {"id": "a", "type": "webpage", "title": "A"\n   "URL": "https://example.org/a"}\n]\n'
    try:
        json.loads(broken)
    except json.JSONDecodeError as exc:
        where = f"{exc.lineno}:{exc.colno}"
    doc, problems = check(workspace, with_library(), {"content/lib/lib.json": broken})
    assert doc is None
    assert f"content/lib/lib.json:{where}: error: invalid JSON: Expecting ',' delimiter" in problems


def test_every_bad_entry_of_a_library_is_reported_at_its_line(workspace):
    items = [A, {"id": "a", "type": "webpage", "title": "Again"},
             {"id": "c", "type": "webpage", "title": "C", "URL": "ftp://example.org/c"},
             {"id": "d", "type": "webpage"}, {"id": "e", "title": "No type"},
             {"id": "has space", "type": "webpage", "title": "F"}, ["not", "an", "item"],
             {"id": "g", "type": "webpage", "title": "G", "issued": {"date-parts": [[2020, 13, 1]]}}]
    text = csl(*items)
    lines = text.splitlines()

    def line_of(needle: str, start: int = 0) -> int:
        return next(i for i, line in enumerate(lines[start:], start + 1) if needle in line)

    doc, problems = check(workspace, with_library(), {"content/lib/lib.json": text})
    assert doc is None
    id_a, id_d, id_e = '"id": "a"', '"id": "d"', '"id": "e"'
    second_a = line_of(id_a, line_of(id_a))
    p = "content/lib/lib.json"
    assert f"{p}:{second_a}:5: error: duplicate id 'a' (first used at line 2)" in problems
    assert (f"{p}:{line_of('ftp://')}:5: error: source 'c': link scheme 'ftp:' is not allowed "
            "(only http, https and mailto)") in problems
    assert f"{p}:{line_of(id_d) - 1}:3: error: source 'd': a source needs a title or a URL" in problems
    assert any(x.startswith(f"{p}:{line_of(id_e) - 1}:3: error: source 'e': missing 'type'")
               for x in problems)
    assert any(x.startswith(f"{p}:{line_of('has space')}:5: error: id 'has space' cannot be cited")
               for x in problems)
    not_item = line_of('"not"') - 1
    assert f"{p}:{not_item}:3: error: expected an item {{…}} in the CSL-JSON list" in problems
    assert f"{p}:{line_of('issued')}:5: error: source 'g': 'issued' has month 13" in problems


def test_a_library_must_be_a_list(workspace):
    _doc, problems = check(workspace, with_library(), {"content/lib/lib.json": '{"items": []}'})
    assert "content/lib/lib.json:1:1: error: a CSL-JSON library is a list of items: [ {…}, {…} ]" in problems


def test_bibtex_errors_name_the_entry_line(workspace):
    bib = """\
    @online{a, title = {Page A}, url = {https://example.org/a}}
    @online{a, title = {Again}, url = {https://example.org/a2}}
    @online{c, title = {C},
      url = {javascript:alert(1)}}

    @techreport{b,
      title = {Unclosed,
      year = 2020
    """
    doc, problems = check(workspace, with_library("lib.bib"), {"content/lib/lib.bib": bib})
    assert doc is None
    p = "content/lib/lib.bib"
    assert f"{p}:2:1: error: duplicate id 'a' (first used at line 1)" in problems
    assert (f"{p}:4:3: error: source 'c': link scheme 'javascript:' is not allowed (only http, "
            "https and mailto)") in problems
    assert any(x.startswith(f"{p}:6:1: error: cannot read BibTeX entry:") for x in problems)


def test_missing_unknown_and_outside_libraries(workspace):
    statement = STATEMENT + "citations:\n  libraries:\n    - missing.json\n    - notes.txt\n    - ../../../x.json\n"
    doc, problems = check(workspace, statement, {"content/lib/notes.txt": "x"})
    assert doc is None
    assert any(x.startswith("content/lib/statement.yaml:8:7: error: library 'missing.json' not found")
               for x in problems)
    assert ("content/lib/notes.txt: error: unknown library format: use a CSL-JSON file (.json) or "
            "a BibTeX file (.bib)") in problems
    assert ("content/lib/statement.yaml:10:7: error: library '../../../x.json' is outside the "
            "workspace") in problems


# -- levels: workspace, statement library, statement ------------------------------------------

def test_statement_source_wins_over_its_library_with_a_warning(workspace):
    statement = with_library() + "sources:\n  a:\n    url: https://example.org/own-a\n"
    doc, problems = check(workspace, statement, {"content/lib/lib.json": csl(A, B)})
    assert doc is not None
    assert doc.sources["a"].url == "https://example.org/own-a"
    assert ("content/lib/statement.yaml:9:3: warning: source 'a' replaces the one in "
            "content/lib/lib.json:2 (statement library)") in problems


def test_workspace_library_is_shared_and_statement_library_wins(workspace):
    settings = '[citations]\nlibraries = ["sources/shared.json", "sources/more.bib"]\n'
    shared = csl(A, B, {"id": "unused", "type": "webpage", "title": "U", "URL": "https://example.org/u"})
    more = "@online{z, title = {Z}, url = {https://example.org/z}}\n"
    own_b = csl({**B, "title": "Report B, statement copy"})
    b_line = line_of(shared, '"id": "b"') - 1
    doc, problems = check(workspace, with_library("own.json"), {
        "sources/shared.json": shared, "sources/more.bib": more, "content/lib/own.json": own_b},
        settings=settings)
    assert doc is not None, problems
    assert doc.sources["a"].origin.path == "sources/shared.json"
    assert doc.sources["b"].title == "Report B, statement copy"
    assert ("content/lib/own.json:2:3: warning: source 'b' replaces the one in "
            f"sources/shared.json:{b_line} (workspace library)") in problems
    # a shared library's uncited entries are no one statement's concern
    assert not [x for x in problems if "'unused'" in x or "'z'" in x]


def test_an_id_in_two_workspace_libraries_is_an_error(workspace):
    settings = '[citations]\nlibraries = ["one.json", "two.json"]\n'
    doc, problems = check(workspace, STATEMENT, {"one.json": csl(A, B), "two.json": csl(A)},
                          settings=settings)
    assert doc is None
    assert "two.json:2:3: error: duplicate id 'a' (also in one.json:2)" in problems


def test_workspace_settings_problems_point_into_communique_toml(workspace):
    settings = '[citations]\nstyle = "chicago-notes-bibliograpy"\nlibraries = ["nowhere.json"]\n'
    doc, problems = check(workspace, STATEMENT, settings=settings)
    assert doc is None
    assert any(x.startswith("communique.toml:2:9: error: unknown citation style "
                            "'chicago-notes-bibliograpy' (did you mean 'chicago-notes-bibliography'")
               for x in problems)
    assert any(x.startswith("communique.toml:3:13: error: library 'nowhere.json' not found")
               for x in problems)


def test_unused_sources_of_a_statement_library_are_warnings(workspace):
    extra = {"id": "c", "type": "webpage", "title": "C", "URL": "https://example.org/c"}
    text = csl(A, B, extra)
    doc, problems = check(workspace, with_library(), {"content/lib/lib.json": text})
    assert doc is not None
    line = line_of(text, '"id": "c"') - 1
    assert f"content/lib/lib.json:{line}:3: warning: source 'c' is never cited" in problems


def test_unknown_id_suggests_library_ids(workspace):
    statement = with_library().replace("[@b]", "[@reprot-b]")
    items = [A, {**B, "id": "report-b"}]
    doc, problems = check(workspace, statement, {"content/lib/lib.json": csl(*items)})
    assert doc is None
    assert any("unknown source '@reprot-b' (did you mean 'report-b'?)" in x for x in problems)


def test_a_source_lacking_what_the_style_needs(workspace):
    url_only = {"id": "b", "type": "webpage", "URL": "https://example.org/b"}
    statement = with_library() + "  style: full\n"
    text = csl(A, url_only)
    doc, problems = check(workspace, statement, {"content/lib/lib.json": text})
    assert doc is None
    line = line_of(text, '"id": "b"') - 1
    assert (f"content/lib/lib.json:{line}:3: error: source 'b' has no title, which the 'full' "
            "style needs") in problems
    statement = STATEMENT + "citations: {style: full}\nsources:\n  a: {url: 'https://example.org/a'}\n" \
        "  b: {title: B}\n"
    doc, problems = check(workspace, statement, slug="own")
    assert ("content/own/statement.yaml:8:3: error: source 'a' has no title, which the 'full' "
            "style needs") in problems
    url_style, problems = check(workspace, STATEMENT + "sources:\n  a: {url: 'https://example.org/a'}\n"
                                "  b: {title: B}\n", slug="url")
    assert url_style is not None  # the url style needs a URL or a title, which every source has


# -- styles ----------------------------------------------------------------------------------

HOUSE_CSL = """\
<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="note" version="1.0">
  <info><title>House notes</title><id>house</id><updated>2020-01-01T00:00:00+00:00</updated></info>
  <citation>
    <layout suffix="." delimiter="; ">
      <choose>
        <if position="subsequent"><text variable="title" form="short"/></if>
        <else>
          <group delimiter=", ">
            <text variable="title" font-style="italic"/>
            <text variable="publisher"/>
            <date variable="issued"><date-part name="year"/></date>
            <text variable="URL"/>
          </group>
        </else>
      </choose>
      <text variable="locator" prefix=", "/>
    </layout>
  </citation>
</style>
"""


def test_a_house_csl_file_in_the_workspace(workspace):
    statement = with_library() + "  style: house.csl\n  recitation: short\n"
    statement = statement.replace("The second.[@b]", "The second.[@b, p. 4] Again.[@b, p. 5]")
    root = workspace({"lib": statement})
    (root / "content" / "lib" / "lib.json").write_text(csl(A, B))
    (root / "content" / "lib" / "house.csl").write_text(HOUSE_CSL)
    ws = find_workspace(root)
    doc, problems = load(root / "content" / "lib" / "statement.yaml", ws)
    assert doc is not None, problems
    notes = [re.sub(r"<wbr>", "", str(n.html)) for n in render(doc, ws, "web").notes]
    assert notes == [
        '<i>Page A</i>, <a class="url" href="https://example.org/a">https://example.org/a</a>.',
        "<i>Report B</i>, Observatory, 2020, 4.",
        "Report B, 5.",
    ]


def test_bad_style_files_are_located(workspace):
    broken = HOUSE_CSL.replace("</citation>", "</citaton>")
    doc, problems = check(workspace, STATEMENT + "citations: {style: house.csl}\n",
                          {"content/lib/house.csl": broken})
    assert doc is None
    assert any(re.match(r"content/lib/house\.csl:\d+:\d+: error: invalid CSL style: ", x)
               for x in problems)
    entity = HOUSE_CSL.replace('<?xml version="1.0" encoding="utf-8"?>',
                               '<?xml version="1.0"?><!DOCTYPE style [<!ENTITY x SYSTEM "file:///etc/passwd">]>')
    doc, problems = check(workspace, STATEMENT + "citations: {style: house.csl}\n",
                          {"content/entity/house.csl": entity}, slug="entity")
    assert ("content/entity/statement.yaml:6:20: error: style 'house.csl': style files may not "
            "declare a DOCTYPE or entities") in problems
    doc, problems = check(workspace, STATEMENT + "citations: {style: ../../../house.csl}\n", slug="out")
    assert ("content/out/statement.yaml:6:20: error: style file '../../../house.csl' is outside "
            "the workspace") in problems


def test_bad_input_fails_the_build_with_status_one(workspace):
    root = workspace({"lib": with_library()})
    text = csl(A, {"id": "a", "type": "webpage", "title": "A2"})
    (root / "content" / "lib" / "lib.json").write_text(text)
    result = CliRunner().invoke(main, ["check"])
    assert result.exit_code == 1
    line = line_of(text, '"id": "a"', 2)
    assert f"content/lib/lib.json:{line}:5: error: duplicate id 'a' (first used at line 2)" in result.stderr
    assert "unknown source '@b'" in result.stderr  # every problem of the run, together


def test_deeply_nested_json_is_a_located_error(tmp_path):
    deep = tmp_path / "deep.json"
    deep.write_text("[" + "[" * 100_000 + "]" * 100_000 + "]")
    library = read_library(deep, "deep.json", "statement library")
    assert [str(p) for p in library.problems] == [
        "deep.json:1:2: error: invalid CSL-JSON: an item is nested too deeply"]


# -- the sandbox's rule: inside the workspace, regular files, capped --------------------------

def _within(seconds: float, function):
    """``function()``'s result, or an AssertionError if it blocks (a FIFO read would hang)."""
    import threading

    box: list = []
    thread = threading.Thread(target=lambda: box.append(function()), daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), "blocked reading a file"
    return box[0]


def test_libraries_and_style_files_that_are_no_plain_files_in_the_workspace_are_refused(
        workspace, tmp_path_factory, monkeypatch):
    import os

    import communique.citations.libraries as libraries

    outside = tmp_path_factory.mktemp("outside") / "secret.json"
    outside.write_text(csl(A, B))
    statement = STATEMENT + ("citations:\n  style: pipe.csl\n  libraries:\n    - link.json\n"
                             "    - .private/lib.json\n    - pipe.json\n    - big.json\n")
    root = workspace({"lib": statement})
    folder = root / "content" / "lib"
    (folder / "link.json").symlink_to(outside)
    (folder / ".private").mkdir()
    (folder / ".private" / "lib.json").write_text(csl(A))
    os.mkfifo(folder / "pipe.json")
    os.mkfifo(folder / "pipe.csl")
    (folder / "big.json").write_text(csl(A, B))
    monkeypatch.setattr(libraries, "MAX_LIBRARY_BYTES", 100)
    doc, problems = _within(10, lambda: load(folder / "statement.yaml", find_workspace(root)))
    problems = [str(p) for p in problems]
    assert doc is None
    assert ("content/lib/statement.yaml:7:10: error: style 'pipe.csl': the file is not a regular "
            "file") in problems
    assert (f"content/lib/statement.yaml:9:7: error: library 'link.json' is outside the workspace "
            f"(it leads to '{outside.resolve()}')") in problems
    assert ("content/lib/statement.yaml:10:7: error: library '.private/lib.json' is in a hidden "
            "file or folder ('.private')") in problems
    assert "content/lib/pipe.json: error: library is not a regular file" in problems
    assert "content/lib/big.json: error: library is larger than 100 bytes" in problems
