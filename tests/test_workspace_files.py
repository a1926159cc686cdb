"""The workspace's own files, as a workspace cloned from elsewhere may carry them: build/ as a
symlink out, a statement folder with a reserved name, communique.toml that never ends, a
read-only build/. Each is one clear error; nothing is written outside the workspace."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from communique.cli import main
from communique.errors import Problem
from conftest import GOOD, LOCATED


def _build(*args: str):
    return CliRunner().invoke(main, ["build", "-j", "1", *args])


def _no_traceback(result) -> None:
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        result.exception


def _victim(tmp_path_factory) -> tuple[Path, dict[str, bytes]]:
    """A folder outside the workspace with a file and a temporary of a process long gone."""
    victim = tmp_path_factory.mktemp("victim")
    files = {"index.html": b"the victim's own page", ".index.html.999999999.x.tmp": b"keep me",
             ".communique-cache.json": b"the victim's"}
    for name, data in files.items():
        (victim / name).write_bytes(data)
    return victim, files


def _untouched(victim: Path, files: dict[str, bytes]) -> None:
    assert {p.name: p.read_bytes() for p in victim.rglob("*") if p.is_file()} == files


def test_build_as_a_symlink_out_of_the_workspace_is_refused(workspace, tmp_path_factory):
    root = workspace({"a": GOOD})
    victim, files = _victim(tmp_path_factory)
    (root / "build").symlink_to(victim)
    result = _build()
    _no_traceback(result)
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if ": error: " in line]
    assert len(errors) == 1 and errors[0].startswith("build: error: ")
    assert "outside the workspace" in errors[0] and str(victim.resolve()) in errors[0]
    _untouched(victim, files)
    served = CliRunner().invoke(main, ["serve", "--port", "0", "-j", "1"])
    assert served.exit_code == 1 and "outside the workspace" in served.stderr  # not served either
    _untouched(victim, files)


def test_a_folder_in_build_leading_out_is_refused_for_its_edition(workspace, tmp_path_factory):
    root = workspace({"a": GOOD, "b": GOOD})
    victim, files = _victim(tmp_path_factory)
    (root / "build").mkdir()
    (root / "build/a").symlink_to(victim)
    result = _build()
    _no_traceback(result)
    assert result.exit_code == 1
    assert "content/a/statement.yaml: error: the en edition is not written: 'build/a/en' " \
           "leads outside build/" in result.stderr
    assert (root / "build/b/en/b-en.pdf").is_file()  # the others are built
    _untouched(victim, files)


@pytest.mark.parametrize("slug", ["index.html", "INDEX.HTML", "__communique__"])
def test_reserved_statement_folder_names_are_located_errors(workspace, slug):
    root = workspace({slug: GOOD, "a": GOOD})
    for _ in range(2):  # and every later build
        result = _build()
        _no_traceback(result)
        assert result.exit_code == 1
        assert f"content/{slug}/statement.yaml: error: the folder name '{slug}' is reserved" \
            in result.stderr
        assert (root / "build/a/en/a-en.pdf").is_file()
        assert (root / "build/index.html").is_file()


def test_statement_folder_names_with_control_characters_are_refused():
    from communique.workspace import slug_problem

    assert slug_problem("nagorno-karabakh-2020") is None
    assert slug_problem("a#b?c=d") is None  # odd, but linked correctly (test_report)
    reason = slug_problem("evil\x1b]0;pwned\x07")
    assert reason and "\x1b" not in reason and "\\x1b" in reason


def _make_fifo(path: Path) -> None:
    os.mkfifo(path)


@pytest.mark.parametrize("target", ["/dev/zero", "fifo", "outside"])
def test_settings_that_are_no_plain_file_inside_the_workspace_are_refused(
        workspace, tmp_path_factory, target):
    """communique.toml as a symlink to /dev/zero hung the build; the rule every file read
    follows (inside the workspace, a regular file, of bounded size) now covers it."""
    root = workspace({"a": GOOD})
    (root / "communique.toml").unlink()
    if target == "fifo":
        _make_fifo(root / "settings.fifo")
        target = str(root / "settings.fifo")
    elif target == "outside":
        other = tmp_path_factory.mktemp("other") / "communique.toml"
        other.write_text('[organisation]\nname = "Someone else"\n')
        target = str(other)
    (root / "communique.toml").symlink_to(target)
    out = subprocess.run([sys.executable, "-m", "communique", "build", "-j", "1"], cwd=root,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 1
    assert "Traceback" not in out.stderr
    assert out.stderr.startswith("communique.toml: error: "), out.stderr


def _read_only(folder: Path) -> bool:
    """Make ``folder`` unwritable even for root (chattr +i); False when that is impossible."""
    if os.geteuid() != 0:
        folder.chmod(0o555)
        return True
    return subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode == 0


def _writable(folder: Path) -> None:
    if os.geteuid() != 0:
        folder.chmod(0o755)
    else:
        subprocess.run(["chattr", "-i", str(folder)], capture_output=True)


def test_a_read_only_build_folder_is_one_clear_error(workspace):
    root = workspace({"a": GOOD})
    assert _build().exit_code == 0
    (root / "content/a/statement.yaml").write_text(GOOD.replace("restraint", "calm"))
    build = root / "build"
    if not _read_only(build):
        pytest.skip("cannot make a folder read-only here (root without chattr)")
    try:
        result = _build()
    finally:
        _writable(build)
    _no_traceback(result)
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if ": error: " in line]
    assert errors == [errors[0]] and errors[0].startswith("build: error: cannot write in 'build'")


def test_messages_never_carry_control_characters():
    from communique.errors import printable

    hostile = "title\x1b]8;;https://evil.example\x07click\x1b]8;;\x07\x1b[2J\rfake\x9b31m\u202e"
    problem = Problem(f"content/{hostile}", 1, 2, hostile, "warning")
    for text in (str(problem), problem.path, problem.message):
        assert not any(ord(c) < 32 or 0x7f <= ord(c) <= 0x9f or c == "\u202e" for c in text)
    assert "\\x1b]8;;https://evil.example\\x07click" in problem.message  # shown, not run
    assert printable("Ünïcode, العربية, tab\tand all") == "Ünïcode, العربية, tab and all"
    assert LOCATED.match(str(Problem("a.yaml", 1, 1, "line\nb.yaml:1:1: error: forged")))


def test_a_folder_name_is_printed_as_text_not_as_terminal_markup():
    """rich reads ``[link=…]`` in a table cell as markup and writes an OSC 8 hyperlink."""
    import io

    from rich.console import Console

    from communique.build import Edition, Result
    from communique.commands.progress import table

    slug = "[link=https://evil.example]click[/link]"
    out = io.StringIO()
    Console(file=out, force_terminal=True, width=200).print(table(Result([Edition(slug, "en")]),
                                                                  None))
    assert "\x1b]8" not in out.getvalue() and f"{slug}/en" in out.getvalue()
