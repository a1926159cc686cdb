"""The preview server: pages served with a reload script, rebuilt and reloaded after a save."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from communique.serve import Changes, affected, inject, relevant
from communique.workspace import Workspace

STATEMENT = """\
type: public-statement
lang: en
date: 2020-09-29
title: A statement to preview
opening: The organisation calls for restraint.[@src-a]
sources:
  src-a:
    url: https://example.org/a
"""


def test_the_reload_script_goes_before_the_last_body_end():
    page = b"<html><body><p>x</p></BODY ></html>"
    out = inject(page, 7)
    assert out.startswith(b"<html><body><p>x</p><script src=\"/__communique__/reload.js\"")
    assert b'data-version="7"' in out and out.endswith(b"</BODY ></html>")
    assert inject(b"<p>no body</p>", 1).endswith(b"</script>")


def test_which_changes_rebuild_what(tmp_path: Path):
    ws = Workspace(tmp_path)
    for slug in "ab":
        (tmp_path / "content" / slug).mkdir(parents=True)
        (tmp_path / "content" / slug / "statement.yaml").write_text("x")
    a = tmp_path / "content/a"
    assert affected([a / "statement.yaml", a / "i18n/ru.po"], ws) == [a]
    assert affected([a / "statement.yaml", tmp_path / "templates/base.html.j2"], ws) == []
    assert affected([tmp_path / "content/c/statement.yaml"], ws) == []  # a new statement
    build = tmp_path / "build"
    assert relevant(a / "statement.yaml", build)
    assert not relevant(build / "a/en/index.html", build)
    assert not relevant(a / ".statement.yaml.swp", build)
    assert not relevant(a / "statement.yaml~", build)


def test_changes_wait_for_a_newer_version():
    changes = Changes()
    assert changes.after(0, timeout=0.01) == []
    threading.Timer(0.05, changes.publish, (["a/en/index.html"], [])).start()
    news = changes.after(0, timeout=5)
    assert [c["paths"] for c in news] == [["a/en/index.html"]]
    assert changes.after(1, timeout=0.01) == []


def _get(url: str, timeout: float = 10) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, ""


@pytest.fixture
def server(workspace):
    """A ``communique serve --port 0`` in a workspace of one statement: (root, base URL)."""
    root = workspace({"demo": STATEMENT})
    process = subprocess.Popen([sys.executable, "-m", "communique", "serve", "--port", "0",
                                "-j", "1"], cwd=root, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, start_new_session=True)
    lines: list[str] = []

    def read() -> None:
        for line in process.stdout:
            lines.append(line)

    threading.Thread(target=read, daemon=True).start()
    deadline = time.monotonic() + 90
    url = None
    while url is None:
        assert process.poll() is None, process.stderr.read()
        assert time.monotonic() < deadline, f"no 'Serving' line: {lines}"
        found = [m for line in lines if (m := re.search(r"Serving (http://127\.0\.0\.1:\d+/)", line))]
        url = found[0].group(1) if found else None
        time.sleep(0.05)
    while not any("edition(s) built" in line for line in lines):  # told after the address
        assert process.poll() is None, process.stderr.read()
        assert time.monotonic() < deadline, f"the first build never ended: {lines}"
        time.sleep(0.05)
    try:
        yield root, url, process, lines
    finally:
        _stop(process)


@pytest.mark.slow
def test_a_saved_edit_shows_in_the_served_page(server):
    root, url, _process, lines = server
    page_url = url + "demo/en/"
    status, page = _get(page_url)
    assert status == 200 and "calls for restraint" in page
    assert '<script src="/__communique__/reload.js"' in page
    assert "__communique__" not in (root / "build/demo/en/index.html").read_text()  # only served
    assert _get(url + ".communique-cache.json")[0] == 404
    status, report = _get(url)
    assert status == 200 and 'href="demo/en/index.html"' in report
    version = json.loads(_get(url + "__communique__/version")[1])["version"]

    events: list[str] = []

    def listen() -> None:
        with urllib.request.urlopen(f"{url}__communique__/events?since={version}",
                                    timeout=30) as stream:
            for raw in stream:
                events.append(raw.decode())
                if raw.startswith(b"data: ") and b"demo/en/index.html" in raw:
                    return

    listener = threading.Thread(target=listen, daemon=True)
    listener.start()
    time.sleep(0.3)
    statement = root / "content/demo/statement.yaml"
    saved = time.monotonic()
    statement.write_text(statement.read_text().replace("calls for restraint",
                                                       "calls for an immediate ceasefire"))
    while "immediate ceasefire" not in _get(page_url)[1]:
        assert time.monotonic() - saved < 30, f"page never changed: {lines}"
        time.sleep(0.05)
    print(f"served page changed {time.monotonic() - saved:.2f} s after the save")
    listener.join(timeout=30)
    assert any(e.startswith("event: state") for e in events)
    assert any(e.startswith("data: ") and "demo/en/index.html" in e for e in events)

    deadline = time.monotonic() + 60  # then the PDF, from a warm worker
    pdf = root / "build/demo/en/demo-en.pdf"
    while b"ceasefire" not in subprocess.run(["pdftotext", str(pdf), "-"],
                                             capture_output=True).stdout:
        assert time.monotonic() < deadline, f"PDF never rebuilt: {lines}"
        time.sleep(0.1)


@pytest.mark.slow
def test_problems_reach_the_page_and_the_server_stops_cleanly(server):
    root, url, process, lines = server
    statement = root / "content/demo/statement.yaml"
    statement.write_text(statement.read_text().replace("[@src-a]", "[@nope]"))
    deadline = time.monotonic() + 30
    while True:
        state = json.loads(_get(url + "__communique__/version")[1])
        if any("unknown source" in p for p in state["problems"]):
            break
        assert time.monotonic() < deadline, f"no problem told: {lines}"
        time.sleep(0.05)
    assert any(p.startswith("content/demo/statement.yaml:") for p in state["problems"])
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=20) == 0


@pytest.mark.slow
@pytest.mark.browser
def test_the_browser_reloads_the_page_by_itself_after_a_save(server):
    root, url, _process, _lines = server
    chromium = Path("/usr/bin/chromium")
    if not chromium.exists():
        pytest.fail("Debian's chromium is not installed: run WITH_BROWSER=1 ./scripts/setup.sh")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(chromium), args=["--no-sandbox"])
        try:
            page = browser.new_page()
            page.route(re.compile(r"^(?!http://127\.0\.0\.1).*"), lambda r: r.abort())  # offline
            page.goto(url + "demo/en/")
            assert "calls for restraint" in page.inner_text("body")
            statement = root / "content/demo/statement.yaml"
            statement.write_text(statement.read_text().replace("restraint", "a ceasefire"))
            page.wait_for_function("document.body.innerText.includes('a ceasefire')",
                                   timeout=30_000)  # no page.reload(): the script did it
            statement.write_text(statement.read_text().replace("[@src-a]", "[@nope]"))
            bar = page.wait_for_selector("pre[role=status]", timeout=30_000)
            assert "unknown source" in bar.inner_text()
        finally:
            browser.close()


# Hostile requests. The server is started in this process on a build/ folder made by hand, so
# that each rule is tested directly and quickly.

@pytest.fixture
def preview_server(tmp_path: Path):
    """A PreviewServer on port 0 over a hand-made build/: (server, port, build folder)."""
    from communique.serve import PreviewServer

    build = tmp_path / "workspace" / "build"
    (build / "demo/en").mkdir(parents=True)
    (build / "index.html").write_text("<html><body>report</body></html>")
    (build / "demo/en/index.html").write_text("<html><body>demo page</body></html>")
    (build / "demo/en/demo-en.pdf").write_bytes(b"%PDF-1.7 stand-in")
    (build / ".communique-cache.json").write_text("{}")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "passwd").write_text("root:x:0:0:secret")
    (build / "leak").symlink_to(outside)  # a folder outside
    (build / "leak.txt").symlink_to(outside / "passwd")  # a file outside
    (build / "same.pdf").symlink_to(build / "demo/en/demo-en.pdf")  # a file inside: fine
    (build / "record.json").symlink_to(build / ".communique-cache.json")  # hidden, via a link
    server = PreviewServer(("127.0.0.1", 0), build, Changes())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server, server.server_address[1], build
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def _ask(port: int, method: str, path: str, headers: dict | None = None) -> tuple[int, bytes]:
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request(method, path, headers={"Host": f"127.0.0.1:{port}", **(headers or {})})
        response = connection.getresponse()
        return response.status, b"" if path.endswith("/events") else response.read()
    finally:
        connection.close()


@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_only_regular_files_inside_build_are_served_by_every_method(preview_server, method):
    _server, port, _build = preview_server
    for path in ("/leak/passwd", "/leak.txt", "/.communique-cache.json", "/record.json",
                 "/demo/../../outside/passwd", "/%2e%2e/outside/passwd",
                 "/demo%2F..%2F..%2F..%2Foutside%2Fpasswd", "/leak/", "/nothing.pdf"):
        status, body = _ask(port, method, path)
        assert status == 404, (method, path, status)
        assert b"secret" not in body
    assert _ask(port, method, "/demo/en/")[0] == 200
    assert _ask(port, method, "/demo/en/demo-en.pdf")[0] == 200
    assert _ask(port, method, "/same.pdf")[0] == 200  # a link that stays inside build/
    status, _ = _ask(port, method, "/demo/en")
    assert status == 301
    if method == "GET":
        assert b"demo page" in _ask(port, "GET", "/demo/en/")[1]


def test_a_foreign_host_or_origin_is_refused(preview_server):
    """DNS rebinding: a page of attacker.example, its name rebound to 127.0.0.1, sends its own
    name as Host; a page of another site opening the event stream sends its Origin."""
    _server, port, _build = preview_server
    for host in ("attacker.example", f"attacker.example:{port}", "127.0.0.1.nip.io",
                 f"127.0.0.1:{port + 1}"):
        for path in ("/", "/demo/en/", "/__communique__/version", "/__communique__/events"):
            for method in ("GET", "HEAD"):
                assert _ask(port, method, path, {"Host": host})[0] == 403, (host, path, method)
    for origin in ("http://attacker.example", f"http://attacker.example:{port}", "null"):
        for path in ("/__communique__/version", "/__communique__/events"):
            assert _ask(port, "GET", path, {"Origin": origin})[0] == 403, (origin, path)
    assert _ask(port, "GET", "/__communique__/version",
                {"Origin": f"http://127.0.0.1:{port}"})[0] == 200
    assert _ask(port, "GET", "/", {"Host": f"localhost:{port}"})[0] == 200
    import socket

    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:  # no Host at all
        raw.sendall(b"GET / HTTP/1.0\r\n\r\n")
        assert raw.recv(64).startswith(b"HTTP/1.0 403")


def test_idle_connections_and_event_streams_are_bounded_and_requests_still_answered(
        preview_server, monkeypatch):
    import socket

    from communique import serve

    monkeypatch.setattr(serve, "IDLE_SECONDS", 1.0)
    server, port, _build = preview_server
    before = threading.active_count()
    idle = [socket.create_connection(("127.0.0.1", port)) for _ in range(300)]
    loris = []  # heads that never end
    for _ in range(50):
        connection = socket.create_connection(("127.0.0.1", port))
        connection.sendall(f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nX-Slow: ".encode())
        loris.append(connection)
    streams = []
    for _ in range(100):
        connection = socket.create_connection(("127.0.0.1", port))
        connection.sendall(f"GET /__communique__/events HTTP/1.1\r\nHost: 127.0.0.1:{port}"
                           "\r\n\r\n".encode())
        streams.append(connection)
    try:
        started = time.monotonic()
        assert _ask(port, "GET", "/demo/en/")[0] == 200  # a normal request, answered at once
        assert time.monotonic() - started < 2
        time.sleep(0.5)
        threads = threading.active_count() - before
        print(f"{len(idle) + len(loris) + len(streams)} connections: {threads} more thread(s), "
              f"{len(server.waiting)} waiting, {len(server.streams)} stream(s)")
        assert threads <= serve.WORKERS
        assert len(server.waiting) <= serve.MAX_WAITING
        assert len(server.streams) <= serve.MAX_STREAMS
        time.sleep(1.5)  # past the idle timeout: the connections without a request are closed
        assert not server.waiting
        idle[-1].settimeout(5)
        assert idle[-1].recv(1) == b""
        assert _ask(port, "HEAD", "/")[0] == 200
    finally:
        for connection in idle + loris + streams:
            connection.close()


def test_event_streams_get_every_change_without_a_thread_each(preview_server):
    import socket

    server, port, _build = preview_server
    with socket.create_connection(("127.0.0.1", port), timeout=10) as stream:
        stream.sendall(f"GET /__communique__/events?since=0 HTTP/1.1\r\n"
                       f"Host: 127.0.0.1:{port}\r\n\r\n".encode())
        received = b""
        while b"event: state" not in received:
            received += stream.recv(4096)
        server.changes.publish(["demo/en/index.html"], [])
        while b"demo/en/index.html" not in received:
            chunk = stream.recv(4096)
            assert chunk, received
            received += chunk
    assert b'"version": 1' in received


def test_a_build_that_raises_is_told_and_the_preview_goes_on(workspace, monkeypatch):
    """A statement nested deeper than the interpreter's stack once made the server exit."""
    from communique.serve import Preview

    root = workspace({"demo": STATEMENT})
    told: list[str] = []
    preview = Preview(root, 1, told.append)

    def deep(*args, **kwargs):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr("communique.build.build", deep)
    preview.changed([root / "content/demo/statement.yaml"])  # must not raise
    assert any("RecursionError" in p and p.startswith("content/demo:")
               for p in preview.changes.problems), preview.changes.problems


def test_the_record_never_makes_the_server_watch_outside_the_workspace(workspace, tmp_path_factory):
    from communique.cache import CACHE_FILE
    from communique.serve import watched
    from communique.workspace import find_workspace

    root = workspace({"demo": STATEMENT})
    outside = tmp_path_factory.mktemp("outside")
    (outside / "x.json").write_text("[]")
    (root / "lib").symlink_to(outside)
    (root / ".hidden").mkdir()
    from click.testing import CliRunner

    from communique.cli import main

    assert CliRunner().invoke(main, ["build", "-j", "1"]).exit_code == 0
    record_path = root / "build" / CACHE_FILE
    record = json.loads(record_path.read_text())
    for inputs in ({"lib/x.json": ""}, {"../../../etc/passwd": ""}, {"/etc/passwd": ""}):
        record["editions"]["demo/en"]["inputs"] = inputs
        record_path.write_text(json.dumps(record))
        folders = watched(find_workspace(root))
        assert folders, inputs
        assert all(f.resolve().is_relative_to(root.resolve()) for f in folders), folders


@pytest.mark.slow
def test_the_server_survives_what_a_save_does_to_the_workspace(server):
    """Content nested deeper than the interpreter's stack, then broken settings: each is told,
    and the next good save is served as usual."""
    root, url, process, lines = server
    statement = root / "content/demo/statement.yaml"
    good = statement.read_text()
    deep = "^[" * 1500 + "deep" + "]" * 1500
    statement.write_text(good.replace("The organisation calls",
                                      f"|\n  {deep} The organisation calls"))

    def told(what: str) -> list[str]:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, f"the server died: {lines} {process.stderr.read()}"
            problems = json.loads(_get(url + "__communique__/version")[1])["problems"]
            if any(what in p for p in problems):
                return problems
            assert time.monotonic() < deadline, f"never told {what!r}: {problems} {lines}"
            time.sleep(0.1)

    told("content/demo")  # a located error, or at least the build that stopped
    settings = root / "communique.toml"
    settings.write_text("[organisation\n")
    told("communique.toml:1:")
    settings.write_text("")
    statement.write_text(good.replace("calls for restraint", "calls for a truce"))
    deadline = time.monotonic() + 60
    while "calls for a truce" not in _get(url + "demo/en/")[1]:
        assert process.poll() is None and time.monotonic() < deadline, lines
        time.sleep(0.1)


# What the console and the page's bar tell (issue 16): the address first, a taken port before
# anything is built, each problem once, and on each page only its own edition's problems.

WARNED = STATEMENT + """\
  unused:
    url: https://example.org/u
"""


def test_a_taken_port_is_told_in_one_line_before_anything_is_built(workspace):
    import socket

    from click.testing import CliRunner

    from communique.cli import main

    root = workspace({"demo": STATEMENT})
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(main, ["serve", "--port", str(port), "-j", "1"])
    assert result.exit_code == 1
    assert result.stderr == (f"error: port {port} is in use; try --port {port + 1} "
                             "(or --port 0 for any free port)\n")
    assert result.stdout == "" and "Traceback" not in result.output
    assert not (root / "build" / "demo").exists() and not (root / "build" / "index.html").exists()


def _serve(root: Path) -> tuple[subprocess.Popen, list[str]]:
    """``communique serve --port 0`` in ``root``, its stdout and stderr as one list of lines."""
    process = subprocess.Popen([sys.executable, "-m", "communique", "serve", "--port", "0",
                                "-j", "1"], cwd=root, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, start_new_session=True,
                               env={**os.environ, "PYTHONUNBUFFERED": "1"})
    lines: list[str] = []

    def read() -> None:
        for line in process.stdout:
            lines.append(line.rstrip("\n"))

    threading.Thread(target=read, daemon=True).start()
    return process, lines


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            pass
    try:
        os.killpg(process.pid, signal.SIGKILL)  # anything the server left behind
    except ProcessLookupError:
        pass


def _wait_for(lines: list[str], what: str, count: int = 1, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while sum(what in line for line in lines) < count:
        assert time.monotonic() < deadline, f"never {count} x {what!r}: {lines}"
        time.sleep(0.05)


@pytest.mark.slow
def test_serving_is_told_first_and_each_problem_once_a_build(workspace):
    root = workspace({"demo": WARNED}, settings='[documents]\noutputs = ["web"]\n')
    from click.testing import CliRunner

    from communique.cli import main

    assert CliRunner().invoke(main, ["translate", "demo", "--lang", "ru"]).exit_code == 0
    process, lines = _serve(root)
    try:
        _wait_for(lines, "edition(s) built")
        assert lines[0].startswith("Serving http://127.0.0.1:"), lines
        never_cited = [line for line in lines if "source 'unused' is never cited" in line]
        assert len(never_cited) == 1, lines
        assert sum(line.startswith("content/demo/i18n/ru.po: warning: 2 texts not translated")
                   for line in lines) == 1, lines
        statement = root / "content/demo/statement.yaml"
        statement.write_text(statement.read_text().replace("restraint", "a ceasefire"))
        _wait_for(lines, "edition(s) built", count=2)
        assert sum("source 'unused' is never cited" in line for line in lines) == 2, lines
    finally:
        _stop(process)


@pytest.mark.slow
@pytest.mark.browser
def test_each_page_s_bar_shows_its_own_edition_s_problems_and_closes(workspace, browser):
    root = workspace({"demo": WARNED}, settings='[documents]\noutputs = ["web"]\n')
    from click.testing import CliRunner

    from communique.cli import main

    assert CliRunner().invoke(main, ["translate", "demo", "--lang", "ru"]).exit_code == 0
    process, lines = _serve(root)
    try:
        _wait_for(lines, "edition(s) built")
        url = re.search(r"Serving (http://127\.0\.0\.1:\d+/)", lines[0]).group(1)
        page = browser.new_page()
        page.route(re.compile(r"^(?!http://127\.0\.0\.1).*"), lambda r: r.abort())  # offline
        page.goto(url + "demo/en/")
        bar = page.wait_for_selector("pre[role=status]", timeout=30_000)
        assert "source 'unused' is never cited" in bar.inner_text()
        assert "ru.po" not in bar.inner_text()  # the Russian edition's: not on the English page
        close = page.get_by_role("button", name="Close the build problems")
        close.focus()
        page.keyboard.press("Enter")  # closed from the keyboard
        assert page.locator("section[aria-label='Build problems']").count() == 0
        page.reload()  # closed it stays, while its problems are the same
        page.wait_for_timeout(1000)
        assert page.locator("section[aria-label='Build problems']").count() == 0

        page.goto(url + "demo/ru/")
        bar = page.wait_for_selector("pre[role=status]", timeout=30_000)
        assert "content/demo/i18n/ru.po: warning: 2 texts not translated" in bar.inner_text()
        page.goto(url)  # the report: every problem
        bar = page.wait_for_selector("pre[role=status]", timeout=30_000)
        assert "ru.po" in bar.inner_text() and "never cited" in bar.inner_text()

        page.goto(url + "demo/en/")
        statement = root / "content/demo/statement.yaml"
        statement.write_text(statement.read_text() + "  unused-too:\n    url: https://example.org/v\n")
        bar = page.wait_for_selector("pre[role=status]", timeout=30_000)  # new problems: shown
        assert "source 'unused-too' is never cited" in bar.inner_text()
        page.close()
    finally:
        _stop(process)


def test_each_page_gets_its_edition_s_problems_and_each_is_printed_once_a_round(tmp_path, capsys):
    from communique.build import Edition, Result
    from communique.errors import Problem
    from communique.serve import Preview

    preview = Preview(tmp_path, 1, say=lambda text: None)
    en = Problem("content/a/statement.yaml", 3, 1, "source 'x' is never cited", "warning")
    ru = Problem("content/a/i18n/ru.po", 9, 1, "'title': the translation drops the figure 3",
                 "warning", "invalid")
    settings = Problem("communique.toml", 2, 1, "organisation.name is empty", "warning")
    broken = Problem("content/b/statement.yaml", 1, 1, "invalid YAML")
    result = Result([Edition("a", "en", problems=[en]), Edition("a", "ru", problems=[en, ru])],
                    [en, ru, settings, broken], ["b"], failures={"b": [broken]})
    preview._tell([], result.problems, result, [])
    preview._tell([], result.problems, result, [])  # the full pass after the quick one
    assert preview.changes.pages == {"a/en": [str(en), str(settings)],
                                     "a/ru": [str(en), str(ru), str(settings)],
                                     "b": [str(broken), str(settings)]}
    printed = capsys.readouterr().err.splitlines()
    assert sorted(printed) == sorted(str(p) for p in (en, ru, settings, broken))

    # a build of statement b alone leaves the pages of a as they were
    fixed = Result([Edition("b", "en")], [settings])
    preview._tell([], fixed.problems, fixed, [tmp_path / "content" / "b"])
    assert set(preview.changes.pages) == {"a/en", "a/ru", "b/en"}
    assert preview.changes.pages["b/en"] == [str(settings)]

    # the settings unreadable: no build, and every page shows why
    unreadable = Problem("communique.toml", 1, 1, "invalid TOML")
    preview._tell([], [unreadable])
    assert preview.changes.pages == {} and preview.changes.problems == [str(unreadable)]
