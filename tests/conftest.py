"""Shared fixtures: small workspaces built in a temporary folder."""

from __future__ import annotations

import os
import re
import shutil
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "content" / "nagorno-karabakh-2020"
# One printed problem: ``path:line:column: severity: message``.
LOCATED = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<sev>error|warning): (?P<msg>.+)$")

# A valid statement; tests that check line numbers of problems rely on its exact layout.
GOOD = """\
type: public-statement
lang: en
date: 2020-09-29
title: A statement
opening: The organisation calls for restraint.[@src-a]
sources:
  src-a:
    url: https://example.org/a
"""


# Debian's Chromium, driven by Playwright (never a browser of its own download)
CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is not installed: run WITH_BROWSER=1 ./scripts/setup.sh")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


def build_in(root: Path, *args: str):
    """``communique build ARGS`` run in ``root``: for module-scoped fixtures, which cannot use
    monkeypatch.chdir."""
    from communique.cli import main

    cwd = os.getcwd()
    os.chdir(root)
    try:
        return CliRunner().invoke(main, ["build", *args])
    finally:
        os.chdir(cwd)


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A function making a workspace in tmp_path with statements given as {slug: yaml text}."""

    def make(statements: dict[str, str] | None = None, settings: str = "") -> Path:
        (tmp_path / "communique.toml").write_text(settings, encoding="utf-8")
        for slug, text in (statements if statements is not None else {"minimal": GOOD}).items():
            folder = tmp_path / "content" / slug
            folder.mkdir(parents=True, exist_ok=True)
            (folder / "statement.yaml").write_text(textwrap.dedent(text), encoding="utf-8")
        monkeypatch.chdir(tmp_path)
        return tmp_path

    return make


@pytest.fixture
def example_workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the repository's example workspace (settings, termbase, templates, the example
    statement)."""
    shutil.copy(ROOT / "communique.toml", tmp_path / "communique.toml")
    shutil.copy(ROOT / "terms.csv", tmp_path / "terms.csv")
    if (ROOT / "templates").is_dir():
        shutil.copytree(ROOT / "templates", tmp_path / "templates")
    shutil.copytree(EXAMPLE, tmp_path / "content" / EXAMPLE.name)
    monkeypatch.chdir(tmp_path)
    return tmp_path
