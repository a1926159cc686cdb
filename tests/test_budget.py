"""No statement holds a build hostage: an edition past its time budget fails alone, a press
cannot allocate past its memory budget, and no press outlives the command that started it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from communique.workspace import read_settings
from conftest import LOCATED

SMALL = """\
type: public-statement
lang: en
date: 2020-09-29
title: Small
opening: Restraint.[@a]
sources:
  a:
    url: https://example.org/a
"""


def many_notes(count: int) -> str:
    """A statement of ``count`` notes in sections of fifty: a long print."""
    lines = ["type: public-statement", "lang: en", "date: 2020-09-29", "title: Many notes",
             "opening: The organisation calls for restraint.[@a]", "sections:"]
    for section in range(count // 50):
        lines += [f"  - id: s{section}", "    body: |"]
        lines += [f"      Sentence {section}-{i} with a note.[@a, para. {i}]" for i in range(50)]
    lines += ["sources:", "  a:", "    url: https://example.org/a", ""]
    return "\n".join(lines)


def make(root: Path, statements: dict[str, str], settings: str = "") -> Path:
    (root / "communique.toml").write_text(settings)
    for slug, text in statements.items():
        (root / "content" / slug).mkdir(parents=True)
        (root / "content" / slug / "statement.yaml").write_text(text)
    return root


def command(root: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "communique", "build", *args], cwd=root,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def children(pid: int) -> list[int]:
    """The processes whose parent is ``pid``."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                status = (entry / "status").read_text()
            except OSError:
                continue
            if f"\nPPid:\t{pid}\n" in status:
                found.append(int(entry.name))
    return found


def cpu_ticks(pid: int) -> int:
    """The user CPU time of ``pid`` in clock ticks (a hundredth of a second), 0 if gone."""
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[11])
    except (OSError, IndexError, ValueError):
        return 0


def running(pid: int) -> bool:
    """Whether ``pid`` is a live process (a zombie waiting to be reaped is not)."""
    try:
        return "\nState:\tZ" not in Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False


def test_the_budget_settings_have_defaults_and_are_checked(tmp_path):
    budget = read_settings(tmp_path).budget
    assert budget.edition_seconds == 300 and budget.edition_memory_mb == 4096
    (tmp_path / "communique.toml").write_text("[budget]\nedition_seconds = 0\n")
    from communique.errors import ContentError

    with pytest.raises(ContentError) as caught:
        read_settings(tmp_path)
    assert str(caught.value.problems[0]).startswith(
        "communique.toml:2:19: error: budget.edition_seconds: must be more than 0")


def test_a_press_cannot_allocate_past_its_memory_budget():
    script = textwrap.dedent("""\
        from communique.presses import _limit_memory
        _limit_memory(300)
        try:
            bytearray(600 * 1024 * 1024)
        except MemoryError:
            print("refused")
        _limit_memory(None)
        bytearray(600 * 1024 * 1024)
        print("allowed")
        """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=60)
    assert done.stdout.split() == ["refused", "allowed"], done.stderr


@pytest.mark.slow
@pytest.mark.parametrize("jobs", ["2", "1"])  # in presses, and in the command's own process
def test_an_edition_past_its_time_budget_fails_alone(tmp_path, jobs):
    """10,000 notes once took 390 s and then failed; now that edition stops at its budget with
    one located line, and the other statement is built."""
    root = make(tmp_path, {"big": many_notes(10_000), "small": SMALL},
                "[budget]\nedition_seconds = 4\n")
    started = time.monotonic()
    process = command(root, "-j", jobs)
    _, stderr = process.communicate(timeout=120)
    elapsed = time.monotonic() - started
    assert process.returncode == 1
    errors = [line for line in stderr.splitlines() if LOCATED.match(line) or ": error: " in line]
    assert errors == ["content/big/statement.yaml: error: the en edition was not built: printing "
                      "took longer than its budget of 4 s and was stopped (a statement this "
                      "large needs splitting, or a larger [budget] edition_seconds in "
                      "communique.toml); its previous output is left as it was"]
    assert (root / "build/small/en/small-en.pdf").is_file()
    assert not (root / "build/big/en/big-en.pdf").exists()
    assert elapsed < 60, elapsed  # reading and rendering the notes, then at most 4 s of print


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGINT, signal.SIGTERM])
def test_no_press_survives_the_command(tmp_path, signum):
    """Kill the command in the middle of a long print: every press it started ends with it."""
    root = make(tmp_path, {"big": many_notes(3_000), "small": SMALL})
    process = command(root, "-j", "2")
    deadline = time.monotonic() + 60
    presses: list[int] = []
    while time.monotonic() < deadline and process.poll() is None:
        presses = children(process.pid)
        busy = [pid for pid in presses if running(pid) and cpu_ticks(pid) > 150]
        if busy:  # a press has spent 1.5 s of CPU: it is printing the long statement
            break
        time.sleep(0.2)
    assert process.poll() is None and presses, "the command ended before it could be killed"
    os.kill(process.pid, signum)
    process.communicate(timeout=30)
    end = time.monotonic() + 5
    while time.monotonic() < end and any(running(pid) for pid in presses):
        time.sleep(0.1)
    assert not [pid for pid in presses if running(pid)]


def test_a_title_of_a_megabyte_is_an_error_at_its_line(tmp_path):
    """A 1 MB CSL-JSON title took 23 s to build (3 MB 98 s); no one writes a title that long."""
    import json

    from communique.document import load
    from communique.workspace import find_workspace

    items = [{"id": "ok", "type": "webpage", "URL": "https://example.org/ok"},
             {"id": "big", "type": "webpage", "URL": "https://example.org/big",
              "title": "A" * 1_000_000},
             {"id": "abstract", "type": "report", "title": "Long but fine",
              "abstract": "word " * 20_000}]
    statement = SMALL.replace("opening: Restraint.[@a]",
                              "opening: Restraint.[@a; @ok; @big; @abstract]")
    root = make(tmp_path, {"s": statement + "citations:\n  libraries: [lib.json]\n"})
    (root / "content/s/lib.json").write_text(json.dumps(items, indent=1))
    started = time.monotonic()
    doc, problems = load(root / "content/s/statement.yaml", find_workspace(root))
    assert time.monotonic() - started < 5
    assert doc is None
    assert "content/s/lib.json:11:3: error: source 'big': 'title' is 1,000,000 characters " \
        "long; the limit is 2,000" in [str(p) for p in problems]
    assert not any("'abstract'" in p.message for p in problems)


def test_problems_in_a_large_statement_are_located_from_an_index_built_once():
    """Ten thousand notes citing an unknown source each counted the lines from the start of
    the file again; positions now come from one index of line starts, and agree with counting."""
    from communique.content.load import load_yaml

    class Counted(str):
        """A source text that refuses to be scanned from its start once per problem."""

        def count(self, *args):
            raise AssertionError("the source was scanned again to find a line")

        def rfind(self, *args):
            raise AssertionError("the source was scanned again to find a column")

    text = many_notes(2_000)
    located = load_yaml(Path("statement.yaml"), text=text)
    located.source = Counted(text)
    sections = located.data["sections"]
    for s, section in enumerate(sections):
        body = section["body"]
        offset = body.index("[@a, para. 7]")
        line, column = located.position(("sections", s, "body"), offset=offset)
        absolute = text.index(f"Sentence {s}-7 ") + len(f"Sentence {s}-7 with a note.")
        assert (line, column) == (text.count("\n", 0, absolute) + 1,
                                  absolute - text.rfind("\n", 0, absolute))
