"""Running editions in a pool of worker processes, each with WeasyPrint imported once.

WeasyPrint takes about half a second to import and a few tenths of a second per short
document, all of it in Python holding the GIL: threads would not help, processes do. Workers
come from a *forkserver* that imports communique and WeasyPrint once, so every worker starts
warm without paying the import again, and none of them is forked from a parent that has
rendered anything (forking a process that used Pango/fontconfig has crashed WeasyPrint before).

A worker that dies (a crash inside a C library, the out-of-memory killer) breaks the whole
pool in ``concurrent.futures``; the editions that were still pending are then run again, each
in a fresh process of its own, so one bad edition never takes the others with it.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

Job = TypeVar("Job")
Outcome = TypeVar("Outcome")

# What every worker needs, imported once in the forkserver (a module that fails is skipped).
PRELOAD = ["communique.build", "communique.content", "communique.document",
           "communique.render.html", "communique.render.pdf", "communique.i18n.editions",
           "communique.render.verify", "communique.render.thumbnail",
           "communique.render.archive", "communique.citations.export", "weasyprint"]


def default_jobs() -> int:
    """The number of cores this process may use (a container may allow fewer than it has)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def _context():
    method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    context = multiprocessing.get_context(method)
    if method == "forkserver":
        context.set_forkserver_preload(PRELOAD)
    return context


def _warm() -> None:
    """Pool initializer: let the parent handle Ctrl-C, and have WeasyPrint imported."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    import weasyprint  # noqa: F401 -- already there when the forkserver preloaded it

    import communique.build  # noqa: F401


def ready() -> int:
    """A job that does nothing: submitted to start a pool's workers before they are needed."""
    return os.getpid()


def pool(workers: int) -> ProcessPoolExecutor:
    """A pool of ``workers`` warm processes (they start on the first submitted job)."""
    return ProcessPoolExecutor(max_workers=workers, mp_context=_context(), initializer=_warm)


class Warming:
    """A pool whose workers start in the background while the build is still planning.

    Starting the forkserver (importing WeasyPrint and communique, about a second) then overlaps
    with reading the statements in this process, instead of following it.
    """

    def __init__(self, workers: int):
        self.executor = pool(workers)
        threading.Thread(target=self._start, args=(workers,), daemon=True).start()

    def _start(self, workers: int) -> None:
        try:
            for _ in range(workers):
                self.executor.submit(ready)
        except RuntimeError:  # shut down before it was needed
            pass

    def shutdown(self, used: bool = True) -> None:
        """Stop the workers; an unused pool is not waited for (its forkserver may still be
        importing, and stops by itself when this process is gone)."""
        self.executor.shutdown(wait=used, cancel_futures=True)


def run(function: Callable[[Job], Outcome], jobs: Iterable[Job], workers: int,
        crashed: Callable[[Job, BaseException], Outcome],
        executor: ProcessPoolExecutor | None = None) -> Iterator[Outcome]:
    """Yield ``function(job)`` for every job, in the order they finish.

    With one worker (or one job) everything runs in this process. ``crashed(job, exc)`` turns
    a job whose worker process died into an outcome. ``executor`` may be a pool kept warm
    between calls (the preview server's); otherwise one is made and shut down here.
    """
    jobs = list(jobs)
    if not jobs:
        return
    if executor is None and (workers <= 1 or len(jobs) == 1):
        for job in jobs:
            yield function(job)
        return
    own = executor is None
    executor = executor or pool(min(workers, len(jobs)))
    retry: list[Job] = []
    try:
        futures: dict[Future, Job] = {executor.submit(function, job): job for job in jobs}
        for future in as_completed(futures):
            try:
                yield future.result()
            except BrokenProcessPool:
                retry.append(futures[future])
            except Exception as exc:  # noqa: BLE001 -- e.g. a result that could not be pickled
                yield crashed(futures[future], exc)
    finally:
        if own:
            executor.shutdown(wait=True, cancel_futures=True)
    for job in retry:  # a worker died: run each unfinished job alone, so only the culprit fails
        alone = pool(1)
        try:
            yield alone.submit(function, job).result()
        except BrokenProcessPool as exc:
            yield crashed(job, exc)
        finally:
            alone.shutdown(wait=True, cancel_futures=True)
