"""`communique init` and `communique new`: a new user's first minutes, run as they would."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml
from click.testing import CliRunner
from pypdf import PdfReader

from communique.cli import main
from communique.scaffold import ScaffoldError, init_workspace, new_statement
from communique.schema import as_json_data

TYPES = ["public-statement", "urgent-action", "report"]


def communique(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """The command as a user types it, in a fresh process."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    return subprocess.run([sys.executable, "-m", "communique", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


@pytest.mark.slow
def test_init_new_build_in_an_empty_folder(tmp_path):
    result = communique("init", "ngo", "--name", "Example Rights Group", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    root = tmp_path / "ngo"
    assert sorted(p.name for p in root.iterdir()) == [
        ".gitignore", "communique.schema.json", "communique.toml", "content", "templates"]
    assert "build/" in (root / ".gitignore").read_text()
    assert "communique.toml" not in (root / ".gitignore").read_text()
    for kind in TYPES:
        result = communique("new", f"first-{kind}", "--type", kind, cwd=root)
        assert result.returncode == 0, result.stderr
    result = communique("check", cwd=root)
    assert result.returncode == 0, result.stderr
    assert "0 error(s), 0 warning(s)" in result.stderr, result.stderr
    result = communique("build", cwd=root)
    assert result.returncode == 0, result.stderr
    assert ": warning:" not in result.stderr and ": error:" not in result.stderr, result.stderr
    for kind in TYPES:
        out = root / "build" / f"first-{kind}" / "en"
        pdf = PdfReader(out / f"first-{kind}-en.pdf")
        text = " ".join(" ".join(p.extract_text().split()) for p in pdf.pages)
        assert "DRAFT" in text  # a new statement starts as a draft
        assert "Example Rights Group" in text
        html = (out / "index.html").read_text(encoding="utf-8")
        assert 'class="draft-mark"' in html
    report = " ".join(p.extract_text() for p in PdfReader(
        root / "build" / "first-report" / "en" / "first-report-en.pdf").pages)
    assert "Timeline of reported incidents" in report and "Figure 1" in report


def test_new_files_validate_against_the_schema_and_name_it_first(tmp_path):
    init_workspace(tmp_path)
    import json

    schema = json.loads((tmp_path / "communique.schema.json").read_text())
    validator = jsonschema.Draft202012Validator(schema)
    for kind in TYPES:
        new_statement(tmp_path, kind, kind, today=dt.date(2024, 5, 1))
        text = (tmp_path / "content" / kind / "statement.yaml").read_text()
        assert text.splitlines()[0] == "# yaml-language-server: $schema=../../communique.schema.json"
        data = yaml.safe_load(text)
        assert data["type"] == kind and data["date"] == dt.date(2024, 5, 1)
        assert [e.message for e in validator.iter_errors(as_json_data(data))] == []


def test_new_statements_show_every_field_of_their_type(tmp_path):
    """Each field of the model appears in the skeleton (set, or commented out)."""
    from communique.content.model import DOCUMENT_TYPES

    init_workspace(tmp_path)
    for kind, model in DOCUMENT_TYPES.items():
        new_statement(tmp_path, kind, kind)
        text = (tmp_path / "content" / kind / "statement.yaml").read_text()
        for name, info in model.model_fields.items():
            if name == "citations":  # the workspace's [citations] settings apply by default
                continue
            if (info.json_schema_extra or {}).get("deprecated"):  # read, but no longer shown
                continue
            assert f"\n{name}:" in text or f"\n# {name}:" in text, (kind, name)


def test_checks_clean_in_process(tmp_path, monkeypatch):
    init_workspace(tmp_path, "Org")
    for kind in TYPES:
        new_statement(tmp_path, kind, kind)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["check"])
    assert result.exit_code == 0, result.stderr
    assert ": warning:" not in result.stderr


def test_init_refuses_an_existing_workspace(tmp_path):
    (tmp_path / "communique.toml").write_text("")
    with pytest.raises(ScaffoldError, match="already"):
        init_workspace(tmp_path)


def test_init_keeps_an_existing_gitignore(tmp_path):
    (tmp_path / ".gitignore").write_text("secrets/\n")
    init_workspace(tmp_path)
    assert (tmp_path / ".gitignore").read_text() == "secrets/\n"


def test_organisation_name_is_quoted_safely(tmp_path):
    init_workspace(tmp_path, 'The "Quoted" Group \\ Co')
    from communique.workspace import read_settings

    assert read_settings(tmp_path).organisation.name == 'The "Quoted" Group \\ Co'


@pytest.mark.parametrize("slug, kind, lang, message", [
    ("Bad Slug", "report", "en", "not a valid name"),
    ("../escape", "report", "en", "not a valid name"),
    ("ok", "press-release", "en", "unknown document type 'press-release'"),
    ("ok", "report", "xx", "unknown language code 'xx'"),
])
def test_new_refuses_bad_arguments(tmp_path, slug, kind, lang, message):
    with pytest.raises(ScaffoldError, match=message):
        new_statement(tmp_path, slug, kind, lang=lang)
    assert not (tmp_path / "content").exists()


def test_new_never_overwrites(tmp_path, monkeypatch):
    init_workspace(tmp_path)
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    assert runner.invoke(main, ["new", "one", "--type", "report"]).exit_code == 0
    path = tmp_path / "content" / "one" / "statement.yaml"
    path.write_text("edited")
    result = runner.invoke(main, ["new", "one", "--type", "report"])
    assert result.exit_code == 1
    assert "already exists" in result.stderr
    assert path.read_text() == "edited"


def test_new_uses_the_workspace_default_type(tmp_path, monkeypatch):
    init_workspace(tmp_path)
    (tmp_path / "communique.toml").write_text('[documents]\ndefault_type = "urgent-action"\n')
    monkeypatch.chdir(tmp_path)
    assert CliRunner().invoke(main, ["new", "appeal"]).exit_code == 0
    assert "type: urgent-action" in (tmp_path / "content" / "appeal" / "statement.yaml").read_text()


def test_templates_readme_lists_the_builtin_templates(tmp_path):
    init_workspace(tmp_path)
    text = (tmp_path / "templates" / "README.md").read_text()
    for name in ("base.html.j2", "report.html.j2", "urgent-action.html.j2",
                 "partials/notes.html.j2", "css/print.css"):
        assert f"    {name}\n" in text


def test_settings_skeleton_shows_every_setting_with_its_default(tmp_path):
    """Each setting of communique.toml is in the skeleton; uncommented, the file still reads and
    each value is the setting's default (or an example, for a setting that has none)."""
    import re
    import tomllib

    from pydantic import BaseModel

    from communique.workspace import Settings, read_settings

    init_workspace(tmp_path, "Org")
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    text = (tmp_path / "communique.toml").read_text()
    written = tomllib.loads(text)  # the settings the skeleton sets (the organisation's name)
    uncommented = re.sub(r"(?m)^# (\w+ = |\[\w+\] )", r"\1", text)  # [site] is off by default
    (tmp_path / "communique.toml").write_text(uncommented)
    settings, data = read_settings(tmp_path), tomllib.loads(uncommented)
    for name, info in Settings.model_fields.items():
        model = getattr(settings, name)  # [site] has no default: uncommented, it is on
        if not isinstance(info.default, BaseModel) and not isinstance(model, BaseModel):
            assert data.get(name, ...) == info.default, name
            continue
        for key, field in type(model).model_fields.items():
            assert key in data.get(name, {}), f"[{name}] {key}"
            if field.default is not None and key not in written.get(name, {}):
                assert getattr(getattr(settings, name), key) == field.default, f"[{name}] {key}"


# English-grammar slips a template can make with the scaffold's words: a plural verb after the
# organisation, a capital after "calls on", a doubled word, a singular count with a plural noun.
SLIPS = [r"\bWe calls\b", r"\bcalls on The\b", r"\b(\w{2,}) \1\b", r"\b1 (civilians|notes|pages)\b",
         r"\bcall on [A-Z]"]


def test_a_new_workspace_builds_without_a_warning_or_a_grammar_slip(tmp_path, monkeypatch):
    """Issue 16's "done when": a workspace made with `init` and `new` builds with no warning,
    and what it prints reads right, in the web page and in the PDF."""
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    assert runner.invoke(main, ["init", "--name", "Example Rights Group"]).exit_code == 0
    assert runner.invoke(main, ["new", "first"]).exit_code == 0
    result = runner.invoke(main, ["build", "-j", "1"])
    assert result.exit_code == 0, result.stderr
    assert ": warning:" not in result.stderr and ": error:" not in result.stderr, result.stderr
    assert "0 error(s), 0 warning(s)" in result.stderr
    out = tmp_path / "build" / "first" / "en"
    html = (out / "index.html").read_text(encoding="utf-8")
    web = " ".join(re.sub(r"<[^>]+>", " ", html.split("<body", 1)[1]).split())
    pdf = " ".join(" ".join((p.extract_text() or "").split())
                   for p in PdfReader(out / "first-en.pdf").pages)
    for text in (web, pdf):
        assert "Example Rights Group calls on the government" in text, text
        for slip in SLIPS:
            assert not re.search(slip, text), (slip, re.search(slip, text))
