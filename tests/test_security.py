"""The attack corpus: content cannot run in the page, and the PDF cannot embed what is not ours.

Content and translations are untrusted; templates are trusted, but a template copied from
elsewhere must still not make the PDF embed a private file. Each attack has a positive control
where that makes sense (the same resource inside the workspace does load), so a test can tell
"refused" from "broken".
"""

from __future__ import annotations

import ast
import io
import os
import re
import shutil
import socket
import textwrap
import threading
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from communique.cli import main
from communique.content.markup import link_problem
from communique.render.pdf import print_pdf
from communique.sandbox import Refused, contained, read_file, resolve_asset
from conftest import LOCATED as LINE
from conftest import build_in

SRC = Path(__file__).resolve().parent.parent / "src" / "communique"

STATEMENT = """\
type: public-statement
lang: en
date: 2020-09-29
title: A statement
opening: |
  The organisation calls for restraint.[@src-a]
  {snippet}
sources:
  src-a:
    url: {url}
"""


def statement(snippet: str = "", url: str = "https://example.org/a") -> str:
    return STATEMENT.format(snippet=snippet, url=url)


def located_errors(stderr: str) -> list[tuple[int, int, str]]:
    found = []
    for line in stderr.splitlines():
        m = LINE.match(line)
        if m and m["sev"] == "error":
            found.append((int(m["line"]), int(m["col"]), m["msg"]))
    return found


def position(text: str, needle: str) -> tuple[int, int]:
    index = text.index(needle)
    return text.count("\n", 0, index) + 1, index - (text.rfind("\n", 0, index) + 1) + 1


# --- links in content: located errors, nothing written ----------------------------------------

JS = "link scheme 'javascript:' is not allowed"
LINK_ATTACKS = [
    ("[x](javascript:alert(1))", "javascript:", JS),
    ("[x](JaVaScRiPt:alert(1))", "JaVaScRiPt:", JS),
    ("[x](javascript&colon;alert(1))", None, JS),
    ("[x](&#106;avascript:alert(1))", None, JS),
    ("[x](java&#x09;script:alert(1))", None, "has no scheme"),
    ("<javascript:alert(1)>", "javascript:", JS),
    ("[x](data:text/html;base64,PHNjcmlwdD4=)", "data:", "link scheme 'data:' is not allowed"),
    ("[x](vbscript:msgbox(1))", "vbscript:", "link scheme 'vbscript:' is not allowed"),
    ("[x](file:///etc/passwd)", "file:", "link scheme 'file:' is not allowed"),
    ("![x](file:///etc/passwd)", "file:", "link scheme 'file:' is not allowed"),
    ("![x](../../../../etc/passwd)", "../", "has no scheme"),
    ("[x](//evil.example/x)", "//evil", "has no scheme"),
    ("See [x][r].\n\n  [r]: javascript:alert(1)", "javascript:", JS),
    ("A note.^[See [x](javascript:alert(1)).]", "javascript:", JS),
    ("A citation [see [x](javascript:alert(1)) @src-a].", "javascript:", JS),
    ("A citation [@src-a, [x](javascript:alert(1))].", "javascript:", JS),
]


@pytest.mark.parametrize("snippet, needle, message", LINK_ATTACKS,
                         ids=[a[0][:30] for a in LINK_ATTACKS])
def test_unsafe_links_in_content_are_located_errors(workspace, snippet, needle, message):
    text = statement(snippet)
    root = workspace({"attack": text})
    result = CliRunner().invoke(main, ["build"])
    assert result.exit_code == 1
    errors = located_errors(result.stderr)
    assert [msg for *_, msg in errors if message in msg], result.stderr
    line, col, _ = next(e for e in errors if message in e[2])
    if needle:
        assert (line, col) == position(text, needle)
    else:
        assert line == 6  # the field's line, when the URL was written with entities
    assert not (root / "build" / "attack").exists()  # no edition written


SOURCE_URL_ATTACKS = [
    ("javascript:alert(1)", "link scheme 'javascript:' is not allowed"),
    ("JAVASCRIPT:alert(1)", "link scheme 'javascript:' is not allowed"),
    ('"\\tjavascript:alert(1)"', "contains spaces or control characters"),
    ('"javascript\\0:alert(1)"', "character U+0000 is a control character"),  # as all text
    ("data:text/html,x", "link scheme 'data:' is not allowed"),
    ("file:///etc/passwd", "link scheme 'file:' is not allowed"),
    ("//evil.example/x", "has no scheme"),
    ("mailto:someone@example.org", "must be an http:// or https:// address"),
]


@pytest.mark.parametrize("url, message", SOURCE_URL_ATTACKS, ids=[a[0] for a in SOURCE_URL_ATTACKS])
def test_unsafe_source_urls_are_located_errors(workspace, url, message):
    text = statement(url=url)
    root = workspace({"attack": text})
    result = CliRunner().invoke(main, ["build"])
    assert result.exit_code == 1
    errors = located_errors(result.stderr)
    assert [(line, col) for line, col, msg in errors if message in msg] == [(10, 10)], result.stderr
    assert not (root / "build" / "attack").exists()  # no edition written


# --- content is escaped everywhere it is printed ---------------------------------------------

HOSTILE = r"""
type: public-statement
lang: en
date: 2020-09-29
reference: 'EUR <script>window.pwned=1</script> "q'
title: 'Title <script>window.pwned=1</script> "quoted" & <b>bold</b>'
subtitle: <img src=x onerror="window.pwned=1">
opening: |
  Opening <script>window.pwned=1</script> and <img src=x onerror=window.pwned=1>
  and a note^[<svg onload=window.pwned=1>] and a cite [see <i>x</i> @src-a, p. 4 "<script>"].
sections:
  - id: one
    heading: <iframe src="javascript:window.pwned=1">
    incidents:
      - id: inc
        date: 2020-09-27
        place: '" onmouseover="window.pwned=1" x="'
        reported_by: '<a href="javascript:window.pwned=1">x</a>'
        text: '<style>body{display:none}</style> Something happened.'
sources:
  src-a:
    url: 'https://example.org/a?x="><script>window.pwned=1</script>'
"""
HOSTILE_ORG = '[organisation]\nname = "Org <script>window.pwned=1</script> \\" onload=\\"x"\n'


class Page(HTMLParser):
    """Every element with its attributes, and the text of <title>."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.title = ""
        self._in_title = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, {k: v or "" for k, v in attrs}))
        self._in_title = tag == "title"

    def handle_endtag(self, tag):
        self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data

    def attr(self, tag: str, attribute: str, **match) -> list[str]:
        return [a[attribute] for t, a in self.elements
                if t == tag and attribute in a and all(a.get(k) == v for k, v in match.items())]


def assert_inert(page: Page) -> None:
    """No element content could have made: no script, no handler, no unsafe URL."""
    for tag, attrs in page.elements:
        assert tag not in {"script", "iframe", "object", "embed", "svg", "img", "b", "i"}, tag
        assert not [a for a in attrs if a.startswith("on")], (tag, attrs)
        for name in ("href", "src", "action", "formaction", "xlink:href"):
            if name in attrs and not (name == "href" and attrs.get("hreflang") and
                                      re.fullmatch(r"\.\./[A-Za-z-]+/index\.html", attrs[name])) \
                    and not (name == "href" and attrs.get("type") == "application/pdf" and
                             re.fullmatch(r"[\w-]+\.pdf", attrs[name])):
                # (the template's own links between the languages of a statement, and to the
                # page's PDF, are relative)
                assert link_problem(attrs[name]) is None, (tag, attrs)
    assert [t for t, _ in page.elements].count("style") == 1  # the template's own


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    (root / "communique.toml").write_text(HOSTILE_ORG)
    (root / "content" / "h").mkdir(parents=True)
    (root / "content" / "h" / "statement.yaml").write_text(HOSTILE.lstrip())
    result = build_in(root)
    assert result.exit_code == 0, result.stderr
    return root / "build" / "h" / "en"


def test_every_content_value_is_escaped_in_the_web_page(hostile_build):
    page = Page((hostile_build / "index.html").read_text(encoding="utf-8"))
    assert_inert(page)
    # values come back exactly as written: nothing broke out of its attribute or element
    # (straight quotes printed as English ones, as in any text)
    assert page.title == 'Title <script>window.pwned=1</script> “quoted” & <b>bold</b>'
    assert page.attr("div", "data-place") == ['" onmouseover=“window.pwned=1” x=”']
    assert page.attr("meta", "content", name="author") == [
        'Org <script>window.pwned=1</script> " onload="x']
    (description,) = page.attr("meta", "content", name="description")
    assert description.startswith("Opening <script>window.pwned=1</script> and <img src=x onerror=")
    assert "https://example.org/a?x=\"><script>window.pwned=1</script>" in page.attr(
        "a", "href", **{"class": "url"})


def test_the_build_report_is_inert(hostile_build):
    """build/index.html lists titles and problems, which quote content: escaped there too."""
    report = hostile_build.parents[1] / "index.html"
    page = Page(report.read_text(encoding="utf-8"))
    assert page.elements, "the report is empty"
    for tag, attrs in page.elements:
        assert tag not in {"script", "iframe", "object", "embed", "svg"}, tag
        assert not [a for a in attrs if a.startswith("on")], (tag, attrs)
        for name in ("href", "src"):
            scheme = attrs.get(name, "").split(":", 1)[0].lower() if ":" in attrs.get(name, "") else ""
            assert scheme in {"", "http", "https", "mailto"}, (tag, attrs)
    assert "<script>window.pwned=1</script>" in report.read_text(encoding="utf-8").replace(
        "&lt;", "<").replace("&gt;", ">")  # the title is shown, as text


def test_the_print_edition_shows_the_markup_as_text(hostile_build):
    text = "".join(p.extract_text() for p in PdfReader(hostile_build / "h-en.pdf").pages)
    assert "<script>window.pwned=1</script>" in text
    assert "Something happened" in text  # the <style> in content did not hide the page


LIBRARY = """[
 {"id": "evil", "type": "webpage", "title": "Title <script>window.pwned=1</script>",
  "container-title": "<img src=x onerror=window.pwned=2>", "publisher": "Pub \\" onmouseover=\\"x",
  "author": [{"family": "<b onclick=x>Doe</b>", "given": "J"}],
  "URL": "https://example.org/a?b=\\"><script>window.pwned=3</script>",
  "issued": {"date-parts": [[2020, 9, 27]]}}
]"""
STYLED = """\
type: public-statement
lang: en
date: 2020-09-29
title: A statement
opening: Restraint.[see <i>x</i> @evil, p. 4 "<script>q</script>"] Again.[@evil]
citations:
  style: {style}
  bibliography: true
  libraries: [../../sources/lib.json]
"""


@pytest.mark.slow
def test_hostile_source_libraries_are_escaped_in_every_note_style(workspace):
    """Titles, names and URLs from a reference manager's export are content: escaped in notes
    and in the list of sources, whatever style writes them (CSL through citeproc-py too)."""
    styles = ["url", "full", "chicago-notes-bibliography"]
    root = workspace({style: STYLED.format(style=style) for style in styles})
    (root / "sources").mkdir()
    (root / "sources" / "lib.json").write_text(LIBRARY, encoding="utf-8")
    result = CliRunner().invoke(main, ["build"])
    assert result.exit_code == 0, result.stderr
    for style in styles:
        html = (root / "build" / style / "en" / "index.html").read_text(encoding="utf-8")
        page = Page(html)
        for tag, attrs in page.elements:
            assert tag not in {"script", "iframe", "object", "embed", "svg", "img"}, (style, tag)
            assert not [a for a in attrs if a.startswith("on")], (style, tag, attrs)
            if "href" in attrs and attrs.get("type") != "application/pdf":  # (the page's own PDF)
                assert link_problem(attrs["href"]) is None, (style, attrs)
        assert "Title &lt;script&gt;window.pwned=1&lt;/script&gt;" in html, style
        assert "&lt;script&gt;q&lt;/script&gt;" in html, style


# --- translations are untrusted too ----------------------------------------------------------

TRANSLATED = """\
type: public-statement
lang: en
date: 2020-09-29
title: A statement
opening: The organisation calls for [restraint](https://example.org/r).[@src-a]
sections:
  - id: one
    body: Second paragraph.
sources:
  src-a:
    url: https://example.org/a
"""
UI_CATALOG = r"""msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\n"
"Language: ru\n"

msgid "Notes"
msgstr "Примечания<script>window.pwned=true</script>"

msgid "Back to the text of note %(number)s"
msgstr "Назад\" onfocus=\"window.pwned=window %(number)s"

msgid "Public Statement"
msgstr "<img src=x onerror=window.pwned=true>Заявление"
"""


@pytest.fixture
def translated(workspace) -> Path:
    """A statement with a Russian translation whose PO file and template catalog are hostile."""
    root = workspace({"s": TRANSLATED})
    result = CliRunner().invoke(main, ["translate", "content/s", "--lang", "ru"])
    assert result.exit_code == 0, result.output
    po = root / "content" / "s" / "i18n" / "ru.po"
    text = po.read_text(encoding="utf-8")
    for msgid, msgstr in [
        ("A statement", "Заявление <script>window.pwned=4</script>"),
        ("The organisation calls for [restraint](https://example.org/r).[@src-a]",
         "Организация [призывает](javascript:window.pwned=5) <img src=x onerror=alert(1)>.[@src-a]"),
        ("Second paragraph.", 'Второй <a href=\\"javascript:alert(1)\\">абзац</a>.'),
    ]:
        old = f'msgid "{msgid}"\nmsgstr ""'
        assert old in text, msgid
        text = text.replace(old, f'msgid "{msgid}"\nmsgstr "{msgstr}"')
    po.write_text(text, encoding="utf-8")
    catalog = root / "templates" / "locale" / "ru" / "LC_MESSAGES" / "messages.po"
    catalog.parent.mkdir(parents=True)
    catalog.write_text(UI_CATALOG, encoding="utf-8")
    return root


def test_hostile_translations_are_located_and_inert(translated):
    result = CliRunner().invoke(main, ["build"])
    po_text = (translated / "content" / "s" / "i18n" / "ru.po").read_text(encoding="utf-8")
    line, col = position(po_text, "javascript:window.pwned=5")
    assert (f"content/s/i18n/ru.po:{line}:{col}: warning: 'opening': link scheme 'javascript:' "
            "is not allowed") in result.stderr
    page = Page((translated / "build" / "s" / "ru" / "index.html").read_text(encoding="utf-8"))
    assert_inert(page)
    assert page.title.endswith("Заявление <script>window.pwned=4</script>")  # shown, as text
    backlinks = page.attr("a", "aria-label", **{"class": "backlink"})
    assert backlinks and all(label.startswith('Назад" onfocus=') for label in backlinks)
    html = (translated / "build" / "s" / "ru" / "index.html").read_text(encoding="utf-8")
    assert "Примечания&lt;script&gt;" in html and "&lt;img src=x onerror=window.pwned=true&gt;" in html

    strict = CliRunner().invoke(main, ["build", "--strict", "--force"])
    assert strict.exit_code == 1
    assert f"content/s/i18n/ru.po:{line}:{col}: error: 'opening': link scheme 'javascript:'" \
        in strict.stderr


# --- the PDF sandbox -------------------------------------------------------------------------

SECRET = "SECRET-4b1d"


@pytest.fixture
def sandbox(tmp_path: Path) -> dict[str, Path]:
    """A workspace with a file of each kind inside, the same outside, and ways to reach out."""
    from PIL import Image

    root, outside = tmp_path / "ws", tmp_path / "outside"
    for folder in (root, outside, root / ".git"):
        folder.mkdir()
    for folder in (root, outside):
        (folder / "secret.txt").write_text(SECRET)
        Image.new("RGB", (4, 4), "red").save(folder / "pixel.png")
        shutil.copy("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", folder / "font.ttf")
        (folder / "style.css").write_text('body::after { content: "LEAKED-CSS" }')
    (root / ".git" / "config").write_text(SECRET)
    for name in ("secret.txt", "pixel.png", "font.ttf", "style.css"):
        (root / f"link-{name}").symlink_to(outside / name)
    (root / "urandom").symlink_to("/dev/urandom")
    os.mkfifo(root / "pipe")
    return {"root": root, "outside": outside}


def _escapes(sandbox, name: str) -> list[str]:
    """Every way a template could name ``name`` outside the workspace (or in a hidden folder)."""
    outside = sandbox["outside"] / name
    return [outside.as_uri(), f"../outside/{name}", f"link-{name}", f"file://localhost{outside}",
            f"file://evil.example{outside}", f"./sub/../../outside/{name}"]


def _render(sandbox, html: str, **options):
    """print_pdf in a thread, so a read that blocks (a FIFO) fails the test instead of hanging."""
    box: list = []
    thread = threading.Thread(target=lambda: box.append(
        print_pdf(html, sandbox["root"], [sandbox["root"]], uncompressed_pdf=True, **options)),
        daemon=True)
    thread.start()
    thread.join(60)
    assert box, "rendering blocked or failed"
    printed = box[0]
    return printed, PdfReader(io.BytesIO(printed.pdf))


def _holds(pdf: bytes, secret: bytes) -> bool:
    """Whether ``secret`` is anywhere in a PDF: its bytes or any of its streams decompressed
    (the structure pass writes compressed object streams)."""
    import io

    from pypdf import PdfReader

    if secret in pdf:
        return True
    reader = PdfReader(io.BytesIO(pdf))
    for number in range(1, int(reader.trailer["/Size"])):
        try:
            obj = reader.get_object(number)
            data = obj.get_data() if hasattr(obj, "get_data") else b""
        except Exception:
            continue
        if secret in data:
            return True
    return False


def _refusals(printed) -> list[str]:
    return [w for w in printed.warnings if "refused" in w]


def _refused(printed, url_part: str) -> bool:
    return any("refused to load" in w and url_part in w for w in printed.warnings)


def test_attachments_from_outside_are_refused(sandbox):
    targets = [*_escapes(sandbox, "secret.txt"), "file:///etc/passwd", ".git/config", "pipe",
               "urandom", "file:///dev/urandom", "file:///proc/self/environ"]
    links = "".join(f'<link rel="attachment" href="{t}">' for t in targets[:6])
    anchors = "".join(f'<a rel="attachment" href="{t}">file</a>' for t in targets[6:])
    printed, reader = _render(sandbox, f"<head>{links}</head><body><p>Body {anchors}</p></body>",
                              attachments=[targets[0], "../outside/secret.txt", "/etc/passwd"])
    assert not reader.attachments
    assert not _holds(printed.pdf, SECRET.encode())
    assert not _holds(printed.pdf, b"root:")
    for target in targets:
        assert _refused(printed, target.split("/")[-1]), (target, printed.warnings)
    assert any("not a regular file" in w for w in printed.warnings)
    assert any("hidden file or folder ('.git')" in w for w in printed.warnings)
    assert any("a file URL on another host" in w for w in printed.warnings)


def test_attachment_inside_the_workspace_is_embedded(sandbox):
    printed, reader = _render(sandbox, '<link rel="attachment" href="secret.txt"><p>Body</p>',
                              attachments=["secret.txt"])
    assert reader.attachments == {"secret.txt": [SECRET.encode(), SECRET.encode()]}
    assert _holds(printed.pdf, SECRET.encode())  # the detection above works


def test_images_from_outside_are_refused(sandbox):
    targets = [*_escapes(sandbox, "pixel.png"), "file:///etc/passwd"]
    tags = "".join(f'<img src="{t}" alt="">' for t in targets)
    tags += f'<div style="background: url({targets[0]}); height: 10px"></div>'
    tags += f'<object data="{targets[1]}"></object><embed src="{targets[2]}">'
    printed, reader = _render(sandbox, f"<p>Body</p>{tags}")
    assert not reader.pages[0].images
    for target in targets:
        assert _refused(printed, target.split("/")[-1]), (target, printed.warnings)

    control, reader = _render(sandbox, '<p>Body</p><img src="pixel.png" alt="">')
    assert len(reader.pages[0].images) == 1 and not _refusals(control)


def _fonts(reader: PdfReader) -> list[str]:
    return [str(f["/BaseFont"]) for page in reader.pages
            for f in page["/Resources"].get("/Font", {}).values()]


def test_font_faces_from_outside_are_refused(sandbox):
    targets = _escapes(sandbox, "font.ttf") + ["file:///etc/passwd"]
    faces = "".join(f"@font-face {{ font-family: Leak{i}; src: url({t}) }}"
                    for i, t in enumerate(targets))
    families = ", ".join(f"Leak{i}" for i in range(len(targets)))
    printed, reader = _render(sandbox, f"<style>{faces} p {{ font-family: {families}, serif }}"
                                       "</style><p>Body</p>")
    assert not [f for f in _fonts(reader) if "Leak" in f]
    for target in targets:
        assert _refused(printed, target.split("/")[-1]), (target, printed.warnings)

    control, reader = _render(sandbox, "<style>@font-face { font-family: Leak; src: url(font.ttf) }"
                                       " p { font-family: Leak }</style><p>Body</p>")
    assert [f for f in _fonts(reader) if f.endswith("+Leak")] and not _refusals(control)


def test_stylesheets_from_outside_are_refused(sandbox):
    targets = _escapes(sandbox, "style.css")
    imports = "".join(f"@import url({t});" for t in targets[:3])
    links = "".join(f'<link rel="stylesheet" href="{t}">' for t in targets[3:])
    printed, reader = _render(sandbox, f"<head><style>{imports}</style>{links}</head><p>Body</p>")
    assert "LEAKED-CSS" not in reader.pages[0].extract_text()
    for target in targets:
        assert _refused(printed, target.split("/")[-1]), (target, printed.warnings)

    control, reader = _render(sandbox, "<style>@import url(style.css);</style><p>Body</p>")
    assert "LEAKED-CSS" in reader.pages[0].extract_text() and not _refusals(control)


def test_no_network_access(sandbox):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.setblocking(False)
    base = f"http://127.0.0.1:{listener.getsockname()[1]}"
    html = (f'<head><link rel="stylesheet" href="{base}/a.css"><link rel="attachment" '
            f'href="{base}/b.txt"><style>@import url({base}/c.css); @font-face {{ font-family: N; '
            f'src: url({base}/d.ttf) }} p {{ font-family: N }}</style></head>'
            f'<p>Body<img src="{base}/e.png"><img src="https://127.0.0.1:1/f.png"></p>')
    try:
        printed, _ = _render(sandbox, html)
        with pytest.raises(BlockingIOError):
            listener.accept()  # nobody ever connected
    finally:
        listener.close()
    for name in ("a.css", "b.txt", "c.css", "d.ttf", "e.png", "f.png"):
        assert any(name in w and "(no network)" in w for w in printed.warnings), name


def test_template_override_cannot_embed_files_from_outside(workspace, tmp_path):
    root = workspace({"s": statement()})
    secret = tmp_path.parent / f"{tmp_path.name}-outside.txt"
    secret.write_text(SECRET)
    (root / "templates").mkdir()
    (root / "templates" / "public-statement.html.j2").write_text(textwrap.dedent(f"""\
        {{% extends "base.html.j2" %}}
        {{% block style %}}@font-face {{ font-family: X; src: url(file:///etc/passwd) }}{{% endblock %}}
        {{% block body %}}
        <link rel="attachment" href="file:///etc/passwd">
        <link rel="attachment" href="{secret.as_uri()}">
        <img src="file:///etc/passwd" alt="">
        <h1>{{{{ statement.title }}}}</h1>{{{{ statement.opening }}}}{{{{ endnotes }}}}
        {{% endblock %}}
        """))
    result = CliRunner().invoke(main, ["build"])
    assert result.exit_code == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if ": warning: " in line]
    assert any("content/s/statement.yaml: warning: PDF (en):" in w and "refused to load "
               "'file:///etc/passwd'" in w for w in warnings), warnings
    assert any(secret.name in w and "outside the workspace" in w for w in warnings), warnings
    reader = PdfReader(root / "build" / "s" / "en" / "s-en.pdf")
    assert not reader.attachments and not reader.pages[0].images


# --- the sandbox rules themselves ------------------------------------------------------------

def test_contained_resolves_symlinks_and_refuses_hidden_folders(sandbox):
    root = sandbox["root"]
    assert contained(root / "secret.txt", [root]) == (root / "secret.txt").resolve()
    for path, reason in [(root / "link-secret.txt", "outside the workspace (it leads to"),
                         (root / ".." / "outside" / "secret.txt", "outside the workspace"),
                         (root / ".git" / "config", "hidden file or folder ('.git')"),
                         (Path("/etc/passwd"), "outside the workspace"),
                         (root / "nul\0byte", "cannot resolve")]:
        with pytest.raises(Refused, match=re.escape(reason)):
            contained(path, [root])


def test_hidden_folder_of_one_root_does_not_hide_another_root(tmp_path):
    """Built-in templates inside a workspace's .venv are still reachable through their own root."""
    inner = tmp_path / ".venv" / "templates"
    inner.mkdir(parents=True)
    (inner / "base.css").write_text("p {}")
    assert contained(inner / "base.css", [tmp_path, inner]) == (inner / "base.css").resolve()


def _read_within(path: Path, seconds: float = 10):
    """read_file in a thread: a FIFO that blocks fails the test instead of hanging it."""
    box: list = []

    def attempt():
        try:
            box.append(read_file(path))
        except Refused as exc:
            box.append(exc)

    thread = threading.Thread(target=attempt, daemon=True)
    thread.start()
    thread.join(seconds)
    assert box, f"reading {path} blocked or never ended"
    return box[0]


def test_read_file_refuses_devices_fifos_and_oversized_files(sandbox):
    root = sandbox["root"]
    assert read_file(root / "secret.txt") == SECRET.encode()
    for path, reason in [(root / "pipe", "not a regular file"),
                         (Path("/dev/zero"), "not a regular file"),
                         (root / "missing", "No such file")]:
        outcome = _read_within(path)
        assert isinstance(outcome, Refused) and reason in str(outcome), outcome
    with pytest.raises(Refused, match="larger than 5 bytes"):
        read_file(root / "secret.txt", limit=5)


@pytest.mark.parametrize("value, reason", [
    ("file:///etc/passwd", "is a URL"),
    ("https://example.org/logo.png", "is a URL"),
    ("/etc/passwd", "is an absolute path"),
    ("../outside/pixel.png", "steps out with '..'"),
    ("assets/../../outside/pixel.png", "steps out with '..'"),
    ("link-pixel.png", "outside the workspace (it leads to"),
    (".git/config", "hidden file or folder"),
    ("missing.png", "does not exist"),
    (".", "is not a file"),
    ("urandom", "outside the workspace"),
    ("logo\n.png", "control characters"),
    ("", "the path is empty"),
])
def test_workspace_assets_stay_inside(sandbox, value, reason):
    with pytest.raises(Refused, match=re.escape(reason)):
        resolve_asset(sandbox["root"], value)


def test_workspace_asset_inside_resolves(sandbox):
    (sandbox["root"] / "assets").mkdir()
    shutil.copy(sandbox["root"] / "pixel.png", sandbox["root"] / "assets" / "logo.png")
    assert resolve_asset(sandbox["root"], "assets/logo.png") == (
        sandbox["root"] / "assets" / "logo.png").resolve()


def test_a_logo_outside_the_workspace_is_a_located_settings_error(workspace):
    workspace({"s": statement()}, settings='[organisation]\nname = "Org"\nlogo = "file:///etc/passwd"\n')
    result = CliRunner().invoke(main, ["check"])
    assert result.exit_code == 1
    (error,) = located_errors(result.stderr)
    assert error[:2] == (3, 8) and "organisation.logo" in error[2] and "is a URL" in error[2]


def test_weasyprint_is_only_ever_given_the_sandbox_fetcher():
    """HTML(), CSS() and Attachment() fall back to WeasyPrint's unrestricted fetcher, and
    ``filename=`` or a positional source opens a file directly: every call in the code must
    pass ``url_fetcher``, or (attachments) hand over the bytes themselves."""
    calls = []
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                if name in {"HTML", "CSS", "Attachment"}:
                    keywords = {k.arg for k in node.keywords}
                    calls.append((path.name, node.lineno, name, keywords, bool(node.args)))
    assert calls, "no WeasyPrint call found: the test looks in the wrong place"
    for file, line, name, keywords, positional in calls:
        where = f"{file}:{line}: {name}()"
        assert not positional, f"{where} with a positional source may open a file directly"
        assert "filename" not in keywords, f"{where} with filename= skips the fetcher"
        in_memory = name == "Attachment" and keywords & {"file_obj", "string"} and "url" not in keywords
        assert "url_fetcher" in keywords or in_memory, f"{where} without url_fetcher="


# --- statements and translations come from inside the workspace ------------------------------

def test_a_statement_that_is_a_symlink_out_of_the_workspace_is_refused(workspace, tmp_path_factory):
    secret = tmp_path_factory.mktemp("outside") / "statement.yaml"
    secret.write_text(statement().replace("A statement", "Secret title"))
    root = workspace({"good": statement()})
    (root / "content" / "evil").mkdir()
    (root / "content" / "evil" / "statement.yaml").symlink_to(secret)
    (root / "content" / "linked").symlink_to(secret.parent, target_is_directory=True)
    refusal = f"error: the statement is outside the workspace (it leads to '{secret.resolve()}')"
    for args, slugs in [(["build"], ["evil", "linked"]), (["build", "content/evil"], ["evil"]),
                        (["check", "content/linked/statement.yaml"], ["linked"])]:
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 1, args
        for slug in slugs:
            assert f"content/{slug}/statement.yaml: {refusal}" in result.stderr, result.stderr
    assert not (root / "build" / "evil").exists() and not (root / "build" / "linked").exists()
    assert (root / "build" / "good" / "en" / "index.html").is_file()  # the others are built
    assert "Secret title" not in "".join(p.read_text(errors="replace")
                                         for p in (root / "build").rglob("*.html"))


@pytest.mark.parametrize("case", ["po-symlink", "po-fifo", "catalog-symlink"])
def test_translations_out_of_the_workspace_or_no_plain_files_are_located_errors(
        translated, tmp_path_factory, case):
    """A content PO file or a template catalog that is a symlink out, or a FIFO, is refused
    with a message at the file; nothing is read from it and the build does not hang."""
    outside = tmp_path_factory.mktemp("outside")
    po = translated / "content" / "s" / "i18n" / "ru.po"
    catalog = translated / "templates" / "locale" / "ru" / "LC_MESSAGES" / "messages.po"
    if case == "po-symlink":
        shutil.move(po, outside / "ru.po")
        po.symlink_to(outside / "ru.po")
        expected = (f"content/s/i18n/ru.po: error: PO file is outside the workspace (it leads "
                    f"to '{(outside / 'ru.po').resolve()}')")
    elif case == "po-fifo":
        po.unlink()
        os.mkfifo(po)
        (translated / "communique.toml").write_text('languages = ["ru"]\n')
        expected = "content/s/i18n/ru.po: error: PO file is not a regular file"
    else:
        shutil.move(catalog, outside / "messages.po")
        catalog.symlink_to(outside / "messages.po")
        expected = (f"templates/locale/ru/LC_MESSAGES/messages.po: error: catalog is outside the "
                    f"workspace (it leads to '{(outside / 'messages.po').resolve()}')")
    box: list = []
    thread = threading.Thread(target=lambda: box.append(CliRunner().invoke(main, ["build"])),
                              daemon=True)
    thread.start()
    thread.join(60)
    assert box, "the build blocked"
    assert box[0].exit_code == 1
    assert expected in box[0].stderr, box[0].stderr
    assert "window.pwned" not in "".join(
        p.read_text(errors="replace") for p in (translated / "build").rglob("*.html"))
    if case == "po-symlink":  # updating the translation neither reads nor replaces it
        before = (outside / "ru.po").read_bytes()
        result = CliRunner().invoke(main, ["translate", "content/s", "--lang", "ru"])
        assert result.exit_code == 1 and expected in result.stderr, result.stderr
        assert po.is_symlink() and (outside / "ru.po").read_bytes() == before
