"""Importing WeasyPrint without a subprocess for every library name it tries.

WeasyPrint loads Pango, HarfBuzz and fontconfig through cffi, trying several names for each
library (the Windows, macOS and Linux spellings). cffi hands every name that is not a file to
``ctypes.util.find_library``, which on Linux starts ``ldconfig -p`` and then ``gcc`` and ``ld``
for each one: about fifty processes and a fifth of a second on every import. The lookup here
reads ``ldconfig -p`` once and answers with the same pattern; the names it does not find are
then tried by WeasyPrint as before, so the libraries loaded are the same. Where the linker is
told about other folders (``LD_LIBRARY_PATH``, ``LIBRARY_PATH``), or on other systems, the
standard lookup is left alone.
"""

from __future__ import annotations

import functools
import os
import re
import struct
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

# ctypes.util's names for the C library's ABI in ``ldconfig -p`` (other machines: "libc6")
_ABI = {"x86_64-64": "libc6,x86-64", "ppc64-64": "libc6,64bit", "sparc64-64": "libc6,64bit",
        "s390x-64": "libc6,64bit", "ia64-64": "libc6,IA-64"}


@functools.cache
def _ldconfig() -> bytes | None:
    """The system's library cache as ``ldconfig -p`` lists it (None when it cannot be read)."""
    try:
        return subprocess.run(["/sbin/ldconfig", "-p"], stdin=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              env={"LC_ALL": "C", "LANG": "C"}, check=False, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return None


def find_library(name: str) -> str | None:
    """The file name of library ``name`` in the system's cache, as ctypes finds it there."""
    bits = "-32" if struct.calcsize("l") == 4 else "-64"
    abi = _ABI.get(os.uname().machine + bits, "libc6")
    found = re.search(os.fsencode(rf"\s+(lib{re.escape(name)}\.[^\s]+)\s+\({abi}"),
                      _ldconfig() or b"")
    return os.fsdecode(found.group(1)) if found else None


def usable() -> bool:
    return (sys.platform.startswith("linux") and not os.environ.get("LD_LIBRARY_PATH")
            and not os.environ.get("LIBRARY_PATH") and bool(_ldconfig()))


@contextmanager
def quick_lookup() -> Iterator[None]:
    """Inside the block, ``ctypes.util.find_library`` reads the library cache read once."""
    import ctypes.util

    if not usable():
        yield
        return
    standard = ctypes.util.find_library
    ctypes.util.find_library = find_library
    try:
        yield
    finally:
        ctypes.util.find_library = standard


def import_weasyprint() -> None:
    """Import WeasyPrint (once), its libraries found with the quick lookup; should that fail
    on an unusual system, the import is tried again with the standard one. The faster footnote
    area (:mod:`communique.render.footnotes`) is put in place for the whole process."""
    if "weasyprint" not in sys.modules:
        _import()
    from communique.render import footnotes

    footnotes.ensure()


def _import() -> None:
    try:
        with quick_lookup():
            import weasyprint
    except OSError:
        for module in [m for m in sys.modules if m == "weasyprint" or m.startswith("weasyprint.")]:
            del sys.modules[module]
        import weasyprint  # noqa: F401
