"""``communique serve``: a preview of ``build/`` that follows every save.

A save goes through two passes. First the web pages of the statements it touches are rebuilt in
this process, which keeps the content model and the templates loaded: the page in the browser
changes a tenth of a second or so later. Then the full editions (PDF included) are built by
worker processes that were started, with WeasyPrint imported, when the server started, and the
build report is brought up to date.

Pages are served with a small script added on the way out (never to the files in ``build/``):
it listens for changes with Server-Sent Events, reloads the page when its own file changed, and
shows in a bar at the foot of the page the problems of that page's edition (the report: all of
them), with a button that closes it until they change. The server listens on 127.0.0.1
only: a preview is not a publication.
"""

from __future__ import annotations

import http.server
import io
import json
import mimetypes
import os
import re
import selectors
import shutil
import signal
import socket
import stat
import sys
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, quote, unquote, urlsplit

from communique.errors import ContentError, Problem

if TYPE_CHECKING:
    from communique.build import Result

PREFIX = "/__communique__/"
IGNORED_SUFFIXES = (".tmp", ".swp", ".swx", "~", ".part", ".crdownload")

RELOAD_JS = r"""(function () {
  "use strict";
  var me = document.currentScript;
  var since = me.getAttribute("data-version");
  var here = location.pathname.replace(/index\.html$/, "");
  var parts = here.split("/").filter(Boolean).map(decodeURIComponent);
  var bar = null, shown = "";
  var store = "communique-closed:" + here;
  function closed() { try { return sessionStorage.getItem(store); } catch (e) { return null; } }
  function close() {
    try { sessionStorage.setItem(store, shown); } catch (e) { /* private mode: this page only */ }
    if (bar) { bar.remove(); bar = null; }
  }
  function mine(change) {
    // an edition's page: its own problems; a statement that could not be read: its failure;
    // the report and the site's pages: every problem
    var pages = change.pages || {};
    var edition = parts.slice(0, 2).join("/");
    if (parts.length >= 2 && pages.hasOwnProperty(edition)) { return pages[edition]; }
    if (parts.length >= 1 && pages.hasOwnProperty(parts[0])) { return pages[parts[0]]; }
    return change.problems;
  }
  function show(problems) {
    shown = problems.join("\n");
    if (!problems.length || shown === closed()) { if (bar) { bar.remove(); bar = null; } return; }
    if (!bar) {
      bar = document.createElement("section");
      bar.setAttribute("aria-label", "Build problems");
      bar.style.cssText = "position:fixed;left:0;right:0;bottom:0;margin:0;max-height:40vh;" +
        "overflow:auto;padding:.6em 1em;background:#fff4e5;color:#5c3800;border-top:2px solid" +
        " #c77700;font:13px/1.4 ui-monospace,monospace;z-index:2147483647";
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = "\u00d7 Close";
      button.setAttribute("aria-label", "Close the build problems");
      button.style.cssText = "float:right;margin:0 0 .3em 1em;font:inherit;color:inherit;" +
        "background:#fff;border:1px solid #c77700;border-radius:3px;padding:.1em .5em;cursor:pointer";
      button.addEventListener("click", close);
      bar.addEventListener("keydown", function (e) { if (e.key === "Escape") { close(); } });
      var list = document.createElement("pre");
      list.setAttribute("role", "status");
      list.style.cssText = "margin:0;white-space:pre-wrap;font:inherit";
      bar.appendChild(button);
      bar.appendChild(list);
      document.body.appendChild(bar);
    }
    bar.querySelector("pre").textContent = shown;
  }
  function connect() {
    var source = new EventSource("/__communique__/events?since=" + since);
    source.addEventListener("state", function (e) { show(mine(JSON.parse(e.data))); });
    source.onmessage = function (e) {
      var change = JSON.parse(e.data);
      since = change.version;
      show(mine(change));
      var ours = change.paths.some(function (p) {
        return ("/" + p).replace(/index\.html$/, "") === here;
      });
      if (ours) { source.close(); location.reload(); }
    };
  }
  connect();
})();
"""


class Changes:
    """The versions of ``build/`` that browsers wait for, with what each one changed."""

    def __init__(self) -> None:
        self.version = 0
        self.problems: list[str] = []
        self.pages: dict[str, list[str]] = {}  # "slug/lang" (or "slug") -> its page's problems
        self.log: list[dict] = []
        self.condition = threading.Condition()

    def publish(self, paths: Iterable[str], problems: list[Problem],
                pages: tuple[set[str] | None, dict[str, list[Problem]]] | None = None) -> None:
        """A new version: the files it changed, every problem (the report's bar), and with
        ``pages`` = (the statements built, None for all; their pages' problems) what each
        page's bar shows (the pages of statements not built keep theirs)."""
        with self.condition:
            self.version += 1
            self.problems = [str(p) for p in problems]
            if pages is not None:
                slugs, found = pages
                kept = {} if slugs is None else {
                    key: value for key, value in self.pages.items()
                    if key.partition("/")[0] not in slugs}
                self.pages = kept | {key: [str(p) for p in value] for key, value in found.items()}
            self.log = [*self.log[-99:], {"version": self.version, "paths": sorted(set(paths)),
                                          "problems": self.problems, "pages": self.pages}]
            self.condition.notify_all()

    def after(self, version: int, timeout: float) -> list[dict]:
        """The changes newer than ``version``, waiting up to ``timeout`` seconds for one."""
        with self.condition:
            self.condition.wait_for(lambda: self.version > version, timeout=timeout)
            return [c for c in self.log if c["version"] > version]


# Bounds, so that no page in the browser (nor anything else on this machine) can exhaust the
# server: connections are accepted and their request heads read by one thread, and only a
# complete head is handed to one of a few workers. Event streams are written by one thread.
MAX_WAITING = 256  # connections whose request head has not fully arrived (the oldest goes)
IDLE_SECONDS = 10.0  # ... each must send its whole head within this time
MAX_HEAD_BYTES = 16 * 1024
WORKERS = 8  # threads answering requests
WRITE_SECONDS = 10.0  # a response must make progress within this, or the connection goes
MAX_STREAMS = 32  # open event streams (the oldest is closed for a new one)
KEEPALIVE_SECONDS = 10.0
_HEAD_END = re.compile(rb"\r?\n\r?\n")


class Handler(http.server.BaseHTTPRequestHandler):
    """Files of ``build/``, HTML pages with the reload script added, and the change events.

    One rule for every request, whatever its method: its Host must name this server (a page
    elsewhere whose DNS name was rebound to 127.0.0.1 names its own host), an Origin, when sent
    to the server's own endpoints, must be this server's, and a file is served only when it is
    a regular file whose resolved path is inside ``build/`` and not hidden.
    """

    server: PreviewServer
    timeout = WRITE_SECONDS

    def version_string(self) -> str:
        return "communique"

    def setup(self) -> None:
        super().setup()
        self.rfile.close()  # the head was read by the server's accepting thread
        self.rfile = io.BytesIO(self.server.local.head)

    def parse_request(self) -> bool:
        if not super().parse_request():
            return False
        hosts = self.headers.get_all("Host") or []
        if len(hosts) != 1 or hosts[0].strip().lower() not in self.server.hosts:
            self.send_error(403, f"this preview answers only {self.server.url}")
            return False
        return True

    def do_GET(self) -> None:
        self._respond()

    def do_HEAD(self) -> None:
        self._respond()

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        super().end_headers()

    def log_message(self, format: str, *args) -> None:
        pass  # a request log would drown the build's own messages

    def _respond(self) -> None:
        target = self.path.split("#", 1)[0].split("?", 1)[0]
        if not target.startswith("/"):
            return self.send_error(400)
        if target.startswith(PREFIX):
            origin = self.headers.get("Origin")
            if origin is not None and origin.strip().lower() not in self.server.origins:
                return self.send_error(403, f"this preview answers only {self.server.url}")
            return self._internal(target[len(PREFIX):])
        kind, found = self.server.local_file(target)
        if kind == "redirect":
            self.send_response(301)
            self.send_header("Location", str(found))
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif kind == "file" and isinstance(found, Path):
            self._file(found)
        else:
            self.send_error(404)

    def _file(self, path: Path) -> None:
        try:
            f = open(path, "rb")
        except OSError:
            return self.send_error(404)
        with f:
            st = os.fstat(f.fileno())
            if not stat.S_ISREG(st.st_mode):  # swapped since it was resolved
                return self.send_error(404)
            if path.suffix == ".html":
                body = inject(f.read(), self.server.changes.version)
                return self._send(200, "text/html; charset=utf-8", body)
            kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(st.st_size))
            self.end_headers()
            if self.command != "HEAD":
                shutil.copyfileobj(f, self.wfile)

    def _send(self, status: int, kind: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _internal(self, name: str) -> None:
        changes = self.server.changes
        if name == "reload.js":
            self._send(200, "text/javascript; charset=utf-8", RELOAD_JS.encode())
        elif name == "version":
            body = json.dumps({"version": changes.version, "problems": changes.problems,
                               "pages": changes.pages}).encode()
            self._send(200, "application/json", body)
        elif name == "events":
            self._events(changes)
        else:
            self.send_error(404)

    def _events(self, changes: Changes) -> None:
        """Server-Sent Events: the current problems and the changes since the page's version;
        then the connection is handed to the thread that writes every stream (no thread a page)."""
        query = parse_qs(urlsplit(self.path).query)
        try:
            since = int(query.get("since", ["0"])[0])
        except ValueError:
            since = 0
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        if self.command == "HEAD":
            return
        state = json.dumps({"version": changes.version, "problems": changes.problems,
                            "pages": changes.pages})
        data = f"event: state\ndata: {state}\n\n"
        for change in changes.after(since, timeout=0):
            data += f"data: {json.dumps(change)}\n\n"
            since = change["version"]
        self.wfile.write(data.encode())
        self.server.streams.add(self.connection, since)
        self.server.local.detached = True


class Streams:
    """The open event streams, written by one thread: each change, and a comment every
    ``KEEPALIVE_SECONDS`` that finds closed connections. At most ``MAX_STREAMS``: a new one
    closes the oldest (its page reconnects by itself). A stream that does not take what is
    written at once (its reader stalled) is closed."""

    def __init__(self, changes: Changes, limit: int = MAX_STREAMS):
        self.changes = changes
        self.limit = limit
        self.open: list[list] = []  # [socket, version sent], oldest first
        self.added = False
        self.stopping = False
        self.thread = threading.Thread(target=self._run, daemon=True, name="communique-events")
        self.thread.start()

    def add(self, connection: socket.socket, since: int) -> None:
        connection.setblocking(False)
        with self.changes.condition:
            while len(self.open) >= self.limit:
                _close(self.open.pop(0)[0])
            self.open.append([connection, since])
            self.added = True
            self.changes.condition.notify_all()

    def __len__(self) -> int:
        return len(self.open)

    def _behind(self) -> bool:
        return any(since < self.changes.version for _, since in self.open)

    def _run(self) -> None:
        condition = self.changes.condition
        ping_at = time.monotonic() + KEEPALIVE_SECONDS
        while True:
            with condition:
                condition.wait_for(lambda: self.stopping or self.added or self._behind(),
                                   timeout=max(0.0, ping_at - time.monotonic()))
                if self.stopping:
                    break
                self.added = False
                streams, log = list(self.open), list(self.changes.log)
                version = self.changes.version
            ping = time.monotonic() >= ping_at
            if ping:
                ping_at = time.monotonic() + KEEPALIVE_SECONDS
            dead = []
            for stream in streams:
                data = "".join(f"data: {json.dumps(c)}\n\n" for c in log
                               if c["version"] > stream[1])
                stream[1] = version
                if not data and ping:
                    data = ": still here\n\n"
                if data and not _send_now(stream[0], data.encode()):
                    dead.append(stream)
            if dead:
                with condition:
                    self.open = [s for s in self.open if s not in dead]
                for stream in dead:
                    _close(stream[0])
        for stream in self.open:
            _close(stream[0])
        self.open = []

    def stop(self) -> None:
        with self.changes.condition:
            self.stopping = True
            self.changes.condition.notify_all()
        self.thread.join(timeout=5)


def _send_now(connection: socket.socket, data: bytes) -> bool:
    """Whether ``data`` went out at once on a non-blocking connection."""
    try:
        return connection.send(data) == len(data)
    except OSError:
        return False


def _close(connection: socket.socket) -> None:
    try:
        connection.close()
    except OSError:
        pass


class PreviewServer(http.server.HTTPServer):
    """``build/`` on 127.0.0.1, with bounded connections and threads (see ``MAX_WAITING``)."""

    request_queue_size = 128

    def __init__(self, address: tuple[str, int], directory: Path, changes: Changes):
        self.changes = changes
        self.stopping = threading.Event()
        self.root = Path(directory)
        self.real_root = self.root.resolve()
        self.local = threading.local()
        self.waiting: dict[socket.socket, list] = {}  # [deadline, head so far, address]
        self._stopped = threading.Event()
        self._stopped.set()
        super().__init__(address, Handler)
        port = self.server_address[1]
        names = ("127.0.0.1", "localhost")
        self.hosts = {f"{name}:{port}" for name in names} | (set(names) if port == 80 else set())
        self.origins = {f"http://{host}" for host in self.hosts}
        self.url = f"http://127.0.0.1:{port}/"
        self.pool = ThreadPoolExecutor(WORKERS, thread_name_prefix="communique-serve")
        self.streams = Streams(changes)

    def local_file(self, target: str) -> tuple[str, Path | str | None]:
        """What a request path names: ``("file", path)``, ``("redirect", location)`` for a
        folder without its final slash, or ``("missing", None)``: the one rule for what is
        served. The path must name, after every symlink is resolved, a regular file inside
        ``build/`` with no hidden part (the build record, temporaries)."""
        names = [unquote(part) for part in target.split("/") if part]
        if any(n.startswith(".") or "/" in n or "\\" in n or "\0" in n for n in names):
            return "missing", None
        try:
            real = self.root.joinpath(*names).resolve(strict=True)
            if real.is_dir():
                if not target.endswith("/"):
                    return "redirect", "/" + "".join(quote(n, safe="") + "/" for n in names)
                real = (real / "index.html").resolve(strict=True)
            inside = real.relative_to(self.real_root)
            regular = stat.S_ISREG(os.stat(real).st_mode)
        except (OSError, RuntimeError, ValueError):
            return "missing", None
        if not regular or any(part.startswith(".") for part in inside.parts):
            return "missing", None
        return "file", real

    def serve_forever(self, poll_interval: float = 0.5) -> None:
        """Accept connections and read their request heads in this one thread; hand each
        complete head to a worker. A connection idle for ``IDLE_SECONDS`` is closed."""
        self._stopped.clear()
        selector = selectors.DefaultSelector()
        self.socket.setblocking(False)
        selector.register(self.socket, selectors.EVENT_READ, None)
        try:
            while not self.stopping.is_set():
                for key, _ in selector.select(timeout=poll_interval):
                    if key.data is None:
                        self._accept(selector)
                    else:
                        self._read(key.fileobj, selector)  # type: ignore[arg-type]
                now = time.monotonic()
                for connection in [c for c, w in self.waiting.items() if w[0] < now]:
                    self._drop(connection, selector)
        finally:
            for connection in list(self.waiting):
                self._drop(connection, selector)
            selector.close()
            self._stopped.set()

    def _accept(self, selector: selectors.BaseSelector) -> None:
        for _ in range(64):
            try:
                connection, address = self.socket.accept()
            except OSError:  # BlockingIOError: no more for now
                return
            connection.setblocking(False)
            while len(self.waiting) >= MAX_WAITING:
                self._drop(next(iter(self.waiting)), selector)
            self.waiting[connection] = [time.monotonic() + IDLE_SECONDS, b"", address]
            selector.register(connection, selectors.EVENT_READ, address)

    def _read(self, connection: socket.socket, selector: selectors.BaseSelector) -> None:
        waiting = self.waiting[connection]
        try:
            chunk = connection.recv(4096)
        except BlockingIOError:
            return
        except OSError:
            chunk = b""
        waiting[1] += chunk
        end = _HEAD_END.search(waiting[1])
        if not chunk or (end is None and len(waiting[1]) > MAX_HEAD_BYTES):
            return self._drop(connection, selector)
        if end is None:
            return
        selector.unregister(connection)
        del self.waiting[connection]
        self.pool.submit(self._work, connection, waiting[2], waiting[1][:end.end()])

    def _drop(self, connection: socket.socket, selector: selectors.BaseSelector) -> None:
        self.waiting.pop(connection, None)
        try:
            selector.unregister(connection)
        except (KeyError, ValueError):
            pass
        _close(connection)

    def _work(self, connection: socket.socket, address, head: bytes) -> None:
        self.local.head, self.local.detached = head, False
        try:
            self.finish_request(connection, address)
        except Exception:
            pass
        finally:
            if not self.local.detached:
                self.shutdown_request(connection)

    def shutdown(self) -> None:
        self.stopping.set()
        self._stopped.wait(timeout=5)

    def server_close(self) -> None:
        super().server_close()
        # (also called by the base class when the port cannot be bound: nothing started yet)
        if hasattr(self, "streams"):
            self.streams.stop()
        if hasattr(self, "pool"):
            self.pool.shutdown(wait=False, cancel_futures=True)


_BODY_END = re.compile(rb"</body\s*>", re.I)


def inject(html: bytes, version: int) -> bytes:
    """``html`` with the reload script before its last ``</body>`` (or at its end)."""
    tag = f'<script src="{PREFIX}reload.js" data-version="{version}"></script>'.encode()
    ends = list(_BODY_END.finditer(html))
    at = ends[-1].start() if ends else len(html)
    return html[:at] + tag + html[at:]


def watched(workspace) -> list[Path]:
    """What to watch: content, templates, settings, and the other files editions read.

    The record of the last build names the other files, and it is data from disk: every folder
    is resolved and kept only when it is inside the workspace, not hidden and not ``build/``
    (a record saying ``../../..`` must not make the server watch the whole disk).
    """
    from communique.cache import Cache
    from communique.sandbox import Refused, contained

    paths = [workspace.content_dir, workspace.templates_dir]
    record = Cache.load(workspace.build_dir)
    for entry in record.editions.values():
        paths += [(workspace.root / name).parent for name in entry.get("inputs", {})]
    build = workspace.build_dir.resolve()
    kept = set()
    for path in paths:
        try:
            real = contained(path, [workspace.root])
        except Refused:
            continue
        if real.is_dir() and not real.is_relative_to(build):
            kept.add(real)
    return sorted(kept)


def relevant(path: Path, build_dir: Path) -> bool:
    """Whether a changed file can change an edition (not an editor's swap file, not build/)."""
    return not (path.is_relative_to(build_dir) or path.name.endswith(IGNORED_SUFFIXES)
                or any(part.startswith(".") or part == "__pycache__" for part in path.parts))


def affected(changed: Iterable[Path], workspace) -> list[Path]:
    """The statement folders to rebuild; an empty list means all of them."""
    folders = set()
    content = workspace.content_dir.resolve()
    for path in changed:
        path = path.resolve()
        if not path.is_relative_to(content) or path == content:
            return []
        folder = content / path.relative_to(content).parts[0]
        if not (folder / "statement.yaml").is_file():
            return []  # a statement added or removed: rebuild all, the report with it
        folders.add(folder)
    return sorted(folders)


class Preview:
    """The rebuild loop: web pages first, in this process; then PDFs in warm presses."""

    def __init__(self, root: Path, jobs: int, say: Callable[[str], None],
                 changes: Changes | None = None):
        from communique import presses

        self.root = root
        self.jobs = jobs
        self.say = say
        self.changes = changes or Changes()
        # What the console was told in this round (a save's two passes): the full pass finds
        # again every problem the quick pass told, and each is printed once.
        self.printed: set[Problem] = set()
        if jobs > 1:  # presses import WeasyPrint now, so that the first save does not wait
            presses.warm(jobs)

    def workspace(self):
        from communique.workspace import find_workspace

        return find_workspace(self.root)

    def current_workspace(self):
        """The workspace as it is now, or None after telling the browsers why it cannot be read."""
        try:
            return self.workspace()
        except ContentError as exc:
            self._tell([], exc.problems)
            return None

    def built(self, workspace, folders: list[Path], **options):
        """``build(workspace, folders, **options)``, or None after telling the browsers why it
        stopped. The server must never die from content (a statement nested deeper than the
        interpreter's stack, anything a library raises): it reports and keeps watching."""
        from communique.build import build

        try:
            return build(workspace, folders, **options)
        except Exception as exc:
            where = ", ".join(workspace.display(f) for f in folders) or workspace.display(
                workspace.content_dir)
            self._tell([], [_stopped(where, exc)])
            return None

    def full(self, folders: list[Path]) -> None:
        """Build what changed, PDFs included, and tell the browsers."""
        started = time.perf_counter()
        workspace = self.current_workspace()
        if workspace is None:
            return
        result = self.built(workspace, folders, jobs=self.jobs)  # a press that died is replaced
        if result is None:
            return
        from communique.report import report_path

        build_dir = workspace.build_dir
        paths = ["index.html", _under(report_path(workspace), build_dir)]
        paths += [_under(e.outputs["print"], build_dir) for e in result.built
                  if "print" in e.outputs]
        self._tell(paths, result.problems, result, folders)
        self.say(f"{len(result.built)} edition(s) built, {len(result.editions) - len(result.built)}"
                 f" up to date, {len(result.errors)} error(s) "
                 f"({time.perf_counter() - started:.2f} s)")

    def quick(self, folders: list[Path]) -> None:
        """Rebuild only the web pages of ``folders`` (all statements when empty), at once."""
        started = time.perf_counter()
        workspace = self.current_workspace()
        if workspace is None:
            return
        result = self.built(workspace, folders, outputs=("web",), jobs=1)
        if result is None:
            return
        paths = [_under(e.outputs["web"], workspace.build_dir) for e in result.editions
                 if "web" in e.outputs]
        self._tell(paths, result.problems, result, folders)
        self.say(f"web page(s) updated: {', '.join(paths) or 'none'} "
                 f"({1000 * (time.perf_counter() - started):.0f} ms)")

    def changed(self, paths: Iterable[Path]) -> None:
        """Rebuild after a save; files no edition reads (a README beside content/) are ignored."""
        workspace = self.current_workspace()
        if workspace is None:
            return
        paths = [p for p in paths if self.matters(p, workspace)]
        if paths:
            self.round(affected(paths, workspace))

    def round(self, folders: list[Path]) -> None:
        """The web pages of ``folders`` (all statements when empty), then their full editions;
        each problem told once on the console."""
        self.printed = set()
        self.quick(folders)
        self.full(folders)

    def matters(self, path: Path, workspace) -> bool:
        from communique.cache import Cache

        root = workspace.root.resolve()
        path = path.resolve() if path.exists() else path.absolute()
        if any(path.is_relative_to(d.resolve()) for d in (workspace.content_dir,
                                                          workspace.templates_dir)):
            return True
        if path.parent != root:
            return True  # inside a folder that editions read from (we watch no others)
        inputs = {name for e in Cache.load(workspace.build_dir).editions.values()
                  for name in e.get("inputs", {})}
        return path.name == "communique.toml" or path.name in inputs or path.is_dir()

    def _tell(self, paths: list[str], problems: list[Problem], result: Result | None = None,
              folders: list[Path] | None = None) -> None:
        """Print the problems not yet told in this round, and tell the browsers: each page
        the problems of its own edition (``result``'s, for the statements in ``folders``, all
        when empty), the report every problem; without a result, every page these problems."""
        from communique.build import summarised

        told = summarised(problems)
        for problem in told:
            if problem not in self.printed:
                print(problem, file=sys.stderr)
        self.printed.update(told)
        # no result (the settings unreadable, the build stopped): every page shows these
        pages: tuple[set[str] | None, dict[str, list[Problem]]] = (None, {})
        if result is not None:
            slugs = None if not folders else {folder.name for folder in folders}
            pages = (slugs, by_page(result))
        self.changes.publish(paths, told, pages)

    def close(self) -> None:
        from communique import presses

        presses.stop_all()


def by_page(result: Result) -> dict[str, list[Problem]]:
    """The problems of each page: an edition's (``"slug/lang"``: its own, its statement's, and
    those of no edition, the settings'), and a statement's that could not be read (``"slug"``:
    its pages in build/ are from before)."""
    from communique.build import summarised

    mine = {e.key: e.problems for e in result.editions}
    mine.update(result.failures)
    owned = {p for problems in mine.values() for p in problems}
    general = [p for p in result.problems if p not in owned]
    return {key: summarised(list(dict.fromkeys([*problems, *general])))
            for key, problems in mine.items()}


def _stopped(where: str, exc: BaseException) -> Problem:
    detail = " ".join(str(exc).split())[:300] or "no details"
    return Problem(where, 0, 0, f"the build stopped ({type(exc).__name__}: {detail}); the "
                   "preview keeps watching for the next save")


def _under(path: Path, build_dir: Path) -> str:
    try:
        return path.resolve().relative_to(build_dir.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


class Watcher:
    """Watches the workspace: its root alone (settings, new folders), and what is inside the
    folders editions read. Watching the whole root would take in ``.venv`` and ``.git``."""

    def __init__(self, build_dir: Path):
        import queue

        self.build_dir = build_dir
        self.batches: queue.Queue = queue.Queue()
        self.threads: list[tuple[threading.Event, threading.Thread]] = []
        self.targets: list[Path] = []

    def _watch(self, paths: list[Path], recursive: bool) -> None:
        import watchfiles

        stop = threading.Event()

        def run() -> None:
            for batch in watchfiles.watch(*paths, recursive=recursive, step=30, stop_event=stop,
                                          watch_filter=lambda _, p: relevant(Path(p), self.build_dir),
                                          raise_interrupt=False):
                self.batches.put([Path(p) for _, p in batch])

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        self.threads.append((stop, thread))

    def follow(self, root: Path, targets: list[Path]) -> None:
        """(Re)start the watchers when the folders to watch changed."""
        # (the root itself is always watched, alone: naming it among the targets, as the
        # record does once an edition read communique.toml, restarts nothing)
        folders = [t for t in targets if t.is_dir() and t != root]
        if folders == self.targets and self.threads:
            return
        self.stop()
        self.targets = folders
        self._watch([root], recursive=False)
        if folders:
            self._watch(folders, recursive=True)

    def next(self) -> list[Path]:
        """The next changes, with any that came in meanwhile (one rebuild for a burst)."""
        import queue

        changed = self.batches.get()
        while True:
            try:
                changed += self.batches.get_nowait()
            except queue.Empty:
                return changed

    def stop(self) -> None:
        for stop, _ in self.threads:
            stop.set()
        for _, thread in self.threads:
            thread.join(timeout=5)
        self.threads = []


def serve(root: Path, host: str, port: int, jobs: int, *, open_browser: bool = False,
          say: Callable[[str], None] = print) -> None:
    """Build, serve ``build/`` on ``host:port`` and rebuild on every save until interrupted."""

    def stop(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    preview = server = watcher = None
    try:
        from communique.sandbox import Refused, output_folder
        from communique.workspace import find_workspace

        workspace = find_workspace(root)
        try:  # build/ a symlink out of the workspace: nothing is served from there either
            build_dir = output_folder(workspace.root)
        except Refused as exc:
            raise ContentError([Problem(workspace.display(workspace.build_dir), 0, 0,
                                        str(exc))]) from None
        # Listen first: a port already taken is told before anything is built, and the
        # address is the first line the user reads, not one after the first build's messages.
        changes = Changes()
        server = PreviewServer((host, port), build_dir, changes)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        url = f"http://{host}:{server.server_address[1]}/"
        if workspace.settings.site is not None:  # build/ is served as it will be published
            say(f"Serving {url} (the site as it will be published; the build report is "
                f"{url}report.html; Ctrl-C to stop)")
        else:
            say(f"Serving {url} (the build report; Ctrl-C to stop)")
        watcher = Watcher(build_dir)  # (a save during the first build is not missed)
        watcher.follow(root, watched(workspace))
        preview = Preview(root, jobs, say, changes)
        preview.round([])  # the web pages first, and this process warm for the first save
        watcher.follow(root, watched(preview.workspace()))  # with what the build read
        if open_browser:
            import webbrowser

            webbrowser.open(url)
        while True:
            changed = watcher.next()
            try:  # whatever a save did to the workspace, the server reports it and goes on
                preview.changed(changed)
                watcher.follow(root, watched(preview.workspace()))
            except ContentError as exc:  # communique.toml broken by the save
                preview._tell([], exc.problems)
            except Exception as exc:
                preview._tell([], [_stopped(str(root), exc)])
    except KeyboardInterrupt:
        say("stopped")
    finally:
        if watcher is not None:
            watcher.stop()
        if server is not None:
            server.stopping.set()
            server.shutdown()
            server.server_close()
        if preview is not None:
            preview.close()
