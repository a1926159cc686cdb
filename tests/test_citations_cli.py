"""``communique sources`` and the data exports written beside each edition's PDF."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from communique.citations.libraries import read_library
from communique.cli import main
from communique.document import load
from communique.outputs.data import files
from communique.render.html import render
from communique.workspace import find_workspace

FIXTURES = Path(__file__).parent / "fixtures" / "citations"


def test_sources_lists_every_source_with_its_notes(example_workspace):
    result = CliRunner().invoke(main, ["sources", "content/nagorno-karabakh-2020"])
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert out.startswith("content/nagorno-karabakh-2020/statement.yaml (en): 11 source(s), "
                          "11 note(s), style url, re-citation repeat\n")
    assert "  mod-az-counteroffensive  [press-release]  note 1\n" in out
    assert "  un-hrc-a-hrc-32-l20  [un-document]  note 11\n" in out
    assert "      UN Human Rights Council — UN HRC Resolution (A/HRC/32/L.20)\n" in out
    listed = json.loads(CliRunner().invoke(main, ["sources", "--json"]).stdout)
    sources = listed[0]["sources"]
    assert [s["notes"] for s in sources] == [[n] for n in range(1, 12)]
    lines = (example_workspace / "content" / "nagorno-karabakh-2020" / "statement.yaml").read_text().splitlines()
    for source in sources:  # "defined_in" points at the source's own line
        line = int(source["defined_in"].rsplit(":", 1)[1])
        assert lines[line - 1].strip() == source["id"] + ":"


def test_sources_shows_repeated_and_unused_sources(workspace):
    root = workspace({"recite": (FIXTURES / "recitation.yaml").read_text()
                      + "  unused: {url: 'https://example.org/unused'}\n"})
    result = CliRunner().invoke(main, ["sources"])
    assert result.exit_code == 0  # a source never cited is a warning
    assert "  report  [report]  notes 1, 2, 3, 5, 7, 8\n" in result.stdout
    assert "  post  [social-media-post]  notes 4, 8, 9, 10\n" in result.stdout
    assert "  unused  [webpage]  never cited\n" in result.stdout
    assert "warning: source 'unused' is never cited" in result.stderr
    (root / "content" / "recite" / "statement.yaml").write_text(
        (FIXTURES / "recitation.yaml").read_text().replace("[@post]", "[@psot]"))
    result = CliRunner().invoke(main, ["sources"])
    assert result.exit_code == 1
    assert "unknown source '@psot' (did you mean 'post', 'report'?)" in result.stderr


def test_exports_of_sources_and_incidents(example_workspace):
    ws = find_workspace(example_workspace)
    doc, _ = load(example_workspace / "content" / "nagorno-karabakh-2020" / "statement.yaml", ws)
    notes = render(doc, ws, "web").notes
    out = files(doc, notes, "nagorno-karabakh-2020-en")
    assert sorted(out) == ["nagorno-karabakh-2020-en.data.json", "nagorno-karabakh-2020-en.incidents.csv",
                           "nagorno-karabakh-2020-en.sources.csv", "nagorno-karabakh-2020-en.sources.json"]
    items = json.loads(out["nagorno-karabakh-2020-en.sources.json"])
    assert len(items) == 11
    assert items[0] == {
        "id": "mod-az-counteroffensive", "type": "report", "genre": "Press release",
        "title": "Azerbaijan Army's troops launched a counter-offensive operation along the entire front",
        "publisher": "Ministry of Defence of the Republic of Azerbaijan",
        "issued": {"date-parts": [[2020, 9, 27]]},
        "URL": "https://mod.gov.az/en/news/azerbaijan-army-s-troops-launched-a-counter-offensive-"
               "operation-along-the-entire-front-32318.html"}
    data = json.loads(out["nagorno-karabakh-2020-en.data.json"])
    incidents = {i["id"]: i for i in data["incidents"]}
    assert len(incidents) == 6
    assert incidents["vardenis-bus"] == {
        "id": "vardenis-bus", "section": "civilian-casualties", "date": "2020-09-29", "end_date": None,
        "place": "Vardenis, Armenia", "reported_by": "Armenian Ministry of Defence",
        "civilians_killed": 1, "civilians_wounded": None, "verified": False,
        "text": incidents["vardenis-bus"]["text"], "sources": ["arcrun-vardenis-bus", "tass-vardenis"],
        "notes": [5, 6]}
    assert incidents["vardenis-bus"]["text"].startswith("On 29 September a spokesperson")
    rows = list(csv.DictReader(io.StringIO(out["nagorno-karabakh-2020-en.incidents.csv"].decode("utf-8-sig"))))
    assert [r["id"] for r in rows] == list(incidents)
    assert rows[2]["sources"] == "arcrun-vardenis-bus; tass-vardenis" and rows[2]["verified"] == "no"
    sources = list(csv.DictReader(io.StringIO(out["nagorno-karabakh-2020-en.sources.csv"].decode("utf-8-sig"))))
    assert sources[10]["id"] == "un-hrc-a-hrc-32-l20" and sources[10]["notes"] == "11"


def test_csv_cells_never_run_as_formulas(workspace):
    text = (FIXTURES / "recitation.yaml").read_text().replace(
        "title: The market after the shelling", "title: '=HYPERLINK(\"http://evil.example\")'")
    root = workspace({"recite": text})
    ws = find_workspace(root)
    doc, _ = load(root / "content" / "recite" / "statement.yaml", ws)
    table = files(doc, render(doc, ws, "web").notes, "x")["x.sources.csv"].decode("utf-8-sig")
    assert "'=HYPERLINK" in table


@pytest.mark.slow
def test_build_writes_exports_beside_the_pdf_and_they_read_back(workspace, tmp_path):
    root = workspace({})
    shutil.copytree(FIXTURES / "zotero", root / "content" / "zotero")
    result = CliRunner().invoke(main, ["build", "--quiet"])
    assert result.exit_code == 0, result.stderr
    out = root / "build" / "zotero" / "en"
    assert (out / "zotero-en.pdf").is_file()
    exported = out / "zotero-en.sources.json"
    # what Zotero exported comes back out, and communique reads its own export again
    again = read_library(exported, "zotero-en.sources.json", "statement library")
    assert again.problems == []
    original = read_library(FIXTURES / "zotero" / "sources.json", "sources.json", "statement library")
    assert {k: e.kind for k, e in again.entries.items()} == {k: e.kind for k, e in original.entries.items()}
    assert {k: e.csl for k, e in again.entries.items()} == {k: e.csl for k, e in original.entries.items()}
