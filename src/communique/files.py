"""Writing files so that nothing is ever lost: whole or not at all.

Every file communique writes (outputs, the incremental record, PO files, catalogs, a new
workspace) goes through :func:`write_atomic`. It is the ground floor: it imports nothing of
communique, so every stage can use it.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary file beside ``path`` and rename it into place: never half a file.

    A build killed mid-write leaves only a hidden ``.<name>.<pid>.<random>.tmp``; the next
    write in that folder removes those whose process is gone.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(path.parent)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(folder)  # the rename itself survives a power cut
    finally:
        os.close(folder)


def remove_stale_temporaries(folder: Path) -> None:
    """Delete temporary files left in ``folder`` by builds that were killed before renaming."""
    for tmp in folder.glob(".*.tmp"):
        pid = tmp.name.split(".")[-3] if tmp.name.count(".") >= 4 else ""
        if not pid.isdigit() or _alive(int(pid)):
            continue
        tmp.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's live process
    return True
