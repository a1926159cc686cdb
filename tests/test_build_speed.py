"""Parallel builds: editions spread over worker processes give the same output, and a worker
that dies takes only its own edition with it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from communique.cli import main

STATEMENT = """\
type: public-statement
lang: en
date: 2020-09-29
title: Statement {n}
opening: The organisation calls for restraint, number {n}.[@src-a]
sources:
  src-a:
    url: https://example.org/a
"""


def _build(*args: str) -> tuple[int, dict, str]:
    result = CliRunner().invoke(main, ["build", "--json", *args])
    return result.exit_code, json.loads(result.stdout), result.stderr


@pytest.mark.slow
def test_a_parallel_build_gives_what_a_serial_one_gives(workspace):
    root = workspace({f"s{n}": STATEMENT.format(n=n) for n in range(4)})
    code, serial, _ = _build("-j", "1")
    assert code == 0
    pages = {root / e["html"]: (root / e["html"]).read_bytes() for e in serial["editions"]}
    code, parallel, stderr = _build("-j", "2", "--force")
    assert code == 0, stderr
    assert [(e["statement"], e["pages"], e["notes"]) for e in parallel["editions"]] == \
        [(e["statement"], e["pages"], e["notes"]) for e in serial["editions"]]
    assert all(e["rebuilt"] for e in parallel["editions"])
    for path, html in pages.items():
        assert path.read_bytes() == html
    for e in parallel["editions"]:
        assert (root / e["pdf"]).read_bytes().startswith(b"%PDF-")


class _Dies:
    """A print request that kills the press reading it: what a segfault in a C library does."""

    def __reduce__(self):
        return os._exit, (9,)


def _steps(request):
    """Edition steps in miniature: yield one request, return what came back (or the error)."""
    from communique.presses import AWAIT

    yield request
    try:
        printout = yield AWAIT
    except Exception as exc:
        return f"failed: {type(exc).__name__}"
    return printout.printed.pages


def _finish(outcome, opened, seconds):
    return outcome


def _crashed(job, exc):
    return f"crashed: {type(exc).__name__}"


def _request(title: str):
    from communique.render.pdf import PrintRequest

    html = f"<!doctype html><html lang=en><title>{title}</title><p>{title}</p></html>"
    return PrintRequest(html, Path.cwd(), [Path.cwd()])


@pytest.mark.slow
def test_a_press_that_dies_takes_only_its_own_edition(tmp_path, monkeypatch):
    from communique import presses
    from communique.render.pdf import press_print

    monkeypatch.chdir(tmp_path)
    jobs = [_request("one"), _Dies(), _request("three"), _request("four")]
    results = list(presses.run(_steps, jobs, 2, print_here=press_print, crashed=_crashed,
                               finish=_finish))
    assert sorted(map(str, results)) == ["1", "1", "1", "crashed: PressDied"]
    # the edition was tried twice, each time in a new press; the pool is whole again
    assert len(presses._idle) >= 2 and all(p.returncode is None for p in presses._idle)
    presses.stop_all()


@pytest.mark.slow
def test_an_error_raised_in_a_press_fails_the_edition_not_the_press(tmp_path, monkeypatch):
    from communique import presses
    from communique.render.pdf import PrintRequest, press_print

    monkeypatch.chdir(tmp_path)
    bad = PrintRequest("<p>x</p>", tmp_path, [tmp_path], attachments=[object()])  # raises
    jobs = [bad, _request("two"), _request("three")]
    results = sorted(map(str, presses.run(_steps, jobs, 2, print_here=press_print,
                                          crashed=_crashed, finish=_finish)))
    assert results == ["1", "1", "failed: TypeError"]
    presses.stop_all()


def test_one_job_or_one_worker_runs_in_this_process():
    from communique import presses

    def steps(job):
        from communique.presses import AWAIT

        yield job
        assert (yield AWAIT) == job
        return os.getpid()

    assert not presses.warming()
    got = list(presses.run(steps, [1, 2], 1, print_here=lambda r: r, crashed=_crashed,
                           finish=_finish))
    assert got == [os.getpid()] * 2
    got = list(presses.run(steps, [1], 4, print_here=lambda r: r, crashed=_crashed,
                           finish=_finish))
    assert got == [os.getpid()]
    assert not presses.warming()  # no press was started for them
    assert presses.default_jobs() >= 1


def test_the_jobs_option_is_read_before_the_command_line_is():
    from communique.presses import _jobs

    assert _jobs(["-j", "3"]) == 3 and _jobs(["-j1"]) == 1 and _jobs(["--jobs=2"]) == 2
    assert _jobs(["--jobs", "1", "content/x"]) == 1 and _jobs(["content/x"]) is None
    assert _jobs(["-j", "x"]) is None


@pytest.mark.slow
def test_a_single_edition_built_with_a_press_is_the_one_built_here(workspace):
    """``communique build`` prints a lone edition in the press it forks at start; the files
    are byte for byte those of a build done entirely in one process (-j 1)."""
    root = workspace({"one": STATEMENT.format(n=1)})
    command = [sys.executable, "-m", "communique", "build", "--force", "-q"]
    outputs = []
    for jobs in ("1", "2"):
        done = subprocess.run([*command, "-j", jobs], cwd=root, capture_output=True, text=True,
                              timeout=120)
        assert done.returncode == 0, done.stderr
        outputs.append({p.name: p.read_bytes() for p in (root / "build" / "one" / "en").iterdir()})
    assert outputs[0] == outputs[1]
    assert set(outputs[0]) >= {"index.html", "one-en.pdf", "one-en.png"}


def test_weasyprint_libraries_are_found_as_ctypes_finds_them():
    import ctypes.util

    from communique.render import native

    if not native.usable():
        pytest.skip("the quick lookup is not used on this system")
    names = ["gobject-2.0-0", "gobject-2.0", "libgobject-2.0.so.0", "pango-1.0", "harfbuzz",
             "harfbuzz-subset", "harfbuzz-vector", "fontconfig-1", "fontconfig", "pangoft2-1.0",
             "c", "no-such-library"]
    assert [native.find_library(n) for n in names] == [ctypes.util.find_library(n)
                                                          for n in names]


def test_help_and_version_stay_light():
    script = ("import sys\nfrom click.testing import CliRunner\nfrom communique.cli import main\n"
              "assert CliRunner().invoke(main, ['--help']).exit_code == 0\n"
              "assert CliRunner().invoke(main, ['build', '--help']).exit_code == 0\n"
              "print(sorted(m for m in ('weasyprint', 'pydantic', 'jinja2', 'rich') "
              "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         timeout=60, cwd=Path(__file__).parent)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


@pytest.mark.slow
def test_a_press_sees_its_connection_close_though_another_was_forked_after_it():
    """Each forked press must not keep the connections of the presses forked before it, or
    closing those would never end them (a build would wait for ever at exit)."""
    import time

    from communique.presses import Press

    first, second = Press.fork(), Press.fork()
    try:
        first.sock.close()
        deadline = time.monotonic() + 30
        while os.waitpid(first.pid, os.WNOHANG) == (0, 0):
            assert time.monotonic() < deadline, "the first press did not end"
            time.sleep(0.05)
        first.returncode = 0
    finally:
        first.close(kill=True)
        second.close(kill=True)


def _drops(request):
    """Steps that ask for a print, then fail before they need it (a web page that errors)."""
    yield request
    return "dropped"


@pytest.mark.slow
def test_steps_that_end_before_their_print_leave_the_presses_usable(tmp_path, monkeypatch):
    from communique import presses
    from communique.render.pdf import press_print

    monkeypatch.chdir(tmp_path)

    def steps(job):
        return _drops(job[1]) if job[0] == "drop" else _steps(job[1])

    jobs = [("drop", _request("one")), ("keep", _request("two")), ("drop", _request("three")),
            ("keep", _request("four"))]
    results = sorted(map(str, presses.run(steps, jobs, 2, print_here=press_print,
                                          crashed=_crashed, finish=_finish)))
    assert results == ["1", "1", "dropped", "dropped"]
    assert len(presses._idle) == 2 and all(p.returncode is None for p in presses._idle)
    presses.stop_all()
