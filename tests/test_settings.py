"""Workspace settings (communique.toml): defaults, located errors, and what templates receive."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from communique.cli import main
from communique.errors import ContentError
from communique.i18n.locale import script_of
from communique.workspace import Fonts, Settings, read_settings, toml_positions


def settings_problems(tmp_path: Path, text: str) -> list[str]:
    (tmp_path / "communique.toml").write_text(textwrap.dedent(text), encoding="utf-8")
    with pytest.raises(ContentError) as exc:
        read_settings(tmp_path)
    return [str(p).replace(str(tmp_path) + "/", "") for p in exc.value.problems]


def test_no_settings_file_gives_defaults(tmp_path):
    settings = read_settings(tmp_path)
    assert settings == Settings()
    assert settings.documents.paper == "A4"
    assert settings.documents.default_type == "public-statement"
    assert settings.colours.ink == "#111111"


def test_full_settings_are_read(tmp_path):
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "logo.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    (tmp_path / "communique.toml").write_text(textwrap.dedent("""\
        [organisation]
        name = "Example Rights Group"
        logo = "assets/logo.svg"

        [colours]
        accent = "#ffff00"
        on_accent = "black"

        [fonts]
        latin = ["Noto Serif", "serif"]

        [documents]
        default_type = "report"
        paper = "Letter"
        footer = { en = "Example Rights Group, London", fr = "Groupe d'exemple, Londres" }
        """))
    settings = read_settings(tmp_path)
    assert settings.organisation.logo == "assets/logo.svg"
    assert settings.colours.accent == "#ffff00"
    assert "--accent: #ffff00;" in settings.colours.css()
    assert "--on-accent: black;" in settings.colours.css()
    assert settings.documents.footer_for("fr") == "Groupe d'exemple, Londres"
    assert settings.documents.footer_for("en-GB") == "Example Rights Group, London"
    assert settings.documents.footer_for("ru") is None
    assert settings.fonts.stack("en").startswith('"Noto Serif", serif, "Noto Sans"')


def test_unknown_key_is_located_with_a_suggestion(tmp_path):
    found = settings_problems(tmp_path, """\
        [organisation]
        nmae = "Typo"
        """)
    assert found == ["communique.toml:2:1: error: unknown setting 'organisation.nmae' "
                     "(did you mean 'name'?)"]


def test_unknown_table_is_located(tmp_path):
    found = settings_problems(tmp_path, """\
        [organisation]
        name = "X"

        [colors]
        accent = "red"
        """)
    assert found == ["communique.toml:4:2: error: unknown setting 'colors' (did you mean 'colours'?)"]


def test_wrong_types_all_located_at_their_values(tmp_path):
    found = settings_problems(tmp_path, """\
        [colours]
        accent = "yellowish"
        ink = 12

        [documents]
        paper = "A9"
        default_type = "press-release"

        [fonts]
        latin = ["Noto Sans; color: red"]
        """)
    assert len(found) == 5, found
    assert found[0].startswith("communique.toml:2:10: error: colours.accent: 'yellowish' is not a CSS colour")
    assert found[1].startswith("communique.toml:3:7: error: colours.ink:")
    assert found[2].startswith("communique.toml:6:9: error: documents.paper:")
    assert "'A4'" in found[2]
    assert found[3].startswith("communique.toml:7:16: error: documents.default_type: unknown "
                               "document type 'press-release'")
    assert found[4].startswith("communique.toml:10:9: error: fonts.latin[1]: 'Noto Sans; color: red' "
                               "is not a font family name")


def test_inline_table_and_dotted_keys_are_located(tmp_path):
    found = settings_problems(tmp_path, """\
        colours = { accent = "red", inc = "blue" }
        documents.paper = 4
        """)
    assert "communique.toml:1:29: error: unknown setting 'colours.inc' (did you mean 'ink'?)" in found
    assert any(f.startswith("communique.toml:2:19: error: documents.paper:") for f in found)


def test_invalid_toml_is_located(tmp_path):
    found = settings_problems(tmp_path, """\
        [organisation]
        name = "unclosed
        """)
    assert len(found) == 1 and found[0].startswith("communique.toml:2:")
    assert "invalid TOML" in found[0]


@pytest.mark.parametrize("logo, message", [
    ("../outside.svg", "steps out with '..'"),
    ("/etc/hostname", "absolute path"),
    ("https://example.org/logo.png", "is a URL"),
    ("assets/missing.svg", "does not exist"),
    ("assets/link.svg", "outside the workspace"),
])
def test_logo_must_be_a_file_inside_the_workspace(tmp_path, logo, message):
    root = tmp_path / "ws"
    (root / "assets").mkdir(parents=True)
    outside = tmp_path / "outside.svg"
    outside.write_text("<svg/>")
    (root / "assets" / "link.svg").symlink_to(outside)
    found = settings_problems(root, f"""\
        [organisation]
        name = "X"
        logo = "{logo}"
        """)
    assert len(found) == 1
    assert found[0].startswith("communique.toml:3:8: error: organisation.logo:"), found
    assert message in found[0]


def test_settings_error_stops_the_build_with_a_located_message(workspace):
    workspace(settings='[documents]\npaper = "A9"\n')
    result = CliRunner().invoke(main, ["check"])
    assert result.exit_code == 1
    assert result.stderr.startswith("communique.toml:2:9: error: documents.paper:")
    assert "Traceback" not in result.output


@pytest.mark.parametrize("lang, script", [("en", "latin"), ("ru", "cyrillic"), ("hy", "armenian"),
                                          ("ar", "arabic"), ("fa", "arabic"), ("az", "latin"),
                                          ("sr-Latn", "latin"), ("sr", "cyrillic"), ("zh", "cjk"),
                                          ("zh-TW", "cjk"), ("ja", "cjk"), ("ko", "cjk"),
                                          ("hi", "devanagari"), ("bn", "bengali"), ("th", "thai"),
                                          ("he", "hebrew"), ("ur", "arabic")])
def test_script_of_language(lang, script):
    assert script_of(lang) == script


def test_font_stack_puts_the_edition_script_first_then_every_other_then_fallback():
    fonts = Fonts()
    assert fonts.stack("en") == ('"Noto Sans", "Noto Sans Armenian", "Noto Sans Arabic", '
                                 '"Noto Sans Hebrew", "Noto Sans Devanagari", "Noto Sans Bengali", '
                                 '"Noto Sans Thai", "Noto Sans CJK SC", "Noto Sans CJK TC", '
                                 '"Noto Sans CJK JP", "Noto Sans CJK KR", "DejaVu Sans", sans-serif')
    assert fonts.stack("ar").startswith('"Noto Sans Arabic", "Noto Sans"')
    assert fonts.stack("hy").startswith('"Noto Sans Armenian", "Noto Sans"')


def test_toml_positions_know_tables_quoted_and_inline_keys():
    places = toml_positions('a = 1\n[t]\n"q k" = 2\nx = { y = 3 }\n')
    assert places[("a",)] == (1, 1, 5)
    assert places[("t",)][0] == 2
    assert places[("t", "q k")] == (3, 1, 9)
    assert places[("t", "x", "y")] == (4, 7, 11)


SETTINGS = """\
[organisation]
name = "Example Rights Group"
logo = "logo.svg"

[colours]
accent = "#ffff00"

[fonts]
latin = ["DejaVu Serif"]

[documents]
paper = "Letter"
footer = "Example Rights Group · Index ERG 01/2020"
"""

LOGO = ('<svg xmlns="http://www.w3.org/2000/svg" width="120" height="30">'
        '<rect width="120" height="30" fill="#ffff00"/></svg>')


def test_settings_reach_the_html_and_the_pdf(workspace):
    from pypdf import PdfReader

    root = workspace(settings=SETTINGS)
    (root / "logo.svg").write_text(LOGO)
    result = CliRunner().invoke(main, ["build"])
    assert result.exit_code == 0, result.stderr
    html = (root / "build" / "minimal" / "en" / "index.html").read_text()
    assert "--accent: #ffff00;" in html
    assert '--font-text: "DejaVu Serif",' in html
    assert 'src="data:image/svg+xml;base64,' in html
    pdf = PdfReader(root / "build" / "minimal" / "en" / "minimal-en.pdf")
    page = pdf.pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (612, 792)
    assert "Example Rights Group · Index ERG 01/2020" in page.extract_text()
    fonts = {str(f["/BaseFont"]) for f in _fonts(page)}
    assert any("DejaVu-Serif" in f for f in fonts), fonts
    assert b"1 1 0 rg" in _drawing(page)  # the logo's yellow rectangle is drawn on the page


def _fonts(page):
    resources = page["/Resources"]
    for ref in resources.get("/Font", {}).values():
        yield ref.get_object()


def _drawing(page) -> bytes:
    """The page's content stream and those of the forms it draws (an SVG becomes a form)."""
    data = page.get_contents().get_data()
    for ref in page["/Resources"].get("/XObject", {}).values():
        obj = ref.get_object()
        data += obj.get_data()
        for inner in obj.get("/Resources", {}).get("/XObject", {}).values():
            data += inner.get_object().get_data()
    return data


LOCALE_STATEMENT = """\
type: public-statement
lang: en
date: 2020-09-29
title: A statement
opening: The organisation calls for restraint.[@src-a]
sources:
  src-a:
    url: https://example.org/a
    title: A report
    accessed: 2020-09-27
"""


def test_a_workspace_locale_sets_dates_and_numbers_but_not_the_edition(workspace):
    """[documents] locales = { en = "en_GB" }: British dates in the page, the PDF and the notes
    (through the citation style), while the edition keeps its folder, file names and lang."""
    import json

    from pypdf import PdfReader

    root = workspace({"minimal": LOCALE_STATEMENT},
                     settings='[documents]\nlocales = { en = "en_GB" }\n\n[citations]\nstyle = "full"\n')
    result = CliRunner().invoke(main, ["build"])
    assert result.exit_code == 0, result.stderr
    out = root / "build" / "minimal" / "en"
    html = (out / "index.html").read_text()
    assert '<html lang="en"' in html
    assert "29 September 2020" in html and "September 29" not in html
    assert "accessed 27 September 2020" in html  # the note, written by the citation style
    text = " ".join(PdfReader(out / "minimal-en.pdf").pages[0].extract_text().split())
    assert "29 September 2020" in text and "accessed 27 September 2020" in text
    data = json.loads((out / "minimal-en.data.json").read_text())
    assert data["statement"]["lang"] == "en" and data["statement"]["date"] == "2020-09-29"
    assert sorted(p.name for p in out.iterdir() if p.suffix == ".pdf") == ["minimal-en.pdf"]


def test_without_a_locale_english_dates_are_babel_defaults(workspace):
    root = workspace({"minimal": LOCALE_STATEMENT})
    assert CliRunner().invoke(main, ["build"]).exit_code == 0
    assert "September 29, 2020" in (root / "build" / "minimal" / "en" / "index.html").read_text()


@pytest.mark.parametrize("value, column, message", [
    ('{ en = "en_XX" }', 18, "unknown locale 'en_XX'"),
    ('{ en = "fr_FR" }', 11, "the locale 'fr_FR' is not one of the language 'en'"),
    ('{ xx = "en_GB" }', 11, "unknown language code 'xx'"),
])
def test_an_unknown_or_foreign_locale_is_a_located_settings_error(tmp_path, value, column, message):
    found = settings_problems(tmp_path, f"""\
        [documents]
        locales = {value}
        """)
    assert len(found) == 1, found
    assert found[0].startswith(f"communique.toml:2:{column}: error: documents.locales"), found
    assert message in found[0], found


def test_the_organisations_name_knows_its_language():
    """An edition marks the name with its language (HTML lang, PDF /Lang) when it differs."""
    from communique.workspace import Organisation

    one = Organisation(name="Amnesty International", lang="en")
    assert one.in_language("az").lang == "en" and one.in_language("az").name == "Amnesty International"
    assert Organisation(name="Amnesty International").in_language("az").lang == ""
    per_language = Organisation(name={"en": "Amnesty International", "fr": "Amnistie internationale"})
    assert per_language.in_language("fr-CA").lang == "fr"
    assert per_language.in_language("fr-CA").name == "Amnistie internationale"
    assert per_language.in_language("az").lang == "en"  # the first name stands in


@pytest.mark.parametrize(("edition", "expected"), [
    ("az", '<span lang="en">Amnesty International</span>'), ("en", "Amnesty International"),
    ("en-GB", "Amnesty International")])
def test_the_in_language_filter_marks_a_name_in_another_language(edition, expected):
    from communique.render.html import environment

    env = environment(None)
    template = env.from_string("{{ name | in_language('en') }}")
    assert template.render(name="Amnesty International", lang=edition) == expected
