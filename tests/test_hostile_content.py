"""Hostile content, translations and libraries: each class of finding closed by one rule.

Notes nested deeper than notes may go, text made of nothing but brackets, catalogs that change
a figure, control and invisible characters, CSS smuggled through settings, huge libraries: each
is a located problem (or a bounded cost), never a traceback, and one statement's failure never
stops the others.
"""

from __future__ import annotations

import time
from pathlib import Path

import polib
import pytest
from click.testing import CliRunner

from communique.cli import main
from communique.content.markup import parse
from conftest import GOOD

NESTED_NOTES = "^[" * 1500 + "deep" + "]" * 1500


def _check(*args: str):
    return CliRunner().invoke(main, ["check", *args])


def _translate(root: Path, slug: str, lang: str, translations: dict[str, str]) -> Path:
    """Start ``content/<slug>/i18n/<lang>.po`` and fill in ``translations`` by msgctxt."""
    result = CliRunner().invoke(main, ["translate", slug, "--lang", lang])
    assert result.exit_code == 0, result.output
    path = root / "content" / slug / "i18n" / f"{lang}.po"
    po = polib.pofile(str(path))
    for entry in po:
        if entry.msgctxt in translations:
            entry.msgstr = translations[entry.msgctxt]
    po.save()
    return path


# --- nesting: notes never nest, and nothing else recurses on content ------------------------

def test_notes_nested_1500_deep_are_one_located_error_and_the_other_statements_are_checked(
        workspace):
    workspace({"deep": GOOD.replace("restraint.[@src-a]", "restraint.[@src-a]" + NESTED_NOTES),
               "fine": GOOD})
    result = _check()
    assert not isinstance(result.exception, RecursionError)  # it was, a traceback
    assert result.exit_code == 1 and result.output.splitlines() == [
        "content/deep/statement.yaml:5:57: error: a note cannot contain another note '^['",
        "1 edition(s) checked; 1 statement(s) failed: deep; 1 error(s), 0 warning(s)"]


def test_notes_nested_1500_deep_in_a_po_msgstr_fall_back_with_a_located_warning(workspace):
    root = workspace({"s": GOOD})
    po = _translate(root, "s", "ru", {"title": "Заявление", "opening": "Призыв." + NESTED_NOTES})
    result = _check()
    assert result.exit_code == 0, result.output  # it was a RecursionError, a traceback
    line = next(i for i, text in enumerate(po.read_text(encoding="utf-8").splitlines(), 1)
                if "Призыв" in text)
    assert (f"content/s/i18n/ru.po:{line}:11: warning: 'opening': a note cannot contain another "
            "note '^[': the English text is printed instead") in result.output.splitlines()
    assert "2 edition(s) checked" in result.output


def test_a_statement_that_crashes_while_read_does_not_stop_the_others(workspace, monkeypatch):
    """Whatever a check failed to foresee (here a RecursionError from deep inside the reader),
    the statement is reported in one line and the other statements are still read."""
    import communique.document as document

    workspace({"a-crashes": GOOD, "b-fine": GOOD.replace("A statement", "Another")})
    real = document.build_document

    def crashing(statement, located, citations=None):
        if "a-crashes" in str(located.path):
            raise RecursionError("maximum recursion depth exceeded")
        return real(statement, located, citations)

    monkeypatch.setattr(document, "build_document", crashing)
    result = _check()
    assert result.exit_code == 1 and not isinstance(result.exception, RecursionError)
    assert ("content/a-crashes/statement.yaml: error: the statement could not be read "
            "(RecursionError: its content is nested too deeply)") in result.output
    assert "1 edition(s) checked" in result.output  # b-fine


# --- the scanner is linear ----------------------------------------------------------------

HOSTILE_SHAPES = ["[", "[@a ", "[\n", "^[", "[a](", "`a", "[[]", "\\["]


def grows_linearly(run, small: int, times: int = 4) -> bool:
    """Whether ``run(n)`` costs about ``times`` times more at ``times * small`` than at
    ``small``: a linear cost grows 4-fold, a quadratic one 16-fold. CPU time of this process
    (not wall time, which other processes on a shared machine stretch), best of three."""
    def cost(n: int) -> float:
        best = float("inf")
        for _ in range(3):
            started = time.process_time()
            run(n)
            best = min(best, time.process_time() - started)
        return max(best, 1e-3)
    return cost(small * times) / cost(small) < times * 2.5


@pytest.mark.parametrize("unit", HOSTILE_SHAPES)
def test_a_field_of_hostile_characters_is_parsed_in_linear_time(unit):
    """20,000 '[' took 15 s when every '[' searched the rest of the field for its ']'."""
    assert grows_linearly(lambda n: parse((unit * (n // len(unit) + 1))[:n], block=True), 12_500)


def test_brackets_in_a_po_msgstr_are_checked_in_linear_time(workspace):
    """20,000 '[' in a msgstr took 48 s."""
    root = workspace({"s": GOOD})

    def check(n: int):
        _translate(root, "s", "ru", {"title": "Заявление", "opening": "[" * n})
        return _check()

    assert grows_linearly(check, 10_000)
    assert "'opening': the translation drops the citation [@src-a]" in check(40_000).output


# --- source libraries: linear, and uncited entries in one line ---------------------------

def _library_workspace(workspace, entries: int) -> Path:
    items = ",\n".join(f'  {{"id": "src-{n}", "type": "webpage", "title": "Source {n}", '
                       f'"URL": "https://example.org/{n}"}}' for n in range(entries))
    root = workspace({"lib": GOOD.replace("[@src-a]", "[@src-a] and [@src-7]")
                      + "citations:\n  libraries: [library.json]\n"})
    (root / "content" / "lib" / "library.json").write_text(f"[\n{items}\n]\n", encoding="utf-8")
    return root


def test_a_library_is_read_in_linear_time(workspace):
    """Each entry's line was counted from the file's start: 20,000 entries took 6.8 s (19 s on
    a busy machine), 60,000 took 51 s."""
    def check(n: int):
        _library_workspace(workspace, n)
        return _check()

    assert grows_linearly(check, 4_000)
    assert check(30_000).exit_code == 0


def test_uncited_sources_of_a_library_are_one_line(workspace):
    _library_workspace(workspace, 2_000)
    result = _check()
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        "content/lib/library.json:2:3: warning: 1,999 sources of this library are never cited: "
        "'src-0', 'src-1', 'src-2' and 1,996 more",
        "1 edition(s) checked; 0 error(s), 1 warning(s)"]


# --- settings written into the stylesheet: one complete CSS token each --------------------

@pytest.mark.parametrize("setting", [
    '[colours]\naccent = "red/*"',  # comments out the rest of the stylesheet
    '[colours]\naccent = "/**/red"',
    '[colours]\naccent = "rgb(0 0 0"',  # an unterminated function
    '[colours]\nink = "red blue"',
    '[fonts]\nlatin = ["Noto Sans */ color: red"]',  # closes a comment a colour opened
    '[fonts]\nlatin = ["Noto /* Sans"]',
])
def test_a_setting_that_is_not_one_complete_css_token_is_a_located_error(tmp_path, setting):
    from communique.errors import ContentError
    from communique.workspace import read_settings

    (tmp_path / "communique.toml").write_text(setting + "\n", encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        read_settings(tmp_path)
    [problem] = caught.value.problems
    assert (problem.line, problem.severity) == (2, "error")


@pytest.mark.parametrize("colour", ["#ffff00", "rebeccapurple", "rgb(0 0 0 / 50%)",
                                    "hsl(10 20% 30%)"])
def test_ordinary_colours_are_still_accepted(tmp_path, colour):
    from communique.workspace import read_settings

    (tmp_path / "communique.toml").write_text(f'[colours]\naccent = "{colour}"\n')
    assert read_settings(tmp_path).colours.accent == colour


def test_a_logo_over_the_size_limit_is_refused_at_its_settings_line(tmp_path):
    from communique.errors import ContentError
    from communique.sandbox import MAX_ASSET_BYTES
    from communique.workspace import read_settings

    with (tmp_path / "logo.png").open("wb") as f:
        f.truncate(MAX_ASSET_BYTES + 1)  # sparse: takes no room on disk
    (tmp_path / "communique.toml").write_text('[organisation]\nname = "X"\nlogo = "logo.png"\n')
    with pytest.raises(ContentError) as caught:
        read_settings(tmp_path)
    assert [str(p) for p in caught.value.problems] == [
        f"communique.toml:3:8: error: organisation.logo: 'logo.png' is {MAX_ASSET_BYTES + 1:,} "
        f"bytes; an image or font may be at most {MAX_ASSET_BYTES:,} bytes (50 MB)"]


# --- characters: one rule for YAML, PO files and libraries --------------------------------

def _po_with(root: Path, old: str, new: str) -> Path:
    path = root / "content" / "s" / "i18n" / "ru.po"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_a_control_character_written_as_a_po_escape_is_a_located_error(workspace):
    root = workspace({"s": GOOD})
    _translate(root, "s", "ru", {"title": "Заявление", "opening": "Призыв.[@src-a]"})
    path = _po_with(root, 'msgstr "Заявление"', 'msgstr "Заяв\\vление"')
    line = path.read_text(encoding="utf-8").splitlines().index('msgstr "Заяв\\vление"') + 1
    result = _check()
    assert (f"content/s/i18n/ru.po:{line}:13: error: invalid PO file: character U+000B is a "
            "control character") in result.output.splitlines()  # not a missing glyph


def test_too_many_plural_forms_are_a_located_error_before_any_parsing(workspace):
    root = workspace({"s": GOOD})
    _translate(root, "s", "ru", {"title": "Заявление", "opening": "Призыв.[@src-a]"})
    _po_with(root, '"Plural-Forms: nplurals=3;', '"Plural-Forms: nplurals=10000000;')
    started = time.process_time()
    result = _check()
    assert time.process_time() - started < 10  # was 41 s and 2.2 GB in a catalog
    assert any(":16: error: invalid PO file: nplurals=10000000; a language has between 1 and 6 "
               "plural forms" in line for line in result.output.splitlines())


def test_a_template_catalog_with_a_control_character_or_ten_million_plurals_is_refused(
        workspace):
    from communique.i18n import ui
    from communique.workspace import find_workspace

    root = workspace({})
    po = root / "templates" / "locale" / "ru" / "LC_MESSAGES" / "messages.po"
    po.parent.mkdir(parents=True)
    po.write_text('msgid ""\nmsgstr ""\n"Plural-Forms: nplurals=10000000; plural=0;\\n"\n\n'
                  'msgid "Background"\nmsgstr "Пред\\fыстория"\n', encoding="utf-8")
    _, problems = ui.load(find_workspace(root), "ru")
    assert [str(p) for p in problems] == [
        "templates/locale/ru/LC_MESSAGES/messages.po:3:16: error: invalid PO file: "
        "nplurals=10000000; a language has between 1 and 6 plural forms",
        "templates/locale/ru/LC_MESSAGES/messages.po:6:13: error: invalid PO file: character "
        "U+000C is a control character"]


def test_yaml_escapes_are_held_to_the_same_rule(workspace):
    workspace({"s": GOOD.replace("title: A statement", 'title: "A \\x01 statement"')})
    result = _check()
    assert result.output.splitlines()[0] == ("content/s/statement.yaml:4:11: error: character "
                                             "U+0001 is a control character")


def _library(root: Path, item: str) -> None:
    (root / "content" / "lib" / "library.json").write_text(f"[\n  {item}\n]\n", encoding="utf-8")


def test_a_private_use_character_in_a_csl_json_title_is_a_located_error(workspace):
    root = workspace({"lib": GOOD.replace("[@src-a]", "[@src-a] [@b]")
                      + "citations:\n  libraries: [library.json]\n"})
    _library(root, '{"id": "b", "type": "webpage", "title": "Report \\ue123",\n'
                   '   "URL": "https://example.org/b"}')
    result = _check()
    assert result.output.splitlines()[0] == (
        "content/lib/library.json:2:34: error: source 'b': 'title': character U+E123 is a "
        "private-use character, which no font draws")


def test_bidi_overrides_and_invisible_characters_are_warnings_in_text_and_errors_in_urls(
        workspace):
    root = workspace({"lib": GOOD.replace("[@src-a]", "[@src-a] [@b]")
                      .replace("title: A statement", 'title: "Invoice \\u202egpj.exe"')
                      + "citations:\n  libraries: [library.json]\n"})
    _library(root, '{"id": "b", "type": "webpage", "title": "Zero\\u200bwidth",\n'
                   '   "URL": "https://example.org/b"}')
    result = _check()
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert ("content/lib/statement.yaml:4:17: warning: character U+202E RIGHT-TO-LEFT OVERRIDE "
            "changes the direction text is shown in, so it reads otherwise than it is written; "
            "remove it") in lines
    assert ("content/lib/library.json:2:34: warning: source 'b': 'title': character U+200B ZERO "
            "WIDTH SPACE is invisible; remove it") in lines
    _library(root, '{"id": "b", "type": "webpage", "title": "B",\n'
                   '   "URL": "https://example.org/\\u202egpj.exe"}')
    result = _check()
    assert result.exit_code == 1
    assert ("content/lib/library.json:3:4: error: source 'b': link contains U+202E RIGHT-TO-LEFT "
            "OVERRIDE, which no reader can see in the address; write the address without it"
            ) in result.output.splitlines()


@pytest.mark.parametrize("url, refused", [
    ("https://example.org/\u202egpj.exe", "U+202E RIGHT-TO-LEFT OVERRIDE"),
    ("https://exa\u200bmple.org/", "U+200B ZERO WIDTH SPACE"),
    ("https://example.org/%E2%80%AEgpj.exe", "U+202E RIGHT-TO-LEFT OVERRIDE"),
    ("https://\u0430pple.com/", "mixes Cyrillic and Latin letters"),
    ("https://xn--pple-43d.com/", "mixes Cyrillic and Latin letters"),  # the same, as punycode
])
def test_a_url_with_hidden_characters_or_a_look_alike_host_is_refused(url, refused):
    from communique.content.markup import link_problem

    assert refused in (link_problem(url) or "")


@pytest.mark.parametrize("url", ["https://example.org/a%20b", "https://пример.рф/",
                                 "https://例え.jp/", "https://example.org/?q=caf%C3%A9"])
def test_ordinary_urls_are_not_refused(url):
    from communique.content.markup import link_problem

    assert link_problem(url) is None


def test_a_markdown_link_with_a_look_alike_host_is_a_located_error(workspace):
    workspace({"s": GOOD.replace("restraint.[@src-a]",
                                 "restraint.[@src-a] See [the site](https://\u0430pple.com/).")})
    result = _check()
    assert result.output.splitlines()[0].startswith(
        "content/s/statement.yaml:5:71: error: link host 'аpple.com' mixes")


def test_a_bidi_override_in_a_po_msgstr_is_a_warning_at_its_place(workspace):
    root = workspace({"s": GOOD})
    po = _translate(root, "s", "ru", {"title": "Счёт \u202egpj.exe", "opening": "Призыв.[@src-a]"})
    line = po.read_text(encoding="utf-8").splitlines().index('msgstr "Счёт \u202egpj.exe"') + 1
    result = _check()
    assert result.exit_code == 0
    assert (f"content/s/i18n/ru.po:{line}:14: warning: 'title': character U+202E RIGHT-TO-LEFT "
            "OVERRIDE changes the direction text is shown in, so it reads otherwise than it is "
            "written; remove it") in result.output.splitlines()


# --- template-string catalogs: a translation never prints a figure of its own ---------------

INCIDENT = GOOD + """\
sections:
  - id: incidents
    incidents:
      - {id: one, date: 2020-09-27, place: A, reported_by: B, civilians: {killed: 5}, text: x}
"""


def _ui_catalog(root: Path, body: str) -> Path:
    po = root / "templates" / "locale" / "ru" / "LC_MESSAGES" / "messages.po"
    po.parent.mkdir(parents=True, exist_ok=True)
    po.write_text('msgid ""\nmsgstr ""\n"Language: ru\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
                  '"Plural-Forms: nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && '
                  'n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);\\n"\n\n' + body, encoding="utf-8")
    return po


def _ru_html(root: Path, *options: str) -> tuple[str, str]:
    result = CliRunner().invoke(main, ["build", "-j", "1", "--lang", "ru", *options])
    page = root / "build" / "s" / "ru" / "index.html"
    return result.output, page.read_text(encoding="utf-8") if page.is_file() else ""


def test_a_catalog_translation_that_writes_its_own_casualty_figure_is_not_used(workspace):
    root = workspace({"s": INCIDENT}, settings='languages = ["ru"]\n')
    _ui_catalog(root, 'msgid "%(num)s civilian killed"\nmsgid_plural "%(num)s civilians killed"\n'
                      'msgstr[0] "1000 civils tués"\nmsgstr[1] "1000 civils tués"\n'
                      'msgstr[2] "1000 civils tués"\n')
    output, html = _ru_html(root)
    assert ("templates/locale/ru/LC_MESSAGES/messages.po:7:1: warning: translation of "
            "'%(num)s civilian killed' drops the placeholder %(num)s: it is not used"
            ) in output.splitlines()
    assert "1000" not in html and "5 мирных жителей погибли" in html  # the built-in translation
    from communique.i18n import ui
    from communique.workspace import find_workspace

    _, problems = ui.load(find_workspace(root), "ru", severity="error")  # as with --strict
    assert [(p.line, p.severity) for p in problems if "civilian killed" in p.message] == [
        (7, "error")]


@pytest.mark.parametrize("msgstr, why", [
    ("%(num)s civils tués, dont 1000 enfants", "writes the figure 1000"),
    ("١٠٠٠ %(num)s", "writes the figure 1000"),  # in any digit system
    ("%(num)s %(count)s", "adds the placeholder %(count)s"),
])
def test_figures_and_placeholders_of_a_catalog_translation_are_checked(msgstr, why):
    from communique.i18n.ui import faithful

    assert why in faithful(("%(num)s civilian killed", "%(num)s civilians killed"),
                           (msgstr, msgstr, msgstr), {})


def test_a_plural_form_for_one_number_may_write_it_in_words():
    """Arabic's forms for 1 and 2 say "one civilian", "two civilians" without the figure."""
    from communique.i18n.ui import _single_numbers, faithful

    arabic = ("(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5)")
    forms = ("%(num)s", "قُتل مدني واحد", "قُتل مدنيان", "%(num)s", "%(num)s", "%(num)s")
    assert faithful(("%(num)s civilian killed", "%(num)s civilians killed"), forms,
                    _single_numbers(arabic)) is None


def test_jinja_syntax_and_percent_signs_in_a_catalog_translation_print_literally(workspace):
    root = workspace({"s": INCIDENT + "background:\n  body: Some background.\n"},
                     settings='languages = ["ru"]\n')
    _ui_catalog(root, 'msgid "Background"\nmsgstr "{{ x }} {% if y %}z{% endif %} %s %"\n')
    output, html = _ru_html(root)
    assert "template error" not in output  # "{% if" was read as a '%' format: TypeError
    assert "<h2>{{ x }} {% if y %}z{% endif %} %s %</h2>" in html


# --- content translations: the source's figures, in any digits -------------------------------

@pytest.mark.parametrize("msgstr, kept", [
    ("Погибли 50 мирных жителей.[@src-a]", False),  # 5 became 50
    ("Погибли мирные жители.[@src-a]", False),  # the figure dropped
    ("Погибли ٥ мирных жителей.[@src-a]", True),  # the same figure in Arabic-Indic digits
    ("Погибли 5 мирных жителей, 1 000 ранены.[@src-a]", True),
])
def test_a_content_translation_keeps_every_figure_of_its_source(workspace, msgstr, kept):
    root = workspace({"s": GOOD.replace("The organisation calls for restraint.",
                                        "5 civilians were killed, 1,000 wounded.")})
    if "ранены" not in msgstr:
        root_text = root / "content" / "s" / "statement.yaml"
        root_text.write_text(root_text.read_text().replace(", 1,000 wounded", ""))
    _translate(root, "s", "ru", {"title": "Заявление", "opening": msgstr})
    result = _check()
    dropped = "'opening': the translation drops the figure 5 (or changes it)"
    assert (dropped in result.output) is not kept, result.output


def test_an_edition_that_runs_out_of_memory_while_printing_is_one_line(workspace, monkeypatch):
    """WeasyPrint laying out a huge table raised MemoryError; the edition is reported in one
    line naming the statement and the memory, and the other statements are built."""
    import communique.render.pdf as pdf

    workspace({"huge": GOOD, "small": GOOD.replace("A statement", "Another")})
    real = pdf.press_print

    def out_of_memory(request):
        if "huge" in str(request.base):
            raise MemoryError()
        return real(request)

    monkeypatch.setattr(pdf, "press_print", out_of_memory)
    result = CliRunner().invoke(main, ["build", "-j", "1"])
    assert result.exit_code == 1
    assert [line for line in result.output.splitlines() if "MemoryError" in line] == [
        "content/huge/statement.yaml: error: the en edition could not be built: it needs more "
        "memory than the machine could give (MemoryError); its previous output is left as it was"]
    assert "Traceback" not in result.output
