"""Tables in reports: a column of numbers is aligned to the end, its header with it."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from communique.document import load
from communique.render.html import render
from communique.workspace import find_workspace

ROOT = Path(__file__).resolve().parent.parent


def test_numeric_columns_mark_their_header(tmp_path, monkeypatch):
    shutil.copy(ROOT / "communique.toml", tmp_path / "communique.toml")
    shutil.copytree(ROOT / "content" / "report-example", tmp_path / "content" / "report-example")
    monkeypatch.chdir(tmp_path)
    ws = find_workspace(tmp_path)
    doc, problems = load(tmp_path / "content" / "report-example" / "statement.yaml", ws)
    assert doc is not None, problems
    html = render(doc, ws, "web").html
    table = re.search(r'<figure class="table".*?</figure>', html, re.S).group(0)
    headers = re.findall(r'<th scope="col"( class="number")?>([^<]*)</th>', table)
    assert [(bool(cls), name) for cls, name in headers] == [
        (False, "Reported by"), (False, "Where"), (True, "Killed"), (True, "Wounded")]
