"""Full-text search that works on a static host and offline: a Pagefind index of every
statement page, split by the pages' language (``<html lang>``), so that the search page of a
language finds the statements in that language.

Pagefind (the ``pagefind`` package, with its binary from ``pagefind-bin``) indexes the web
pages as they were written and writes a bundle of small files that the search page's script
fetches as it needs them: no server, no network. It is written into a hidden folder of
``build/`` first, then each file is renamed into ``build/pagefind/``, so a failed or killed run
leaves the previous index whole.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

from communique.errors import Problem
from communique.site import SEARCH_FOLDER, Entry

if TYPE_CHECKING:
    from communique.workspace import Workspace


def write_search(workspace: Workspace,
                 listed: list[Entry]) -> tuple[list[str] | None, list[Problem]]:
    """Index the web pages of ``listed``; return the bundle's files (relative to build/), or
    None when no index could be made (the previous one stays), and the problems."""
    from communique.sandbox import Refused, output_folder

    build = workspace.build_dir
    pages = []
    for entry in listed:
        path = build / entry.outputs["web"]
        try:
            pages.append((entry.folder + "index.html", path.read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError):
            continue
    if not pages:
        return [], []
    staging = build / f".{SEARCH_FOLDER}.{os.getpid()}.tmp"
    try:
        target = output_folder(workspace.root, build / SEARCH_FOLDER)
        shutil.rmtree(staging, ignore_errors=True)
        _run_apart(lambda: asyncio.run(_index(pages, staging)))
        names = _move(staging, target)
    except (Refused, OSError, RuntimeError, AssertionError, FileNotFoundError) as exc:
        detail = " ".join(str(exc).split()) or type(exc).__name__
        return None, [Problem(workspace.display(build / SEARCH_FOLDER), 0, 0,
                              f"the search index was not made ({detail}); the previous one, "
                              "if any, is left as it was", "warning")]
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return [f"{SEARCH_FOLDER}/{name}" for name in names], []


def _run_apart(run: Callable[[], None]) -> None:
    """``run()`` here, or in a thread of its own when this thread already runs an event loop
    (a program embedding communique, a browser test driving playwright): asyncio.run refuses
    to start a loop inside another."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        run()
        return
    with ThreadPoolExecutor(1, thread_name_prefix="communique-search") as pool:
        pool.submit(run).result()


async def _index(pages: list[tuple[str, str]], output: Path) -> None:
    from pagefind.index import PagefindIndex

    # Written when the block ends, to ``output_path`` only (without one, Pagefind would write
    # to a "pagefind" folder of the current directory, wherever that is).
    config = {"keep_index_url": True, "output_path": str(output)}
    async with PagefindIndex(config=config) as index:  # type: ignore[arg-type]
        for url, html in pages:
            await index.add_html_file(content=html, url="/" + url)


def _move(staging: Path, target: Path) -> list[str]:
    """Rename every file of ``staging`` into ``target``: the fragments and index chunks (named
    by their content) first, the entry files that point at them last."""
    names = sorted(p.relative_to(staging).as_posix() for p in staging.rglob("*") if p.is_file())
    last = ("pagefind-entry.json", "pagefind.js")
    for name in sorted(names, key=lambda n: n in last):
        destination = target / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staging / name, destination)
    return names
