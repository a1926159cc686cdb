"""What is published: an archive PDF attaches only what its edition was built from, and no
comment, internal field or private file reaches any output (PDF, attachments, metadata, web
page, data exports)."""

from __future__ import annotations

import io
import json
import os
import textwrap
from pathlib import Path

import polib
import pytest
import yaml
from click.testing import CliRunner
from pypdf import PdfReader

from communique.cli import main
from communique.document import load
from communique.render.archive import SOURCES_NAME, source_files
from communique.workspace import find_workspace

SECRET = "Jane Roe"  # a witness's name, written in comments and internal fields only
PHONE = "555-0100"

STATEMENT = """\
# confirm with witness Jane Roe before publishing
type: public-statement
lang: en
date: 2020-09-29
title: A statement
internal_note: call Jane Roe on 555-0100
opening: |
  The organisation calls for restraint.[@src-a] See the report.[@bib-a]
  # not a comment: this line is text of the block
sources:  # Jane Roe gave us these
  src-a:
    url: https://example.org/a
    internal_note: from Jane Roe
citations:
  libraries: [refs.bib, unused.json]
"""
BIB = """\
Jane Roe's phone 555-0100 is in the notes below.
@comment{Jane Roe asked not to be named}
@misc{bib-a, title = {A report}, url = {https://example.org/bib-a}}
"""
PO = """\
# Translators: Jane Roe checked this wording
msgid ""
msgstr ""
"Language: ru\\n"
"Content-Type: text/plain; charset=UTF-8\\n"

# asked Jane Roe about this
msgctxt "title"
msgid "A statement"
msgstr "Заявление"

#~ msgctxt "old"
#~ msgid "Jane Roe"
#~ msgstr "Джейн Роу"
"""


def make(root: Path, settings: str = '[internal]\nfields = ["internal_note"]\n') -> Path:
    folder = root / "content" / "s"
    (folder / "i18n").mkdir(parents=True)
    (folder / "private").mkdir()
    (root / "communique.toml").write_text(settings)
    (folder / "statement.yaml").write_text(STATEMENT)
    (folder / "refs.bib").write_text(BIB)
    (folder / "unused.json").write_text(json.dumps(
        [{"id": "never", "type": "webpage", "URL": "https://example.org/never"}]))
    (folder / "i18n" / "ru.po").write_text(PO)
    (folder / "private" / "witness-contacts.yaml").write_text(f"name: {SECRET}\n")
    (folder / "old-draft.yml").write_text(f"title: {SECRET}\n")
    (folder / ".hidden.yaml").write_text(f"title: {SECRET}\n")
    (folder / "settings.json").symlink_to(root / "communique.toml")
    return folder / "statement.yaml"


def attachments_of(root: Path, lang: str):
    ws = find_workspace(root)
    doc, problems = load(root / "content" / "s" / "statement.yaml", ws)
    assert doc is not None, problems
    return source_files(doc, ws, lang, [{"id": "src-a", "type": "webpage"}])


def test_only_what_the_edition_was_built_from_is_attached(tmp_path):
    make(tmp_path)
    files, skipped = attachments_of(tmp_path, "ru")
    # the statement, its translation, the one library it cites from, the cited sources: not the
    # private folder, the old draft, the unused library, the hidden file or the symlink
    assert [f.name for f in files] == ["statement.yaml", "ru.po", "refs.bib", SOURCES_NAME]
    assert [f.relationship for f in files] == ["Source", "Source", "Data", "Data"]
    assert skipped == []
    for file in files:
        assert SECRET.encode() not in file.data and PHONE.encode() not in file.data, file.name
    data = yaml.safe_load(files[0].data)
    assert "internal_note" not in data and "internal_note" not in data["sources"]["src-a"]
    assert data["opening"].endswith("# not a comment: this line is text of the block\n")
    po = polib.pofile(files[1].data.decode())
    assert [(e.msgctxt, e.msgstr) for e in po] == [("title", "Заявление")]
    assert b"@misc{bib-a" in files[2].data
    en, _ = attachments_of(tmp_path, "en")
    assert [f.name for f in en] == ["statement.yaml", "refs.bib", SOURCES_NAME]


def test_translators_comments_are_attached_when_the_workspace_asks(tmp_path):
    make(tmp_path, '[internal]\nfields = ["internal_note"]\n[pdf]\ntranslator_comments = true\n')
    files, _ = attachments_of(tmp_path, "ru")
    assert files[1].data == (tmp_path / "content/s/i18n/ru.po").read_bytes()


def test_a_library_in_a_private_folder_is_a_located_error(tmp_path):
    """Its sources would be printed and its path exported (data.json's defined_in): reading
    it at all would publish what the folder is there to keep in."""
    statement = make(tmp_path)
    (statement.parent / "private" / "refs.bib").write_text(BIB)
    statement.write_text(STATEMENT.replace("[refs.bib, unused.json]", "[private/refs.bib]"))
    doc, problems = load(statement, find_workspace(tmp_path))
    assert doc is None
    assert any(p.line == 15 and p.message == "library 'private/refs.bib' is in the internal "
               "folder 'private', whose files are never published ([internal] folders)"
               for p in problems), problems


def test_a_library_through_a_symlink_is_not_attached(tmp_path):
    statement = make(tmp_path)
    folder = statement.parent
    (folder / "linked.bib").symlink_to(folder / "refs.bib")
    statement.write_text(STATEMENT.replace("[refs.bib, unused.json]", "[linked.bib]"))
    files, skipped = attachments_of(tmp_path, "en")
    assert [f.name for f in files] == ["statement.yaml", SOURCES_NAME]
    assert skipped == ["not attached: 'content/s/linked.bib' is reached through a symbolic link"]


def test_an_internal_field_is_unknown_without_the_setting(tmp_path):
    make(tmp_path, settings="")
    doc, problems = load(tmp_path / "content" / "s" / "statement.yaml", find_workspace(tmp_path))
    assert doc is None
    assert any("unknown field 'internal_note'" in p.message and p.line == 6 for p in problems)


def test_an_internal_folder_name_is_checked(tmp_path):
    (tmp_path / "communique.toml").write_text('[internal]\nfolders = ["a/b"]\n')
    (tmp_path / "content").mkdir()
    os.chdir(tmp_path)
    result = CliRunner().invoke(main, ["check"])
    assert result.exit_code == 1
    assert "communique.toml:2:11: error: internal.folders[1]: 'a/b' is not a folder name" \
        in result.stderr


def every_byte(path: Path):
    """A file's bytes and, for a PDF, everything inside it: each stream decompressed (page
    text, XMP metadata, fonts), each attachment, the document information."""
    data = path.read_bytes()
    yield data
    if path.suffix != ".pdf":
        return
    reader = PdfReader(io.BytesIO(data))
    for contents in reader.attachments.values():
        yield from contents
    for number in range(1, int(reader.trailer["/Size"])):
        try:
            obj = reader.get_object(number)
        except Exception:
            continue
        if hasattr(obj, "get_data"):
            yield obj.get_data()
    for page in reader.pages:
        yield page.extract_text().encode("utf-8")
    yield repr(dict(reader.metadata or {})).encode("utf-8")


@pytest.mark.slow
def test_no_comment_or_internal_field_reaches_any_output(tmp_path, monkeypatch):
    """The trial of the issue: a statement with YAML comments, an internal field, a private
    folder, an old draft, an unused library and a symlink, built in archive mode in two
    languages; the witness's name is in no byte of any output."""
    make(tmp_path)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["build", "--archive", "-j", "1"])
    assert result.exit_code == 0, result.stderr
    assert ("build/s/ru/s-ru.pdf carries: statement.yaml, ru.po, refs.bib, cited-sources.json"
            in result.stdout)
    assert "build/s/en/s-en.pdf carries: statement.yaml, refs.bib, cited-sources.json" \
        in result.stdout
    outputs = [p for p in (tmp_path / "build").rglob("*") if p.is_file()]
    assert {p.suffix for p in outputs} >= {".pdf", ".html", ".json", ".csv", ".png"}
    for path in outputs:  # the record of the build (a hidden file of build/) included
        for chunk in every_byte(path):
            for secret in (SECRET, PHONE, "Джейн", "witness-contacts"):
                assert secret.encode() not in chunk, path
    assert "refs.bib, cited-sources.json" in (tmp_path / "build/index.html").read_text()
    listed = CliRunner().invoke(main, ["verify", "build/s/ru/s-ru.pdf"])
    assert "  attached: ru.po\n" in listed.stdout
    data = json.loads((tmp_path / "build/s/en/s-en.data.json").read_text())
    assert data["statement"]["draft"] is False and data["statement"]["embargo"] is None


def test_an_embargoed_web_page_asks_not_to_be_indexed(workspace):
    root = workspace({"e": textwrap.dedent("""\
        type: public-statement
        lang: en
        date: 2020-09-29
        embargo: 2020-09-29T00:01:00+00:00
        title: A statement
        opening: The organisation calls for restraint.
        """)})
    result = CliRunner().invoke(main, ["build", "-q", "-j", "1"])
    assert result.exit_code == 0, result.stderr
    assert '<meta name="robots" content="noindex">' in (root / "build/e/en/index.html").read_text()
    data = json.loads((root / "build/e/en/e-en.data.json").read_text())
    assert data["statement"]["embargo"] == "2020-09-29T00:01:00+00:00"


def test_a_nul_in_a_content_translation_is_a_located_error(tmp_path):
    from communique.i18n import editions

    make(tmp_path)
    po = tmp_path / "content/s/i18n/ru.po"
    po.write_text(PO.replace('msgstr "Заявление"', 'msgstr "Заяв\0ление"'))
    ws = find_workspace(tmp_path)
    doc, _ = load(tmp_path / "content/s/statement.yaml", ws)
    prepared = editions.prepare(doc, ws, "ru")
    assert prepared.doc is None
    assert [str(p) for p in prepared.problems] == [
        "content/s/i18n/ru.po:10:13: error: invalid PO file: a NUL character (U+0000), which "
        "no text may hold"]
