"""The output seam: an edition's outputs are registered modules; a new one needs no other change.

The plain-text output below is the example of docs/architecture.md, kept here so that the
example stays true.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from communique.cli import main
from communique.outputs import EditionContext, Made, Steps, registry


class TextOutput:
    """The statement as plain text, for an e-mail: ``<slug>-<lang>.txt``."""

    name = "text"
    label = "plain text"

    def path(self, ctx: EditionContext) -> Path:
        return ctx.folder / f"{ctx.stem}.txt"

    def make(self, ctx: EditionContext, made: dict[str, Made]) -> Steps:
        from communique.document import plain

        yield from ()  # nothing to print
        title = plain(ctx.doc.view["title"])
        opening = plain(ctx.doc.view.get("opening"))
        return Made({self.path(ctx): f"{title}\n\n{opening}\n".encode()})


@pytest.fixture
def with_text(monkeypatch):
    """The registry with the example output added after the built-in ones."""
    import communique.outputs

    builtin = registry()
    monkeypatch.setattr(communique.outputs, "registry", lambda: {**builtin, "text": TextOutput()})


def test_the_built_in_outputs_in_the_order_they_are_made():
    assert list(registry()) == ["print", "web", "data", "docx"]
    for output in registry().values():
        assert output.name and output.label


def test_an_edition_records_each_output_by_name(workspace):
    from communique.build import build
    from communique.workspace import find_workspace

    root = workspace()
    result = build(find_workspace(), [], jobs=1)
    (edition,) = result.editions
    assert edition.outputs == {"print": root / "build/minimal/en/minimal-en.pdf",
                               "web": root / "build/minimal/en/index.html",
                               "data": root / "build/minimal/en/minimal-en.data.json"}
    assert all(path.is_file() for path in edition.outputs.values())


def test_checking_makes_the_web_page_only_and_writes_nothing(workspace):
    from communique.build import build
    from communique.workspace import find_workspace

    root = workspace()
    result = build(find_workspace(), [], write=False)
    assert [e.outputs for e in result.editions] == [{}]
    assert result.editions[0].notes == 1
    # only caches (compiled templates and catalogs) under build/.cache, no output
    assert [p for p in (root / "build").rglob("*") if p.is_file() and ".cache" not in p.parts] == []


@pytest.mark.slow
def test_a_new_output_is_one_class_and_its_registration(workspace, with_text):
    root = workspace()
    run = CliRunner().invoke(main, ["build", "-j", "1", "--json"])
    assert run.exit_code == 0, run.output
    (edition,) = json.loads(run.stdout)["editions"]
    assert edition["outputs"] == {"print": "build/minimal/en/minimal-en.pdf",
                                  "web": "build/minimal/en/index.html",
                                  "data": "build/minimal/en/minimal-en.data.json",
                                  "text": "build/minimal/en/minimal-en.txt"}
    text = root / "build/minimal/en/minimal-en.txt"
    assert text.read_text(encoding="utf-8") == ("A statement\n\n"
                                                "The organisation calls for restraint.\n")
    # the build report links it, by the output's label
    assert '<a href="minimal/en/minimal-en.txt">plain text</a>' in (
        root / "build/index.html").read_text(encoding="utf-8")
    # an unchanged edition is up to date while the new output's file is there, rebuilt when not
    again = CliRunner().invoke(main, ["build", "-j", "1", "--json"])
    assert [e["rebuilt"] for e in json.loads(again.stdout)["editions"]] == [False]
    text.unlink()
    third = CliRunner().invoke(main, ["build", "-j", "1", "--json"])
    assert [e["rebuilt"] for e in json.loads(third.stdout)["editions"]] == [True]
    assert text.is_file()
