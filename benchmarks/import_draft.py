"""How long ``communique import`` takes on the reference draft, as a whole process.

    .venv/bin/python benchmarks/import_draft.py [--runs 5]

The reference draft is made from the seed statement in ../shared/seeds/ by tests/docx_drafts.py
(its text and its 11 footnotes); each run imports it afresh (``--force``) in a temporary
workspace, wall time around the process. The goal is under 2 s (the median).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOAL = 2.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    sys.path.insert(0, str(ROOT / "tests"))
    from docx_drafts import seed_draft, write_docx

    with tempfile.TemporaryDirectory() as tmp:
        ws = Path(tmp)
        (ws / "content").mkdir()
        (ws / "communique.toml").write_text('[organisation]\nname = "Amnesty International"\n')
        write_docx(seed_draft(), ws / "seed.docx")
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            subprocess.run([sys.executable, "-m", "communique", "import", "seed.docx", "--force"],
                           cwd=ws, check=True, capture_output=True)
            times.append(time.perf_counter() - started)
    median = statistics.median(times)
    verdict = "meets" if median < GOAL else "MISSES"
    print(f"communique import, reference draft: median {median:.2f} s of {runs} runs "
          f"(min {min(times):.2f} s, max {max(times):.2f} s); {verdict} the {GOAL:.0f} s goal")
    return 0 if median < GOAL else 1


if __name__ == "__main__":
    raise SystemExit(main())
