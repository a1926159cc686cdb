"""Any CSL style (Chicago, OSCOLA, a house ``.csl`` file) through citeproc-py.

citeproc-py renders a citation's first or subsequent form; communique decides which (the
re-citation rule is its own, so ibid is never confused by free-text notes, and "Ibid." is
translated with the edition's catalog). Each citation is rendered alone (citeproc-py sorts the
items of a citation by first appearance, which would reorder a note's sources) and the layout's
own prefix, suffix and delimiter are applied once per note.

citeproc-py's HTML formatter leaves affixes and terms unescaped, so this module renders through a
formatter that marks formatting with private-use characters, escapes the whole output, then turns
the marks into tags. Where citeproc-py fails on a source or prints nothing, the note falls back
to the ``full`` style and the build says so.
"""

from __future__ import annotations

import re
import types
import warnings as pywarnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from markupsafe import Markup, escape

from communique.citations.entries import Entry
from communique.citations.styles import FullStyle, Position, Words, inline, link
from communique.content.markup import Cite

CSL_NS = "http://purl.org/net/xbiblio/csl"
_PREFIX, _SUFFIX = "\ue040", "\ue041"
MAX_STYLE_BYTES = 5 * 1024 * 1024  # the largest styles of the CSL repository are a few hundred kB
_TAGS = {
    "Italic": ("<i>", "</i>"), "Oblique": ("<i>", "</i>"), "Bold": ("<b>", "</b>"),
    "Light": ('<span style="font-weight:lighter">', "</span>"), "Underline": ("<u>", "</u>"),
    "Superscript": ("<sup>", "</sup>"), "Subscript": ("<sub>", "</sub>"),
    "SmallCaps": ('<span style="font-variant:small-caps">', "</span>"),
}
_MARKS = {name: (chr(0xE050 + 2 * i), chr(0xE051 + 2 * i)) for i, name in enumerate(_TAGS)}
_PRIVATE = re.compile("[\ue000-\ue0ff]")


def _wrapper(name: str):
    start, end = _MARKS[name]
    return lambda text: f"{start}{text}{end}"


FORMATTER = types.SimpleNamespace(preformat=lambda text: text,
                                  **{name: _wrapper(name) for name in _TAGS})

# Locator labels as authors write them -> CSL locator types citeproc-py knows.
_LOCATOR = re.compile(r"^(?P<label>[A-Za-z]+)(?:\.\s*|\s+)(?P<value>\S.*)$|^(?P<sect>§+)\s*(?P<svalue>\S.*)$")
_LABELS = {"p": "page", "pp": "page", "para": "paragraph", "paras": "paragraph",
           "ch": "chapter", "chap": "chapter", "sec": "section", "secs": "section",
           "fig": "figure", "figs": "figure", "n": "note", "nn": "note", "vol": "volume",
           "vols": "volume", "l": "line", "ll": "line"}


class CslError(ValueError):
    """A style file that cannot be used, with its line when known."""

    def __init__(self, message: str, line: int = 0, column: int = 0):
        super().__init__(message)
        self.line, self.column = line, column


@dataclass(frozen=True)
class StyleInfo:
    """What was learned checking a style file: its title and class (note or in-text)."""

    path: Path
    title: str
    note_class: bool
    default_locale: str | None = None


def check_style(path: Path) -> StyleInfo:
    """Read a CSL file safely (a regular file of a sane size, no entities, no network) and
    check it is a usable style."""
    from lxml import etree

    from communique.sandbox import Refused, read_file

    try:
        raw = read_file(path, MAX_STYLE_BYTES, name="the file")
    except Refused as exc:
        raise CslError(str(exc)) from None
    if b"<!ENTITY" in raw or b"<!DOCTYPE" in raw:
        raise CslError("style files may not declare a DOCTYPE or entities")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        root = etree.fromstring(raw, parser)
    except etree.XMLSyntaxError as exc:
        line, column = exc.position if exc.position else (0, 0)
        raise CslError(f"invalid CSL style: {exc.msg}", line, column + 1 if line else 0) from None
    if root.tag != f"{{{CSL_NS}}}style":
        raise CslError("not a CSL style (the root element must be <style> in the CSL namespace)")
    ns = {"cs": CSL_NS}
    title = root.findtext("cs:info/cs:title", default=path.stem, namespaces=ns)
    if root.find("cs:citation", ns) is None:
        parent = root.find("cs:info/cs:link[@rel='independent-parent']", ns)
        hint = (f"; use its parent '{parent.get('href', '').rsplit('/', 1)[-1]}'"
                if parent is not None else "")
        raise CslError(f"style '{title}' has no <citation> (a dependent style{hint})")
    return StyleInfo(path, title, root.get("class") == "note", root.get("default-locale"))


def csl_locale(lang: str, default_locale: str | None) -> tuple[str, bool]:
    """The CSL locale for an edition's language, and whether CSL has one for it at all."""
    from citeproc import LANGUAGE_NAMES, PRIMARY_DIALECTS

    tag = lang.replace("_", "-")
    language = tag.split("-")[0].lower()
    if tag in LANGUAGE_NAMES:
        return tag, True
    if default_locale and default_locale.split("-")[0].lower() == language:
        return default_locale, True
    if language in PRIMARY_DIALECTS:
        return PRIMARY_DIALECTS[language], True
    return "en-US", False


_styles: dict[tuple[str, int, str, str], tuple[object, dict[str, str]]] = {}


def _fix_empty_labels() -> None:
    """CSL prints a ``<label variable="…">`` only when its variable has a value; citeproc-py
    0.11 prints it anyway (Chicago gave "TASS, Title, edition, …, Edition"). Labels inside
    ``<names>`` get their variable passed in and are left alone."""
    from citeproc import model
    from citeproc.source import VariableError

    original = model.Label.process
    if getattr(original, "_checks_variable", False):
        return

    def process(self, item, variable=None, plural=None, context=None, **kwargs):
        name = self.get("variable") if variable is None else None
        if name and name != "locator":
            try:
                value = item.reference[name.replace("-", "_")]
            except VariableError:
                return None
            if value is None or str(value) == "":
                return None
        return original(self, item, variable, plural, context, **kwargs)

    process._checks_variable = True  # type: ignore[attr-defined]
    model.Label.process = process


def _load(path: Path, locale: str, lang: str):
    """Parse a style once per process (per file version, locale and script); detach the layout
    affixes.

    A style's delimiters and affixes are Latin commas and semicolons; in a language with its own
    (Arabic, Persian) they are replaced, so a note does not mix "،" and ",".
    """
    from citeproc import CitationStylesStyle

    from communique.i18n.locale import punctuate

    marks = punctuate(",;", lang)
    key = (str(path.resolve()), path.stat().st_mtime_ns, locale, marks)
    if key not in _styles:
        _fix_empty_labels()
        with pywarnings.catch_warnings():
            pywarnings.simplefilter("ignore")
            style = CitationStylesStyle(str(path), locale=locale, validate=False)
        if marks != ",;":
            for element in style.root.iter():
                for name in ("delimiter", "prefix", "suffix"):
                    if element.get(name):
                        element.set(name, punctuate(element.get(name), lang))
        layout = style.root.citation.layout
        affixes = {name: layout.attrib.pop(name, "") for name in ("prefix", "suffix", "delimiter")}
        _styles[key] = (style, affixes)
    return _styles[key]


class CslStyle:
    """A CSL style for one edition (its language decides the CSL locale)."""

    def __init__(self, info: StyleInfo, lang: str):
        self.info = info
        self.name = info.path.stem
        self.warnings: list[str] = []
        locale, known = csl_locale(lang, info.default_locale)
        if not known:
            self.warnings.append(f"CSL has no locale for '{lang}': the words of style "
                                 f"'{self.name}' (months, 'accessed', 'in') are in English")
        self.style, self.affixes = _load(info.path, locale, lang)
        self._inflect = _month_inflection(lang)
        self._references: dict[str, object] = {}
        self._keys: dict[str, str] = {}
        self._fallback = FullStyle()
        self._bib: Any = None  # citeproc's bibliography, made on first use

    # -- references ------------------------------------------------------------------------

    def _ref_key(self, entry: Entry) -> str:
        """citeproc-py lower-cases ids: give each entry a private, collision-free one."""
        if entry.key not in self._keys:
            ref_key = f"k{len(self._keys)}"
            self._keys[entry.key] = ref_key
            self._add_reference(ref_key, entry.csl)
            fixed = _with_author(entry.csl)
            if fixed is not entry.csl and entry.title and self._repeats_title(entry, ref_key):
                self._add_reference(ref_key, fixed)
        return self._keys[entry.key]

    def _add_reference(self, ref_key: str, csl: dict) -> None:
        from citeproc.source.json import CiteProcJSON

        with pywarnings.catch_warnings():
            pywarnings.simplefilter("ignore")  # unknown CSL variables are left out, as documented
            source = CiteProcJSON([_clean({**csl, "id": ref_key})])
        self._references.update(source)
        if self._bib is not None:
            self._bib.source.update(source)

    def _repeats_title(self, entry: Entry, ref_key: str) -> bool:
        """Whether the style printed the title twice for this source (see ``_with_author``)."""
        from citeproc import Citation, CitationItem

        probes = {" ".join(re.findall(r"\w+", title)[:3]).casefold()
                  for title in (entry.title, entry.short_title) if title}
        probes.discard("")
        if not probes:
            return False
        for subsequent in (False, True):  # the first and the short form
            citation = Citation([CitationItem(ref_key)])
            self._bibliography().register(citation)
            history: list = []
            if subsequent:
                previous, other = CitationItem(ref_key), CitationItem("\ue0ff")
                Citation([previous, other])
                history = [previous, other]
            try:
                with pywarnings.catch_warnings():
                    pywarnings.simplefilter("ignore")
                    text = str(self.style.render_citation(citation, history, lambda item: None) or "")
            except Exception:
                return False
            words = " ".join(re.findall(r"\w+", _PRIVATE.sub(" ", text))).casefold()
            if any(words.count(probe) > 1 for probe in probes):
                return True
        return False

    def _bibliography(self):
        from citeproc import CitationStylesBibliography
        from citeproc.source import BibliographySource

        if self._bib is None:
            source = BibliographySource()
            self._bib = CitationStylesBibliography(self.style, source, FORMATTER)
        self._bib.source.update(self._references)
        return self._bib

    # -- notes -----------------------------------------------------------------------------

    def cite(self, cite: Cite, entry: Entry, position: Position, words: Words) -> Markup:
        from communique.citations.styles import ibid

        if position.form == "ibid":
            return ibid(cite, position, words)
        try:
            out = self._render(cite, entry, position, words)
        except Exception as exc:  # citeproc-py raises on some items; never lose the note
            out = None
            reason = f"{type(exc).__name__}: {exc}"
        else:
            reason = "it printed nothing"
        if not out or not out.striptags().strip():
            self.warnings.append(f"style '{self.name}' could not write source '{entry.key}' "
                                 f"(kind {entry.kind}; {reason}): that note uses the 'full' style")
            return self._fallback.cite(cite, entry, position, words)
        return out

    def _render(self, cite: Cite, entry: Entry, position: Position, words: Words) -> Markup | None:
        from citeproc import Citation, CitationItem, Locator

        ref_key = self._ref_key(entry)
        bib = self._bibliography()
        options: dict = {}
        locator, extra = _locator(cite.locator)
        if locator:
            options["locator"] = Locator(*locator)
        if cite.prefix:
            options["prefix"] = _PREFIX + " "
        tail = ""
        if extra:
            tail += words.comma + extra
        if cite.quote:
            tail += " " + _SUFFIX
        elif cite.suffix:
            tail += words.comma + _SUFFIX
        if tail:
            options["suffix"] = tail
        item = CitationItem(ref_key, **options)
        citation = Citation([item])
        bib.register(citation)
        history: list = []
        reference = bib.source[ref_key]
        if position.form == "short":
            # A previous citation of this source, then another: "subsequent", never "ibid".
            previous, other = CitationItem(ref_key), CitationItem("\ue0ff")
            Citation([previous, other])
            history = [previous, other]
            if position.first_note:
                reference["first_reference_note_number"] = str(position.first_note)
        try:
            with pywarnings.catch_warnings():
                pywarnings.simplefilter("ignore")
                raw = self.style.render_citation(citation, history, lambda item: None)
        finally:
            reference.pop("first_reference_note_number", None)
        if raw is None:
            return None
        html = self._inflect(_to_html(str(raw)))
        html = html.replace(_PREFIX, str(inline(cite.prefix)))
        html = html.replace(_SUFFIX, str(inline(cite.quote or cite.suffix)))
        if entry.url:
            shown = str(escape(entry.url))
            if shown in html:
                html = html.replace(shown, str(link(entry.url)), 1)
        return Markup(html)

    def join(self, parts: list[Markup], words: Words) -> Markup:
        out = escape(words.punctuate(self.affixes["delimiter"] or "; ")).join(parts)
        prefix, suffix = self.affixes["prefix"], self.affixes["suffix"]
        plain = out.striptags().rstrip()
        bare = plain.rstrip("\"'”’»)")  # a quotation may end the note with its own full stop
        if suffix and suffix[:1] in ".,;:!?" and (plain.endswith(suffix[:1])
                                                   or bare[-1:] in ".?!"):
            suffix = suffix[1:]
        return escape(prefix) + out + escape(suffix)

    # -- bibliography ----------------------------------------------------------------------

    def bibliography(self, entries: list[Entry], words: Words) -> list[tuple[str, Markup]]:
        from citeproc import Citation, CitationItem, CitationStylesBibliography
        from citeproc.source import BibliographySource

        if not self.style.has_bibliography():
            self.warnings.append(f"style '{self.name}' has no bibliography layout: the list of "
                                 "sources uses the 'full' style")
            return self._fallback.bibliography(entries, words)
        for entry in entries:
            self._ref_key(entry)
        source = BibliographySource()
        source.update(self._references)
        bib = CitationStylesBibliography(self.style, source, FORMATTER)
        by_ref = {self._keys[e.key]: e for e in entries}
        for ref_key in by_ref:
            bib.register(Citation([CitationItem(ref_key)]))
        out = []
        try:
            with pywarnings.catch_warnings():
                pywarnings.simplefilter("ignore")
                bib.sort()
                # One item at a time: a style may leave a kind out of its list (Chicago cites
                # social media posts in notes only), and each row must stay with its source.
                rows = [(by_ref[item.key], self.style.render_bibliography([item]))
                        for item in bib.items]
        except Exception as exc:
            self.warnings.append(f"style '{self.name}' could not write the list of sources "
                                 f"({type(exc).__name__}: {exc}): it uses the 'full' style")
            return self._fallback.bibliography(entries, words)
        for entry, rendered in rows:
            if not rendered:
                continue
            html = self._inflect(_to_html(str(rendered[0])))
            if entry.url and str(escape(entry.url)) in html:
                html = html.replace(str(escape(entry.url)), str(link(entry.url)), 1)
            out.append((entry.key, Markup(html)))
        return out


def _with_author(item: dict) -> dict:
    """An authorless source with its publisher as corporate author (the same dict if none).

    CSL styles put the title in the author's place when there is none, and citeproc-py then
    prints the title a second time with some styles (OSCOLA; it does not suppress variables
    substituted through a macro). Where that happens the source is cited under its
    publisher's name, as organisations' statements and reports rightly are; the name is then
    not repeated as publisher or container.
    """
    if item.get("author") or item.get("editor"):
        return item
    name = item.get("publisher") or item.get("container-title") or item.get("authority")
    if not isinstance(name, str) or not name.strip():
        return item
    out = {**item, "author": [{"literal": name}]}
    for field_name in ("publisher", "container-title"):
        if out.get(field_name) == name:
            del out[field_name]
    return out


def _month_inflection(lang: str):
    """A function putting a month next to a day number in the form the language uses there.

    CSL locales have one word a month, CLDR's stand-alone form ("сентябрь"); with a day,
    Russian, Ukrainian, Polish and Armenian use the genitive, CLDR's format form ("27 сентября
    2020 г."). citeproc-py cannot tell the two apart; Babel has both.
    """
    from babel import Locale, UnknownLocaleError

    try:
        months = Locale.parse(lang.replace("-", "_")).months
    except (UnknownLocaleError, ValueError):
        return lambda html: html
    pairs = {}
    for number, alone in months["stand-alone"]["wide"].items():
        inflected = months["format"]["wide"][number]
        if alone != inflected:
            pairs[alone] = inflected
            pairs[alone[:1].upper() + alone[1:]] = inflected[:1].upper() + inflected[1:]
    if not pairs:
        return lambda html: html
    names = "|".join(sorted(map(re.escape, pairs), key=len, reverse=True))
    after_day = re.compile(rf"(?<![\d])(\d{{1,2}}\.?\s+)({names})(?!\w)")
    before_day = re.compile(rf"(?<!\w)({names})(\s+\d{{1,2}})(?![\d])")

    def inflect(html: str) -> str:
        html = after_day.sub(lambda m: m.group(1) + pairs[m.group(2)], html)
        return before_day.sub(lambda m: pairs[m.group(1)] + m.group(2), html)

    return inflect


def _to_html(text: str) -> str:
    html = str(escape(text))
    for name, (start, end) in _MARKS.items():
        html = html.replace(start, _TAGS[name][0]).replace(end, _TAGS[name][1])
    return html


def _clean(value):
    """Data may not forge the formatter's private marks."""
    if isinstance(value, str):
        return _PRIVATE.sub("", value)
    if isinstance(value, list):
        return [_clean(v) for v in value]
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items() if _known(k)}
    return value


def _known(name: str) -> bool:
    from citeproc import VARIABLES

    python = name.replace("-", "_")
    return (name in ("id", "type", "date-parts", "literal", "raw", "season", "circa", "family",
                     "given", "suffix", "dropping-particle", "non-dropping-particle", "shortTitle")
            or python in VARIABLES)


def _locator(text: str) -> tuple[tuple[str, str] | None, str]:
    """("p. 4") -> (("page", "4"), ""); a label CSL cannot express stays as text: (None, "art. 5")."""
    if not text:
        return None, ""
    m = _LOCATOR.match(text.strip())
    if m and m.group("sect"):
        return ("section", m.group("svalue")), ""
    if m and m.group("label").lower() in _LABELS:
        return (_LABELS[m.group("label").lower()], m.group("value")), ""
    return None, text
