"""Note styles × re-citation rules, in the HTML and in the PDF; numbers the same in every edition.

The fixture ``fixtures/citations/recitation.yaml`` cites one report nine times, with another
source, a free-text note, a two-source note, a prefix and quotations in between. For each rule
the plan below says, note by note, which form each citation takes; for each style the table
says how each form reads. The tests check that the rendered notes say exactly that.
"""

from __future__ import annotations

import html as htmllib
import io
import re
from pathlib import Path

import pytest
import yaml
from babel import Locale

from communique.citations import Words
from communique.document import build_document, load
from communique.notes import number_notes
from communique.render.html import render
from communique.workspace import find_workspace

FIXTURES = Path(__file__).parent / "fixtures" / "citations"
RECITATION = (FIXTURES / "recitation.yaml").read_text(encoding="utf-8")
STYLES = ("url", "full", "chicago-notes-bibliography")
RULES = ("repeat", "short", "ibid", "same-number")

REPORT, POST = "https://example.org/reports/shelling-2020", "https://example.org/posts/4711"
FREE = "The figures were checked against hospital records."
QUOTE = '"Nobody warned us."'

# Each note as written: (source, locator, prefix, quotation); None is the free-text note.
WRITTEN = [
    [("report", "p. 4", "", "")], [("report", "p. 4", "", "")], [("report", "p. 9", "", "")],
    [("post", "", "", "")], [("report", "", "", "")], None, [("report", "para. 10", "", "")],
    [("report", "", "", ""), ("post", "", "", "")], [("post", "", "See", QUOTE)],
    [("post", "", "", QUOTE)],
]
# The form of each citation under each rule: F full, S<n> short (first cited in note n),
# I ibid (I= when the place cited is the same as the note before).
PLANS = {
    "repeat": ["F", "F", "F", "F", "F", None, "F", "F F", "F", "F"],
    "short": ["F", "S1", "S1", "F", "S1", None, "S1", "S1 S4", "S4", "S4"],
    # 2: same source, same page: "Ibid."; 3: another page; 5: note 4 came between;
    # 7: the free-text note 6 breaks the chain; 8: two sources; 9: note 8 had two sources.
    "ibid": ["F", "I=", "I", "F", "S1", None, "S1", "S1 S4", "S4", "I"],
}
# same-number: note 2 cites what note 1 cites, so its call reuses number 1.
SAME_NUMBER_CALLS = [1, 1, 2, 3, 4, 5, 6, 7, 8, 9]


def _url(source, locator, prefix, quote, form):
    url = REPORT if source == "report" else POST
    if form == "F":
        text = (prefix + " " if prefix else "") + url
    elif form.startswith("S"):
        text = f"{prefix} note {form[1:]}" if prefix else f"See note {form[1:]}"
    else:
        text = "Ibid."
    if locator and form != "I=":
        text += ", " + locator
    return text + (" " + quote if quote else "")


def _full(source, locator, prefix, quote, form):
    if form.startswith("I"):
        return _url(source, locator, prefix, quote, form)
    if source == "report":
        text = ("Human Rights Observatory, ‘Shelling of residential areas: findings of a field "
                f"mission’, October 2, 2020, {REPORT} (accessed October 4, 2020)" if form == "F"
                else "Human Rights Observatory, ‘Shelling of residential areas’")
    else:
        text = ("Anna Petrosyan, ‘The market after the shelling’" +
                (f", September 28, 2020, {POST}" if form == "F" else ""))
    text = (prefix + " " if prefix else "") + text
    return text + (", " + locator if locator else "") + (" " + quote if quote else "")


def _chicago(source, locator, prefix, quote, form):
    if form.startswith("I"):
        return _url(source, locator, prefix, quote, form)
    csl_locator = {"p. 4": "4", "p. 9": "9"}.get(locator, locator)
    if source == "report" and form == "F":
        text = ("Human Rights Observatory, Shelling of Residential Areas: Findings of a Field "
                "Mission (2020)" + (", " + csl_locator if csl_locator else "") + ", " + REPORT)
    elif source == "report":
        text = "Human Rights Observatory, Shelling of Residential Areas" + (
            ", " + csl_locator if csl_locator else "")
    else:
        text = "Anna Petrosyan, “The market after the shelling”" + (
            f", September 28, 2020, {POST}" if form == "F" else "")
    return (prefix + " " if prefix else "") + text + (" " + quote if quote else "")


FORMS = {"url": _url, "full": _full, "chicago-notes-bibliography": _chicago}


def expected_notes(style: str, rule: str) -> list[str]:
    if rule == "same-number":
        written = [WRITTEN[0]] + WRITTEN[2:]
        plan = [" ".join("F" for _ in w) if w else None for w in written]
    else:
        written, plan = WRITTEN, PLANS[rule]
    texts = []
    for cites, forms in zip(written, plan, strict=True):
        if cites is None:
            texts.append(FREE)
            continue
        parts = [FORMS[style](*cite, form) for cite, form in zip(cites, forms.split(), strict=True)]
        text = "; ".join(parts)
        if style == "chicago-notes-bibliography" and not re.search(r"[.?!][\"”’]?$", text):
            text += "."  # the style's layout ends each note with a full stop
        texts.append(text)
    return texts


def plain(html: str) -> str:
    return " ".join(htmllib.unescape(re.sub(r"<[^>]+>", "", html)).split())


def statement(style: str, rule: str, extra: str = "") -> str:
    return RECITATION + f"citations: {{style: {style}, recitation: {rule}{extra}}}\n"


def rendered(workspace, text: str, medium: str = "web", slug: str = "recite"):
    root = workspace({slug: text})
    ws = find_workspace(root)
    doc, problems = load(root / "content" / slug / "statement.yaml", ws)
    assert doc is not None, [str(p) for p in problems]
    assert not [p for p in problems if p.is_error]
    return render(doc, ws, medium), doc, ws


@pytest.mark.parametrize("rule", RULES)
@pytest.mark.parametrize("style", STYLES)
def test_note_texts_and_numbers_on_the_web(workspace, style, rule):
    out, _, _ = rendered(workspace, statement(style, rule))
    calls = [int(n) for n in re.findall(r'role="doc-noteref">(\d+)<', out.html)]
    assert calls == (SAME_NUMBER_CALLS if rule == "same-number" else list(range(1, 11)))
    assert [plain(str(n.html)) for n in out.notes] == expected_notes(style, rule)
    # a line break of the YAML source is a space (WeasyPrint would break the footnote there)
    assert not [n.number for n in out.notes if "\n" in str(n.html)]
    # the endnotes list says the same
    listed = re.findall(r'<li id="note-(\d+)" value="\d+">(.*?)'
                        r' (?:<a class="backlink"|<span class="backlinks")', out.html, re.S)
    assert [int(n) for n, _ in listed] == list(range(1, len(out.notes) + 1))
    assert [plain(text) for _, text in listed] == expected_notes(style, rule)
    assert not [p for p in out.problems if p.is_error]


@pytest.mark.slow
@pytest.mark.parametrize("rule", RULES)
@pytest.mark.parametrize("style", STYLES)
def test_note_texts_and_numbers_in_the_pdf(workspace, style, rule):
    from pypdf import PdfReader

    from communique.render.pdf import print_pdf
    from communique.workspace import BUILTIN_TEMPLATES

    out, doc, ws = rendered(workspace, statement(style, rule), "print")
    printed = print_pdf(out.html, doc.located.path.parent, [ws.root, BUILTIN_TEMPLATES])
    assert printed.misplaced == []
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(printed.pdf)).pages)
    flat = "".join(text.split())
    expected = expected_notes(style, rule)
    position = 0
    for number, note in enumerate(expected, 1):
        printed_note = str(number) + "".join(note.split())
        found = flat.find(printed_note, position)
        assert found >= 0, f"note {number} not printed as expected: {note}"
        position = found + len(printed_note)  # footnotes come in number order
        assert flat.count(printed_note) == 1  # every note is printed once, same-number too
    assert len(expected) == (9 if rule == "same-number" else 10)


def test_same_number_links_every_call_and_back(workspace):
    web, _, _ = rendered(workspace, statement("url", "same-number"))
    assert re.findall(r'<a class="note-call" href="#note-1" id="([^"]+)"', web.html) == [
        "note-call-1", "note-call-1-2"]
    note = re.search(r'<li id="note-1".*?</li>', web.html).group(0)
    assert re.findall(r'href="#(note-call-1[^"]*)" role="doc-backlink"', note) == [
        "note-call-1", "note-call-1-2"]
    assert len(set(re.findall(r'id="([^"]+)"', web.html))) == len(re.findall(r'id="', web.html))
    printed, _, _ = rendered(workspace, statement("url", "same-number"), "print")
    assert printed.html.count('<span class="footnote" id="note-1"') == 1
    assert printed.html.count('href="#note-1"') == 2  # both calls point at the one note


def test_ibid_never_follows_a_free_text_note(workspace):
    text = RECITATION.replace("Its method is set out in an annex.^[The figures were checked\n"
                              "      against hospital records.]", "") + \
        "citations: {recitation: ibid}\n"
    out, _, _ = rendered(workspace, text)
    texts = [plain(str(n.html)) for n in out.notes]
    assert texts[5] == "Ibid., para. 10"  # without the free note between, note 6 is ibid
    with_free, _, _ = rendered(workspace, statement("url", "ibid"), slug="free")
    assert plain(str(with_free.notes[6].html)) == "See note 1, para. 10"


def test_default_is_the_seeds_house_style(workspace):
    out, doc, _ = rendered(workspace, RECITATION)
    assert (doc.citations.style, doc.citations.recitation) == ("url", "repeat")
    assert [plain(str(n.html)) for n in out.notes] == expected_notes("url", "repeat")


def test_example_statement_notes_are_the_seeds(example_workspace):
    """The example (url style, repeat) says what the seed's notes 1-11 say."""
    ws = find_workspace(example_workspace)
    doc, _problems = load(example_workspace / "content" / "nagorno-karabakh-2020" / "statement.yaml", ws)
    assert doc is not None
    texts = [plain(str(n.html)) for n in render(doc, ws, "web").notes]
    assert texts == [
        "https://mod.gov.az/en/news/azerbaijan-army-s-troops-launched-a-counter-offensive-"
        "operation-along-the-entire-front-32318.html",
        "https://twitter.com/armgov/status/1310141661113184257",
        "https://t.me/reartsakh/3456",
        "https://twitter.com/Artak_Beglaryan/status/1310111306373050372",
        "https://www.facebook.com/arcrun/posts/3388307381204846",
        "https://tass.ru/mezhdunarodnaya-panorama/9577675",
        "https://mod.gov.az/en/news/armenian-armed-forces-committed-large-scale-provocations-"
        "along-the-entire-length-of-the-front32311.htm",
        "https://mod.gov.az/en/news/the-enemy-is-warned-for-the-last-time-32359.html",
        "https://report.az/dagliq-qarabag-munaqishesi/azerbaycan-xin-ve-bas-prokurorlugu-birge-"
        "beyanat-yayib/",
        "See as well: https://netblocks.org/reports/social-media-restricted-in-azerbaijan-amid-"
        "clashes-with-armenia-over-nagorno-karabakhpA5LMj87",
        "see UN HRC Resolution (A/HRC/32/L.20) “10. Condemns unequivocally measures to "
        "intentionally prevent or disrupt access to or dissemination of information online in "
        "violation of international human rights law and calls on all States to refrain from "
        "and cease such measures;”",
    ]


# -- every language edition has the same numbers --------------------------------------------

def translated(doc, replacements: dict[str, str]):
    """The statement as a translator would return it: same notes and sources, other words."""
    data = yaml.safe_load(doc.located.source)
    text = yaml.safe_dump(data, allow_unicode=True)
    for old, new in replacements.items():
        assert old in text
        text = text.replace(old, new)
    data = yaml.safe_load(text)
    data["lang"] = "ru"
    return type(doc.statement).model_validate(data)


def test_same_number_gives_every_edition_the_same_numbers(workspace):
    web, doc, ws = rendered(workspace, statement("full", "same-number"))
    # The translator renders the two identical English citations differently, and both
    # quotations alike: numbering must still follow the statement as written.
    russian = translated(doc, {"[@report, p. 4]": "[@report, с. 4]",
                               "again[@report, с. 4]": "again[@report, стр. 4]",
                               '[See @post, "Nobody warned us."]': '[См. @post, «Нас никто не предупредил.»]',
                               '[@post, "Nobody warned us."]': '[@post, «Нас никто не предупредил.»]'})
    ru_doc, problems = build_document(russian, doc.located, doc.citations)
    assert not [p for p in problems if p.is_error]
    ru = render(ru_doc, ws, "web")
    calls = lambda out: [int(n) for n in re.findall(r'role="doc-noteref">(\d+)<', out.html)]  # noqa: E731
    assert calls(ru) == calls(web) == SAME_NUMBER_CALLS
    assert [n.mark_indexes for n in ru.notes] == [n.mark_indexes for n in web.notes]
    assert "2 октября 2020\u202fг." in str(ru.notes[0].html)  # Babel writes the date in Russian


# -- words the styles add are translated ------------------------------------------------------

RUSSIAN = {"Ibid.": "Там же.", "See note %(number)s": "См. примеч. %(number)s",
           "accessed %(date)s": "дата обращения: %(date)s", "‘%(title)s’": "«%(title)s»"}


def _words(lang: str) -> Words:
    from markupsafe import Markup

    def gettext(message, **variables):
        return Markup(RUSSIAN.get(message, message)) % variables

    def pgettext(context, message, **variables):
        return gettext(message, **variables)

    return Words(Locale.parse(lang), gettext=gettext, pgettext=pgettext)


def test_words_a_style_adds_go_through_gettext(workspace):
    _, doc, _ = rendered(workspace, statement("url", "ibid"))
    raw = "".join(f"\ue002{i}\ue003" for i in range(len(doc.marks)))
    notes = number_notes(raw, doc, _words("ru"))
    assert plain(str(notes[1].html)) == "Там же."
    assert plain(str(notes[4].html)) == "См. примеч. 1"
    _, doc, _ = rendered(workspace, statement("full", "short"), slug="full")
    notes = number_notes(raw, doc, _words("ru"))
    assert plain(str(notes[0].html)).startswith("Human Rights Observatory, «Shelling of "
                                                "residential areas: findings of a field mission»,")
    assert "(дата обращения: 4 октября 2020 г.), p. 4" in plain(str(notes[0].html))


def test_style_words_are_extracted_by_babel():
    from babel.messages.extract import extract_from_dir

    import communique.citations

    folder = Path(communique.citations.__file__).parent
    found = {(ctx, msg) for _, _, msg, _, ctx in extract_from_dir(str(folder))}
    for message in [(None, "Ibid."), ("after a prefix", "ibid."), (None, "See note %(number)s"),
                    ("after a prefix", "note %(number)s"), (None, "accessed %(date)s"),
                    ("title of a source", "‘%(title)s’"), (None, "%(name)s et al.")]:
        assert message in found


# -- list of sources -------------------------------------------------------------------------

def test_list_of_sources_when_asked(workspace):
    out, _, _ = rendered(workspace, statement("full", "repeat", ", bibliography: true"))
    section = re.search(r'<section class="sources".*?</section>', out.html, re.S).group(0)
    items = [plain(i) for i in re.findall(r"<li id=\"source-[^\"]+\">(.*?)</li>", section, re.S)]
    assert items == [  # alphabetical by author or publisher
        f"Anna Petrosyan, ‘The market after the shelling’, September 28, 2020, {POST}",
        "Human Rights Observatory, ‘Shelling of residential areas: findings of a field mission’, "
        f"October 2, 2020, {REPORT} (accessed October 4, 2020)",
    ]
    printed, _, _ = rendered(workspace, statement("full", "repeat", ", bibliography: true"), "print",
                             slug="printed")
    assert 'class="sources"' in printed.html
    without, _, _ = rendered(workspace, statement("full", "repeat"), slug="without")
    assert 'class="sources"' not in without.html


def test_list_of_sources_in_a_csl_style(workspace):
    out, _, _ = rendered(workspace, statement("chicago-notes-bibliography", "repeat",
                                              ", bibliography: true"))
    section = re.search(r'<section class="sources".*?</section>', out.html, re.S).group(0)
    items = [plain(i) for i in re.findall(r"<li id=\"source-[^\"]+\">(.*?)</li>", section, re.S)]
    # Chicago cites social media posts in notes only: its list leaves the post out.
    assert items == [
        f"Human Rights Observatory. Shelling of Residential Areas: Findings of a Field Mission. 2020. {REPORT}.",
    ]
    assert f'<a class="url" href="{REPORT}">' in section


# -- CSL styles: problems are clear ----------------------------------------------------------

def test_citeproc_failure_falls_back_to_full_with_a_warning(workspace, monkeypatch):
    from communique.citations import csl

    def broken(self, cite, entry, position):
        raise KeyError("container-title")

    monkeypatch.setattr(csl.CslStyle, "_render", broken)
    out, _, _ = rendered(workspace, statement("chicago-notes-bibliography", "repeat"))
    assert plain(str(out.notes[3].html)) == _full("post", "", "", "", "F") + "."  # in the layout
    warnings = [str(p) for p in out.problems if "could not write source" in p.message]
    assert warnings and all(": warning: style 'chicago-notes-bibliography'" in w for w in warnings)
    assert "content/recite/statement.yaml:" in warnings[0]  # located at the style setting


def test_a_language_csl_does_not_know_is_reported(workspace):
    text = statement("chicago-notes-bibliography", "repeat").replace("lang: en", "lang: az")
    out, _, _ = rendered(workspace, text)
    assert any("CSL has no locale for 'az'" in p.message and p.severity == "warning"
               for p in out.problems)


def test_in_text_style_is_a_warning(workspace):
    root = workspace({"apa": statement("apa", "repeat")})
    ws = find_workspace(root)
    doc, problems = load(root / "content" / "apa" / "statement.yaml", ws)
    assert doc is not None
    assert any("'apa' is an in-text CSL style" in p.message and p.severity == "warning"
               for p in problems)


def test_csl_dates_in_russian_take_the_genitive_after_a_day(workspace):
    text = statement("chicago-notes-bibliography", "repeat").replace("lang: en", "lang: ru")
    out, _, _ = rendered(workspace, text)
    post = plain(str(out.notes[3].html))
    assert "28 сентября 2020" in post  # CSL's own term is the nominative "сентябрь"
    assert "сентябрь" not in post


@pytest.mark.parametrize("name", ["chicago-notes-bibliography", "oscola"])
def test_csl_styles_write_every_kind_of_source(name):
    """citeproc-py writes each communique kind (as its CSL type) without falling back."""
    from communique.citations.csl import CslStyle, check_style
    from communique.citations.entries import Origin, from_source
    from communique.citations.setup import _repository_style
    from communique.citations.styles import Position
    from communique.content.markup import Cite
    from communique.content.model import SOURCE_KINDS, Source

    style = CslStyle(check_style(_repository_style(name)), "en")
    for kind in SOURCE_KINDS:
        source = Source(url=f"https://example.org/{kind}", title=f"A {kind} on shelling",
                        publisher="Observatory", date="2020-09-27", kind=kind)
        entry = from_source(kind, source, Origin("x"))
        for form in ("full", "short"):
            text = plain(str(style.cite(Cite(kind, locator="p. 4"), entry, Position(form, 1), Words())))
            assert "on shelling" in text.lower() and "4" in text, (kind, form, text)
        assert style.bibliography([entry], Words()) is not None
    assert style.warnings == []


# -- punctuation of the edition's script -----------------------------------------------------

@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("lang", ["ar", "fa"])
def test_arabic_script_notes_and_sources_use_its_comma_and_semicolon(workspace, style, lang):
    """Every separator a note or the list of sources gets ("a, p. 4", "a; b", and a CSL
    style's own) is "،" or "؛" in an Arabic or Persian edition (other languages: the tests above)."""
    text = statement(style, "short", ", bibliography: true").replace("lang: en", f"lang: {lang}")
    out, _, _ = rendered(workspace, text)
    notes = [plain(str(note.html)) for note in out.notes]
    section = re.search(r'<section class="sources".*?</section>', out.html, re.S).group(0)
    listed = [plain(i) for i in re.findall(r"<li id=\"source-[^\"]+\">(.*?)</li>", section, re.S)]
    for text in notes + listed:
        assert "," not in text and ";" not in text, text
    assert "، " in notes[1] and "؛ " in notes[7]  # "…، p. 4"; two sources in one note
    if style != "chicago-notes-bibliography":  # Chicago lists the report alone, with full stops
        assert re.match(r"Anna Petrosyan، .The market after the shelling.، ", listed[0]), listed


def test_citations_may_be_written_with_the_arabic_comma_and_semicolon():
    """An Arabic keyboard types "،" and "؛": they separate a locator and citations the same way,
    so a note never reads "…، ، p. 4" and two sources are never one."""
    from communique.content.markup import parse

    def cites(text: str) -> list[tuple[str, str, str]]:
        rich, problems = parse(text, block=False)
        assert not problems, problems
        return [(c.key, c.locator, c.suffix) for part in rich if not isinstance(part, str)
                for c in part.cites]

    assert cites("نص[@report، p. 4؛ @post]") == cites("نص[@report, p. 4; @post]") == [
        ("report", "p. 4", ""), ("post", "", "")]
    assert cites('نص[@post، "لم يحذرنا أحد."]') == [("post", "", '"لم يحذرنا أحد."')]
    assert cites("نص[@report، pp. 4، 7]") == [("report", "pp. 4، 7", "")]
    assert cites('نص[@post, "قال: لا؛ لم يحذرنا أحد."]')[0][2] == '"قال: لا؛ لم يحذرنا أحد."'


# -- one rule for the list of sources: citations.bibliography, else the type's habit ----------

HEAD = "lang: en\ndate: 2020-09-29\ntitle: A document\n"
SOURCES = "sources:\n  src-a:\n    url: https://example.org/a\n"
TYPES = {
    "public-statement": "type: public-statement\n" + HEAD + "opening: Restraint.[@src-a]\n",
    "urgent-action": "type: urgent-action\n" + HEAD + (
        "situation: A lawyer was detained.[@src-a]\naction: Write to the minister.\n"
        "addressees:\n  - title: Minister of Justice\nappeal:\n  body: Release him.\n"
        "deadline: 2020-11-11\n"),
    "report": "type: report\n" + HEAD + (
        "summary: Shelling.[@src-a]\nchapters:\n  - id: one\n    heading: One\n"
        "    body: Text.\n"),
}


def _lists_sources(workspace, kind: str, own: str = "", settings: str = "") -> bool:
    root = workspace({kind: TYPES[kind] + own + SOURCES}, settings)
    doc, problems = load(root / "content" / kind / "statement.yaml", find_workspace(root))
    assert doc is not None and not problems, [str(p) for p in problems]
    html = render(doc, find_workspace(root), "web").html
    return 'role="doc-bibliography"' in html


@pytest.mark.parametrize("kind, habit", [("public-statement", False), ("urgent-action", False),
                                         ("report", True)])
def test_list_of_sources_follows_one_setting_for_every_type(workspace, kind, habit):
    assert _lists_sources(workspace, kind) is habit
    for value in (True, False):
        setting = str(value).lower()
        assert _lists_sources(workspace, kind, f"citations: {{bibliography: {setting}}}\n") is value
        assert _lists_sources(workspace, kind, settings=f"[citations]\nbibliography = {setting}\n") is value
        # the statement's own setting wins over the workspace's
        assert _lists_sources(workspace, kind, f"citations: {{bibliography: {setting}}}\n",
                              f"[citations]\nbibliography = {str(not value).lower()}\n") is value


def test_a_reports_old_source_list_still_works_with_a_located_warning(workspace):
    root = workspace({"r": TYPES["report"] + "source_list: false\n" + SOURCES})
    doc, problems = load(root / "content" / "r" / "statement.yaml", find_workspace(root))
    assert [str(p) for p in problems] == [
        "content/r/statement.yaml:10:1: warning: 'source_list' is replaced by "
        "'citations: {bibliography: false}' (which every document type reads)"]
    assert 'role="doc-bibliography"' not in render(doc, find_workspace(root), "web").html


def test_a_source_title_in_another_language_than_the_edition_is_marked():
    """A source's title is in the statement's language unless ``lang`` says otherwise; an
    edition in another language marks it (HTML lang, then PDF /Lang)."""
    from babel import Locale

    from communique.citations.entries import Origin, from_source
    from communique.citations.styles import FullStyle, Words
    from communique.content.model import Source

    untranslated = from_source("un", Source(title="UN HRC Resolution (A/HRC/32/L.20)", kind="un-document"),
                               Origin(""), "en")
    assert untranslated.lang == "en"
    own = from_source("az", Source(title="Azərbaycan XİN", lang="az"), Origin(""), "en")
    assert own.lang == "az"
    arabic, english = Words(locale=Locale("ar")), Words(locale=Locale("en", "GB"))
    assert 'lang="en"' in FullStyle._title(untranslated.title or "", arabic, "en")
    from communique.citations.styles import _other_language

    assert _other_language(untranslated, arabic) == "en"
    assert _other_language(untranslated, english) == ""
    assert _other_language(own, english) == "az"
