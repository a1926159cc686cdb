"""``communique serve``: a preview of ``build/`` that follows every save.

A save goes through two passes. First the web pages of the statements it touches are rebuilt in
this process, which keeps the content model and the templates loaded: the page in the browser
changes a tenth of a second or so later. Then the full editions (PDF included) are built by
worker processes that were started, with WeasyPrint imported, when the server started, and the
build report is brought up to date.

Pages are served with a small script added on the way out (never to the files in ``build/``):
it listens for changes with Server-Sent Events, reloads the page when its own file changed, and
shows the build's problems in a bar at the foot of the page. The server listens on 127.0.0.1
only: a preview is not a publication.
"""

from __future__ import annotations

import http.server
import json
import re
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from communique.errors import ContentError, Problem

PREFIX = "/__communique__/"
IGNORED_SUFFIXES = (".tmp", ".swp", ".swx", "~", ".part", ".crdownload")

RELOAD_JS = r"""(function () {
  "use strict";
  var me = document.currentScript;
  var since = me.getAttribute("data-version");
  var here = location.pathname.replace(/index\.html$/, "");
  var bar = null;
  function show(problems) {
    if (!problems.length) { if (bar) { bar.remove(); bar = null; } return; }
    if (!bar) {
      bar = document.createElement("pre");
      bar.setAttribute("role", "status");
      bar.style.cssText = "position:fixed;left:0;right:0;bottom:0;margin:0;max-height:40vh;" +
        "overflow:auto;padding:.6em 1em;background:#fff4e5;color:#5c3800;border-top:2px solid" +
        " #c77700;font:13px/1.4 ui-monospace,monospace;white-space:pre-wrap;z-index:2147483647";
      document.body.appendChild(bar);
    }
    bar.textContent = problems.join("\n");
  }
  function connect() {
    var source = new EventSource("/__communique__/events?since=" + since);
    source.addEventListener("state", function (e) { show(JSON.parse(e.data).problems); });
    source.onmessage = function (e) {
      var change = JSON.parse(e.data);
      since = change.version;
      show(change.problems);
      var mine = change.paths.some(function (p) {
        return ("/" + p).replace(/index\.html$/, "") === here;
      });
      if (mine) { source.close(); location.reload(); }
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
        self.log: list[dict] = []
        self.condition = threading.Condition()

    def publish(self, paths: Iterable[str], problems: list[Problem]) -> None:
        with self.condition:
            self.version += 1
            self.problems = [str(p) for p in problems]
            self.log = [*self.log[-99:], {"version": self.version, "paths": sorted(set(paths)),
                                          "problems": self.problems}]
            self.condition.notify_all()

    def after(self, version: int, timeout: float) -> list[dict]:
        """The changes newer than ``version``, waiting up to ``timeout`` seconds for one."""
        with self.condition:
            self.condition.wait_for(lambda: self.version > version, timeout=timeout)
            return [c for c in self.log if c["version"] > version]


class Handler(http.server.SimpleHTTPRequestHandler):
    """Files of ``build/``, HTML pages with the reload script added, and the change events."""

    server: PreviewServer

    def do_GET(self) -> None:  # noqa: N802 -- the name http.server calls
        path = unquote(urlsplit(self.path).path)
        if path.startswith(PREFIX):
            return self._internal(path[len(PREFIX):])
        if any(part.startswith(".") for part in path.split("/")):
            return self.send_error(404)  # the build record and temporaries are not for browsers
        local = Path(self.translate_path(self.path))
        if local.is_dir():
            if not path.endswith("/"):
                self.send_response(301)
                self.send_header("Location", path + "/")
                self.end_headers()
                return
            local = local / "index.html"
        if local.suffix == ".html" and local.is_file():
            return self._page(local)
        return super().do_GET()

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, format: str, *args) -> None:
        pass  # a request log would drown the build's own messages

    def _page(self, local: Path) -> None:
        body = inject(local.read_bytes(), self.server.changes.version)
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _internal(self, name: str) -> None:
        changes = self.server.changes
        if name == "reload.js":
            body = RELOAD_JS.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/javascript; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        elif name == "version":
            body = json.dumps({"version": changes.version, "problems": changes.problems}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        elif name == "events":
            self._events(changes)
        else:
            self.send_error(404)

    def _events(self, changes: Changes) -> None:
        """Server-Sent Events: the current problems, then every change, until the page goes."""
        query = parse_qs(urlsplit(self.path).query)
        try:
            since = int(query.get("since", ["0"])[0])
        except ValueError:
            since = 0
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        try:
            state = json.dumps({"version": changes.version, "problems": changes.problems})
            self.wfile.write(f"event: state\ndata: {state}\n\n".encode())
            self.wfile.flush()
            while not self.server.stopping.is_set():
                news = changes.after(since, timeout=10)
                for change in news:
                    self.wfile.write(f"data: {json.dumps(change)}\n\n".encode())
                    since = change["version"]
                if not news:
                    self.wfile.write(b": still here\n\n")  # finds closed connections
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass


class PreviewServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], directory: Path, changes: Changes):
        self.changes = changes
        self.stopping = threading.Event()

        def handler(*args, **kwargs):
            return Handler(*args, directory=str(directory), **kwargs)

        super().__init__(address, handler)


_BODY_END = re.compile(rb"</body\s*>", re.I)


def inject(html: bytes, version: int) -> bytes:
    """``html`` with the reload script before its last ``</body>`` (or at its end)."""
    tag = f'<script src="{PREFIX}reload.js" data-version="{version}"></script>'.encode()
    ends = list(_BODY_END.finditer(html))
    at = ends[-1].start() if ends else len(html)
    return html[:at] + tag + html[at:]


def watched(workspace) -> list[Path]:
    """What to watch: content, templates, settings, and the other files editions read."""
    paths = [workspace.content_dir, workspace.templates_dir]
    from communique.cache import Cache

    record = Cache.load(workspace.build_dir)
    for entry in record.editions.values():
        paths += [(workspace.root / name).parent for name in entry.get("inputs", {})]
    return sorted({p for p in paths if p.exists()})


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

    def __init__(self, root: Path, jobs: int, say: Callable[[str], None]):
        from communique import presses

        self.root = root
        self.jobs = jobs
        self.say = say
        self.changes = Changes()
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

    def full(self, folders: list[Path]) -> None:
        """Build what changed, PDFs included, and tell the browsers."""
        from communique.build import build

        started = time.perf_counter()
        workspace = self.current_workspace()
        if workspace is None:
            return
        result = build(workspace, folders, jobs=self.jobs)  # a press that died is replaced
        build_dir = workspace.build_dir
        paths = ["index.html"] + [_under(e.pdf_path, build_dir) for e in result.built
                                  if e.pdf_path]
        self._tell(paths, result.problems)
        self.say(f"{len(result.built)} edition(s) built, {len(result.editions) - len(result.built)}"
                 f" up to date, {len(result.errors)} error(s) "
                 f"({time.perf_counter() - started:.2f} s)")

    def quick(self, folders: list[Path]) -> None:
        """Rebuild only the web pages of ``folders`` (all statements when empty), at once."""
        from communique.build import build

        started = time.perf_counter()
        workspace = self.current_workspace()
        if workspace is None:
            return
        result = build(workspace, folders, pdf=False, jobs=1)
        paths = [_under(e.html_path, workspace.build_dir) for e in result.editions if e.html_path]
        self._tell(paths, result.problems)
        self.say(f"web page(s) updated: {', '.join(paths) or 'none'} "
                 f"({1000 * (time.perf_counter() - started):.0f} ms)")

    def changed(self, paths: Iterable[Path]) -> None:
        """Rebuild after a save; files no edition reads (a README beside content/) are ignored."""
        workspace = self.current_workspace()
        if workspace is None:
            return
        paths = [p for p in paths if self.matters(p, workspace)]
        if paths:
            folders = affected(paths, workspace)
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

    def _tell(self, paths: list[str], problems: list[Problem]) -> None:
        for problem in problems:
            print(problem, file=sys.stderr)
        self.changes.publish(paths, problems)

    def close(self) -> None:
        from communique import presses

        presses.stop_all()


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
        if targets == self.targets and self.threads:
            return
        self.stop()
        self.targets = targets
        self._watch([root], recursive=False)
        folders = [t for t in targets if t.is_dir() and t != root]
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
        for stop, thread in self.threads:
            stop.set()
        for stop, thread in self.threads:
            thread.join(timeout=5)
        self.threads = []


def serve(root: Path, host: str, port: int, jobs: int, *, open_browser: bool = False,
          say: Callable[[str], None] = print) -> None:
    """Build, serve ``build/`` on ``host:port`` and rebuild on every save until interrupted."""

    def stop(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    preview = Preview(root, jobs, say)
    server = watcher = None
    try:
        preview.quick([])  # the web pages first, and this process warm for the first save
        preview.full([])
        from communique.sandbox import Refused, output_folder

        workspace = preview.workspace()
        try:  # build/ a symlink out of the workspace: nothing is served from there either
            build_dir = output_folder(workspace.root)
        except Refused as exc:
            raise ContentError([Problem(workspace.display(workspace.build_dir), 0, 0,
                                        str(exc))]) from None
        server = PreviewServer((host, port), build_dir, preview.changes)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        watcher = Watcher(build_dir)
        watcher.follow(root, watched(preview.workspace()))
        url = f"http://{host}:{server.server_address[1]}/"
        say(f"Serving {url} (the build report; Ctrl-C to stop)")
        if open_browser:
            import webbrowser

            webbrowser.open(url)
        while True:
            preview.changed(watcher.next())
            watcher.follow(root, watched(preview.workspace()))
    except KeyboardInterrupt:
        say("stopped")
    finally:
        if watcher is not None:
            watcher.stop()
        if server is not None:
            server.stopping.set()
            server.shutdown()
            server.server_close()
        preview.close()
