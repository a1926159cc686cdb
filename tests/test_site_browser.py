"""The site in a real browser: accessibility (axe-core), pages without JavaScript, and search.

Drives Debian's ``chromium`` through playwright, as tests/test_browser.py does. axe-core comes
with the ``axe-playwright-python`` package (its ``axe.min.js``), so nothing is downloaded. The
built site is served from ``build/`` by a static file server on 127.0.0.1, as a static host
would serve it; every request to any other address is aborted and recorded.
"""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from pathlib import Path

import pytest

from conftest import ROOT, build_in

pytestmark = pytest.mark.browser

SLUG = "nagorno-karabakh-2020"
ARMENIAN_WORD = "հակահարձակման"  # "counter-offensive", in the Armenian edition's body only


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("site-browser")
    shutil.copy(ROOT / "communique.toml", root / "communique.toml")
    shutil.copytree(ROOT / "content", root / "content")
    result = build_in(root)
    assert result.exit_code == 0, result.stderr
    assert ": warning:" not in result.stderr, result.stderr
    return root / "build"


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture(scope="module")
def host(site):
    """build/ on a static file server, as it will be published."""
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture
def visit(browser, host):
    """Open a page of the site; returns it and the requests it tried outside the host."""
    contexts = []
    outside: list[str] = []
    errors: list[str] = []

    def go(path: str, *, javascript: bool = True):
        context = browser.new_context(viewport={"width": 1000, "height": 800},
                                      java_script_enabled=javascript)
        contexts.append(context)

        def route(r):
            if r.request.url.startswith(host):
                r.continue_()
            else:
                outside.append(r.request.url)
                r.abort()

        context.route("**/*", route)
        page = context.new_page()
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(host + path)
        page.wait_for_load_state("load")
        return page

    yield go, outside
    for context in contexts:
        context.close()
    assert errors == []  # no script error on any page


@pytest.mark.parametrize("path", ["en/index.html", "ar/index.html", f"{SLUG}/en/index.html",
                                  f"{SLUG}/ar/index.html"])
def test_axe_finds_no_serious_or_critical_violation(visit, path):
    from axe_playwright_python.sync_playwright import Axe

    go, outside = visit
    page = go(path)
    results = Axe().run(page)
    grave = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
             for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert grave == [], grave
    assert outside == []


STATEMENTS = sorted(p.parent.name for p in (ROOT / "content").glob("*/statement.yaml"))


@pytest.mark.parametrize("slug", STATEMENTS)
def test_axe_finds_nothing_serious_on_any_edition_page(site, visit, slug):
    """Every web edition of every example statement, in every language it is built in, with
    the rules axe leaves off by default that a reader on a touch screen needs (WCAG 2.2
    target size); a role the element does not allow (minor to axe) counts too, as a screen
    reader may then ignore it."""
    from axe_playwright_python.sync_playwright import Axe

    options = {"resultTypes": ["violations"], "rules": {"target-size": {"enabled": True}}}

    go, outside = visit
    pages = sorted(p.relative_to(site).as_posix() for p in (site / slug).glob("*/index.html"))
    assert pages
    grave = {}
    for path in pages:
        results = Axe().run(go(path), options=options)
        found = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
                 for v in results.response["violations"]
                 if v["impact"] in ("serious", "critical") or v["id"] == "aria-allowed-role"]
        if found:
            grave[path] = found
    assert grave == {}, grave
    assert outside == []


def test_the_workspace_accent_colour_wins_over_the_defaults(visit):
    """communique.toml sets accent = "#ffff00", on_accent = "#000000": the take-action box and
    the report's cover band are drawn in them, not in base.css's defaults (#111 on #fff)."""
    go, _ = visit
    for path, selector in (("urgent-action-example/en/index.html", ".take-action"),
                           ("report-example/en/index.html", ".cover .kind")):
        box = go(path).locator(selector).first
        colours = box.evaluate("e => [getComputedStyle(e).backgroundColor, getComputedStyle(e).color]")
        assert colours == ["rgb(255, 255, 0)", "rgb(0, 0, 0)"], (path, colours)


def test_indexes_work_without_javascript(visit):
    go, _ = visit
    page = go("hy/index.html", javascript=False)
    assert page.locator("html").get_attribute("lang") == "hy"
    page.get_by_role("link", name="Русский").click()
    page.wait_for_load_state("load")
    assert page.url.endswith("/ru/index.html")
    titles = page.locator("article.item h2 a")
    assert titles.count() == 1
    titles.first.click()
    page.wait_for_load_state("load")
    assert page.url.endswith(f"/{SLUG}/ru/index.html")
    assert page.locator("script").count() == 0  # a statement page has no script at all


def test_search_finds_an_armenian_word_from_the_armenian_index(visit):
    go, outside = visit
    page = go("hy/index.html")
    page.locator("#q").fill(ARMENIAN_WORD)
    page.locator("form.search button").click()
    page.wait_for_load_state("load")
    assert "/hy/search/" in page.url
    result = page.locator(".pagefind-ui__result-link").first
    result.wait_for(timeout=15000)
    links = page.locator(".pagefind-ui__result-link").evaluate_all("a => a.map(x => x.href)")
    assert links == [f"{page.url.split('/hy/')[0]}/{SLUG}/hy/index.html"]
    assert outside == []
    result.click()  # the result leads to the Armenian edition
    page.wait_for_load_state("load")
    assert page.locator("html").get_attribute("lang") == "hy"


def test_search_results_are_in_the_readers_language(visit):
    go, _ = visit
    page = go("en/search/index.html?q=Nagorno-Karabakh")
    page.locator(".pagefind-ui__result-link").first.wait_for(timeout=15000)
    links = page.locator(".pagefind-ui__result-link").evaluate_all("a => a.map(x => x.href)")
    assert links and all("/en/index.html" in link for link in links)
