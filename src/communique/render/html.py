"""Rendering a document to HTML through the Jinja2 templates, for the web or for print."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from babel import Locale
from babel.dates import format_date, format_interval, format_time, get_timezone_gmt
from babel.lists import format_list
from babel.numbers import format_decimal
from markupsafe import Markup

from communique.document import Document, plain
from communique.errors import Problem
from communique.i18n import locale as i18n_locale
from communique.i18n import ui
from communique.notes import Bibliography, Note, bibliography, jinja_words, number_notes, place_notes
from communique.render.typeset import typeset
from communique.workspace import BUILTIN_TEMPLATES, Workspace, for_language

MEDIA = ("web", "print")
ENDNOTES = "\ue004endnotes\ue005"
PDF_LINK = "\ue006pdf\ue007"  # where a web page links to its PDF, once printed (outputs/web.py)


class TemplateError(Exception):
    """A template is missing or broken; ``problem`` names its file and line."""

    def __init__(self, problem: Problem):
        self.problem = problem
        super().__init__(str(problem))


@dataclass
class Rendered:
    html: str
    notes: list[Note]
    problems: list[Problem]


@lru_cache(maxsize=8)
def environment(templates_dir: Path | None, cache_dir: Path | None = None) -> jinja2.Environment:
    """The Jinja2 environment: the workspace's templates first, then the built-in ones.

    Compiled templates are kept in ``cache_dir`` (Jinja2's bytecode cache, keyed by each
    template's source), so a build does not compile them again in every process.
    """
    own = templates_dir is not None and templates_dir.is_dir()
    loaders = [jinja2.FileSystemLoader(str(templates_dir))] if own else []
    loaders.append(jinja2.FileSystemLoader(str(BUILTIN_TEMPLATES)))
    compiled = None
    if cache_dir is not None:
        try:
            cache_dir.mkdir(parents=True, exist_ok=True)
            compiled = jinja2.FileSystemBytecodeCache(str(cache_dir))
        except OSError:  # a read-only build folder: compile every time
            pass
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        bytecode_cache=compiled,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    ui.install(env)  # gettext follows the edition being rendered (``ui.active``)
    env.filters.update(plain=plain, date=_date, number=_number, join=_join, datetime=_datetime,
                       period=_period, asset=_asset, isolate=_isolate, in_language=_in_language)
    env.globals.update(timeline=_timeline)
    return env


def _locale(ctx) -> Locale:
    """The locale of the edition's dates and numbers: ``[documents] locales`` may give one of
    the language's other than its default (``en_GB`` for ``en``)."""
    return Locale.parse(str(ctx.get("locale") or ctx["lang"]).replace("-", "_"))


@jinja2.pass_context
def _date(ctx, value: dt.date | None, format: str = "long") -> str:
    """A date in the edition's language (``format``: short, medium, long, full or a pattern)."""
    locale = _locale(ctx)
    return _months(format_date(value, format, locale=locale), locale) if value else ""


@lru_cache(maxsize=1)
def _levantine_months() -> dict[int, str]:
    return dict(Locale.parse("ar_SY").months["format"]["wide"])


def _months(text: str, locale: Locale) -> str:
    """A date with its month named as Arabic statements name it, both ways: "سبتمبر/أيلول"
    (CLDR's ``ar`` gives the first, its Levantine locales the second). A workspace that
    wants one of them sets a locale with a territory (``[documents] locales = { ar = "ar_EG" }``)."""
    if locale.language != "ar" or locale.territory:
        return text
    for number, name in locale.months["format"]["wide"].items():
        text = re.sub(rf"(?<![\w/]){name}(?![\w/])", f"{name}/{_levantine_months()[number]}", text)
    return text


@jinja2.pass_context
def _period(ctx, start: dt.date | None, end: dt.date | None = None) -> str:
    """A date, or a span of dates the language's way, months in full as in single dates:
    "September 27 – 29, 2020", "27—29 сентября 2020 г.", "27–29 سبتمبر 2020".

    CLDR has span patterns only with abbreviated months (yMMMd) for most languages; their
    pieces are used with the month written out (MMM → MMMM, in Russian the genitive)."""
    if start is None:
        return ""
    if end is None or end == start:
        return _date(ctx, start)
    locale = _locale(ctx)
    return _months(_span(start, end, locale), locale)


def _span(start: dt.date, end: dt.date, locale: Locale) -> str:
    field = "y" if start.year != end.year else "M" if start.month != end.month else "d"
    pieces = (locale.interval_formats.get("yMMMd") or {}).get(field)
    if not pieces or len(pieces) != 2:
        return format_interval(start, end, "yMMMd", locale=locale)
    long = locale.date_formats["long"].pattern
    if _order(long, within=pieces[1]) != _order(pieces[1]):
        return _span_of_long(long, start, end, field, locale)
    if not re.search(r"(?<!d)dd(?!d)", long):  # days unpadded in dates, so in spans (Italian)
        pieces = [re.sub(r"(?<!d)dd(?!d)", "d", piece) for piece in pieces]
    return "".join(format_date(day, _FULL_MONTH.sub(r"\1\1\1\1", piece), locale=locale)
                   for piece, day in zip(pieces, (start, end), strict=False))


_FULL_MONTH = re.compile(r"(?<![ML])([ML])\1\1(?![ML])")  # MMM or LLL, not MM or MMMM


def _order(pattern: str, within: str | None = None) -> str:
    """The order of year, month and day in a CLDR date pattern ("dMy", "yMd"), of those
    ``within`` has (the end of a span may give the day alone)."""
    fields = re.sub(r"(.)\1+", r"\1", re.sub(r"'[^']*'|[^yMLd]", "", pattern).replace("L", "M"))
    return fields if within is None else "".join(f for f in fields if f in _order(within))


def _span_of_long(long: str, start: dt.date, end: dt.date, field: str, locale: Locale) -> str:
    """A span written as the language writes one date, where CLDR's span pattern orders the
    day, month and year otherwise (Armenian dates read "2020 թ. սեպտեմբերի 29", its spans
    "27–29 սեպտեմբերի, 2020 թ."): "2020 թ. սեպտեմբերի 27–29", "2020 թ. սեպտեմբերի 30 –
    հոկտեմբերի 2"."""
    def date(day: dt.date, pattern: str) -> str:
        return format_date(day, pattern, locale=locale)

    block = re.search(r"[MLd](?:[^y']*[MLd])?", long)  # the month and the day, and what is between
    if field == "y" or block is None:
        return f"{date(start, long)} – {date(end, long)}"
    prefix, middle, suffix = long[:block.start()], block.group(), long[block.end():]
    if field == "M":
        return f"{date(start, prefix + middle)} – {date(end, middle + suffix)}"
    if middle.endswith("d"):
        return f"{date(start, prefix + middle)}–{date(end, 'd' + suffix)}"
    return f"{date(start, prefix + 'd')}–{date(end, middle + suffix)}"


@jinja2.pass_context
def _datetime(ctx, value: dt.datetime | None) -> str:
    """A moment in the edition's language, with its time zone: "September 29, 2020 at 00:01 GMT"."""
    if value is None:
        return ""
    locale = _locale(ctx)
    zone = get_timezone_gmt(value, "short", locale=locale) if value.utcoffset() else "UTC"
    pattern = locale.datetime_formats.get("long")
    day, time = _months(format_date(value.date(), "long", locale=locale), locale), format_time(
        value, "short", locale=locale)
    joined = pattern.format(time, day) if pattern else f"{day} {time}"
    return f"{joined} {zone}"


@jinja2.pass_context
def _asset(ctx, image: str) -> str:
    """The address of a figure's file: for print a file URL (which the PDF sandbox checks), for
    the web a data: URI, so the page carries its figures and needs no file beside it."""
    import base64
    import mimetypes

    from communique.sandbox import read_file

    path = Path(ctx["statement_dir"]) / image
    if ctx["medium"] == "print":
        return path.resolve().as_uri()
    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"data:{mime};base64,{base64.b64encode(read_file(path.resolve())).decode('ascii')}"


@jinja2.pass_context
def _timeline(ctx, incidents, *, title: str, killed: str, wounded: str, verified: str,
              unverified: str, desc: str = "", id: str = "timeline") -> Markup:
    """The incidents' timeline (SVG shapes, HTML words), in the edition's language and brand colours."""
    from communique.charts import ChartStyle, TimelineItem, TimelineLabels, timeline_chart

    items = [TimelineItem(i["date"], i["end_date"] or i["date"], plain(i["place"]),
                          i["civilians"]["killed"], i["civilians"]["wounded"], i["verified"])
             for i in incidents]
    settings = ctx["settings"]
    style = ChartStyle(settings.colours.ink, settings.colours.muted, settings.colours.accent)
    labels = TimelineLabels(title, killed, wounded, verified, unverified)
    return timeline_chart(items, labels, lang=str(ctx.get("locale") or ctx["lang"]), style=style,
                          direction=ctx["dir"], desc=desc, chart_id=id)


@jinja2.pass_context
def _isolate(ctx, value) -> Markup:
    """Words that carry a figure, an index number, a date or a name, and such values, kept in
    their own language's order in an edition of either direction (``i18n.locale.isolate_words``)."""
    return i18n_locale.isolate_words(value, ctx.get("dir"))


@jinja2.pass_context
def _in_language(ctx, value, value_lang: str) -> Markup:
    """``value`` (a name: the organisation's) marked as being in ``value_lang`` when that is not
    the edition's language (an English name in an en-GB edition is not), so that a screen
    reader says it in its own language (the PDF's structure pass turns ``lang`` into ``/Lang``)
    and capitals follow its rules."""
    def base(tag: str) -> str:
        return tag.replace("_", "-").split("-")[0].lower()

    text = Markup.escape(value)
    if not value_lang or base(value_lang) == base(str(ctx["lang"])):
        return text
    return Markup('<span lang="{}">{}</span>').format(value_lang, text)


@jinja2.pass_context
def _number(ctx, value) -> str:
    return format_decimal(value, locale=_locale(ctx)) if value is not None else ""


@jinja2.pass_context
def _join(ctx, items, style: str = "standard") -> Markup:
    """A list joined the language's way: "A, B and C", "A, B и C", "A وB وC"."""
    escaped = [str(Markup.escape(i)) for i in items]  # Rich values keep their HTML
    return Markup(format_list(escaped, style=style, locale=_locale(ctx)))  # type: ignore[arg-type]


def render(doc: Document, workspace: Workspace, medium: str, *, fallback: bool = False,
           strings: ui.Strings | None = None, languages: Sequence[str] = ()) -> Rendered:
    """Render one edition with its template strings (``strings``; by default the catalogs of
    its language, see ``communique.i18n.ui``) in force. ``languages`` are those of all the
    statement's editions: a web page links to the others."""
    if strings is None:
        strings, _ = ui.load(workspace, doc.statement.lang)
    with ui.active(strings):
        return _render(doc, workspace, medium, fallback=fallback, languages=languages)


def editions(lang: str, languages: Sequence[str]) -> list[dict]:
    """The statement's editions for a web page's language links: each language by its own
    name, the address of its page relative to this one, and whether it is this page's."""
    if len(languages) < 2:
        return []
    found = []
    for code in languages:
        try:
            name = Locale.parse(code.replace("-", "_")).get_display_name() or code
        except (ValueError, LookupError):
            name = code
        found.append({"lang": code, "name": name[:1].upper() + name[1:],
                      "href": f"../{code}/index.html", "current": code == lang})
    return found


def _render(doc: Document, workspace: Workspace, medium: str, *, fallback: bool = False,
            languages: Sequence[str] = ()) -> Rendered:
    """Render one edition for ``medium`` ("web" or "print"), notes numbered in reading order.

    ``fallback`` says the edition shows some text in another language than its own (a missing
    translation): like a statement marked ``draft``, it is printed with a DRAFT mark.
    """
    env = environment(workspace.templates_dir, workspace.build_dir / ".cache" / "templates")
    statement = doc.statement
    name = f"{statement.type}.html.j2"
    settings = workspace.settings
    lang = statement.lang
    context = {
        "statement": doc.view,
        "sources": doc.sources,
        "lang": lang,
        "locale": settings.documents.locale_for(lang),
        "dir": i18n_locale.direction(lang),
        "hyphenate": i18n_locale.can_hyphenate(lang),  # else justified without hyphens, or ragged
        "justified": i18n_locale.justified(lang),
        "medium": medium,
        "settings": settings,
        "organisation": settings.organisation.in_language(lang),
        "masthead": {"show": settings.documents.masthead,
                     "uppercase": settings.documents.masthead_case == "upper"},
        "index_label": for_language(settings.documents.index_label, lang),
        "endnotes": Markup(ENDNOTES),
        "draft": bool(statement.draft or fallback),
        "logo": _logo_url(workspace, medium),
        "paper": settings.documents.paper,
        "footer": settings.documents.footer_for(lang),
        "font_family": settings.fonts.stack(lang),
        "statement_dir": str(doc.located.path.parent),
        "editions": editions(lang, languages) if medium == "web" else [],
        "site": _site(doc, workspace) if medium == "web" else None,
        "pdf_link": Markup({"web": PDF_LINK}.get(medium, "")),  # filled in by outputs/web.py
    }
    try:
        template = env.get_template(name)
        macros: Any = env.get_template("partials/notes.html.j2").make_module(context)  # its macros
        words = jinja_words(template, context, context["locale"])
        style = doc.citations.make_style(context["locale"])
        context["citations"] = doc.citations
        context["bibliography"] = Bibliography(bibliography(doc, style, words), macros)
        raw = template.render(context)
    except jinja2.TemplateNotFound as exc:
        if _in_template(exc):  # extended, included or imported by a template: name that line
            where = _runtime_problem(env, exc, workspace)
            raise TemplateError(Problem(where.path, where.line, where.column,
                                        f"template '{exc.name}' not found")) from None
        raise TemplateError(Problem(workspace.display(workspace.templates_dir / (exc.name or "")), 0, 0,
                                    f"template '{exc.name}' not found (needed for type "
                                    f"'{statement.type}')")) from None
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(Problem(_template_path(env, exc.filename or exc.name, workspace),
                                    exc.lineno or 0, 1 if exc.lineno else 0,
                                    f"template syntax error: {exc.message}")) from None
    except jinja2.UndefinedError as exc:
        raise TemplateError(_runtime_problem(env, exc, workspace)) from None
    except (TypeError, ValueError, AttributeError, KeyError, IndexError,
            ZeroDivisionError, jinja2.TemplateError) as exc:
        # a template calling something wrongly (a dict's .items, a filter on None): name the line
        if not _in_template(exc):
            raise
        raise TemplateError(_runtime_problem(env, exc, workspace)) from None

    problems: list[Problem] = []
    notes = number_notes(raw, doc, words, style, problems)
    shown = {index for n in notes for index in n.mark_indexes}
    for index, ref in enumerate(doc.marks):
        if index not in shown:
            problems.append(doc.located.problem(
                ref.path, f"template '{name}' does not print this field, so its note is lost",
                offset=ref.mark.offset, severity="warning"))
    if medium == "print":
        html = place_notes(raw, notes, macros.call, macros.footnote)
        html = html.replace(ENDNOTES, "")
    else:
        html = place_notes(raw, notes, macros.call)
        html = html.replace(ENDNOTES, str(macros.endnotes(notes)) if notes else "")
    return Rendered(typeset(html, lang), notes, problems)


def _site(doc: Document, workspace: Workspace) -> dict[str, Any] | None:
    """What a web page needs of the site it belongs to (``[site]``, else None): the site's
    name, its index in the page's language, and with ``base_url`` the page's canonical
    address and its share card's (Open Graph and Twitter cards need absolute addresses)."""
    from urllib.parse import quote

    site = workspace.settings.site
    if site is None:
        return None
    statement = doc.statement
    lang, slug = statement.lang, doc.located.path.parent.name
    title = site.title_for(lang, workspace.settings.organisation.name_in(lang)
                           or ui._gettext("Statements"))
    listed = not site.languages or lang in site.languages
    folder = f"{quote(slug, safe='')}/{quote(lang, safe='')}/"
    url = site.base_url + folder if site.base_url else None
    return {"title": title, "index": f"../../{quote(lang, safe='')}/index.html" if listed
            else "../../index.html", "url": url,
            "card": f"{url}{quote(f'{slug}-{lang}', safe='')}.card.png" if url else None}


CARD_TEMPLATE = "card.html.j2"
def pdf_link(workspace: Workspace, lang: str, strings: ui.Strings, href: str, pages: int,
             size: int) -> str:
    """The web page's link to its PDF (``partials/pdf-link.html.j2``): pages and size in
    kilobytes (``size`` in bytes, rounded as the site's indexes round it), in the edition's
    language.

    The words are isolated in the edition's direction (``words_dir``) when the catalog has
    them: the Arabic "PDF (56 كيلوبايت، 2 صفحة)" begins with a Latin word, which would make
    ``isolate`` read it left to right; in English (a string the catalog lacks) left to right.
    """
    env = environment(workspace.templates_dir, workspace.build_dir / ".cache" / "templates")
    singular, plural = "PDF (%(size)s kB, %(num)s page)", "PDF (%(size)s kB, %(num)s pages)"
    translated = strings.ngettext(singular, plural, pages) != (singular if pages == 1 else plural)
    direction = i18n_locale.direction(lang)
    context = {"lang": lang, "dir": direction, "href": href, "pages": pages,
               "kb": max(1, round(size / 1024)), "words_dir": direction if translated else "ltr"}
    with ui.active(strings):
        try:
            return env.get_template("partials/pdf-link.html.j2").render(context)
        except (jinja2.TemplateError, TypeError, ValueError, AttributeError, KeyError) as exc:
            if not _in_template(exc) and not isinstance(exc, jinja2.TemplateError):
                raise
            raise TemplateError(_runtime_problem(env, exc, workspace)) from None


TYPE_NAMES = {"public-statement": "Public Statement", "urgent-action": "Urgent Action",
              "report": "Report"}  # the document types' words in the catalogs


def render_card(doc: Document, workspace: Workspace, *, draft: bool = False,
                strings: ui.Strings | None = None) -> str:
    """The HTML of an edition's share card (``card.html.j2``), printed like the PDF: the
    organisation, the title in the edition's script, the document type and the date."""
    if strings is None:
        strings, _ = ui.load(workspace, doc.statement.lang)
    env = environment(workspace.templates_dir, workspace.build_dir / ".cache" / "templates")
    statement, settings = doc.statement, workspace.settings
    context = {"lang": statement.lang, "locale": settings.documents.locale_for(statement.lang),
               "dir": i18n_locale.direction(statement.lang),
               "font_family": settings.fonts.stack(statement.lang), "settings": settings,
               "organisation": settings.organisation.in_language(statement.lang),
               "logo": _logo_url(workspace, "print"),
               "title": plain(doc.view.get("title")), "date": statement.date,
               "reference": statement.reference, "draft": draft}
    with ui.active(strings):
        context["kind"] = ui._gettext(TYPE_NAMES.get(statement.type, statement.type))
        try:
            return env.get_template(CARD_TEMPLATE).render(context)
        except jinja2.TemplateSyntaxError as exc:
            raise TemplateError(Problem(_template_path(env, exc.filename or exc.name, workspace),
                                        exc.lineno or 0, 1 if exc.lineno else 0,
                                        f"template syntax error: {exc.message}")) from None
        except jinja2.TemplateNotFound as exc:
            raise TemplateError(Problem(workspace.display(workspace.templates_dir / CARD_TEMPLATE),
                                        0, 0, f"template '{exc.name}' not found")) from None
        except (jinja2.TemplateError, TypeError, ValueError, AttributeError, KeyError) as exc:
            if not _in_template(exc):
                raise
            raise TemplateError(_runtime_problem(env, exc, workspace)) from None


def _logo_url(workspace: Workspace, medium: str) -> str | None:
    """The logo as a file URL for print (loaded through the PDF sandbox) or, on the web, as a
    data: URI, so the page needs no file beside it."""
    import base64
    import mimetypes

    from communique.sandbox import read_file

    path = workspace.logo
    if path is None:
        return None
    if medium == "print":
        return path.as_uri()
    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"data:{mime};base64,{base64.b64encode(read_file(path)).decode('ascii')}"


def _template_path(env: jinja2.Environment, filename: str | None, workspace: Workspace) -> str:
    return workspace.display(Path(filename)) if filename else "templates"


def _in_template(exc: Exception) -> bool:
    """Whether a template line is on the way to the error (else it is a bug of the code)."""
    tb = exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(".j2") or "/templates/" in filename:
            return True
        tb = tb.tb_next
    return False


def _runtime_problem(env: jinja2.Environment, exc: Exception, workspace: Workspace) -> Problem:
    """Locate a template runtime error from the traceback frames Jinja2 rewrites."""
    tb = exc.__traceback__
    where = ("templates", 0)
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(".j2") or "/templates/" in filename:
            where = (workspace.display(Path(filename)), tb.tb_lineno)
        tb = tb.tb_next
    detail = str(exc) if isinstance(exc, jinja2.UndefinedError) else f"{type(exc).__name__}: {exc}"
    return Problem(where[0], where[1], 1 if where[1] else 0, f"template error: {detail}")
