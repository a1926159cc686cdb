"""Presses: worker processes that print PDFs while this process prepares the next edition.

WeasyPrint takes about half a second to import and a few tenths of a second per short
document, all of it in Python holding the GIL, so threads would not help; processes do. An
edition is built in three steps (:func:`communique.build.edition.edition_steps`): this process reads
the statement and renders its HTML, a *press* prints the PDF and draws its first page, and
this process checks the PDF and writes the files. While a press prints, this process prepares
the next edition, so with two cores a single edition costs little more than WeasyPrint alone:
the first press is forked when ``communique build`` starts (:func:`start_early`), before
anything heavy is imported here, and imports WeasyPrint while this process reads the content.

Presses are forked from this process while it has not imported WeasyPrint and runs no other
thread (forking a process that used Pango or fontconfig has crashed WeasyPrint before);
otherwise they are started as fresh interpreters (``python -m communique.presses FD``). They
are kept for the next build of the same process (the preview server's) and stopped at exit.

A press that dies (a crash inside a C library, the out-of-memory killer) costs only its
edition: the edition is tried once more in a new press, and reported as failed if that dies too.

No statement can hold a build hostage: a print request may carry a time budget (seconds) and a
memory budget. A press past its time is killed and its edition fails with :class:`OverBudget`
while the others go on; a press cannot allocate past its memory budget. A press never outlives
the process that started it: it watches its parent and ends as soon as that is gone, even when
the parent was killed with SIGKILL in the middle of a long print.
"""

from __future__ import annotations

import atexit
import os
import pickle
import select
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

HEADER = struct.Struct("!Q")

Steps = Generator[Any, Any, Any]  # yields print requests, receives printouts, returns an outcome


class PressDied(Exception):
    """The press's process ended (or its connection broke) before it answered."""


class OverBudget(Exception):
    """A print took longer, or more memory, than its budget allows; the message says which."""


def budget_of(request: object) -> tuple[float | None, int | None]:
    """The time (seconds) and memory (megabytes) a print request may take; None: no limit."""
    return getattr(request, "budget_seconds", None), getattr(request, "budget_memory_mb", None)


def over_time(seconds: float) -> OverBudget:
    return OverBudget(f"printing took longer than its budget of {seconds:g} s and was stopped "
                      "(a statement this large needs splitting, or a larger "
                      "[budget] edition_seconds in communique.toml)")


def default_jobs() -> int:
    """The number of cores this process may use (a container may allow fewer than it has)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


# -- the connection: length-prefixed pickles over a socket pair between our own processes ------

def _send(sock: socket.socket, message: object) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    sock.sendall(HEADER.pack(len(data)))
    sock.sendall(data)


def _receive_exactly(sock: socket.socket, size: int) -> bytes:
    buffer = bytearray(size)
    view, got = memoryview(buffer), 0
    while got < size:
        n = sock.recv_into(view[got:])
        if n == 0:
            raise EOFError
        got += n
    return bytes(buffer)


def _receive(sock: socket.socket) -> Any:
    (size,) = HEADER.unpack(_receive_exactly(sock, HEADER.size))
    return pickle.loads(_receive_exactly(sock, size))


# -- a press, seen from this process ---------------------------------------------------------

_open: set[Press] = set()  # every press whose connection is open in this process


class Press:
    """One press process and the connection to it."""

    def __init__(self, sock: socket.socket, pid: int, process: subprocess.Popen | None = None):
        self.sock, self.pid, self.process = sock, pid, process
        self.used = False  # has printed something (an unused press may still be importing)
        self.returncode: int | None = None  # once it has ended
        _open.add(self)

    @classmethod
    def start(cls) -> Press:
        """A new press: forked when that is safe here, else a fresh interpreter."""
        return cls.fork() if can_fork() else cls.spawn()

    @classmethod
    def fork(cls) -> Press:
        ours, theirs = socket.socketpair()
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:  # the press: never returns into the caller's code
            try:
                ours.close()
                for other in list(_open):  # or those presses would never see their end
                    fd = other.sock.detach()
                    if fd >= 0:
                        os.close(fd)
                serve(theirs, parent)
            finally:
                os._exit(0)
        theirs.close()
        return cls(ours, pid)

    @classmethod
    def spawn(cls) -> Press:
        ours, theirs = socket.socketpair()
        process = subprocess.Popen([sys.executable, "-m", "communique.presses",
                                    str(theirs.fileno()), str(os.getpid())],
                                   pass_fds=(theirs.fileno(),),
                                   stdin=subprocess.DEVNULL, close_fds=True)
        theirs.close()
        return cls(ours, process.pid, process)

    def fileno(self) -> int:
        return self.sock.fileno()

    def send(self, request: object) -> None:
        try:
            _send(self.sock, request)
        except OSError as exc:
            raise PressDied(f"the press stopped ({exc})") from None
        self.used = True

    def receive(self) -> Any:
        """The answer to the last request; PressDied if the press is gone."""
        try:
            kind, value = _receive(self.sock)
        except (EOFError, OSError, pickle.UnpicklingError) as exc:
            raise PressDied(self._death(exc)) from None
        if kind == "error":
            raise value
        return value

    def _death(self, exc: BaseException) -> str:
        self.close(kill=True)
        code = self.returncode
        if code is not None and code < 0:
            try:
                return f"the worker process was killed by {signal.Signals(-code).name}"
            except ValueError:
                pass
        return f"the worker process ended unexpectedly (exit status {code})"

    def close(self, kill: bool = False) -> None:
        """Stop the press: it ends when its connection closes; ``kill`` does not wait for that
        (a press that never printed may still be importing WeasyPrint)."""
        if self.sock.fileno() != -1:
            self.sock.close()
        _open.discard(self)
        if self.returncode is not None:
            return
        if kill:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        try:
            if self.process is not None:
                self.returncode = self.process.wait()
            else:
                _, status = os.waitpid(self.pid, 0)
                self.returncode = os.waitstatus_to_exitcode(status)
        except ChildProcessError:
            self.returncode = 0


# -- inside a press ----------------------------------------------------------------------------

def serve(sock: socket.socket, parent: int | None = None) -> None:
    """A press's life: import WeasyPrint once, then print every request until the connection
    closes. Ctrl-C is left to the process that started it (it closes the connection); if that
    process is gone (``parent``), the press ends at once, even in the middle of a print."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if parent is not None:
        threading.Thread(target=_watch, args=(parent,), name="parent-watch", daemon=True).start()
    from communique.cache import recording
    from communique.render.native import import_weasyprint
    from communique.render.pdf import press_print

    import_weasyprint()  # now, while the first request is being prepared
    import pypdfium2  # noqa: F401 -- for the first-page picture

    while True:
        try:
            request = _receive(sock)
        except (EOFError, OSError):
            return
        memory = budget_of(request)[1]
        try:
            _limit_memory(memory)
            with recording() as read:
                printout = press_print(request)
            answer: tuple[str, object] = ("ok", (printout, sorted(read)))
        except MemoryError:
            answer = ("error", OverBudget(f"printing needed more memory than its budget of "
                                          f"{memory} MB ([budget] edition_memory_mb in "
                                          "communique.toml)" if memory else
                                          "printing ran out of memory"))
        except Exception as exc:
            answer = ("error", exc)
        finally:
            _limit_memory(None)
        try:
            try:
                _send(sock, answer)
            except (pickle.PicklingError, TypeError, AttributeError):
                _send(sock, ("error", RuntimeError(f"{type(answer[1]).__name__}: {answer[1]}")))
        except OSError:
            return


def _watch(parent: int) -> None:
    """End this press as soon as the process that started it is gone (killed, even with
    SIGKILL, which leaves it no chance to close the connection): its parent changes."""
    while os.getppid() == parent:
        time.sleep(0.2)
    os._exit(1)


_usual_limit: list[int] = []  # the data limit this process started with, restored after a print


def _limit_memory(megabytes: int | None) -> None:
    """Let this process's data (heap and private mappings) grow to at most ``megabytes`` (None:
    the limit it started with), where the system allows it: past the limit, allocations fail
    (MemoryError)."""
    try:
        import resource
    except ImportError:  # not a POSIX system
        return
    kind = getattr(resource, "RLIMIT_DATA", None)
    if kind is None:
        return
    current, hard = resource.getrlimit(kind)
    if not _usual_limit:
        _usual_limit.append(current)
    soft = _usual_limit[0]
    if megabytes is not None:
        soft = megabytes * 1024 * 1024
        if _usual_limit[0] != resource.RLIM_INFINITY:
            soft = min(soft, _usual_limit[0])
    try:
        resource.setrlimit(kind, (soft, hard))
    except (ValueError, OSError):
        pass


# -- the presses of this process --------------------------------------------------------------

_idle: list[Press] = []  # started and not printing: kept for the next build in this process


def can_fork() -> bool:
    """Whether a press may be forked from this process: Linux, WeasyPrint not imported here
    (nothing rendered), and no other thread that could hold a lock at the moment of the fork."""
    return (sys.platform.startswith("linux") and "weasyprint" not in sys.modules
            and threading.active_count() == 1)


def available() -> bool:
    return hasattr(socket, "socketpair") and os.name == "posix"


def start_early(argv: list[str]) -> None:
    """Fork the first press at once when the command line asks for a build with more than one
    job (the default on a machine with several cores): it imports WeasyPrint while this process
    imports the rest and reads the content."""
    args = argv[1:]
    if not args or args[0] != "build" or not available() or not can_fork():
        return
    if any(a in ("-h", "--help") for a in args) or _jobs(args[1:]) == 1:
        return
    if _jobs(args[1:]) is None and default_jobs() == 1:
        return
    _idle.append(Press.fork())


def _jobs(args: list[str]) -> int | None:
    """The value of ``-j``/``--jobs`` in ``args`` (None when absent or unreadable)."""
    for i, arg in enumerate(args):
        value = None
        if arg in ("-j", "--jobs") and i + 1 < len(args):
            value = args[i + 1]
        elif arg.startswith("--jobs="):
            value = arg.split("=", 1)[1]
        elif arg.startswith("-j") and len(arg) > 2:
            value = arg[2:]
        if value is not None:
            return int(value) if value.isdigit() else None
    return None


def warm(count: int) -> None:
    """Have ``count`` presses started (they import WeasyPrint in the background)."""
    if not available():
        return
    while len(_idle) < count:
        _idle.append(Press.start())


def warming() -> bool:
    """Whether a press is started and waiting for work."""
    return bool(_idle)


def _take(count: int) -> list[Press]:
    warm(count)
    taken = _idle[:count]
    del _idle[:count]
    return taken


@atexit.register
def stop_all() -> None:
    """Stop the idle presses (those that never printed are killed: they may be importing)."""
    while _idle:
        press = _idle.pop()
        press.close(kill=not press.used)


# -- running steps ---------------------------------------------------------------------------

class Await:
    """What edition steps yield when they need the printout of the request they yielded."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "AWAIT"


AWAIT = Await()


def run(steps: Callable[[Any], Steps], jobs: Iterable[Any], workers: int,
        print_here: Callable[[Any], Any], crashed: Callable[[Any, BaseException], Any],
        finish: Callable[[Any, set[str], float], Any],
        while_waiting: Callable[[], None] | None = None) -> Iterator[Any]:
    """Yield the outcome of every job, in the order they finish.

    ``steps(job)`` is a generator: it yields its edition's print request (and is resumed at
    once, so that it can go on with other work while the PDF is printed), then yields
    :data:`AWAIT` and receives the printout (or the print's error, raised inside it), and
    returns the outcome; an edition with nothing to print just returns. ``print_here`` prints a
    request in this process. With one worker, or a single job and no press already waiting,
    everything happens here. ``crashed(job, exc)`` is the outcome of a job whose press died
    twice; ``finish(outcome, opened, seconds)`` completes an outcome with the files its steps
    read here and its working time. ``while_waiting`` is called once, the first time this
    process waits for a press (to import what checking a PDF needs, for instance).
    """
    jobs = list(jobs)
    if not jobs:
        return
    if workers <= 1 or not available() or (len(jobs) == 1 and not warming()):
        for job in jobs:
            yield _in_process(steps(job), print_here, finish)
        return
    yield from _Scheduler(steps, jobs, min(workers, len(jobs)), crashed, finish,
                          while_waiting).run()


def _advance(gen: Steps, value: object, opened: set[str],
             error: BaseException | None = None) -> tuple[bool, object]:
    """Run ``gen`` to what it yields next (False, request or AWAIT) or its end (True, outcome),
    noting the files it reads; ``error`` (a print that failed) is raised inside it."""
    from communique.cache import recording

    with recording() as read:
        try:
            request = gen.throw(error) if error is not None else gen.send(value)
        except StopIteration as stop:
            return True, stop.value
        finally:
            opened |= read
    return False, request


def _in_process(gen: Steps, print_here, finish) -> object:
    from communique.cache import recording

    opened: set[str] = set()
    started = time.perf_counter()
    printed: tuple[object, BaseException | None] = (None, None)
    done, value = _advance(gen, None, opened)
    while not done:
        if isinstance(value, Await):
            done, value = _advance(gen, printed[0], opened, printed[1])
            continue
        try:
            with recording() as read, _alarm(budget_of(value)[0]):
                printed = (print_here(value), None)
            opened |= read
        except Exception as exc:
            printed = (None, exc)
        done, value = _advance(gen, None, opened)
    return finish(value, opened, time.perf_counter() - started)


@contextmanager
def _alarm(seconds: float | None) -> Iterator[None]:
    """Raise :class:`OverBudget` in this process's main thread after ``seconds`` (a print
    without a press); elsewhere, or without a budget, do nothing."""
    if not seconds or threading.current_thread() is not threading.main_thread() \
            or not hasattr(signal, "setitimer"):
        yield
        return

    def expired(signum, frame):
        raise over_time(seconds)

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class _Job:
    """A job between its steps: its generator, the files read so far and its working time."""

    def __init__(self, job, gen: Steps):
        self.job, self.gen = job, gen
        self.opened: set[str] = set()
        self.seconds = 0.0
        self.request: object = None
        self.attempts = 0
        self.sent = 0.0
        self.dropped = False  # its steps ended without it: the printout is not wanted

    def advance(self, value: object, error: BaseException | None = None) -> tuple[bool, object]:
        started = time.perf_counter()
        try:
            return _advance(self.gen, value, self.opened, error)
        finally:
            self.seconds += time.perf_counter() - started


class _Scheduler:
    """Prepares editions here, one ahead of the presses, and keeps every press busy."""

    def __init__(self, steps, jobs: list, workers: int, crashed, finish, while_waiting=None):
        self.steps, self.crashed, self.finish = steps, crashed, finish
        self.while_waiting = while_waiting
        self.todo = deque(jobs)
        self.workers = workers
        self.ready: deque[_Job] = deque()  # requests waiting for a press
        self.busy: dict[Press, _Job] = {}
        self.free: list[Press] = []
        self.done: deque[object] = deque()  # outcomes not yet handed to the caller

    def run(self) -> Iterator[object]:
        self.free = _take(self.workers)
        try:
            while self.todo or self.ready or self.busy or self.done:
                while self.done:
                    yield self.done.popleft()
                if self.todo and not self.ready:  # prepare the next edition while presses print
                    job = self.todo.popleft()
                    self._step(_Job(job, self.steps(job)), None)
                    self._collect(timeout=0)  # and hand out what a press finished meanwhile
                    self._expire()
                elif self.busy:
                    if self.while_waiting is not None:
                        self.while_waiting()
                        self.while_waiting = None
                    self._collect(timeout=self._until_deadline())
                    self._expire()
        finally:
            for state in [*self.ready, *self.busy.values()]:
                state.gen.close()
            for press in self.busy:  # interrupted mid-print: the press's answer is lost
                press.close(kill=True)
            _idle.extend(p for p in self.free if p.returncode is None)

    def _step(self, state: _Job, value: object, error: BaseException | None = None) -> None:
        """Run a job's steps here: a print request is handed to a press (or queued) and the
        steps go on until they wait for the printout (AWAIT) or end."""
        done, value = state.advance(value, error)
        while not done and not isinstance(value, Await):
            state.request, state.attempts, state.dropped = value, 0, False
            self.ready.append(state)
            self._dispatch()
            done, value = state.advance(None)
        if done:
            state.dropped = True
            if state in self.ready:
                self.ready.remove(state)
            self.done.append(self.finish(value, state.opened, state.seconds))

    def _dispatch(self) -> None:
        while self.free and self.ready:
            press, state = self.free.pop(), self.ready.popleft()
            try:
                state.sent = time.perf_counter()
                press.send(state.request)
                self.busy[press] = state
            except PressDied as exc:
                self._died(press, state, exc)

    def _collect(self, timeout: float | None) -> None:
        if not self.busy:
            return
        readable, _, _ = select.select(list(self.busy), [], [], timeout)
        for press in readable:
            state = self.busy.pop(press)
            printout, read, error = None, (), None
            try:
                printout, read = press.receive()
            except PressDied as exc:
                self._died(press, state, exc)
                continue
            except Exception as exc:
                error = exc
            self.free.append(press)
            if not state.dropped:
                state.opened.update(read)
                state.seconds += time.perf_counter() - state.sent
                self._step(state, printout, error)
        self._dispatch()

    def _until_deadline(self) -> float | None:
        """Seconds until the first print in progress runs out of time (None: no budget)."""
        ends = [state.sent + seconds for state in self.busy.values()
                if (seconds := budget_of(state.request)[0])]
        return max(0.0, min(ends) - time.perf_counter()) if ends else None

    def _expire(self) -> None:
        """Stop every print past its time budget: its press is killed (a new one takes its
        place) and its edition fails; the other editions go on."""
        now = time.perf_counter()
        for press, state in list(self.busy.items()):
            seconds = budget_of(state.request)[0]
            if not seconds or now - state.sent < seconds:
                continue
            del self.busy[press]
            press.close(kill=True)
            self.free.append(Press.start())
            state.seconds += now - state.sent
            if not state.dropped:
                self._step(state, None, over_time(seconds))
        self._dispatch()

    def _died(self, press: Press, state: _Job, exc: PressDied) -> None:
        """A press died: its edition is tried once more in a new press, then reported."""
        press.close(kill=True)
        self.free.append(Press.start())
        state.attempts += 1
        if state.dropped:
            pass
        elif state.attempts < 2:
            self.ready.appendleft(state)
        else:
            state.dropped = True
            state.gen.close()
            self.done.append(self.crashed(state.job, exc))
        self._dispatch()


if __name__ == "__main__":  # a fresh interpreter's press: python -m communique.presses FD PID
    serve(socket.socket(fileno=int(sys.argv[1])), int(sys.argv[2]) if len(sys.argv) > 2 else None)
