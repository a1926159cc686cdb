"""What the build may read from disk: files inside the workspace, never beyond it.

Content and translations come from many hands, and a PDF goes to governments: a path that reaches
``/etc/passwd`` or ``~/.ssh`` through ``../``, an absolute path, a ``file:`` URL or a symlink
must never be read, let alone embedded. The PDF fetcher and workspace assets (a logo, a font)
both go through :func:`contained`, so there is one rule for "inside".
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

MAX_ASSET_BYTES = 50 * 1024 * 1024  # the largest image or font a PDF may embed


class Refused(Exception):
    """A path or file the build will not read; the message says why, for the user."""


def contained(path: Path, roots: list[Path], name: str | None = None) -> Path:
    """``path`` with every symlink resolved, if it lies inside one of ``roots``; else Refused.

    Hidden files and folders (``.git``, ``.env``, ``.venv``) inside a root are refused too:
    they hold history and secrets, never publishable assets. ``name`` is what messages call the
    path (as the user wrote it: "library 'x.json'"); by default the path itself, quoted.
    """
    shown = f"'{path}'" if name is None else name
    try:
        real = Path(path).resolve()
    except (OSError, RuntimeError, ValueError) as exc:  # symlink loops, NUL bytes
        raise Refused(f"cannot resolve {shown}: {exc}") from None
    refusal = f"{shown} is outside the workspace"
    if real != Path(os.path.normpath(Path(path).absolute())):  # a symlink, not just '..'
        refusal += f" (it leads to '{real}')"
    for root in roots:
        root = root.resolve()
        if real.is_relative_to(root):
            hidden = [part for part in real.relative_to(root).parts if part.startswith(".")]
            if not hidden:
                return real
            refusal = f"{shown} is in a hidden file or folder ('{hidden[0]}')"
    raise Refused(refusal)


def read_file(path: Path, limit: int = MAX_ASSET_BYTES, name: str | None = None) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes.

    Devices, FIFOs and ``/proc``-style files that never end are refused before they are read:
    the file is opened without blocking, checked on the open descriptor (no race with a swap),
    and read no further than the limit. ``name`` is what messages call the file.
    """
    shown = f"'{path}'" if name is None else name
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise Refused(f"cannot read {shown}: {exc.strerror}") from None
    with os.fdopen(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise Refused(f"{shown} is not a regular file")
        data = f.read(limit + 1)
    if len(data) > limit:
        raise Refused(f"{shown} is larger than {limit:,} bytes")
    return data


def resolve_asset(root: Path, value: str) -> Path:
    """A workspace-relative asset path (``assets/logo.svg``) as a real file inside ``root``.

    URLs, absolute paths, ``..`` steps and symlinks that leave the workspace are refused, so a
    settings file or template copied from elsewhere cannot make the build embed a private file.
    """
    text = value.strip()
    if not text:
        raise Refused("the path is empty")
    if "\0" in text or any(ord(ch) < 32 for ch in text):
        raise Refused(f"'{value}' contains control characters")
    scheme = urlsplit(text).scheme
    if len(scheme) > 1:  # "C:" is a drive, not a scheme
        raise Refused(f"'{value}' is a URL: give a path inside the workspace, such as assets/logo.svg")
    posix = PurePosixPath(text.replace("\\", "/"))
    if posix.is_absolute() or scheme:
        raise Refused(f"'{value}' is an absolute path: give a path relative to the workspace")
    if ".." in posix.parts:
        raise Refused(f"'{value}' steps out with '..': give a path inside the workspace")
    path = contained(root / Path(*posix.parts), [root])
    if not path.exists():
        raise Refused(f"'{value}' does not exist")
    if not path.is_file():
        raise Refused(f"'{value}' is not a file")
    size = path.stat().st_size
    if size > MAX_ASSET_BYTES:  # the PDF's fetcher would refuse it, and say so nowhere near here
        raise Refused(f"'{value}' is {size:,} bytes; an image or font may be at most "
                      f"{MAX_ASSET_BYTES:,} bytes ({MAX_ASSET_BYTES // 2 ** 20} MB)")
    return path


def output_folder(root: Path, folder: Path | None = None) -> Path:
    """``folder`` (by default the workspace's ``build/``), made if missing, once it is certain
    that what is written there stays inside the workspace's ``build/``: the one rule for where
    communique writes outputs.

    A workspace cloned or unpacked from elsewhere may carry ``build/`` (or a folder in it) as a
    symlink to a folder outside; writing through it would replace that folder's files and
    delete its temporaries. ``build/`` must resolve inside the workspace, ``folder`` inside
    ``build/``, and both must be writable; else Refused, saying which and why.
    """
    root = Path(root).resolve()
    build = root / "build"
    folder = build if folder is None else Path(folder)
    for step in (build, folder):
        try:
            real = step.resolve()
        except (OSError, RuntimeError) as exc:
            raise Refused(f"cannot resolve '{step}': {exc}") from None
        inside = real.is_relative_to(root if step == build else build.resolve())
        if not inside or (step == build and real == root):
            where = "the workspace" if step == build else "build/"
            raise Refused(f"'{_shown(step, root)}' leads outside {where} (to '{real}'): outputs "
                          "are only written inside the workspace's build/ folder; remove the "
                          "link (a real folder is made in its place)")
        if step.exists() and not step.is_dir():
            raise Refused(f"'{_shown(step, root)}' is not a folder")
        try:
            step.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise Refused(f"cannot make the folder '{_shown(step, root)}': "
                          f"{exc.strerror}") from None
    if folder != build:
        return folder  # a failed write there costs only its edition, which reports it
    try:  # the only sure test: root ignores permission bits, not a read-only mount or chattr +i
        fd, probe = tempfile.mkstemp(prefix=".communique-probe.", suffix=".tmp", dir=folder)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise Refused(f"cannot write in '{_shown(folder, root)}': {exc.strerror}") from None
    return folder


def _shown(path: Path, root: Path) -> str:
    try:
        return Path(os.path.normpath(path)).relative_to(root).as_posix()
    except ValueError:
        return str(path)
