"""The web edition in a real browser: content cannot run script, and notes navigate both ways.

Drives Debian's ``chromium`` (installed by ``WITH_BROWSER=1 ./scripts/setup.sh``) through the
``playwright`` package with ``executable_path``; playwright's own browser downloads are never
used. Every request that is not a local file is aborted and recorded, so the test also shows
the page asks for nothing from the network.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import build_in

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "content" / "nagorno-karabakh-2020"

HOSTILE = """\
type: public-statement
lang: en
date: 2020-09-29
reference: '<script>window.pwned = "reference"</script>'
title: 'A title <script>window.pwned = "title"</script>'
subtitle: '<img src=x onerror="window.pwned = ''subtitle''">'
opening: |
  Text <script>window.pwned = "opening"</script> and <img src=x onerror="window.pwned='img'">
  with a note.^[<svg onload="window.pwned='note'"></svg> <a href="#" onclick="window.pwned='a'">x</a>]
  And a citation.[see <b onmouseover="window.pwned='cite'">this</b> @src-a]
sections:
  - id: one
    heading: '<iframe src="javascript:window.top.pwned=1"></iframe>'
    incidents:
      - id: inc
        date: 2020-09-27
        place: '" autofocus onfocus="window.pwned=''place''" x="'
        reported_by: A witness
        text: <details open ontoggle="window.pwned='details'">x</details>
sources:
  src-a:
    url: 'https://example.org/a?"><script>window.pwned="url"</script>'
"""


def _build(root: Path) -> Path:
    result = build_in(root)
    assert result.exit_code == 0, result.stderr
    (page,) = (root / "build").glob("*/en/index.html")  # the example has translated editions too
    return page


@pytest.fixture
def open_page(browser):
    """Open a built page from disk; returns the page and the non-file requests it tried."""
    context = browser.new_context(viewport={"width": 900, "height": 600})
    blocked: list[str] = []

    def route(r):
        if r.request.url.startswith("file:"):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    dialogs: list[str] = []

    def go(path: Path):
        page = context.new_page()
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(path.as_uri())
        page.wait_for_load_state("load")
        return page

    yield go, blocked, dialogs
    context.close()


@pytest.fixture(scope="module")
def hostile_page(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("hostile-browser")
    (root / "communique.toml").write_text(
        '[organisation]\nname = "Org <script>window.pwned=\'org\'</script>"\n')
    (root / "content" / "hostile").mkdir(parents=True)
    (root / "content" / "hostile" / "statement.yaml").write_text(HOSTILE)
    return _build(root)


@pytest.fixture(scope="module")
def example_page(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("example-browser")
    shutil.copy(ROOT / "communique.toml", root / "communique.toml")
    if (ROOT / "templates").is_dir():
        shutil.copytree(ROOT / "templates", root / "templates")
    shutil.copytree(EXAMPLE, root / "content" / EXAMPLE.name)
    return _build(root)


def test_no_content_script_or_handler_runs(open_page, hostile_page):
    go, blocked, dialogs = open_page
    page = go(hostile_page)
    page.wait_for_timeout(300)  # let any handler (autofocus, ontoggle, onload) fire
    assert page.evaluate("document.scripts.length") == 0
    assert page.evaluate("window.pwned") is None
    # interact with everything a reader could: hover, focus and click every element in the page
    for element in page.query_selector_all("main *, header *"):
        if element.is_visible():
            element.hover()
            element.focus()
    for link in page.query_selector_all("a[href^='#']"):
        link.click()
    assert page.evaluate("window.pwned") is None
    assert dialogs == []
    # the hostile text is shown as text, as written (its straight quotes printed as English ones)
    assert "<script>window.pwned = “opening”</script>" in page.inner_text(".opening")
    assert page.get_attribute(".incident", "data-place") == '" autofocus onfocus=“window.pwned=‘place’” x=”'
    assert blocked == []  # nothing was requested from the network (the image "x" was never built)


def test_footnote_calls_and_backlinks_navigate_both_ways(open_page, example_page):
    go, blocked, _ = open_page
    page = go(example_page)
    calls = page.eval_on_selector_all(
        "a.note-call[id]", "els => els.map(e => [e.id, e.getAttribute('href'), e.textContent])")
    assert len(calls) >= 10
    in_view = """id => { const r = document.getElementById(id).getBoundingClientRect();
                         return r.bottom > 0 && r.top < window.innerHeight; }"""
    for number, (call_id, href, label) in enumerate(calls, 1):
        note_id = href.removeprefix("#")
        assert label.strip() == str(number), "calls are numbered in reading order"
        page.click(f"#{call_id}")
        assert page.evaluate("location.hash") == href
        assert page.evaluate("document.querySelector(':target').id") == note_id
        assert page.evaluate(in_view, note_id), f"note {number} is not scrolled into view"
        target = page.evaluate(f"document.getElementById('{note_id}').value")
        assert target == number, "the note's list number matches its call"

        backlink = page.locator(f"#{note_id} a[role='doc-backlink']").first  # to the first call
        assert backlink.get_attribute("href") == f"#{call_id}"
        backlink.click()
        assert page.evaluate("location.hash") == f"#{call_id}"
        assert page.evaluate(in_view, call_id), f"the call of note {number} is not back in view"
    assert blocked == []
