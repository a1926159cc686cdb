"""The built-in templates ship in the wheel and work from an installed copy."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_installed_wheel_builds_with_its_own_templates(tmp_path):
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(wheels),
                    str(ROOT)], check=True, capture_output=True)
    wheel = next(wheels.glob("communique-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "communique/templates/public-statement.html.j2" in names
    assert "communique/templates/partials/notes.html.j2" in names

    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target",
                    str(site), str(wheel)], check=True, capture_output=True)
    work = tmp_path / "workspace"
    (work / "content" / "w").mkdir(parents=True)
    (work / "content" / "w" / "statement.yaml").write_text(
        "type: public-statement\nlang: en\ndate: 2020-09-29\ntitle: From a wheel\n"
        "opening: Built from an installed wheel.[@s]\nsources:\n  s: {url: 'https://example.org'}\n")
    env = {**os.environ, "PYTHONPATH": str(site)}
    result = subprocess.run([sys.executable, "-c",
                             "import communique, sys; print(communique.__file__); "
                             "from communique.cli import main; main(['build'])"],
                            cwd=work, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0].startswith(str(site))
    assert (work / "build" / "w" / "en" / "w-en.pdf").read_bytes().startswith(b"%PDF")
    assert "From a wheel" in (work / "build" / "w" / "en" / "index.html").read_text()
