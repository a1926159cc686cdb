"""Incremental builds: an edition is rebuilt exactly when something it reads has changed."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from communique.build import build
from communique.cache import CACHE_FILE, Cache, Digests, Fingerprints, named_for, recording
from communique.cli import main
from communique.workspace import BUILTIN_TEMPLATES, find_workspace

STATEMENT = """\
type: public-statement
lang: en
date: 2020-09-29
title: {title}
opening: The organisation calls for restraint.[@src-a]
sources:
  src-a:
    url: https://example.org/a
"""

LOGO = '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20" fill="{}"/></svg>'


def _run(*args: str) -> dict:
    result = CliRunner().invoke(main, ["build", "--json", "-j", "1", *args])
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def _rebuilt(summary: dict) -> list[str]:
    return [f"{e['statement']}/{e['lang']}" for e in summary["editions"] if e["rebuilt"]]


@pytest.fixture
def two(workspace) -> Path:
    return workspace({"a": STATEMENT.format(title="Statement A"),
                      "b": STATEMENT.format(title="Statement B")})


def test_unchanged_editions_are_not_rebuilt_and_edits_rebuild_only_their_own(two: Path):
    assert _rebuilt(_run()) == ["a/en", "b/en"]
    pdf_b = two / "build/b/en/b-en.pdf"
    stamp = pdf_b.stat().st_mtime_ns

    nothing = _run()
    assert _rebuilt(nothing) == []
    assert [e["pages"] for e in nothing["editions"]] == [1, 1]  # results are remembered

    statement = two / "content/a/statement.yaml"
    statement.write_text(statement.read_text().replace("restraint", "calm"))
    assert _rebuilt(_run()) == ["a/en"]
    assert "calm" in (two / "build/a/en/index.html").read_text()
    assert pdf_b.stat().st_mtime_ns == stamp

    assert _rebuilt(_run("--force")) == ["a/en", "b/en"]


def test_shared_inputs_rebuild_every_edition(two: Path):
    _run()
    (two / "communique.toml").write_text('[organisation]\nname = "Another name"\n')
    assert _rebuilt(_run()) == ["a/en", "b/en"]
    override = two / "templates/partials/notes.html.j2"
    override.parent.mkdir(parents=True)
    override.write_text((BUILTIN_TEMPLATES / "partials/notes.html.j2").read_text())
    assert _rebuilt(_run()) == ["a/en", "b/en"]
    assert _rebuilt(_run()) == []


def test_a_file_read_outside_the_statement_is_recorded_and_watched(two: Path):
    (two / "assets").mkdir()
    logo = two / "assets/logo.svg"
    logo.write_text(LOGO.format("red"))
    (two / "communique.toml").write_text('[organisation]\nname = "Org"\nlogo = "assets/logo.svg"\n')
    _run()
    record = json.loads((two / "build" / CACHE_FILE).read_text())
    assert "assets/logo.svg" in record["editions"]["a/en"]["inputs"]
    logo.write_text(LOGO.format("blue"))  # settings unchanged: only the recorded read tells
    assert _rebuilt(_run()) == ["a/en", "b/en"]


@pytest.mark.parametrize("jobs", ["1", pytest.param("2", marks=pytest.mark.slow)])
def test_a_shared_source_library_read_while_planning_is_recorded(workspace, jobs: str):
    """The first edition of a statement reuses the statement read while planning; the files
    read then (a workspace's source library) must still be in its record."""
    cited = STATEMENT.replace("[@src-a]", "[@shared]")
    root = workspace({"a": cited.format(title="A"), "b": cited.format(title="B")},
                     settings='[citations]\nlibraries = ["sources/shared.json"]\n')
    library = root / "sources" / "shared.json"
    library.parent.mkdir()
    entry = {"id": "shared", "type": "webpage", "title": "{}", "URL": "https://example.org/s"}
    library.write_text(json.dumps([{**entry, "title": "First title"}]))
    _run("-j", jobs)
    record = json.loads((root / "build" / CACHE_FILE).read_text())
    assert all("sources/shared.json" in e["inputs"] for e in record["editions"].values())
    library.write_text(json.dumps([{**entry, "title": "Second title"}]))
    assert _rebuilt(_run("-j", jobs)) == ["a/en", "b/en"]
    assert _rebuilt(_run("-j", jobs)) == []


def test_a_removed_output_is_rebuilt_and_a_broken_record_means_a_full_build(two: Path):
    _run()
    (two / "build/a/en/a-en.pdf").unlink()
    assert _rebuilt(_run()) == ["a/en"]
    (two / "build" / CACHE_FILE).write_text("{ not json")
    assert _rebuilt(_run()) == ["a/en", "b/en"]


def test_warnings_of_editions_not_rebuilt_are_reported_again(workspace):
    workspace({"w": STATEMENT.format(title="W") + "  unused:\n    url: https://example.org/u\n"})
    first = CliRunner().invoke(main, ["build", "-j", "1"])
    second = CliRunner().invoke(main, ["build", "-j", "1"])
    warning = [line for line in first.stderr.splitlines() if ": warning: " in line]
    assert warning and "unused" in warning[0]
    assert [line for line in second.stderr.splitlines() if ": warning: " in line] == warning
    assert "0 edition(s) built, 1 up to date" in second.stderr


def test_failed_editions_are_retried_every_build(two: Path):
    (two / "content/b/statement.yaml").write_text(STATEMENT.format(title="B") + "oops: [\n")
    first = CliRunner().invoke(main, ["build", "-j", "1"])
    assert first.exit_code == 1
    second = CliRunner().invoke(main, ["build", "-j", "1"])
    assert second.exit_code == 1
    assert "content/b/statement.yaml:" in second.stderr  # the error is told again, never hidden
    assert "0 edition(s) built, 1 up to date; 1 failed: b" in second.stderr


def test_files_named_for_another_language_belong_to_that_edition_only():
    assert named_for(Path("i18n/ru.po"), ["ru", "hy"])
    assert named_for(Path("locale/ru/LC_MESSAGES/messages.po"), ["ru"])
    assert named_for(Path("locale/pt_BR/LC_MESSAGES/messages.mo"), ["pt-BR"])
    assert not named_for(Path("i18n/ru.po"), ["hy"])
    assert not named_for(Path("ru.css"), ["ru"])  # not a catalog: every edition may use it
    assert not named_for(Path("statement.yaml"), ["ru"])


def test_edition_fingerprints_ignore_other_languages_catalogs(tmp_path: Path):
    folder = tmp_path / "content/s"
    (folder / "i18n").mkdir(parents=True)
    (folder / "statement.yaml").write_text("x")
    (folder / "i18n/ru.po").write_text("ru 1")
    (folder / "i18n/hy.po").write_text("hy 1")

    def prints() -> Fingerprints:
        return Fingerprints(tmp_path, BUILTIN_TEMPLATES, Digests())

    langs = ["en", "ru", "hy"]
    before = {lang: prints().edition(folder, lang, langs) for lang in langs}
    (folder / "i18n/ru.po").write_text("ru 2")
    after = {lang: prints().edition(folder, lang, langs) for lang in langs}
    assert [lang for lang in langs if before[lang] != after[lang]] == ["ru"]
    (folder / "statement.yaml").write_text("y")
    again = {lang: prints().edition(folder, lang, langs) for lang in langs}
    assert all(again[lang] != after[lang] for lang in langs)


def test_digests_are_reused_only_while_size_and_times_agree(tmp_path: Path):
    path = tmp_path / "f"
    path.write_text("one")
    first = Digests()
    digest = first.of(path)
    stale = {str(path): [*first.used[str(path)][:4], "made-up"]}  # size, mtime, ctime, inode
    assert Digests(stale).of(path) == "made-up"  # trusted while stat agrees (as git does)
    path.write_text("three")
    assert Digests(stale).of(path) not in ("made-up", digest)
    assert Digests().of(tmp_path / "missing") is None


def test_recording_collects_files_opened_for_reading(tmp_path: Path):
    read, written = tmp_path / "in.txt", tmp_path / "out.txt"
    read.write_text("x")
    with recording() as opened:
        read.read_text()
        written.write_text("y")
    read.read_text()  # outside the block: not recorded
    assert str(read) in opened and str(written) not in opened
    prints = Fingerprints(tmp_path, BUILTIN_TEMPLATES, Digests())
    (tmp_path / "content/s").mkdir(parents=True)
    inside = tmp_path / "content/s/x.txt"
    inside.write_text("z")
    assert prints.relevant([str(read), str(inside), "/etc/hostname"], tmp_path / "content/s") \
        == ["in.txt"]


def test_a_build_with_nothing_to_do_imports_neither_weasyprint_nor_the_renderer(two: Path):
    _run()
    script = textwrap.dedent("""
        import sys
        from communique.build import build
        from communique.workspace import find_workspace
        result = build(find_workspace(), [])
        assert not result.built and len(result.editions) == 2, result
        print(sorted(m for m in ("weasyprint", "jinja2", "communique.render.html",
                                 "communique.content.model") if m in sys.modules))
    """)
    out = subprocess.run([sys.executable, "-c", script], cwd=two, capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_the_record_lists_statements_and_editions(two: Path):
    _run()
    record = Cache.load(two / "build")
    assert sorted(record.editions) == ["a/en", "b/en"]
    assert record.statements["a"]["langs"] == ["en"]
    assert record.statements["a"]["path"] == "content/a/statement.yaml"
    result = build(find_workspace(two), [two / "content/a"], jobs=1)
    assert [e.cached for e in result.editions] == [True]


def _edit_record(root: Path, change) -> None:
    path = root / "build" / CACHE_FILE
    record = json.loads(path.read_text())
    change(record)
    path.write_text(json.dumps(record))


def _set(path: tuple, value):
    def change(record: dict) -> None:
        target = record
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
    return change


ODD_RECORDS = {
    "editions a list": _set(("editions",), []),
    "an entry a string": _set(("editions", "a/en"), "x"),
    "a result a list": _set(("editions", "a/en", "result"), []),
    "inputs a list": _set(("editions", "a/en", "inputs"), ["x"]),
    "an input out of the workspace": _set(("editions", "a/en", "inputs"), {"../../etc/passwd": ""}),
    "an output at /etc/passwd": _set(("editions", "a/en", "result", "outputs", "print"),
                                     "/etc/passwd"),
    "a web page elsewhere": _set(("editions", "a/en", "result", "outputs", "web"),
                                 str(Path(__file__))),
    "an output up and out": _set(("editions", "a/en", "result", "outputs", "data"),
                                 "build/a/en/../../../x"),
    "outputs a list": _set(("editions", "a/en", "result", "outputs"), ["x"]),
    "a statement path outside": _set(("statements", "a", "path"), "/etc/passwd"),
    "a problem a string": _set(("editions", "a/en", "result", "problems"), ["x"]),
    "a count a string": _set(("editions", "a/en", "result", "pages"), "1"),
    "a file stat odd": lambda r: r["files"].update(dict.fromkeys(r["files"], "x")),
    "files a list": _set(("files",), []),
    "failures a list": _set(("failures",), []),
    "a failed edition's output at /etc/passwd": _set(("failures",), {
        "a/en": {"problems": [], "outputs": {"web": "/etc/passwd"}}}),
    "a failed statement's path outside": _set(("failures",), {
        "a": {"problems": [], "langs": ["en"], "path": "../outside/statement.yaml"}}),
    "a failure's problem a string": _set(("failures",), {
        "a": {"problems": ["x"], "langs": [], "path": "content/a/statement.yaml"}}),
}


@pytest.mark.parametrize("change", ODD_RECORDS.values(), ids=ODD_RECORDS.keys())
def test_an_odd_record_means_a_full_build_and_one_warning(two: Path, change):
    """The record is data from disk: edited by hand or truncated oddly it once gave tracebacks,
    and outputs pointing at /etc/passwd made the build skip itself and the report link there."""
    _run()
    _edit_record(two, change)
    result = CliRunner().invoke(main, ["build", "--json", "-j", "1"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 0, result.stderr
    assert _rebuilt(json.loads(result.stdout)) == ["a/en", "b/en"]
    warnings = [line for line in result.stderr.splitlines() if CACHE_FILE in line]
    assert len(warnings) == 1 and ": warning: the record of the last build is unusable" in \
        warnings[0]
    report = (two / "build/index.html").read_text()
    assert "file:" not in report and "/etc/passwd" not in report
    assert _rebuilt(_run()) == []  # the record written by that build is sound again


def test_problems_recalled_from_the_record_reach_the_terminal_without_control_characters(
        two: Path):
    _run()
    hostile = "\x1b]0;pwned\x07\x1b]8;;https://evil.example\x07see\x1b]8;;\x07\x9b2J\rfake"
    _edit_record(two, _set(("editions", "a/en", "result", "problems"),
                           [["content/a/statement.yaml", 1, 1, hostile, "warning"]]))
    result = CliRunner().invoke(main, ["build", "-j", "1"])
    assert result.exit_code == 0, result.stderr
    assert "content/a/statement.yaml:1:1: warning: \\x1b]0;pwned\\x07" in result.stderr
    assert not any(c in result.stderr for c in "\x1b\x07\x9b\r")


def test_an_edit_that_keeps_size_and_modification_time_is_seen(two: Path):
    """``cp -p`` and ``rsync -t`` keep both; the change time and inode cannot be kept."""
    statement = two / "content/a/statement.yaml"
    os.utime(statement, ns=(1_600_000_000_000_000_000, 1_600_000_000_000_000_000))  # not racy
    _run()
    edited = two / "edited.yaml"
    edited.write_text(statement.read_text().replace("Statement A", "Statement Z"))
    assert edited.stat().st_size == statement.stat().st_size
    os.utime(edited, ns=(1_600_000_000_000_000_000, 1_600_000_000_000_000_000))
    shutil.copy2(edited, statement)  # cp -p
    edited.unlink()
    assert statement.stat().st_mtime_ns == 1_600_000_000_000_000_000
    assert _rebuilt(_run()) == ["a/en"]
    assert "Statement Z" in (two / "build/a/en/index.html").read_text()


def test_files_modified_as_the_record_is_written_are_hashed_next_time(tmp_path: Path):
    """git's racy-clean rule: within the same second (here: two seconds) a timestamp cannot
    tell an edit from no edit, so the record keeps no usable stat for such a file."""
    from communique.cache import smudged

    new = tmp_path / "new"
    new.write_text("y")
    digests = Digests()
    digests.of(new)
    record = Cache(tmp_path / CACHE_FILE)
    record.save(digests)
    files = Cache.load(tmp_path).files
    assert files[str(new)][0] == -1  # smudged: no size matches
    now = 1_700_000_000_000_000_000
    settled = [1, now - 3_000_000_000, now - 3_000_000_000, 7, "d" * 64]
    assert smudged({"s": settled}, now) == {"s": settled}  # older than two seconds: kept
    ctime_recent = [1, now - 3_000_000_000, now - 1_000_000_000, 7, "d" * 64]
    assert smudged({"c": ctime_recent}, now)["c"][0] == -1
    new.write_text("z")  # the same size; within the same second a timestamp may not tell
    os.utime(new, ns=(files[str(new)][1], files[str(new)][1]))
    assert Digests(files).of(new) == Digests().of(new)  # hashed again, not trusted


def test_an_edition_recorded_as_never_up_to_date_is_not_an_odd_record(two: Path):
    """An edition written with an error (its PDF refused for a missing glyph) is recorded with
    no fixed fingerprint so that the next build tries again; the record is still sound."""
    from communique.cache import odd

    _run()
    record = json.loads((two / "build" / CACHE_FILE).read_text())
    record["editions"]["a/en"]["fixed"] = None
    assert odd(record, two / "build") is None
    _edit_record(two, _set(("editions", "a/en", "fixed"), None))
    result = CliRunner().invoke(main, ["build", "--json", "-j", "1"])
    assert "unusable" not in result.stderr
    assert _rebuilt(json.loads(result.stdout)) == ["a/en"]


def test_a_statement_named_by_a_relative_path_is_recorded_by_its_absolute_path(two: Path):
    _run("content/a")  # as typed in the workspace: `communique build content/a`
    files = json.loads((two / "build" / CACHE_FILE).read_text(encoding="utf-8"))["files"]
    assert files and [name for name in files if not os.path.isabs(name)] == []
    again = _run("content/a")
    assert _rebuilt(again) == [] and "record" not in json.dumps(again["problems"])
