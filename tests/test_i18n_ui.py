"""Template strings through gettext: catalogs compile, translate, pluralise and report gaps;
locale formatting comes from Babel."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import textwrap
from pathlib import Path

import polib
import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from communique.build import BuildOptions, build
from communique.document import load
from communique.i18n import content, editions, ui
from communique.render.html import environment, render
from communique.workspace import find_workspace

PLAIN = """\
type: public-statement
lang: en
date: 2020-09-27
title: A statement
opening: The organisation calls for restraint.
"""

KILLED = ("%(num)s civilian killed", "%(num)s civilians killed")


def _catalog(path: Path, lang: str, messages: dict) -> None:
    """Write a .po catalog with ``messages`` {msgid or (singular, plural): str or tuple}."""
    catalog = Catalog(locale=lang, fuzzy=False)
    for msgid, string in messages.items():
        catalog.add(msgid, string)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as f:
        write_po(f, catalog)


def test_builtin_catalogs_compile_into_the_build_cache_and_translate(workspace):
    ws = find_workspace(workspace({}))
    strings, problems = ui.load(ws, "ru")
    assert problems == []
    assert strings.gettext("Background") == "Справочная информация"
    assert strings.gettext("Notes") == "Примечания"
    assert ui.cached_mo(ws, "builtin", "ru").is_file()  # nothing compiled is kept in the sources
    assert strings.missing == {}


def test_every_builtin_catalog_translates_every_extracted_string():
    """The committed template (.pot) is what the templates and citation styles use today, and
    every built-in catalog translates all of it (run 'communique i18n update --builtin')."""
    pot = ui.BUILTIN_LOCALE / "messages.pot"
    with pot.open("rb") as f:
        committed = {(m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in read_po(f) if m.id}
    fresh = {(m.context, m.id if isinstance(m.id, str) else m.id[0])
             for m in ui.extract(ui.PACKAGE_ROOT, python=True) if m.id}
    assert fresh - committed == set(), "template strings missing from messages.pot"
    for lang in ui.catalog_languages(ui.BUILTIN_LOCALE):
        po = ui.po_path(ui.BUILTIN_LOCALE, lang)
        catalog, problems = ui.read_catalog(po, str(po), lang)
        assert problems == []
        translated = {(m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in catalog
                      if m.id and not m.fuzzy and all(m.string if isinstance(m.string, tuple) else [m.string])}
        assert committed - translated == set(), f"{lang}: untranslated template strings"


@pytest.mark.parametrize("lang, counts", [
    ("ru", {1: "1 мирный житель погиб", 2: "2 мирных жителя погибли", 5: "5 мирных жителей погибли",
            11: "11 мирных жителей погибли", 21: "21 мирный житель погиб", 22: "22 мирных жителя погибли"}),
    ("ar", {0: "لم يُقتل أي مدني", 1: "قُتل مدني واحد", 2: "قُتل مدنيان", 3: "قُتل 3 مدنيين",
            11: "قُتل 11 مدنيًا", 100: "قُتل 100 مدني"}),
    # French: 0 and 1 are singular; a million takes "de" (CLDR's "many")
    ("fr", {0: "0 civil tué", 1: "1 civil tué", 2: "2 civils tués", 1000000: "1000000 de civils tués"}),
    ("es", {1: "1 civil muerto", 0: "0 civiles muertos", 3: "3 civiles muertos",
            1000000: "1000000 de civiles muertos"}),
    ("pt", {0: "0 civil morto", 1: "1 civil morto", 2: "2 civis mortos"}),
    ("de", {1: "1 Zivilperson getötet", 0: "0 Zivilpersonen getötet", 2: "2 Zivilpersonen getötet"}),
    ("uk", {1: "1 мирний житель загинув", 3: "3 мирні жителі загинули", 5: "5 мирних жителів загинули",
            11: "11 мирних жителів загинули", 21: "21 мирний житель загинув"}),
    ("zh-Hans", {1: "1名平民死亡", 27: "27名平民死亡"}),
    ("zh", {3: "3名平民死亡"}),  # zh finds the zh_Hans catalog, the script zh is likely written in
    ("sw", {1: "raia 1 aliuawa", 3: "raia 3 waliuawa"}),
])
def test_plural_forms(workspace, lang, counts):
    """Russian has three forms (1, 2–4, 5–20 and 11–14), Arabic six (0, 1, 2, 3–10, 11–99, 100…)."""
    strings, _ = ui.load(find_workspace(workspace({})), lang)
    for n, expected in counts.items():
        assert strings.ngettext(*KILLED, n) % {"num": n} == expected


# Every language communique ships template strings for; each must translate every string.
SHIPPED = ["ru", "hy", "az", "ar", "fr", "es", "pt", "de", "it", "uk", "tr", "fa", "ur", "zh_Hans",
           "sw", "id"]


def test_every_shipped_language_has_a_catalog_that_status_counts_complete(workspace):
    assert set(SHIPPED) <= set(ui.catalog_languages(ui.BUILTIN_LOCALE))
    ws = find_workspace(workspace({}))
    counts = editions.template_status(ws, [lang.replace("_", "-") for lang in SHIPPED])
    total = sum(1 for m in read_po(open(ui.BUILTIN_LOCALE / "messages.pot", "rb")) if m.id)
    assert counts == [f"{lang.replace('_', '-')} {total}/{total}" for lang in SHIPPED]


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="gettext's msgfmt is not installed")
@pytest.mark.parametrize("lang", SHIPPED)
def test_every_builtin_catalog_passes_msgfmt_check(lang):
    """GNU gettext's own check: headers, plural forms, format strings of each entry."""
    po = ui.po_path(ui.BUILTIN_LOCALE, lang)
    result = subprocess.run(["msgfmt", "-c", "-o", os.devnull, str(po)], capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("lang", SHIPPED)
def test_translations_keep_every_placeholder_and_the_plural_forms_babel_gives(lang):
    from babel import Locale
    from babel.messages.plurals import get_plural

    po = ui.po_path(ui.BUILTIN_LOCALE, lang)
    catalog, _ = ui.read_catalog(po, str(po), lang)
    assert catalog is not None
    assert catalog.num_plurals == get_plural(Locale.parse(lang)).num_plurals
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, (list, tuple)) else [message.id]
        wanted = set(re.findall(r"%\((\w+)\)s", ids[-1]))
        forms = message.string if isinstance(message.string, (list, tuple)) else [message.string]
        for form in forms:
            found = set(re.findall(r"%\((\w+)\)s", form))
            if len(ids) > 1:  # a plural form may say the number in words ("قُتل مدنيان")
                assert found <= wanted, (lang, message.id, form)
            else:
                assert found == wanted, (lang, message.id, form)
            assert not re.search(r"%(?!\(\w+\)s)", form), (lang, form)


def test_plural_forms_in_the_rendered_template(workspace):
    root = workspace({"s": PLAIN + textwrap.dedent("""\
        sections:
          - id: incidents
            incidents:
              - {id: one, date: 2020-09-27, place: A, reported_by: B, civilians: {killed: 1, wounded: 2}, text: x}
              - {id: few, date: 2020-09-28, place: A, reported_by: B, civilians: {killed: 3}, text: x}
              - {id: many, date: 2020-09-29, place: A, reported_by: B, civilians: {killed: 11, wounded: 25}, text: x}
        """)})
    ws = find_workspace(root)
    doc, _ = load(root / "content" / "s" / "statement.yaml", ws)
    facts = {}
    for lang in ("en", "ru", "ar"):
        prepared = editions.prepare(doc, ws, lang)  # no PO file: the text stays English
        html = render(prepared.doc, ws, "web").html
        facts[lang] = [line.split(" · ")[-1] for line in _facts(html)]
    assert facts["en"] == ["1 civilian killed, 2 wounded", "3 civilians killed", "11 civilians killed, 25 wounded"]
    assert facts["ru"] == ["1 мирный житель погиб, 2 раненых", "3 мирных жителя погибли",
                           "11 мирных жителей погибли, 25 раненых"]
    assert facts["ar"] == ["قُتل مدني واحد، جريحان", "قُتل 3 مدنيين", "قُتل 11 مدنيًا، 25 جريحًا"]  # Arabic comma


def _facts(html: str) -> list[str]:
    import re

    return [re.sub(r"<[^>]+>", "", m).strip() for m in re.findall(  # the line of date, place and toll
        r'<p class="incident-facts">(.*?)<span class="provenance">', html, re.S)]


def test_russian_date_is_in_the_genitive(workspace):
    root = workspace({"s": PLAIN})
    ws = find_workspace(root)
    doc, _ = load(root / "content" / "s" / "statement.yaml", ws)
    html = render(editions.prepare(doc, ws, "ru").doc, ws, "web").html
    assert "27 сентября 2020\u202fг." in html


def test_workspace_catalog_overrides_builtin_and_is_recompiled_when_newer(workspace):
    root = workspace({})
    ws = find_workspace(root)
    po = root / "templates" / "locale" / "ru" / "LC_MESSAGES" / "messages.po"
    _catalog(po, "ru", {"Background": "Предыстория"})
    strings, problems = ui.load(ws, "ru")
    assert problems == [] and strings.gettext("Background") == "Предыстория"
    assert strings.gettext("Notes") == "Примечания"  # still from the built-in catalog
    _catalog(po, "ru", {"Background": "Контекст"})
    later = ui.cached_mo(ws, "workspace", "ru").stat().st_mtime + 10
    os.utime(po, (later, later))
    strings, _ = ui.load(ws, "ru")
    assert strings.gettext("Background") == "Контекст"


def test_missing_template_string_is_reported_and_an_error_when_strict(workspace):
    root = workspace({"s": PLAIN})
    (root / "communique.toml").write_text('languages = ["ru"]\n', encoding="utf-8")
    templates = root / "templates"
    templates.mkdir()
    (templates / "public-statement.html.j2").write_text(
        '{% extends "base.html.j2" %}{% block body %}<h1>{{ statement.title }}</h1>'
        '{{ statement.opening }}<p>{{ _("Press contact") }}</p>{% endblock %}', encoding="utf-8")
    ws = find_workspace(root)
    doc, _ = load(root / "content" / "s" / "statement.yaml", ws)
    content.update(doc, "ru", ws.display)
    po = polib.pofile(str(root / "content" / "s" / "i18n" / "ru.po"))
    for entry in po:
        entry.msgstr = {"title": "Заявление", "opening": "Организация призывает к сдержанности."}[entry.msgctxt]
    po.save()
    result = build(ws, [], write=False)
    missing = [p for p in result.problems if "Press contact" in p.message]
    assert len(missing) == 1 and missing[0].severity == "warning"
    assert missing[0].path.endswith("templates/locale/ru/LC_MESSAGES/messages.po")
    assert missing[0].message == ("template string 'Press contact' has no Russian translation, "
                                  "so it is printed in English")
    strict = build(ws, [], write=False, options=BuildOptions(strict=True))
    assert any("error: template string 'Press contact'" in str(p) for p in strict.errors)
    assert "s/ru" in strict.failed


def test_unknown_language_is_reported_never_silently_english(workspace):
    ws = find_workspace(workspace({}))
    _, problems = ui.load(ws, "xx")
    assert [p.message for p in problems] == ["unknown language code 'xx'"]
    _, problems = ui.load(ws, "nl")  # a real language without a catalog
    assert len(problems) == 1 and "no catalog of template strings for Dutch (nl)" in problems[0].message
    # the advice names the file to fill in, and the command that starts it
    assert problems[0].path == "templates/locale/nl/LC_MESSAGES/messages.po"
    assert ("run 'communique i18n update --lang nl', then translate the strings of "
            "templates/locale/nl/LC_MESSAGES/messages.po") in problems[0].message


def test_malformed_catalog_is_a_located_error(workspace):
    root = workspace({})
    po = root / "templates" / "locale" / "ru" / "LC_MESSAGES" / "messages.po"
    po.parent.mkdir(parents=True)
    po.write_text('msgid "Background"\nmsgstr "Предыстория\n', encoding="utf-8")
    _, problems = ui.load(find_workspace(root), "ru")
    assert len(problems) == 1 and problems[0].is_error
    assert problems[0].path == "templates/locale/ru/LC_MESSAGES/messages.po" and problems[0].line == 2


def test_bad_placeholder_in_a_translation_is_an_error(workspace):
    root = workspace({})
    po = root / "templates" / "locale" / "ru" / "LC_MESSAGES" / "messages.po"
    _catalog(po, "ru", {"Back to the text of note %(number)s": "Назад к примечанию %(numero)s"})
    _, problems = ui.load(find_workspace(root), "ru")
    assert len(problems) == 1 and "unknown named placeholder 'numero'" in problems[0].message


def test_extraction_and_rendering_agree_on_trimmed_blocks(workspace):
    root = workspace({})
    templates = root / "templates"
    templates.mkdir()
    (templates / "greeting.html.j2").write_text(
        "{% trans name=name %}\n  Hello,\n     {{ name }}!\n{% endtrans %}", encoding="utf-8")
    extracted = [m.id for m in ui.extract(templates, python=False) if m.id]
    assert extracted == ["Hello, %(name)s!"]
    _catalog(templates / "locale" / "ru" / "LC_MESSAGES" / "messages.po", "ru",
             {"Hello, %(name)s!": "Здравствуйте, %(name)s!"})
    ws = find_workspace(root)
    strings, _ = ui.load(ws, "ru")
    with ui.active(strings):
        out = environment(ws.templates_dir).get_template("greeting.html.j2").render(name="Анна")
    assert out == "Здравствуйте, Анна!"


def test_python_sources_are_extracted_too():
    ids = {m.id for m in ui.extract(ui.PACKAGE_ROOT, python=True) if m.id}
    assert {"Background", "Ibid.", "accessed %(date)s"} <= ids


def test_a_compiled_catalog_is_used_only_if_compiled_from_its_po(workspace):
    """A .mo in build/.cache with a newer modification time than its .po (a checkout, a copy,
    or a file put there by hand) was once trusted; now only its record of the .po it was
    compiled from counts."""
    root = workspace({})
    ws = find_workspace(root)
    po = root / "templates" / "locale" / "ru" / "LC_MESSAGES" / "messages.po"
    _catalog(po, "ru", {"Background": "Предыстория"})
    assert ui.load(ws, "ru")[0].gettext("Background") == "Предыстория"
    mo = ui.cached_mo(ws, "workspace", "ru")
    planted = root / "planted.po"  # a catalog no translator of this workspace wrote
    _catalog(planted, "ru", {"Background": "Подложный текст"})
    assert ui.compile_catalog(planted, mo, "planted.po", "ru", root) == []
    (mo.with_suffix(".source.json")).unlink()  # the planted .mo keeps no record of its .po
    later = po.stat().st_mtime + 10
    os.utime(mo, (later, later))
    assert ui.load(ws, "ru")[0].gettext("Background") == "Предыстория"
    _catalog(po, "ru", {"Background": "Контекст"})  # an edit, whatever the clock says
    earlier = mo.stat().st_mtime - 10
    os.utime(po, (earlier, earlier))
    assert ui.load(ws, "ru")[0].gettext("Background") == "Контекст"


def test_a_nul_in_a_translation_is_a_located_error(workspace):
    root = workspace({})
    po = root / "templates" / "locale" / "ru" / "LC_MESSAGES" / "messages.po"
    _catalog(po, "ru", {"Background": "Пред"})
    po.write_text(po.read_text().replace('msgstr "Пред"', 'msgstr "Пред\0ыстория"'))
    line = po.read_text().splitlines().index('msgstr "Пред\0ыстория"') + 1
    strings, problems = ui.load(find_workspace(root), "ru")
    assert [str(p) for p in problems] == [
        f"templates/locale/ru/LC_MESSAGES/messages.po:{line}:13: error: invalid PO file: "
        "a NUL character (U+0000), which no text may hold"]
    assert strings.gettext("Background") != "Пред\ufffdыстория"
