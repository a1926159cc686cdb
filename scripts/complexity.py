"""Fail when a function's cyclomatic complexity (radon's measure) is above 20.

ruff's mccabe check (C901) counts a little differently from radon (radon also counts boolean
operators), so both are kept: ruff while editing, this in `make lint`. A function that must be
more complex says why in a comment containing ``complexity:`` on its ``def`` line or the line
above, and is then reported but allowed.
"""

from __future__ import annotations

import sys
from pathlib import Path

from radon.complexity import cc_visit

LIMIT = 20


def main(root: str) -> int:
    failures = 0
    for path in sorted(Path(root).rglob("*.py")):
        lines = path.read_text(encoding="utf-8").splitlines()
        for block in cc_visit("\n".join(lines)):
            if block.complexity <= LIMIT:
                continue
            nearby = " ".join(lines[max(0, block.lineno - 2):block.lineno])
            excused = "complexity:" in nearby
            failures += not excused
            print(f"{path}:{block.lineno}: {block.name} has complexity {block.complexity} "
                  f"(limit {LIMIT}){' — allowed, see the comment there' if excused else ''}")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1] if len(sys.argv) > 1 else "src/communique"))
