"""The content example in the README is valid: what users copy must work."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from communique.cli import main

README = Path(__file__).resolve().parent.parent / "README.md"


def test_readme_yaml_example_checks_clean(workspace):
    blocks = re.findall(r"```yaml\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    example = next(b for b in blocks if b.startswith("type:"))
    workspace({"readme": example})
    result = CliRunner().invoke(main, ["check"])
    assert result.exit_code == 0, result.stderr
    assert ": error:" not in result.stderr and ": warning:" not in result.stderr, result.stderr
