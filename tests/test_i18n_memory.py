"""Translation memory across statements (prefilled fuzzy, suggestions in comments, counted by
status) and the workspace's TMX export."""

from __future__ import annotations

import textwrap
from pathlib import Path

import polib
import pytest
from click.testing import CliRunner

from communique.cli import main

SLUG = "nagorno-karabakh-2020"
LANGS = ["ar", "az", "es", "fa", "fr", "hy", "ru", "zh"]
# Two paragraphs of the example word for word (re-wrapped), one nearly, one new.
SECOND = """\
type: public-statement
lang: en
date: 2020-10-05
title: Civilians must be protected in Nagorno-Karabakh
opening: |
  Amnesty International also urges the international community to monitor the
  situation and to make every effort to ensure that both sides to the conflict respect
  international humanitarian law and give the protection of civilians absolute priority.
sections:
  - id: reports
    body: |
      Amnesty International has not yet been able to verify these reports of civilian casualties
      independently, or to establish the circumstances in which they occurred.

      Amnesty International has not yet been able to verify these reports of civilian deaths
      independently, or to establish the circumstances in which they occurred.

      A paragraph that no statement has had before.
"""
SHARED = {"opening": "calls/international-community/text",
          "sections/reports/body/1": "sections/civilian-casualties/caveat"}
CLOSE = "sections/reports/body/2"


def _run(*args: str):
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output, result.stderr


@pytest.fixture
def two_statements(example_workspace: Path) -> Path:
    folder = example_workspace / "content" / "second"
    folder.mkdir()
    (folder / "statement.yaml").write_text(SECOND, encoding="utf-8")
    return example_workspace


def _entries(root: Path, slug: str, lang: str) -> dict[str, polib.POEntry]:
    po = polib.pofile(str(root / "content" / slug / "i18n" / f"{lang}.po"))
    return {e.msgctxt: e for e in po if not e.obsolete}


def _line(path: Path, number: int) -> str:
    return path.read_text(encoding="utf-8").splitlines()[number - 1]


def test_shared_paragraphs_are_prefilled_fuzzy_with_where_they_came_from(two_statements):
    args = [a for lang in LANGS for a in ("--lang", lang)]
    code, out, err = _run("translate", "second", *args)
    assert code == 0, err
    assert out.count("2 prefilled from translation memory") == len(LANGS), out
    for lang in LANGS:
        mine, example = _entries(two_statements, "second", lang), _entries(two_statements, SLUG, lang)
        for context, theirs in SHARED.items():
            entry = mine[context]
            assert entry.msgstr == example[theirs].msgstr and entry.msgstr
            assert entry.flags == ["fuzzy"], (lang, context)  # never printed before review
            first, where = entry.tcomment.split("\n")[:2]
            assert first.startswith("memory: exact match")
            path, line = where.rsplit(":", 1)
            assert path == f"content/{SLUG}/i18n/{lang}.po"
            assert _line(two_statements / path, int(line)).startswith("msgstr")
            assert example[theirs].linenum <= int(line) <= example[theirs].linenum + 12
        near = mine[CLOSE]
        assert near.msgstr == "" and not near.flags  # a suggestion, nothing to print
        assert near.tcomment.startswith("memory: suggestion, 9")
        assert example[SHARED["sections/reports/body/1"]].msgstr.split()[0] in near.tcomment
        assert mine["sections/reports/body/3"].msgstr == "" and not mine["sections/reports/body/3"].tcomment

    code, out, _ = _run("translate", "second", *args)  # a second run changes nothing
    assert code == 0 and out.count("up to date") == len(LANGS), out

    code, out, _ = _run("status", "second")
    for lang in LANGS:
        assert f"  {lang:<6} 0 translated, 2 fuzzy, 3 missing, translation memory: 2 filled, " \
               "1 suggested" in out, out


def test_a_reviewed_translation_keeps_the_translators_comment_and_drops_the_old_suggestion(
        two_statements):
    _run("translate", "second", "--lang", "ru")
    path = two_statements / "content" / "second" / "i18n" / "ru.po"
    po = polib.pofile(str(path))
    near = next(e for e in po if e.msgctxt == CLOSE)
    near.tcomment = "Checked with the research team.\n" + near.tcomment
    po.save(str(path))
    # the example's caveat changes: the suggestion is made again from the new text, once
    example = two_statements / "content" / SLUG / "i18n" / "ru.po"
    po = polib.pofile(str(example))
    next(e for e in po if e.msgctxt == "sections/civilian-casualties/caveat").flags = ["fuzzy"]
    po.save(str(example))
    _run("translate", "second", "--lang", "ru")
    near = _entries(two_statements, "second", "ru")[CLOSE]
    assert near.tcomment == "Checked with the research team."  # a fuzzy text is no memory
    assert _entries(two_statements, "second", "ru")["sections/reports/body/1"].msgstr  # already filled


def test_an_unreadable_po_file_elsewhere_is_a_warning_and_the_rest_is_used(two_statements):
    broken = two_statements / "content" / "third" / "i18n"
    broken.mkdir(parents=True)
    (broken.parent / "statement.yaml").write_text(textwrap.dedent(SECOND), encoding="utf-8")
    (broken / "ru.po").write_text('msgid "unclosed\n', encoding="utf-8")
    code, out, err = _run("translate", "second", "--lang", "ru")
    assert code == 0
    assert "content/third/i18n/ru.po:" in err and "not used as translation memory" in err
    assert "2 prefilled from translation memory" in out


def test_the_tmx_holds_every_reviewed_unit_and_is_the_same_on_every_run(two_statements):
    from translate.storage.tmx import tmxfile

    _run("translate", "second", *[a for lang in LANGS for a in ("--lang", lang)])
    code, _, err = _run("translate", "--tmx", "memory.tmx")
    assert code == 0, err
    data = (two_statements / "memory.tmx").read_bytes()
    store = tmxfile.parsestring(data)
    assert store.sourcelanguage == "en"
    by_id = {u.getcontext(): u for u in store.units}
    # the example's 35 units, none of the second statement's (prefilled, not reviewed)
    assert len(by_id) == 35 and all(k.startswith(f"{SLUG}/") for k in by_id), sorted(by_id)
    for theirs in SHARED.values():
        unit = by_id[f"{SLUG}/{theirs}"]
        for lang in LANGS:
            assert unit.gettarget(lang) == _entries(two_statements, SLUG, lang)[theirs].msgstr
    assert b'creationdate="20200929T000000Z"' in data and b'srclang="en"' in data
    _run("translate", "--tmx", "again.tmx")
    assert (two_statements / "again.tmx").read_bytes() == data

    code, _, _ = _run("translate", SLUG, "--lang", "ru", "--tmx", "ru.tmx")
    assert code == 0
    store = tmxfile.parsestring((two_statements / "ru.tmx").read_bytes())
    assert len(store.units) == 35 and {n.get("{http://www.w3.org/XML/1998/namespace}lang")
                                      for u in store.units for n in u.getlanguageNodes()} == {"en", "ru"}
