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

from communique import workers
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


def _dies_on_two(n: int) -> int:
    if n == 2:
        os._exit(9)  # what a segfault in a C library looks like to the pool
    return n * 10


def _crashed(n: int, exc: BaseException) -> int:
    return -n


@pytest.mark.slow
def test_a_worker_that_dies_takes_only_its_own_job():
    results = sorted(workers.run(_dies_on_two, range(5), 2, crashed=_crashed))
    assert results == [-2, 0, 10, 30, 40]


def test_one_job_or_one_worker_runs_in_this_process():
    pids = list(workers.run(lambda _: os.getpid(), [1, 2], 1, crashed=_crashed))
    assert pids == [os.getpid()] * 2
    assert list(workers.run(lambda _: os.getpid(), [1], 4, crashed=_crashed)) == [os.getpid()]
    assert workers.default_jobs() >= 1


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
