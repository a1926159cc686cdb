"""A build of a statement not yet translated tells one line a translation file, not one a text
(issue 16); ``status``, ``check``, ``--json`` and ``--strict`` still give every text."""

from __future__ import annotations

import json
import re

import polib
from click.testing import CliRunner

from communique.build.model import summarised
from communique.cli import main
from communique.errors import Problem
from conftest import LOCATED

STATEMENT = """\
type: public-statement
lang: en
date: 2024-10-14
title: A statement
subtitle: A subtitle
opening: The organisation calls for restraint.[@src-a]
sections:
  - id: attacks
    heading: Attacks
    body: Attacks on 3 villages were reported.
sources:
  src-a:
    url: https://example.org/a
"""
UNITS = 5  # title, subtitle, opening, heading, body


def _run(*args: str):
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def _located(err: str) -> list[re.Match]:
    return [m for line in err.splitlines() if (m := LOCATED.match(line))]


def _translated(root, lang: str, texts: dict[str, str], fuzzy: tuple[str, ...] = ()) -> None:
    path = root / "content" / "s" / "i18n" / f"{lang}.po"
    po = polib.pofile(str(path))
    for entry in po:
        if entry.msgctxt in texts:
            entry.msgstr = texts[entry.msgctxt]
            if entry.msgctxt in fuzzy:
                entry.flags.append("fuzzy")
    po.save()


def test_a_build_tells_one_line_a_language_and_status_and_check_tell_every_text(workspace):
    root = workspace({"s": STATEMENT}, settings='[documents]\noutputs = ["web"]\n')
    assert _run("translate", "s", "--lang", "ru", "--lang", "fr")[0] == 0
    _translated(root, "fr", {"title": "Une déclaration", "subtitle": "Un sous-titre"},
                fuzzy=("subtitle",))
    # a translation that drops a figure is a mistake, not work to do: told on its own line
    _translated(root, "ru", {"sections/attacks/body": "Сообщалось о нападениях на сёла."})

    code, _, err = _run("build", "-j", "1")
    assert code == 0, err
    lines = sorted(line for line in err.splitlines() if ": warning: " in line)
    assert len(lines) == 3, err
    assert lines[0] == ("content/s/i18n/fr.po: warning: 4 texts to translate (3 not translated, "
                        "1 marked fuzzy): the English text is printed instead; run 'communique "
                        "status s' for each one")
    assert lines[1] == ("content/s/i18n/ru.po: warning: 4 texts not translated: the English text "
                        "is printed instead; run 'communique status s' for each one")
    assert re.match(r"content/s/i18n/ru\.po:\d+:\d+: warning: 'sections/attacks/body': the "
                    r"translation drops the figure 3", lines[2]), lines[2]
    assert "0 error(s), 9 warning(s)" in err  # every text still counted
    # a build with nothing to do tells the same, from the record of the last one
    code, _, again = _run("build", "-j", "1")
    assert code == 0 and "3 up to date" in again
    assert sorted(line for line in again.splitlines() if ": warning: " in line) == lines

    # every text with its line: in status, in check, and in --json
    code, out, _ = _run("status", "s")
    assert re.search(r"^ +untranslated +opening +content/s/i18n/fr\.po:\d+$", out, re.M), out
    assert re.search(r"^ +fuzzy +subtitle +content/s/i18n/fr\.po:\d+$", out, re.M), out
    code, _, err = _run("check")
    assert sum(m["path"] == "content/s/i18n/fr.po" for m in _located(err)) == 4, err
    assert sum(m["path"] == "content/s/i18n/ru.po" for m in _located(err)) == 5, err
    code, out, _ = _run("build", "-j", "1", "--json")
    assert len(json.loads(out)["problems"]) == 9


def test_strict_still_refuses_the_same_editions_and_names_every_text(workspace):
    root = workspace({"s": STATEMENT}, settings='[documents]\noutputs = ["web"]\n')
    assert _run("translate", "s", "--lang", "ru")[0] == 0
    code, _, err = _run("build", "-j", "1", "--strict")
    assert code == 1 and "1 failed: s/ru" in err, err
    errors = [m for m in _located(err) if m["sev"] == "error"]
    assert len(errors) == UNITS and {m["path"] for m in errors} == {"content/s/i18n/ru.po"}, err
    assert not (root / "build" / "s" / "ru").exists()
    code, _, err = _run("build", "-j", "1", "--publish")
    assert code == 1 and "s/ru" in err and len(
        [m for m in _located(err) if m["sev"] == "error" and "ru.po" in m["path"]]) == UNITS, err


def test_a_single_text_to_translate_is_told_as_it_is_and_other_problems_are_untouched():
    one = Problem("content/s/i18n/ru.po", 12, 1, "'title' is not translated: the English text "
                  "is printed instead", "warning", "untranslated")
    other = Problem("content/s/statement.yaml", 3, 1, "a source is never cited", "warning")
    error = Problem("content/s/i18n/fr.po", 5, 1, "'title' is not translated", "error",
                    "untranslated")
    assert summarised([one, other, error, error]) == [one, other, error, error]
