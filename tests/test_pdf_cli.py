"""`communique build --archive`, the [pdf] setting and `communique verify` as a user runs them."""

from __future__ import annotations

import io
from pathlib import Path

import yaml
from click.testing import CliRunner
from pypdf import PdfReader

from communique.cli import main

PDF = "build/minimal/en/minimal-en.pdf"


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def attachments(root) -> dict[str, bytes]:
    reader = PdfReader(io.BytesIO((root / PDF).read_bytes()))
    return {name: data[0] for name, data in reader.attachments.items()}


def test_a_default_build_is_pdf_ua_with_a_page_image_and_verifies(workspace):
    root = workspace()
    assert run("build", "-q", "-j", "1").exit_code == 0
    assert (root / "build/minimal/en/minimal-en.png").read_bytes().startswith(b"\x89PNG")
    assert attachments(root) == {}
    result = run("verify")
    assert result.exit_code == 0, result.stderr
    assert f"{PDF}  1 page(s), PDF/UA-1, tagged, lang en" in result.stdout
    assert "1 PDF(s) checked, 0 with problems" in result.stderr


def test_build_archive_attaches_the_statement_and_rebuilds(workspace):
    root = workspace()
    assert run("build", "-q", "-j", "1").exit_code == 0
    result = run("build", "-q", "-j", "1", "--archive")
    assert result.exit_code == 0, result.stderr
    files = attachments(root)
    assert yaml.safe_load(files["statement.yaml"]) == yaml.safe_load(
        (root / "content/minimal/statement.yaml").read_bytes())
    assert b'"URL": "https://example.org/a"' in files["cited-sources.json"]
    assert "PDF/A-3B" in run("verify", PDF).stdout


def test_the_archive_setting(workspace):
    root = workspace(settings="[pdf]\narchive = true\n")
    assert run("build", "-q", "-j", "1").exit_code == 0
    assert set(attachments(root)) == {"statement.yaml", "cited-sources.json"}


def test_a_mistyped_pdf_setting_is_located(workspace):
    workspace(settings="[pdf]\narchiv = true\n")
    result = run("build", "-q")
    assert result.exit_code == 1
    assert "communique.toml:2:1: error: unknown setting 'pdf.archiv'" in result.stderr


def test_verify_reports_a_damaged_pdf_and_missing_paths(workspace):
    root = workspace()
    (root / "broken.pdf").write_bytes(b"%PDF-1.7\nnothing\n")
    result = run("verify", "broken.pdf", "missing.pdf")
    assert result.exit_code == 1
    assert "broken.pdf: error: not a readable PDF" in result.stderr
    assert "missing.pdf: error: no such file or folder" in result.stderr
    assert run("verify").exit_code == 1  # nothing built yet


def test_a_weasyprint_warning_is_told_once(workspace):
    root = workspace()
    builtin = Path(__file__).parent.parent / "src/communique/templates/css/print.css"
    (root / "templates/css").mkdir(parents=True)
    (root / "templates/css/print.css").write_text(
        builtin.read_text(encoding="utf-8") + "\np { colour: red }\n", encoding="utf-8")
    result = run("build", "-j", "1")  # -q prints errors only
    assert result.exit_code == 0, result.stderr
    assert result.stderr.count("colour") == 1, result.stderr
