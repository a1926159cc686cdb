"""The site ([site] in communique.toml): indexes, feeds, sitemap, search, share cards.

Most tests make the site from a build record written here (editions with their listings and
small output files), the way the site stage reads it after a build, so that they need no PDF;
the slow ones build the example workspace and look at what a reader gets.
"""

from __future__ import annotations

import json
import shutil
import struct
from html.parser import HTMLParser
from pathlib import Path

import pytest

from communique import cache, site
from communique.errors import ContentError
from communique.workspace import BUILTIN_TEMPLATES, Workspace, read_settings
from conftest import ROOT, build_in

SITE_LANGS = ("en", "ar", "az", "es", "fa", "fr", "hy", "ru", "zh")  # the example's [site]
BASE = "https://www.example.org/statements/"
SETTINGS = f"""\
[organisation]
name = "Example Rights"

[site]
base_url = "{BASE}"
"""


def listing(title: str, date: str, **more) -> dict:
    data = {"type": "public-statement", "date": date, "reference": None, "title": title,
            "summary": f"Summary of {title}.", "keywords": [], "draft": False,
            "fallback": False, "embargo": None, "page": "0" * 64}
    data.update(more)
    return data


PAGE = """<!DOCTYPE html><html lang="{lang}" dir="{dir}"><head><meta charset="utf-8">
<title>{title}</title></head><body><main><h1>{title}</h1><p>{text}</p></main></body></html>
"""


def add_edition(root: Path, record: cache.Cache, slug: str, lang: str, langs: list[str],
                data: dict, *, text: str = "", fallbacks: int | None = None) -> None:
    """An edition as a build leaves it: its statement, its files and its entry in the record."""
    folder = root / "content" / slug
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "statement.yaml").write_text("title: x\n")
    out = root / "build" / slug / lang
    out.mkdir(parents=True, exist_ok=True)
    page = PAGE.format(lang=lang, dir="rtl" if lang == "ar" else "ltr", title=data["title"],
                       text=text or data["summary"])
    (out / "index.html").write_text(page, encoding="utf-8")
    (out / f"{slug}-{lang}.pdf").write_bytes(b"%PDF" + b"x" * 4096)
    (out / f"{slug}-{lang}.data.json").write_text("{}")
    import hashlib

    data = {**data, "page": hashlib.sha256(page.encode()).hexdigest()}
    record.statements[slug] = {"fingerprint": "0" * 64, "langs": langs,
                               "path": f"content/{slug}/statement.yaml"}
    record.editions[f"{slug}/{lang}"] = {"fixed": "0" * 64, "inputs": {}, "result": {
        "slug": slug, "lang": lang, "pages": 3, "notes": 0, "seconds": 0.1, "problems": [],
        "outputs": {"print": str(out / f"{slug}-{lang}.pdf"), "web": str(out / "index.html"),
                    "data": str(out / f"{slug}-{lang}.data.json")},
        "units": None if lang == langs[0] else 10, "fallbacks": fallbacks,
        "attachments": [], "listing": data}}


def make_site(root: Path, record: cache.Cache, settings: str = SETTINGS):
    (root / "communique.toml").write_text(settings, encoding="utf-8")
    workspace = Workspace(root, read_settings(root))
    prints = cache.Fingerprints(root, BUILTIN_TEMPLATES, cache.Digests())
    return site.update(workspace, record, prints), workspace


@pytest.fixture
def three(tmp_path: Path) -> tuple[Path, cache.Cache]:
    """Three statements: one in English and Arabic (the Arabic one complete), one in English and
    Russian (the Russian one with fallbacks), one in English only."""
    record = cache.Cache(tmp_path / "build" / cache.CACHE_FILE)
    add_edition(tmp_path, record, "alpha", "en", ["en", "ar"],
                listing("Alpha statement", "2020-09-29", keywords=["Armenia", "armed conflict"],
                        reference="EUR 1/2020"))
    add_edition(tmp_path, record, "alpha", "ar", ["en", "ar"],
                listing("بيان ألفا", "2020-09-29", keywords=["أرمينيا"]), fallbacks=0)
    add_edition(tmp_path, record, "beta", "en", ["en", "ru"],
                listing("Beta action", "2021-01-05", type="urgent-action"))
    add_edition(tmp_path, record, "beta", "ru", ["en", "ru"],
                listing("Бета", "2021-01-05", type="urgent-action", fallback=True), fallbacks=2)
    add_edition(tmp_path, record, "gamma", "en", ["en"],
                listing("Gamma report", "2019-03-01", type="report", draft=True))
    return tmp_path, record


class Page(HTMLParser):
    """Links, meta tags and the <html> attributes of a page."""

    def __init__(self, text: str):
        super().__init__()
        self.links: list[str] = []
        self.meta: dict[str, str] = {}
        self.html: dict[str, str | None] = {}
        self.alternates: dict[str, str] = {}
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.html = a
        elif tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "meta" and (a.get("property") or a.get("name")):
            self.meta[a.get("property") or a.get("name")] = a.get("content") or ""
        elif tag == "link" and a.get("rel") == "alternate" and a.get("hreflang"):
            self.alternates[a["hreflang"]] = a["href"]
        elif tag == "link" and a.get("rel") == "canonical":
            self.meta["canonical"] = a["href"]


def read(root: Path, name: str) -> str:
    return (root / "build" / name).read_text(encoding="utf-8")


# -- settings ----------------------------------------------------------------------------------

@pytest.mark.parametrize("line, message", [
    ('base_url = "ftp://example.org/"', "site.base_url: 'ftp://example.org/' is not an absolute"),
    ('base_url = "https://example.org/?a=1"', "is not an absolute http(s) address"),
    ('landing = "xx"', "site.landing: unknown language code 'xx'"),
    ('languages = ["en", "zz"]', "unknown language code 'zz'"),
    ("page_size = 0", "site.page_size"),
    ("pages = 3", "unknown setting 'site.pages' (did you mean 'page_size'?)"),
])
def test_site_settings_are_checked_at_their_line(tmp_path, line, message):
    (tmp_path / "communique.toml").write_text(f"[site]\n{line}\n")
    with pytest.raises(ContentError) as caught:
        read_settings(tmp_path)
    (problem,) = caught.value.problems
    assert problem.line == 2 and problem.column > 0
    assert message in problem.message


def test_base_url_gets_its_final_slash_and_title_may_be_per_language(tmp_path):
    (tmp_path / "communique.toml").write_text(
        '[site]\nbase_url = "https://example.org/s"\ntitle = {en = "News", ru = "Новости"}\n')
    settings = read_settings(tmp_path)
    assert settings.site.base_url == "https://example.org/s/"
    assert settings.site.title_for("ru") == "Новости" and settings.site.title_for("hy") == "News"
    assert Workspace(tmp_path).settings.site is None  # no [site]: no site


def test_reserved_names_of_the_site_are_refused_as_statement_folders():
    from communique.workspace import slug_problem

    for slug in ("report.html", "sitemap.xml", "pagefind"):
        assert "reserved" in slug_problem(slug)


# -- indexes -----------------------------------------------------------------------------------

def test_indexes_list_every_edition_of_their_language_newest_first(three):
    root, record = three
    problems, _ = make_site(root, record)
    assert problems == []
    en = Page(read(root, "en/index.html"))
    text = read(root, "en/index.html")
    assert [t for t in ("Beta action", "Alpha statement", "Gamma report") if t in text] == \
        ["Beta action", "Alpha statement", "Gamma report"]
    assert text.index("Beta action") < text.index("Alpha statement") < text.index("Gamma report")
    assert "../alpha/en/index.html" in en.links and "../alpha/en/alpha-en.pdf" in en.links
    assert "PDF (4 kB, 3 pages)" in text and "EUR 1/2020" in text
    assert "Summary of Alpha statement." in text and "DRAFT" in text  # gamma is a draft
    assert "../alpha/en/alpha-en.data.json" in en.links
    # the Arabic index: right to left, in Arabic, its own edition only
    ar = read(root, "ar/index.html")
    assert Page(ar).html == {"lang": "ar", "dir": "rtl"}
    assert "بيان ألفا" in ar and "Alpha statement" not in ar and "البحث في البيانات" in ar
    # a translation with fallbacks is marked, in the index's language
    ru = read(root, "ru/index.html")
    assert "Бета" in ru and "Перевод не завершён" in ru and "Английский" in ru


def test_keyword_and_type_pages_and_the_language_switcher(three):
    root, record = three
    make_site(root, record)
    tag = read(root, "en/tags/armenia/index.html")
    assert "Alpha statement" in tag and "Beta action" not in tag and "Keyword: Armenia" in tag
    assert "Alpha statement" in read(root, "en/tags/armed-conflict/index.html")
    assert "بيان ألفا" in read(root, "ar/tags/أرمينيا/index.html")
    kinds = read(root, "en/types/urgent-action/index.html")
    assert "Beta action" in kinds and "Alpha statement" not in kinds
    page = Page(read(root, "en/tags/armenia/index.html"))
    # every language's index by its own name, relative links from three folders down
    assert {"../../../ar/index.html", "../../../ru/index.html"} <= set(page.links)
    assert "العربية" in read(root, "en/index.html") and "Русский" in read(root, "en/index.html")
    # the landing page lists the languages
    landing = Page(read(root, "index.html"))
    assert {"en/index.html", "ar/index.html", "ru/index.html"} <= set(landing.links)


def test_every_page_has_description_canonical_open_graph_and_twitter_tags(three):
    root, record = three
    make_site(root, record)
    for name in ("index.html", "en/index.html", "ar/index.html", "en/tags/armenia/index.html",
                 "en/search/index.html"):
        page = Page(read(root, name))
        assert page.meta["description"], name
        assert page.meta["canonical"].startswith(BASE), name
        for tag in ("og:title", "og:description", "og:type", "og:url", "twitter:card"):
            assert page.meta.get(tag), (name, tag)
    en = Page(read(root, "en/index.html"))
    assert en.meta["canonical"] == BASE + "en/"
    assert en.alternates == {lang: f"{BASE}{lang}/" for lang in ("en", "ar", "ru")}


def test_indexes_paginate_past_the_page_size(tmp_path):
    record = cache.Cache(tmp_path / "build" / cache.CACHE_FILE)
    for n in range(5):
        add_edition(tmp_path, record, f"s{n}", "en", ["en"],
                    listing(f"Statement number {n}", f"2020-01-0{n + 1}"))
    make_site(tmp_path, record, SETTINGS + "page_size = 2\n")
    first, second, third = (read(tmp_path, p) for p in (
        "en/index.html", "en/page/2/index.html", "en/page/3/index.html"))
    assert "Statement number 4" in first and "Statement number 3" in first
    assert "Statement number 2" not in first and "Page 1 of 3" in first
    assert "Statement number 2" in second and 'rel="prev" href="../../../en/index.html"' in second
    assert 'rel="next" href="../../../en/page/3/index.html"' in second
    assert "Statement number 0" in third and "../../../s0/en/index.html" in Page(third).links
    # fewer statements: the pages no longer needed are removed
    for n in range(3, 5):
        del record.editions[f"s{n}/en"], record.statements[f"s{n}"]
        shutil.rmtree(tmp_path / "content" / f"s{n}")
    make_site(tmp_path, record, SETTINGS + "page_size = 2\n")
    assert (tmp_path / "build/en/page/2/index.html").is_file()
    assert not (tmp_path / "build/en/page/3").exists()
    assert "en/page/3/index.html" not in record.site["files"]


# -- feeds and sitemap -------------------------------------------------------------------------

def test_atom_feeds_parse_with_ids_dates_links_and_languages(three):
    import feedparser

    root, record = three
    make_site(root, record)
    feed = feedparser.parse(read(root, "en/feed.xml"))
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.feed.id == BASE + "en/" and feed.feed.language == "en"
    assert {(link.rel, link.href) for link in feed.feed.links} == {
        ("alternate", BASE + "en/"), ("self", BASE + "en/feed.xml")}
    # newest first; the draft (gamma) is on the index but not in the feed
    assert [e.title for e in feed.entries] == ["Beta action", "Alpha statement"]
    alpha = feed.entries[1]
    assert alpha.id == BASE + "alpha/en/" and alpha.link == BASE + "alpha/en/"
    assert alpha.published.startswith("2020-09-29") and alpha.updated.startswith("2020-09-29")
    assert alpha.summary == "Summary of Alpha statement."
    assert [t.term for t in alpha.tags] == ["Armenia", "armed conflict"]
    pdf = [link for link in alpha.links if link.rel == "enclosure"]
    assert pdf[0].href == BASE + "alpha/en/alpha-en.pdf" and pdf[0].type == "application/pdf"
    assert feed.feed.updated.startswith("2021-01-05")
    ar = feedparser.parse(read(root, "ar/feed.xml"))
    assert not ar.bozo and ar.feed.language == "ar" and ar.entries[0].title == "بيان ألفا"
    # a translation with fallbacks is not in its language's feed
    assert feedparser.parse(read(root, "ru/feed.xml")).entries == []


def test_sitemap_has_every_language_version_as_alternates(three):
    from xml.etree import ElementTree

    root, record = three
    make_site(root, record)
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    tree = ElementTree.fromstring((root / "build/sitemap.xml").read_bytes())
    urls = {u.find("s:loc", ns).text: u for u in tree.findall("s:url", ns)}
    # indexable editions only: not the draft, not the translation with fallbacks
    assert set(urls) == {BASE, BASE + "en/", BASE + "ar/", BASE + "ru/", BASE + "alpha/en/",
                         BASE + "alpha/ar/", BASE + "beta/en/"}
    for loc in (BASE + "alpha/en/", BASE + "alpha/ar/"):
        alternates = {a.get("hreflang"): a.get("href") for a in urls[loc].findall("x:link", ns)}
        assert alternates == {"en": BASE + "alpha/en/", "ar": BASE + "alpha/ar/",
                              "x-default": BASE + "alpha/en/"}
        assert urls[loc].find("s:lastmod", ns).text == "2020-09-29"
    index = {a.get("hreflang") for a in urls[BASE + "ru/"].findall("x:link", ns)}
    assert index == {"en", "ar", "ru", "x-default"}


def test_without_base_url_no_feed_nor_sitemap_and_one_message(three):
    root, record = three
    problems, _ = make_site(root, record, '[organisation]\nname = "X"\n\n[site]\n')
    assert [(p.path, p.line, p.severity) for p in problems] == [("communique.toml", 4, "warning")]
    assert "no base_url" in problems[0].message and "feeds" in problems[0].message
    assert not (root / "build/sitemap.xml").exists() and not (root / "build/en/feed.xml").exists()
    page = Page(read(root, "en/index.html"))
    assert "canonical" not in page.meta and "../alpha/en/index.html" in page.links


# -- incremental -------------------------------------------------------------------------------

@pytest.mark.parametrize("text, line, message", [
    ("{% extends 'site/base.html.j2' %}{% block main %}{{ items[0].nope() }}{% endblock %}", 1,
     "template error"),
    ("line one\n{% if %}", 2, "template syntax error"),
])
def test_a_broken_site_template_is_a_located_error_not_a_traceback(three, text, line, message):
    root, record = three
    (root / "templates" / "site").mkdir(parents=True)
    (root / "templates" / "site" / "index.html.j2").write_text(text)
    problems, _ = make_site(root, record)
    errors = [p for p in problems if p.is_error]
    assert [(p.path, p.line) for p in errors] == [("templates/site/index.html.j2", line)]
    assert message in errors[0].message
    assert record.site.get("digest") is None  # made again at the next build


def test_the_search_index_is_made_inside_a_running_event_loop(three):
    import asyncio

    root, record = three

    async def inside_a_loop():
        return make_site(root, record)

    problems, _ = asyncio.run(inside_a_loop())
    assert problems == [] and (root / "build/pagefind/pagefind-ui.js").is_file()


def test_the_site_is_made_again_only_when_what_it_shows_changed(three, monkeypatch):
    from communique.site import pages, search

    root, record = three
    make_site(root, record)
    files = list(record.site["files"])
    assert "en/index.html" in files and any(f.startswith("pagefind/") for f in files)

    def fail(*args, **kwargs):
        raise AssertionError("made again although nothing changed")

    monkeypatch.setattr(pages, "write_pages", fail)
    monkeypatch.setattr(search, "write_search", fail)
    make_site(root, record)  # nothing changed: neither pages nor search index are made
    assert record.site["files"] == files
    monkeypatch.undo()
    made = []
    monkeypatch.setattr(search, "write_search", lambda *a: made.append("search") or ([], []))
    record.editions["alpha/en"]["result"]["listing"]["title"] = "Alpha, renamed"
    make_site(root, record)  # a title changed: the pages, not the search index
    assert "Alpha, renamed" in read(root, "en/index.html") and made == []
    record.editions["alpha/en"]["result"]["listing"]["page"] = "1" * 64
    make_site(root, record)  # the page changed: the search index too
    assert made == ["search"]


def test_a_deleted_site_page_is_made_again(three):
    root, record = three
    make_site(root, record)
    (root / "build/ar/index.html").unlink()
    make_site(root, record)
    assert (root / "build/ar/index.html").is_file()


def test_removing_the_site_table_removes_the_site_files_and_nothing_else(three):
    root, record = three
    make_site(root, record)
    make_site(root, record, '[organisation]\nname = "X"\n')
    assert not (root / "build/en").exists() and not (root / "build/pagefind").exists()
    assert not (root / "build/sitemap.xml").exists() and record.site == {}
    assert (root / "build/alpha/en/index.html").is_file()  # the editions stay


@pytest.mark.parametrize("odd", [
    {"files": ["../outside.txt"]}, {"files": ["/etc/passwd"]}, {"files": [".communique-cache.json"]},
    {"digest": "not a digest"}, {"files": "en/index.html"},
])
def test_a_record_whose_site_files_lead_elsewhere_is_dropped(tmp_path, odd):
    build = tmp_path / "build"
    build.mkdir()
    (build / cache.CACHE_FILE).write_text(json.dumps(
        {"format": cache.FORMAT, "files": {}, "statements": {}, "editions": {}, "site": odd}))
    loaded = cache.Cache.load(build)
    assert loaded.warning and "site" in loaded.warning and loaded.site == {}


def test_a_record_with_an_odd_listing_is_dropped(three):
    root, record = three
    record.editions["alpha/en"]["result"]["listing"]["keywords"] = [{"a": 1}]
    record.save(cache.Digests())
    assert "odd listing" in cache.Cache.load(root / "build").warning


def test_site_text_from_the_record_is_escaped(three):
    root, record = three
    record.editions["alpha/en"]["result"]["listing"]["title"] = '<script>alert(1)</script>"'
    make_site(root, record)
    text = read(root, "en/index.html")
    assert "<script>alert" not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text


def test_search_index_is_split_by_language_and_written_in_build_only(three, monkeypatch):
    root, record = three
    elsewhere = root / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    make_site(root, record)
    entry = json.loads(read(root, "pagefind/pagefind-entry.json"))
    assert {"en", "ar", "ru"} <= set(entry["languages"])
    assert list(elsewhere.iterdir()) == []  # nothing in the current directory
    assert not list((root / "build").glob(".pagefind*"))  # nor its temporary folder


# -- whole builds (slow) -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def example_site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("example-site")
    shutil.copy(ROOT / "communique.toml", root / "communique.toml")
    shutil.copytree(ROOT / "content", root / "content")
    result = build_in(root)
    assert result.exit_code == 0, result.stderr
    return root


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


@pytest.mark.slow
def test_example_site_lists_every_edition_in_all_its_languages(example_site):
    build = example_site / "build"
    record = cache.Cache.load(build)
    for key in record.editions:
        slug, _, lang = key.partition("/")
        index = (build / lang / "index.html").read_text(encoding="utf-8")
        assert f"../{slug}/{lang}/index.html" in index, key
    assert {p.parent.name for p in build.glob("*/feed.xml")} == set(SITE_LANGS)
    assert (build / "report.html").is_file() and "Build report" not in (
        build / "index.html").read_text()
    # the other outputs are named as the reader knows them: "Word", not the output's name "docx"
    english = (build / "en" / "index.html").read_text(encoding="utf-8")
    assert ".docx\">Word</a>" in english and ">docx</a>" not in english


@pytest.mark.slow
def test_example_editions_have_share_cards_and_light_pages_with_sharing_tags(example_site):
    build = example_site / "build"
    for page in build.glob("*/*/index.html"):
        if page.parent.parent.name in (*SITE_LANGS, "pagefind"):
            continue  # the site's own pages
        slug, lang = page.parent.parent.name, page.parent.name
        card = page.parent / f"{slug}-{lang}.card.png"
        assert png_size(card) == (1200, 630), card
        assert page.stat().st_size < 100 * 1024, page  # under 100 kB before fonts
        meta = Page(page.read_text(encoding="utf-8"))
        assert meta.meta["og:image"] == f"{BASE}{slug}/{lang}/{slug}-{lang}.card.png"
        assert meta.meta["canonical"] == f"{BASE}{slug}/{lang}/"
        assert meta.meta["twitter:card"] == "summary_large_image"
        assert meta.meta["og:description"] and meta.meta["og:title"]


@pytest.mark.slow
def test_a_no_op_build_leaves_the_site_alone(example_site):
    build = example_site / "build"
    files = cache.Cache.load(build).site["files"]
    before = {f: (build / f).stat().st_mtime_ns for f in files}
    result = build_in(example_site)
    assert result.exit_code == 0
    assert {f: (build / f).stat().st_mtime_ns for f in files} == before


@pytest.mark.slow
def test_a_card_title_no_font_can_draw_is_an_error(tmp_path):
    from communique.i18n.editions import pdf_problem
    from communique.render.pdf import CARD_PREFIX, PrintRequest, press_print

    html = "<html><body><p>Text</p></body></html>"
    card = ("<html><head><style>@page { size: 1200px 630px; margin: 0 }</style></head>"
            "<body><h1>Title \u0378 here</h1></body></html>")  # a code point no font has
    printout = press_print(PrintRequest(html, tmp_path, [tmp_path], card=card))
    assert printout.card is not None and struct.unpack(">II", printout.card[16:24]) == (1200, 630)
    missing = [w for w in printout.printed.warnings if w.startswith(CARD_PREFIX)]
    assert missing and pdf_problem("s.yaml", "en", missing[0]).is_error


def test_the_preview_serves_the_site_as_it_will_be_published_and_keeps_its_rules(three):
    import http.client
    import threading

    from communique.serve import Changes, PreviewServer

    root, record = three
    make_site(root, record)
    server = PreviewServer(("127.0.0.1", 0), root / "build", Changes())
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]

    def get(path: str, host: str = f"127.0.0.1:{port}") -> tuple[int, bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        try:
            connection.request("GET", path, headers={"Host": host})
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()

    try:
        status, landing = get("/")
        assert status == 200 and b'href="en/index.html"' in landing
        status, index = get("/ar/")
        assert status == 200 and "بيان ألفا".encode() in index
        assert get("/en")[0] == 301  # a folder without its slash, as static hosts do
        assert get("/pagefind/pagefind-entry.json")[0] == 200
        assert get("/en/feed.xml")[0] == 200 and get("/sitemap.xml")[0] == 200
        assert get("/", host="evil.example:80")[0] == 403  # the preview's rules still hold
        assert get("/.communique-cache.json")[0] == 404
    finally:
        server.shutdown()
        server.server_close()
