"""Every example edition, every language and document type: the same PDF from build to build
and from folder to folder, a clean structure check, and no typesetting fault after layout.

These build the whole example workspace several times, so they are marked slow.
"""

from __future__ import annotations

import hashlib
import io
import shutil
from pathlib import Path

import polib
import pytest
import yaml
from click.testing import CliRunner
from pypdf import PdfReader

from communique.cli import main
from communique.content.load import load_yaml
from communique.render.archive import SOURCES_NAME
from communique.render.verify import verify_pdf

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


def copy_examples(target: Path, settings: str = "", source: Path = ROOT) -> Path:
    """The workspace at ``source`` (settings, templates, every statement) in ``target``."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy(source / "communique.toml", target / "communique.toml")
    if settings:
        with (target / "communique.toml").open("a", encoding="utf-8") as f:
            f.write("\n" + settings)
    for folder in ("templates", "content"):
        if (source / folder).is_dir():
            shutil.copytree(source / folder, target / folder)
    return target


@pytest.fixture(scope="module")
def examples(tmp_path_factory) -> Path:
    """One copy of the repository's examples, so that every build here reads the same files."""
    return copy_examples(tmp_path_factory.mktemp("examples") / "source")


def build(root: Path, monkeypatch) -> tuple[dict[str, str], str]:
    """Build every edition from scratch; the SHA-256 of each PDF by its path, and stderr."""
    monkeypatch.chdir(root)
    result = CliRunner().invoke(main, ["build", "--force"])  # not -q: it prints errors only
    assert result.exit_code == 0, result.stderr
    pdfs = sorted((root / "build").rglob("*.pdf"))
    assert pdfs, "the examples gave no PDF"
    return ({p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
             for p in pdfs}, result.stderr)


def pdf_problems(stderr: str) -> list[str]:
    """Problems the PDF stage reported: notes off their page, layout faults, the check."""
    return [line for line in stderr.splitlines() if ": PDF (" in line]


@pytest.fixture(scope="module")
def first_build(tmp_path_factory, examples) -> tuple[Path, dict[str, str], str]:
    monkeypatch = pytest.MonkeyPatch()
    root = copy_examples(tmp_path_factory.mktemp("examples") / "one", source=examples)
    try:
        sums, stderr = build(root, monkeypatch)
    finally:
        monkeypatch.undo()
    return root, sums, stderr


def test_every_edition_is_well_set(first_build):
    """No note away from its call, no heading alone at a foot, no lone line, nothing past the
    margin, no note too long for a page, no WeasyPrint warning: in every language and type."""
    _root, sums, stderr = first_build
    assert pdf_problems(stderr) == []
    langs = {Path(path).parent.name for path in sums}
    kinds = {Path(path).parent.parent.name for path in sums}
    assert "en" in langs and len(kinds) >= 1


def test_every_edition_passes_the_structure_check(first_build):
    root, sums, _ = first_build
    for path in sums:
        lang = Path(path).parent.name
        found = verify_pdf(root / path, lang=lang, archive=False)
        assert found.problems == [], path
        assert found.conformance == ["PDF/UA-1"] and found.tagged and found.fonts >= 1
        outline = PdfReader(root / path).outline  # bookmarks: the title, headings nested in it
        assert len(outline) == 1 or (len(outline) == 2 and isinstance(outline[1], list)), path
        png = (root / path).with_suffix(".png")
        assert png.read_bytes().startswith(b"\x89PNG"), f"no page image beside {path}"


def test_two_builds_give_identical_pdfs(first_build, monkeypatch):
    root, sums, _ = first_build
    again, _ = build(root, monkeypatch)
    assert again == sums


def test_another_folder_gives_identical_pdfs(first_build, examples, tmp_path, monkeypatch):
    _, sums, _ = first_build
    elsewhere, _ = build(copy_examples(tmp_path / "a" / "different" / "place", source=examples),
                         monkeypatch)
    assert elsewhere == sums


def test_archive_mode_pdfs_carry_their_data_and_are_reproducible(examples, tmp_path, monkeypatch):
    root = copy_examples(tmp_path / "archive", "[pdf]\narchive = true\n", source=examples)
    sums, stderr = build(root, monkeypatch)
    assert pdf_problems(stderr) == []
    for path in sums:
        slug, lang = Path(path).parent.parent.name, Path(path).parent.name
        found = verify_pdf(root / path, lang=lang, archive=True)
        assert found.problems == [] and found.conformance == ["PDF/A-3B", "PDF/UA-1"], path  # both claims (issue 21)
        attached = {name: data[0] for name, data in
                    PdfReader(io.BytesIO((root / path).read_bytes())).attachments.items()}
        # the statement's data, not its text: the same values, none of the comments
        written = load_yaml(root / "content" / slug / "statement.yaml")
        assert yaml.safe_load(attached["statement.yaml"]) == written.data
        comments = [line.strip().lstrip("#").strip() for line in
                    written.source.splitlines() if line.strip().startswith("#")]
        assert not [c for c in comments if c and c.encode() in attached["statement.yaml"]]
        assert SOURCES_NAME in attached
        for po in (root / "content" / slug).rglob(f"{lang}.po"):
            # every current translation, and not the obsolete ones (texts no longer printed)
            translated = {(e.msgctxt, e.msgid): e.msgstr for e in polib.pofile(po.read_text())
                          if not e.obsolete}
            kept = polib.pofile(attached[po.name].decode("utf-8"))
            assert {(e.msgctxt, e.msgid): e.msgstr for e in kept} == translated
            assert not any(e.tcomment for e in kept) and not kept.header
    again, _ = build(root, monkeypatch)
    assert again == sums
