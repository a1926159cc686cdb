"""Translated editions through the build and the command line: right to left, fonts,
hyphenation, fallbacks and --strict, the translate/status/i18n commands."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import polib
import pytest
from click.testing import CliRunner

from communique.cli import main
from communique.document import load
from communique.i18n import editions
from communique.i18n import locale as loc
from communique.render.html import render
from communique.workspace import find_workspace
from conftest import GOOD

ROOT = Path(__file__).resolve().parent.parent
SLUG = "nagorno-karabakh-2020"
# the templates' own words: every built-in catalog translates each of them
STRINGS = sum(1 for e in polib.pofile(str(Path(__file__).resolve().parent.parent / "src/communique"
                                          "/templates/locale/messages.pot")) if e.msgid)
LANGS = ["en", "ar", "az", "es", "fa", "fr", "hy", "ru", "zh"]

SHORT = GOOD.replace("title: A statement", "title: Protect civilians")


def _run(*args: str):
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output, result.stderr


def _example_doc(root: Path, lang: str):
    ws = find_workspace(root)
    doc, problems = load(root / "content" / SLUG / "statement.yaml", ws)
    assert doc is not None, problems
    prepared = editions.prepare(doc, ws, lang)
    assert prepared.problems == [] and not prepared.fallback, prepared.problems
    return ws, prepared.doc


def test_example_has_a_complete_translation_in_every_language(example_workspace):
    code, out, err = _run("status", SLUG)
    assert code == 0, err
    for lang in LANGS[1:]:
        assert re.search(rf"^  {lang} +35 translated, 0 fuzzy, 0 missing$", out, re.M), out
    # and every template string, French, Spanish, Persian and Chinese included
    assert "template strings: " + ", ".join(f"{lang} {STRINGS}/{STRINGS}" for lang in LANGS[1:]) in out


@pytest.mark.parametrize("lang, direction, setting", [
    ("en", "ltr", "hyphenate"), ("ru", "ltr", "hyphenate"), ("hy", "ltr", "ragged"),
    ("az", "ltr", "ragged"), ("ar", "rtl", "justified")])
def test_editions_set_language_direction_and_hyphenation(example_workspace, lang, direction, setting):
    ws, doc = _example_doc(example_workspace, lang)
    for medium in ("web", "print"):
        html = render(doc, ws, medium).html
        assert f'<html lang="{lang}" dir="{direction}" class="{setting}">' in html
    # URLs and the document symbol keep their left-to-right order inside right-to-left text
    if direction == "rtl":
        assert '<bdi dir="ltr">EUR 55/3154/2020</bdi>' in html
    else:
        assert '<span class="reference">' + {"en": "Index:", "ru": "Индекс:", "hy": "Ինդեքս՝",
                                             "az": "İndeks:"}[lang] + " EUR 55/3154/2020</span>" in html


def test_note_numbers_are_the_same_in_every_edition(example_workspace):
    notes = {}
    for lang in LANGS:
        ws, doc = _example_doc(example_workspace, lang)
        html = render(doc, ws, "web").html
        notes[lang] = re.findall(r'<li id="note-(\d+)"[^>]*>.*?href="([^"]+)"', html)
    assert len(notes["en"]) == 11
    for lang in LANGS:
        assert notes[lang] == notes["en"], lang


def test_strict_check_fails_on_a_fallback(workspace):
    root = workspace({"s": SHORT})
    assert _run("translate", "s", "--lang", "ru")[0] == 0
    po_path = root / "content" / "s" / "i18n" / "ru.po"
    po = polib.pofile(str(po_path))
    for entry in po:
        if entry.msgctxt == "title":
            entry.msgstr = "Защитите мирных жителей"
    po.save()
    code, _, err = _run("check")
    assert code == 0 and "warning: 'opening' is not translated" in err
    code, _, err = _run("check", "--strict")
    assert code == 1 and re.search(r"content/s/i18n/ru\.po:\d+:1: error: 'opening' is not translated", err)


def test_translate_and_status_commands(workspace):
    root = workspace({"s": SHORT})
    code, out, _ = _run("translate", "s", "--lang", "ru", "--lang", "ar")
    assert code == 0
    assert out.splitlines() == ["content/s/i18n/ru.po: created, 2 text(s) to translate",
                                "content/s/i18n/ar.po: created, 2 text(s) to translate"]
    po = polib.pofile(str(root / "content" / "s" / "i18n" / "ru.po"))
    for entry in po:
        entry.msgstr = {"title": "Защитите", "opening": "Организация призывает.[@src-a]"}[entry.msgctxt]
    po.save()
    path = root / "content" / "s" / "statement.yaml"
    path.write_text(path.read_text().replace("calls for restraint", "calls for calm"))
    code, out, _ = _run("translate", "s")
    assert out.splitlines() == [
        "content/s/i18n/ar.po: updated",
        "content/s/i18n/ru.po: updated: 1 changed, marked fuzzy (opening)"]
    code, out, _ = _run("status")
    assert "  ru     1 translated, 1 fuzzy, 0 missing" in out
    assert re.search(r"fuzzy +opening  content/s/i18n/ru\.po:\d+", out)
    assert "  ar     0 translated, 0 fuzzy, 2 missing" in out
    code, _, err = _run("translate", "s", "--lang", "xx")
    assert code == 1 and "unknown language code 'xx'" in err


def test_i18n_commands_on_a_workspace_catalog(workspace):
    root = workspace({"s": SHORT})
    code, out, err = _run("i18n", "extract")  # no templates of its own: the built-in strings
    assert code == 0 and f"templates/locale/messages.pot: {STRINGS} string(s)" in out, err
    templates = root / "templates"
    (templates / "public-statement.html.j2").write_text(
        '{% extends "base.html.j2" %}{% block body %}{{ statement.opening }}'
        '<p>{{ _("Press contact") }}</p>{% endblock %}', encoding="utf-8")
    code, out, _ = _run("i18n", "update", "--lang", "ru")
    assert code == 0
    po = templates / "locale" / "ru" / "LC_MESSAGES" / "messages.po"
    # the built-in strings come with communique's Russian; the workspace's own is left to do
    assert ("templates/locale/ru/LC_MESSAGES/messages.po: "
            f"created; {STRINGS} translated, 0 fuzzy, 1 untranslated") in out
    catalog = polib.pofile(str(po))
    assert catalog.find("Background").msgstr == "Справочная информация"
    catalog.find("Press contact").msgstr = "Контакты для прессы"
    catalog.save()
    code, out, _ = _run("i18n", "compile")
    assert code == 0 and f"templates/locale/ru/LC_MESSAGES/messages.po: {STRINGS + 1} translated" in out
    assert (root / "build" / ".cache" / "locale" / "workspace" / "ru" / "LC_MESSAGES" / "messages.mo").is_file()


def test_a_new_language_gets_a_catalog_of_every_template_string_to_fill_in(workspace):
    """A workspace without templates of its own: 'i18n update --lang nl' used to write a catalog
    of 0 strings, and a French edition printed the built-in templates' words in English."""
    root = workspace({"s": SHORT})
    (root / "communique.toml").write_text('languages = ["nl"]\n', encoding="utf-8")
    code, _, err = _run("build", "-j", "1", "--lang", "nl")
    advice = ("templates/locale/nl/LC_MESSAGES/messages.po:0:0: warning: no catalog of template strings "
              "for Dutch (nl)")
    assert advice.replace(":0:0", "") in err
    assert ("run 'communique i18n update --lang nl', then translate the strings of "
            "templates/locale/nl/LC_MESSAGES/messages.po") in err
    code, out, err = _run("i18n", "update", "--lang", "nl", "--lang", "fr")
    assert code == 0, err
    assert ("templates/locale/nl/LC_MESSAGES/messages.po: "
            f"created; 0 translated, 0 fuzzy, {STRINGS} untranslated") in out
    assert ("templates/locale/fr/LC_MESSAGES/messages.po: "
            f"created; {STRINGS} translated, 0 fuzzy, 0 untranslated") in out
    nl = polib.pofile(str(root / "templates/locale/nl/LC_MESSAGES/messages.po"))
    assert {e.msgid for e in nl} >= {"Public Statement", "Index:", "%(num)s civilian killed",
                                     "%(organisation)s calls on %(addressees)s to:", "Background",
                                     "Notes", "Embargoed until %(moment)s", "Ibid."}
    assert nl.metadata["Plural-Forms"] == "nplurals=2; plural=(n != 1);"
    fr = polib.pofile(str(root / "templates/locale/fr/LC_MESSAGES/messages.po"))
    assert fr.find("Public Statement").msgstr == "Déclaration publique"
    # run again: nothing the translator wrote is touched
    nl.find("Background").msgstr = "Achtergrond"
    nl.save()
    code, out, _ = _run("i18n", "update")
    assert ("templates/locale/nl/LC_MESSAGES/messages.po: "
            f"updated; 1 translated, 0 fuzzy, {STRINGS - 1} untranslated") in out
    code, out, _ = _run("status", "s")
    assert f"template strings: nl 1/{STRINGS}" in out


@pytest.mark.slow
def test_example_builds_every_edition_without_a_fallback_or_a_warning(example_workspace):
    code, _out, err = _run("build", "-j", "2", "--strict", f"content/{SLUG}")
    assert code == 0, err
    assert "9 edition(s) built; 0 error(s), 0 warning(s)" in err, err
    for lang in LANGS:
        folder = example_workspace / "build" / SLUG / lang
        assert (folder / f"{SLUG}-{lang}.pdf").stat().st_size > 10_000
        assert (folder / "index.html").is_file()
    ru = (example_workspace / "build" / SLUG / "ru" / "index.html").read_text(encoding="utf-8")
    assert "29 сентября 2020\u202fг." in ru  # the genitive month
    zh = (example_workspace / "build" / SLUG / "zh" / "index.html").read_text(encoding="utf-8")
    assert "2020年9月29日" in zh and "公开声明" in zh and "DRAFT" not in zh


@pytest.mark.slow
def test_arabic_notes_sit_on_the_right_and_english_notes_on_the_left(example_workspace):
    from weasyprint import HTML

    def note_number_edges(lang: str) -> tuple[list[float], float, float]:
        ws, doc = _example_doc(example_workspace, lang)
        document = HTML(string=render(doc, ws, "print").html,
                        base_url=str(example_workspace) + "/").render()
        page = document.pages[0]._page_box
        content_left = page.content_box_x()
        content_right = content_left + page.width  # the width of the page's content box
        edges = []
        for box in _descendants(page):
            element = getattr(box, "element", None)
            if element is not None and element.get("class") == "note-number" and box.width:
                edges.append((box.content_box_x(), box.content_box_x() + box.width))
        return edges, content_left, content_right

    edges, left, right = note_number_edges("ar")
    assert edges and all(abs(end - right) < 1 for _, end in edges)
    edges, left, right = note_number_edges("en")
    assert edges and all(abs(start - left) < 1 for start, _ in edges)


def _descendants(box):
    yield box
    for child in getattr(box, "children", []) or []:  # the footnote area is a child of the page
        yield from _descendants(child)


@pytest.mark.slow
def test_a_character_no_font_has_is_an_error_and_no_pdf_is_written(workspace):
    root = workspace({"s": SHORT.replace("Protect civilians", "Protect civilians \u0378")})
    code, _, err = _run("build", "-j", "1")
    assert code == 1
    assert ("content/s/statement.yaml:4:26: error: PDF (en): no font has a glyph for 1 unassigned "
            "character (\u0378 U+0378)") in err
    assert not (root / "build" / "s" / "en" / "s-en.pdf").exists()
    assert (root / "build" / "s" / "en" / "index.html").is_file()  # browsers have their own fonts
    # not up to date next time: the build tries the PDF again
    code, _, err = _run("build", "-j", "1")
    assert code == 1 and "no font has a glyph" in err and "up to date" not in err


@pytest.mark.slow
def test_strict_build_writes_no_edition_with_a_fallback(workspace):
    root = workspace({"s": SHORT})
    (root / "communique.toml").write_text('languages = ["ru"]\n', encoding="utf-8")
    code, _, err = _run("build", "-j", "1", "--strict")
    assert code == 1 and "error: no translation file for Russian (ru)" in err
    assert (root / "build" / "s" / "en" / "s-en.pdf").is_file()
    assert not (root / "build" / "s" / "ru").exists()
    code, _, err = _run("build", "-j", "1")
    assert code == 0 and "warning: no translation file for Russian (ru)" in err
    html = (root / "build" / "s" / "ru" / "index.html").read_text(encoding="utf-8")
    assert '<h1><span lang="en" dir="ltr" class="untranslated">Protect civilians</span></h1>' in html
    shutil.rmtree(root / "build")


def test_web_pages_link_to_the_statement_in_its_other_languages(example_workspace):
    """Every web edition lists all the statement's languages by their own names, links the
    others (with hreflang, in the page and in its head) and marks its own; print has none."""
    from communique.build import build

    result = build(find_workspace(), [], outputs=("web",), jobs=1)
    assert not result.errors, result.errors
    pages = {e.lang: e.outputs["web"] for e in result.editions}
    assert sorted(pages) == sorted(LANGS)
    names = {"en": "English", "ru": "Русский", "hy": "Հայերեն", "az": "Azərbaycan",
             "ar": "العربية", "es": "Español", "fa": "فارسی", "fr": "Français", "zh": "中文"}
    for lang, path in pages.items():
        html = path.read_text(encoding="utf-8")
        nav = re.search(r'<nav class="languages" aria-label="([^"]+)">(.*?)</nav>', html, re.S)
        assert nav, lang
        assert nav.group(1) == {"en": "Languages", "ru": "Языки", "hy": "Լեզուներ",
                                "az": "Dillər", "ar": "اللغات", "es": "Idiomas", "fa": "زبان‌ها",
                                "fr": "Langues", "zh": "语言"}[lang]
        assert re.search(rf'<span aria-current="page" lang="{lang}"[^>]*>{names[lang]}</span>',
                         nav.group(2))
        for other in set(pages) - {lang}:
            href = f"../{other}/index.html"
            assert f'<a href="{href}" hreflang="{other}" lang="{other}" dir="auto">' \
                   f'{names[other]}</a>' in nav.group(2)
            assert f'<link rel="alternate" hreflang="{other}" href="{href}">' in html
            assert (path.parent / href).resolve() == pages[other].resolve()
    doc, _ = load(next(iter(find_workspace().statements())), find_workspace())
    printed = render(doc, find_workspace(), "print", languages=sorted(pages))
    assert 'class="languages"' not in printed.html and "hreflang" not in printed.html


def test_a_statement_in_one_language_has_no_language_links(workspace):
    from communique.build import build

    workspace()
    result = build(find_workspace(), [], outputs=("web",), jobs=1)
    html = result.editions[0].outputs["web"].read_text(encoding="utf-8")
    assert 'class="languages"' not in html and "hreflang" not in html


def test_a_new_language_rebuilds_the_editions_that_link_to_it(workspace):
    """Adding a translation changes the other editions' web pages (their language links)."""
    root = workspace({"a": GOOD, "b": GOOD})
    run = CliRunner().invoke
    assert run(main, ["build", "-j", "1", "-q"]).exit_code == 0
    assert run(main, ["translate", "content/a", "--lang", "ru"]).exit_code == 0
    done = run(main, ["build", "-j", "1", "--json"])
    rebuilt = sorted(f"{e['statement']}/{e['lang']}" for e in json.loads(done.stdout)["editions"]
                     if e["rebuilt"])
    assert rebuilt == ["a/en", "a/ru"]
    assert 'hreflang="ru"' in (root / "build" / "a" / "en" / "index.html").read_text()


@pytest.mark.slow
def test_build_lang_builds_only_those_editions_and_keeps_the_others(example_workspace):
    run = CliRunner().invoke
    done = run(main, ["build", "-j", "1", "--json", "--lang", "ru"])
    assert done.exit_code == 0, done.stderr
    assert [(e["lang"], e["rebuilt"]) for e in json.loads(done.stdout)["editions"]] == [("ru", True)]
    out = example_workspace / "build" / "nagorno-karabakh-2020"
    assert (out / "ru" / "nagorno-karabakh-2020-ru.pdf").is_file() and not (out / "en").exists()

    unknown = run(main, ["build", "-j", "1", "-q", "--lang", "de"])
    assert unknown.exit_code == 1
    assert ("content: error: --lang de: no statement has an edition in 'de' (languages: ar, az, "
            "en, es, fa, fr, hy, ru, zh)") in unknown.stderr

    done = run(main, ["build", "-j", "1", "--json"])  # the rest; ru is still up to date
    states = {e["lang"]: e["rebuilt"] for e in json.loads(done.stdout)["editions"]}
    assert states == {lang: lang != "ru" for lang in LANGS}


# A statement written in a right-to-left language, with a figure, an index number and Latin
# names in the template strings around its text.
RTL_STATEMENTS = {
    "fa": """\
        type: public-statement
        lang: fa
        date: 2024-03-12
        reference: CSR 12/0417/2024
        title: از غیرنظامیان محافظت کنید
        opening: سازمان از همهٔ طرف‌ها می‌خواهد از غیرنظامیان محافظت کنند.
        sections:
          - id: incidents
            heading: رویدادها
            incidents:
              - id: market
                date: 2024-03-10
                place: بازار شهر
                reported_by: وزارت بهداشت
                civilians: {killed: 3, wounded: 27}
                text: یک بازار هدف حمله قرار گرفت.
        calls:
          - id: protect
            addressees: [ارتش, گروه‌های مسلح]
            demands: [از غیرنظامیان محافظت کنید.]
        """,
    "ar": """\
        type: public-statement
        lang: ar
        date: 2024-03-12
        reference: CSR 12/0417/2024
        title: يجب حماية المدنيين
        opening: تدعو المنظمة جميع الأطراف إلى حماية المدنيين.
        sections:
          - id: incidents
            heading: الحوادث
            incidents:
              - id: market
                date: 2024-03-10
                place: سوق المدينة
                reported_by: وزارة الصحة
                civilians: {killed: 3, wounded: 27}
                text: تعرّض سوق للهجوم.
        calls:
          - id: protect
            addressees: [الجيش, الجماعات المسلحة]
            demands: [حماية المدنيين.]
        """,
}


def _drawn(pdf: Path) -> list[tuple[str, float, float]]:
    """Each character of the first page as drawn: (character, left edge, height of its middle)."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(pdf))
    text = document[0].get_textpage()
    out = []
    for index in range(text.count_chars()):
        left, bottom, _, top = text.get_charbox(index, loose=True)
        out.append((text.get_text_range(index, 1), left, (bottom + top) / 2))
    document.close()
    return out


def _left_edges(drawn: list[tuple[str, float, float]], words: list[str]) -> list[float]:
    """Where each of ``words`` starts on the page, on the line that draws them all (characters
    within 5 pt of each other's middle height are one line: Latin and Arabic fonts differ)."""
    lines: list[list[tuple[str, float, float]]] = []
    for char in sorted((c for c in drawn if c[0].strip()), key=lambda c: -c[2]):
        if lines and abs(lines[-1][0][2] - char[2]) < 5:
            lines[-1].append(char)
        else:
            lines.append([char])
    for line in lines:
        line.sort(key=lambda c: c[1])  # left to right, as the eye reads the page
        seen = "".join(c for c, _, _ in line)
        if all(w in seen for w in words):
            return [line[seen.index(w)][1] for w in words]
    raise AssertionError(f"no line draws all of {words!r}")


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["fa", "ar"])
def test_english_template_strings_in_a_right_to_left_edition_keep_figures_in_order(
        workspace, monkeypatch, tmp_path, lang):
    """English template strings in a Persian or Arabic edition (its catalog lacks them) used to
    print "civilians killed, 27 wounded 3" and "CSR 12/0417/2024 :Index": a casualty figure
    misread. The PDF's text and where its glyphs sit on the page both read in logical order."""
    from pypdf import PdfReader

    from communique.i18n import ui

    root = workspace({"s": RTL_STATEMENTS[lang]}, settings='[organisation]\nname = "Amnesty International"\n')
    empty = tmp_path / "no-builtin-catalogs"
    empty.mkdir()
    monkeypatch.setattr(ui, "BUILTIN_LOCALE", empty)  # the fallback: every string in English
    code, _, err = _run("build", "-j", "1")
    assert code == 0, err
    assert f"no catalog of template strings for {'Persian' if lang == 'fa' else 'Arabic'}" in err
    folder = root / "build" / "s" / lang
    html = (folder / "index.html").read_text(encoding="utf-8")
    assert f'<html lang="{lang}" dir="rtl"' in html
    pdf = folder / f"s-{lang}.pdf"
    text = " ".join(PdfReader(pdf).pages[0].extract_text().split())
    assert "3 civilians killed, 27 wounded" in text
    assert "Index: CSR 12/0417/2024" in text
    drawn = _drawn(pdf)
    edges = _left_edges(drawn, ["3", "civilians", "27", "wounded"])
    assert edges == sorted(edges), edges  # read left to right: the figure before its words
    edges = _left_edges(drawn, ["Index:", "CSR", "12/0417/2024"])
    assert edges == sorted(edges), edges
    edges = _left_edges(drawn, ["Amnesty", "calls", "to:"])
    assert edges == sorted(edges), edges
    # on the web too: browsers follow the same isolation
    assert '<bdi dir="ltr">3 civilians killed, 27 wounded</bdi>' in html
    assert '<bdi dir="ltr">Index: <bdi dir="ltr">CSR 12/0417/2024</bdi></bdi>' in html


def test_translated_words_isolate_their_figures_and_names_by_their_own_direction(workspace):
    """Translated, the same strings are right to left with the Latin index number and the
    organisation's Latin name isolated inside them."""
    root = workspace({"s": RTL_STATEMENTS["fa"]}, settings='[organisation]\nname = "Amnesty International"\n')
    ws = find_workspace(root)
    doc, problems = load(root / "content" / "s" / "statement.yaml", ws)
    assert doc is not None, problems
    html = render(doc, ws, "web").html
    assert ('<span class="reference"><bdi dir="rtl">شمارهٔ سند: <bdi dir="ltr">CSR 12/0417/2024</bdi>'
            '</bdi></span>') in html
    assert '<bdi dir="rtl">3 غیرنظامی کشته، 27 زخمی</bdi>' in html
    assert ('<bdi dir="rtl"><bdi dir="ltr">Amnesty International</bdi> از <bdi dir="rtl">ارتش</bdi> و '
            '<bdi dir="rtl">گروه‌های مسلح</bdi> می‌خواهد:</bdi>') in html


NO_CJK_FONTS = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <selectfont><rejectfont><glob>*CJK*</glob></rejectfont></selectfont>
</fontconfig>
"""


@pytest.mark.slow
def test_a_chinese_edition_without_a_cjk_font_names_the_package_once_and_writes_its_web_page(
        workspace, tmp_path):
    """It used to give 40 errors (one a character, the date's 年/月/日 too), located in
    statement.yaml rather than zh.po, advising a [fonts] key that did not exist, and wrote no
    web page although a browser could show it."""
    import os
    import subprocess
    import sys

    root = workspace({"s": SHORT})
    po = root / "content" / "s" / "i18n" / "zh.po"
    po.parent.mkdir()
    po.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Language: zh\\n"\n\n'
                  'msgctxt "title"\nmsgid "Protect civilians"\nmsgstr "保护平民"\n\n'
                  'msgctxt "opening"\nmsgid "The organisation calls for restraint.[@src-a]"\n'
                  'msgstr "本组织呼吁保持克制。[@src-a]"\n', encoding="utf-8")
    config = tmp_path / "no-cjk.conf"
    config.write_text(NO_CJK_FONTS, encoding="utf-8")
    env = dict(os.environ, FONTCONFIG_FILE=str(config))  # fontconfig is read when a process starts
    result = subprocess.run([sys.executable, "-m", "communique", "build", "-j", "1", "--lang", "zh"],
                            cwd=root, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if ": error: " in line]
    assert len(errors) == 1, result.stderr  # once for the character set, not once a character
    # at the first of them in the translation (the title's 保), with how many there are
    assert errors[0].startswith("content/s/i18n/zh.po:8:9: error: PDF (zh): no font has a glyph for ")
    assert re.search(r"for \d\d Chinese, Japanese and Korean characters \(\w U\+[0-9A-F]{4}, ", errors[0])
    assert "install Debian's fonts-noto-cjk, or name a font that has them in [fonts] cjk" in errors[0]
    folder = root / "build" / "s" / "zh"
    assert "保护平民" in (folder / "index.html").read_text(encoding="utf-8")
    assert not (folder / "s-zh.pdf").exists()
    # with the fonts installed, the same edition prints
    code, _, err = _run("build", "-j", "1", "--lang", "zh")
    assert code == 0, err
    assert (folder / "s-zh.pdf").is_file()


@pytest.mark.parametrize("lang, first", [
    ("zh", "Noto Sans CJK SC"), ("zh-Hans", "Noto Sans CJK SC"), ("zh-TW", "Noto Sans CJK TC"),
    ("ja", "Noto Sans CJK JP"), ("ko", "Noto Sans CJK KR"), ("hi", "Noto Sans Devanagari"),
    ("mr", "Noto Sans Devanagari"), ("bn", "Noto Sans Bengali"), ("th", "Noto Sans Thai"),
    ("he", "Noto Sans Hebrew"), ("fa", "Noto Sans Arabic"), ("fr", "Noto Sans")])
def test_each_script_has_a_font_stack_of_its_own(lang, first):
    from communique.workspace import Fonts

    assert Fonts().stack(lang).startswith(f'"{first}"')


def test_a_cjk_font_stack_is_a_setting(workspace):
    root = workspace({"s": SHORT}, settings='[fonts]\ncjk = ["Source Han Sans SC"]\n'
                                            'thai = ["Sarabun"]\n')
    settings = find_workspace(root).settings
    assert settings.fonts.stack("ja").startswith('"Source Han Sans SC", "Noto Sans"')
    assert settings.fonts.stack("th").startswith('"Sarabun", "Noto Sans"')


@pytest.mark.skipif(not shutil.which("fc-list"), reason="fontconfig's fc-list is not installed")
@pytest.mark.parametrize("family", ["Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Sans CJK KR",
                                    "Noto Sans CJK TC", "Noto Sans Devanagari", "Noto Sans Bengali",
                                    "Noto Sans Thai", "Noto Sans Hebrew"])
def test_the_default_fonts_of_each_script_are_installed(family):
    """scripts/setup.sh installs them (fonts-noto-cjk, fonts-noto-core)."""
    import subprocess

    listed = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True).stdout
    assert any(family in line.split(",") for line in listed.splitlines()), family


THAI_WORDS = ["องค์กร", "เรียกร้อง", "ให้", "ทุก", "ฝ่าย", "คุ้มครอง", "พลเรือน", "และ", "เคารพ",
              "กฎหมาย", "มนุษยธรรม", "ระหว่าง", "ประเทศ", "อย่าง", "เคร่งครัด", "โดย", "ทันที"]


def test_thai_without_spaces_breaks_between_words():
    """Thai writes no space between words: Pango finds the breaks with libthai's dictionary,
    so a narrow column wraps between words, never inside one, and nothing overflows."""
    from weasyprint import HTML

    text = "".join(THAI_WORDS)
    document = HTML(string=f'<html lang="th"><body style="width: 120px; font-size: 12px; '
                           f'font-family: Noto Sans Thai"><p>{text}</p></body></html>').render()
    lines = [box for box in _descendants(document.pages[0]._page_box)
             if type(box).__name__ == "LineBox"]
    assert len(lines) > 3
    boundaries = {len("".join(THAI_WORDS[:i])) for i in range(len(THAI_WORDS) + 1)}
    offset = 0
    for line in lines:
        assert line.width <= 120.5
        offset += len("".join(getattr(box, "text", "") for box in _descendants(line)
                              if type(box).__name__ == "TextBox"))
        assert offset in boundaries, offset  # the line ends between two words
    assert offset == len(text)


SCRIPT_SETS = {"hi": "devanagari", "bn": "bengali"}
SCRIPT_TITLES = {"hi": "नागरिकों की रक्षा करें", "bn": "বেসামরিক নাগরিকদের রক্ষা করুন",
                 "th": "ปกป้องพลเรือน", "he": "הגנו על האזרחים", "ja": "民間人を保護せよ",
                 "ko": "민간인을 보호하라", "zh": "保护平民"}


@pytest.mark.slow
@pytest.mark.parametrize("lang", sorted(SCRIPT_TITLES))
def test_statements_in_each_script_print_without_a_missing_glyph(workspace, lang):
    from pypdf import PdfReader

    title = SCRIPT_TITLES[lang]
    root = workspace({"s": f"type: public-statement\nlang: {lang}\ndate: 2020-09-29\n"
                           f"reference: EUR 55/3154/2020\ntitle: {title}\nopening: {title}.\n"})
    code, _, err = _run("build", "-j", "1")
    assert code == 0, err
    assert "no font has a glyph" not in err
    pdf = root / "build" / "s" / lang / f"s-{lang}.pdf"
    text = "".join(PdfReader(pdf).pages[0].extract_text().split())
    if lang in ("hi", "bn"):
        # drawn right (conjuncts, reph, vowel signs before their consonant), but WeasyPrint's
        # text layer maps a reordered vowel sign twice ("रिक्षा" for "रक्षा"): only the script
        assert any(loc.character_set(c).setting == SCRIPT_SETS[lang] for c in text)
    elif lang != "he":  # pypdf gives Hebrew in the order drawn
        assert "".join(title.split()) in text


def test_a_latin_quotation_in_a_persian_note_keeps_its_order(example_workspace):
    """The UN resolution is quoted in English in the Persian edition: its "10." used to jump to
    the other end of the quotation."""
    ws, doc = _example_doc(example_workspace, "fa")
    html = render(doc, ws, "web").html
    assert '<bdi dir="ltr">“10. Condemns unequivocally measures' in html
