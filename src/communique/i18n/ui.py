"""Template strings: the words templates print themselves ("Background", "Notes", "Index:").

Templates mark them with ``_()``, ``ngettext`` or ``{% trans %}`` (trimmed, see ``TRIMMED``);
Python code that writes words into notes (citation styles) uses the gettext callables it is
given. Both are extracted into ``templates/locale/messages.pot``; each language has a
``templates/locale/<lang>/LC_MESSAGES/messages.po``. The built-in templates carry their own
catalogs; a workspace's ``templates/locale/`` adds to them and wins where both translate a
string.

Catalogs are compiled to ``.mo`` files in ``build/.cache/locale/`` whenever a ``.po`` is not
the one its compiled form records it was made from, so translators only ever edit ``.po`` files
and nothing compiled is committed. A string that an edition needs and its catalog lacks is
reported, never silently printed in English.
"""

from __future__ import annotations

import contextvars
import copy
import gettext as _gettext_module
import hashlib
import io
import json
import re
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import PoFileError, read_po, write_po
from markupsafe import Markup

from communique.errors import Problem
from communique.i18n import locale as loc
from communique.workspace import BUILTIN_TEMPLATES, Workspace

DOMAIN = "messages"
SOURCE_LANGUAGE = "en"  # msgids are English: English editions need no catalog
BUILTIN_LOCALE = BUILTIN_TEMPLATES / "locale"
PACKAGE_ROOT = BUILTIN_TEMPLATES.parent
# ``{% trans %}`` blocks collapse their whitespace both when extracted and when rendered; if the
# two disagreed, a multi-line block would never find its translation.
TRIMMED = True
JINJA_OPTIONS = {
    "extensions": "jinja2.ext.i18n",
    "trim_blocks": "true",
    "lstrip_blocks": "true",
    "newstyle_gettext": "true",
    "trimmed": "true" if TRIMMED else "false",
    "silent": "false",
}
COMMENT_TAGS = ("Translators:",)
HEADER = ("# The words templates print themselves, and those citation styles add to notes.\n"
          "# Made by 'communique i18n extract'; translated in <lang>/LC_MESSAGES/messages.po.\n#")


MAX_CATALOG_BYTES = 20 * 1024 * 1024  # a catalog of template strings is tens of kB


def locale_dir(workspace: Workspace, origin: str) -> Path:
    """Where the catalogs of ``origin`` ("builtin" or "workspace") live."""
    return BUILTIN_LOCALE if origin == "builtin" else workspace.templates_dir / "locale"


def catalog_root(workspace: Workspace, origin: str) -> Path:
    """What the catalogs of ``origin`` may not leave: the workspace, or the built-in folder."""
    return BUILTIN_LOCALE if origin == "builtin" else workspace.root


def po_path(folder: Path, lang: str) -> Path:
    return folder / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def catalog_languages(folder: Path) -> list[str]:
    """Languages with a ``.po`` catalog under ``folder``."""
    if not folder.is_dir():
        return []
    return sorted(p.parent.parent.name for p in folder.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


def _candidates(lang: str) -> list[str]:
    """``pt-BR`` is looked up as ``pt_BR``, then ``pt``; a language written in more than one
    script also by the script it is most likely written in (CLDR's likely subtags), so that
    ``zh`` and ``zh-CN`` find the ``zh_Hans`` catalog and ``zh-TW`` does not."""
    from babel.core import get_global

    code = lang.replace("-", "_")
    base = code.split("_")[0]
    found = [code] if code != base else []
    likely = get_global("likely_subtags").get(code) or get_global("likely_subtags").get(base)
    parts = (likely or "").split("_")
    if len(parts) > 1 and len(parts[1]) == 4 and _multiscript(base):  # language_Script_REGION
        scripted = f"{base}_{parts[1]}"
        if scripted not in found:
            found.append(scripted)
    return [*found, base]  # the language itself last: the templates' own is "en"


@lru_cache(maxsize=64)
def _multiscript(base: str) -> bool:
    """Whether CLDR knows the language in more than one script (zh: Hans, Hant; sr: Cyrl,
    Latn), the only case where a catalog is named by its script."""
    from babel import localedata

    return any(name.startswith(base + "_") and len(name.split("_")[1]) == 4
               for name in localedata.locale_identifiers())


# -- compiling ------------------------------------------------------------------------------

def read_catalog(po: Path, display: str, lang: str | None = None, root: Path | None = None,
                 digest: dict | None = None) -> tuple[Catalog | None, list[Problem]]:
    """Read a ``.po`` file; a malformed one gives a located error and no catalog.

    It is read by the sandbox's rule: inside ``root`` (the workspace, or the built-in locale
    folder; by default the file's own folder) once symlinks are followed, a regular file, capped.
    ``digest`` receives the SHA-256 of the bytes read (``"source"``), for the compiled record.
    """
    from communique.i18n.po import syntax_problems
    from communique.sandbox import Refused, contained, read_file

    try:
        raw = read_file(contained(po, [root or po.parent], name="catalog"), MAX_CATALOG_BYTES,
                        name="catalog")
        if digest is not None:
            digest["source"] = hashlib.sha256(raw).hexdigest()
        broken = syntax_problems(raw.decode("utf-8"), display)
    except Refused as exc:
        return None, [Problem(display, 0, 0, str(exc))]
    except UnicodeDecodeError as exc:
        return None, [Problem(display, 0, 0, f"cannot read catalog: {exc}")]
    if broken:
        return None, broken
    try:
        catalog = read_po(io.BytesIO(raw), locale=lang.replace("-", "_") if lang else None,
                          abort_invalid=True)
    except PoFileError as exc:
        line = getattr(exc, "lineno", 0) or 0
        return None, [Problem(display, line, 1 if line else 0, f"invalid PO file: {exc}")]
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        return None, [Problem(display, 0, 0, f"cannot read catalog: {exc}")]
    problems = []
    for message, errors in catalog.check():
        for error in errors:
            problems.append(Problem(display, message.lineno or 0, 1 if message.lineno else 0,
                                    f"translation of {_label(message.id)}: {error}"))
    return catalog, problems


def compile_catalog(po: Path, mo: Path, display: str, lang: str,
                    root: Path | None = None) -> list[Problem]:
    """Compile ``po`` into ``mo`` (fuzzy entries left out); nothing is written on errors."""
    digest: dict = {}
    catalog, problems = read_catalog(po, display, lang, root, digest)
    if catalog is None or any(p.is_error for p in problems):
        return problems
    for message in list(catalog):  # Babel writes an untranslated plural as its English forms,
        if message.id and not _complete(message.string):  # which would count as translated
            catalog.delete(message.id, context=message.context)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    from communique.files import write_atomic

    compiled = buffer.getvalue()
    write_atomic(mo, compiled)
    record = {"source": digest.get("source"), "compiled": hashlib.sha256(compiled).hexdigest()}
    write_atomic(mo.with_suffix(".source.json"), json.dumps(record).encode("utf-8"))
    return problems


def cached_mo(workspace: Workspace, origin: str, code: str) -> Path:
    return workspace.build_dir / ".cache" / "locale" / origin / code / "LC_MESSAGES" / f"{DOMAIN}.mo"


def _digest(path: Path) -> str | None:
    try:
        with path.open("rb") as f:
            return hashlib.file_digest(f, "sha256").hexdigest()
    except OSError:
        return None


def _compiled_from(mo: Path) -> dict:
    """What a compiled catalog records of its making: the digests of its ``.po`` and itself."""
    try:
        record = json.loads(mo.with_suffix(".source.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return record if isinstance(record, dict) else {}


def ensure_compiled(workspace: Workspace, origin: str, code: str,
                    force: bool = False) -> tuple[Path | None, list[Problem]]:
    """The compiled catalog for ``code``, compiled first unless it was compiled from the
    ``.po`` as it is now.

    A compiled catalog in ``build/.cache`` is trusted only with the record written beside it
    when it was compiled: the digest of its ``.po`` and its own. A modification time proves
    nothing (a checkout, a copy or a clock sets it), and a ``.mo`` put there by hand would
    otherwise print words no translator wrote.
    """
    po = po_path(locale_dir(workspace, origin), code)
    mo = cached_mo(workspace, origin, code)
    if not (po.exists() or po.is_symlink()):  # a broken symlink is reported when read
        return None, []
    from communique.sandbox import Refused, contained

    try:  # checked every time: a catalog compiled earlier may have become a symlink out since
        real = contained(po, [catalog_root(workspace, origin)], name="catalog")
    except Refused as exc:
        return None, [Problem(workspace.display(po), 0, 0, str(exc))]
    made = {"source": _digest(real), "compiled": _digest(mo)}
    if force or made["compiled"] is None or _compiled_from(mo) != made:
        problems = compile_catalog(po, mo, workspace.display(po), code,
                                   catalog_root(workspace, origin))
        if any(p.is_error for p in problems):
            return None, problems
        return mo, problems
    return mo, []


@lru_cache(maxsize=32)
def _read_compiled(path: Path, digest: str) -> tuple[dict, str | None, dict]:
    """Messages of a compiled catalog: {(context, msgid): str or tuple of plural forms}, its
    plural expression, and the translations refused by ``faithful`` {(context, msgid): why}.
    Cached by the file's digest (a catalog compiled again is read again)."""
    with path.open("rb") as f:
        catalog = read_mo(f)
    messages: dict = {}
    refused: dict = {}
    single = _single_numbers(catalog.plural_expr)
    for message in catalog:
        if not message.id or not message.string:
            continue
        key_id = message.id[0] if isinstance(message.id, (list, tuple)) else message.id
        value = tuple(message.string) if isinstance(message.string, (list, tuple)) else message.string
        why = faithful(message.id, value, single)
        if why:
            refused[(message.context, key_id)] = why
            continue
        messages[(message.context, key_id)] = _literal_percent(message.id, value)
    return messages, catalog.plural_expr, refused


# A named placeholder as Jinja2's gettext fills it in (``%(num)s``), or a literal '%' (``%%``).
_PLACEHOLDER = re.compile(r"%\((\w+)\)[#0 +-]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]|%%")
_NUMBER = re.compile(r"\d+")  # in any digit system: Arabic-Indic "١٠٠٠" is 1000 too


def _names(text: str) -> Counter:
    return Counter(m.group(1) for m in _PLACEHOLDER.finditer(text) if m.group(1))


def _numbers(text: str) -> Counter:
    return Counter(int(m.group()) for m in _NUMBER.finditer(_PLACEHOLDER.sub(" ", text)))


def faithful(msgid, value, single: dict[int, int] | None = None) -> str | None:
    """Why a translation of a template string cannot be printed, or None.

    It must keep every placeholder of its source and add none, and write no figure the source
    does not: "1000 civils tués" for "%(num)s civilian killed" would print a casualty figure no
    statement gave. A plural form used for one number only (Arabic's form for 2, say) may
    write that number in words instead of the placeholder, or as digits.
    """
    ids = msgid if isinstance(msgid, (list, tuple)) else (msgid,)
    forms = value if isinstance(value, tuple) else (value,)
    for index, form in enumerate(forms):
        if not form:
            continue
        source = ids[-1] if len(ids) > 1 and (index > 0 or len(forms) > 1) else ids[0]
        if len(ids) > 1 and index == 0 and len(forms) == 1:
            source = ids[0]
        only = (single or {}).get(index) if len(ids) > 1 else None
        why = _unfaithful_form(source, form, only)
        if why:
            return why
    return None


def _unfaithful_form(source: str, form: str, only: int | None) -> str | None:
    """Why one form of a translation misstates its source, or None; ``only`` is the number a
    plural form is used for when it is used for one number only."""
    want, got = _names(source), _names(form)
    dropped = [n for n in want if n not in got and only is None]
    added = [n for n in got if n not in want]
    if dropped:
        return f"drops the placeholder %({dropped[0]})s"
    if added:
        return f"adds the placeholder %({added[0]})s, which the source does not have"
    extra = _numbers(form) - _numbers(source)
    if only is not None:
        extra.pop(only, None)
    if extra:
        return (f"writes the figure {next(iter(extra))}, which the source does not: figures "
                "come from the statement, through the placeholders")
    missing = _numbers(source) - _numbers(form)
    if missing:
        return f"drops the figure {next(iter(missing))} of the source"
    return None


def _single_numbers(plural_expr: str | None) -> dict[int, int]:
    """The plural forms used for exactly one number, and that number (Arabic: 0, 1, 2)."""
    if not plural_expr:
        return {}
    try:
        choose = _gettext_module.c2py(plural_expr)
        seen: dict[int, list[int]] = {}
        for n in range(1000):
            seen.setdefault(choose(n), []).append(n)
    except (ValueError, SyntaxError, ZeroDivisionError, RecursionError):
        return {}
    return {form: numbers[0] for form, numbers in seen.items() if len(numbers) == 1}


def _literal_percent(msgid, value):
    """The translation with every '%' that is not a placeholder doubled: Jinja2 formats every
    translation with '%', so "{% if %}" in a catalog raised a template error and "50 %" could
    swallow the next character. What a translator writes is printed as written."""
    def escape(text: str) -> str:
        out, pos = [], 0
        for m in _PLACEHOLDER.finditer(text):
            out.append(text[pos:m.start()].replace("%", "%%"))
            out.append(m.group())
            pos = m.end()
        out.append(text[pos:].replace("%", "%%"))
        return "".join(out)
    return tuple(escape(f) for f in value) if isinstance(value, tuple) else escape(value)


# -- the strings of one edition -------------------------------------------------------------

@dataclass
class Strings:
    """The template strings of one edition, with the ones it needed but lacked recorded."""

    lang: str
    messages: dict = field(default_factory=dict)
    plural_expr: str | None = None
    track: bool = True  # False for the templates' own language, or when no catalog exists
    catalog: str = ""  # the .po a translator would fix, for messages
    missing: dict = field(default_factory=dict)  # (context, msgid) -> None, in order met
    refused: set = field(default_factory=set)  # (context, msgid) translated unfaithfully

    def __post_init__(self) -> None:
        expr = self.plural_expr or "(n != 1)"
        self._plural = _gettext_module.c2py(expr)

    def _lookup(self, context: str | None, msgid: str):
        found = self.messages.get((context, msgid))
        if found is None and self.track and (context, msgid) not in self.refused:
            self.missing.setdefault((context, msgid), None)
        return _as_text(found)

    def gettext(self, message: str) -> str:
        found = self._lookup(None, message)
        return found if isinstance(found, str) else message

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        found = self._lookup(None, singular)
        if isinstance(found, tuple):
            index = self._plural(n)
            if index < len(found) and found[index]:
                return found[index]
        return singular if n == 1 else plural

    def pgettext(self, context: str, message: str) -> str:
        found = self._lookup(context, message)
        return found if isinstance(found, str) else message

    def npgettext(self, context: str, singular: str, plural: str, n: int) -> str:
        found = self._lookup(context, singular)
        if isinstance(found, tuple):
            index = self._plural(n)
            if index < len(found) and found[index]:
                return found[index]
        return singular if n == 1 else plural

    def problems(self, severity: str = "warning") -> list[Problem]:
        """One problem for each template string this edition printed untranslated."""
        language = loc.name(self.lang)
        return [Problem(self.catalog, 0, 0,
                        f"template string {_label(msgid, context)} has no {language} translation, "
                        f"so it is printed in English", severity)
                for context, msgid in self.missing]


def load(workspace: Workspace, lang: str, *, severity: str = "warning") -> tuple[Strings, list[Problem]]:
    """The template strings for an edition in ``lang``: built-in catalogs, then the workspace's.

    Problems: an unknown language, a malformed catalog (errors), or no catalog at all for a
    language other than the templates' own (a warning: its words are printed in English).
    """
    try:
        loc.locale(lang)
    except loc.UnknownLanguage as exc:
        return Strings(lang, track=False), [Problem("templates/locale", 0, 0, str(exc))]
    problems: list[Problem] = []
    messages: dict = {}
    refused: set = set()
    plural_expr = None
    catalog_po = ""
    for origin in ("builtin", "workspace"):
        for code in _candidates(lang):
            mo, found = ensure_compiled(workspace, origin, code)
            problems += found
            if mo is None:
                continue
            compiled, expr, refusals = _read_compiled(mo, _digest(mo) or "")
            messages.update(compiled)  # the workspace's catalog comes second and wins
            plural_expr = plural_expr or expr
            catalog_po = workspace.display(po_path(locale_dir(workspace, origin), code))
            refused.update(refusals)  # left out: the built-in translation or the English stands
            problems += _refusal_problems(po_path(locale_dir(workspace, origin), code),
                                          catalog_po, refusals, severity)
            break
    own_language = _candidates(lang)[-1] == SOURCE_LANGUAGE
    if not catalog_po and not own_language:
        target = workspace.display(po_path(locale_dir(workspace, "workspace"),
                                           lang.replace("-", "_")))
        problems.append(Problem(target, 0, 0,
                                f"no catalog of template strings for {loc.name(lang)} ({lang}): "
                                f"the templates' own words are printed in English (run "
                                f"'communique i18n update --lang {lang}', then translate the "
                                f"strings of {target})", severity))
    strings = Strings(lang, messages, plural_expr, track=bool(catalog_po) and not own_language,
                      catalog=catalog_po, refused=refused)
    return strings, problems


def _refusal_problems(po: Path, display: str, refusals: dict, severity: str) -> list[Problem]:
    """A problem at the line of each refused translation (read from the .po only when any)."""
    if not refusals:
        return []
    lines: dict = {}
    try:
        with po.open("rb") as f:
            lines = {(m.context, m.id[0] if isinstance(m.id, (list, tuple)) else m.id): m.lineno
                     for m in read_po(f)}
    except (OSError, PoFileError, ValueError):
        pass
    return [Problem(display, lines.get(key, 0), 1 if lines.get(key) else 0,
                    f"translation of {_label(key[1], key[0])} {why}: it is not used",
                    severity) for key, why in refusals.items()]


def _label(msgid, context: str | None = None) -> str:
    text = msgid[0] if isinstance(msgid, (list, tuple)) else msgid
    text = " ".join(str(text).split())
    shown = f"'{text[:60]}…'" if len(text) > 60 else f"'{text}'"
    return f"{shown} (context '{context}')" if context else shown


# -- installing into Jinja2 -----------------------------------------------------------------

def _as_text(found):
    """A translation as text, never markup: escaped, so that a catalog cannot put a script or
    an attribute into every edition (Jinja2 would otherwise trust it as template HTML).
    Templates keep their markup outside ``_()``; an untranslated msgid stays as written."""
    if isinstance(found, str):
        return Markup.escape(found)
    if isinstance(found, tuple):
        return tuple(Markup.escape(form) for form in found)
    return found


_active: contextvars.ContextVar[Strings | None] = contextvars.ContextVar("communique_strings",
                                                                        default=None)


def _gettext(message: str) -> str:
    strings = _active.get()
    return strings.gettext(message) if strings else message


def _ngettext(singular: str, plural: str, n: int) -> str:
    strings = _active.get()
    return strings.ngettext(singular, plural, n) if strings else (singular if n == 1 else plural)


def _pgettext(context: str, message: str) -> str:
    strings = _active.get()
    return strings.pgettext(context, message) if strings else message


def _npgettext(context: str, singular: str, plural: str, n: int) -> str:
    strings = _active.get()
    if strings:
        return strings.npgettext(context, singular, plural, n)
    return singular if n == 1 else plural


def install(env) -> None:
    """Give a (cached, shared) Jinja2 environment gettext functions that follow ``active()``.

    The environment is built once; each render says which edition's strings are in force
    through a context variable, so renders in threads or async tasks never see each other's
    language.
    """
    env.install_gettext_callables(_gettext, _ngettext, newstyle=True,
                                  pgettext=_pgettext, npgettext=_npgettext)
    env.policies["ext.i18n.trimmed"] = TRIMMED


@contextmanager
def active(strings: Strings | None) -> Iterator[Strings | None]:
    """Render templates with ``strings`` in force."""
    token = _active.set(strings)
    try:
        yield strings
    finally:
        _active.reset(token)


# -- extract, update, compile (the ``communique i18n`` commands) ------------------------------

def _jinja_extractor(fileobj, keywords, comment_tags, options):
    from jinja2.ext import babel_extract

    return babel_extract(fileobj, keywords, comment_tags, options)


def extract(root: Path, *, python: bool) -> Catalog:
    """Every template string under ``root`` (``*.j2``, and ``*.py`` when ``python``)."""
    from babel.messages.extract import extract_from_dir

    method_map = [("**.j2", "communique.i18n.ui:_jinja_extractor")]
    if python:
        method_map.append(("**.py", "python"))
    options = {"**.j2": dict(JINJA_OPTIONS)}
    from communique import __version__

    catalog = Catalog(project="communique", version=__version__, charset="utf-8", fuzzy=False,
                      copyright_holder="", msgid_bugs_address="", header_comment=HEADER)
    for filename, lineno, message, comments, context in extract_from_dir(
            root, method_map, options, comment_tags=COMMENT_TAGS, strip_comment_tags=True,
            directory_filter=lambda d: Path(d).name not in ("locale", "__pycache__")):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def workspace_template(workspace: Workspace) -> Catalog:
    """What a workspace's catalogs translate: every built-in template string (the workspace's
    editions print them too) and the strings of its own templates, if it has any.

    Without the built-in strings a workspace with no templates of its own would get an empty
    catalog, and its language would still print the built-in templates' words in English.
    """
    pot = BUILTIN_LOCALE / f"{DOMAIN}.pot"
    builtin, _ = read_catalog(pot, str(pot), root=BUILTIN_LOCALE)
    catalog = (extract(workspace.templates_dir, python=False) if workspace.templates_dir.is_dir()
               else extract_nothing())
    for message in builtin or ():
        if message.id and catalog.get(message.id, context=message.context) is None:
            catalog.add(message.id, None, message.locations, auto_comments=message.auto_comments,
                        flags=message.flags, context=message.context)
    return catalog


def extract_nothing() -> Catalog:
    """An empty template, with the header every template of communique has."""
    from communique import __version__

    return Catalog(project="communique", version=__version__, charset="utf-8", fuzzy=False,
                   copyright_holder="", msgid_bugs_address="", header_comment=HEADER)


def builtin_translations(lang: str) -> dict:
    """The built-in catalog's translations for ``lang`` ({(msgid, context): string}), which a
    workspace catalog starts from: only its own words are then left to translate."""
    for code in _candidates(lang):
        po = po_path(BUILTIN_LOCALE, code)
        if po.is_file():
            catalog, _ = read_catalog(po, str(po), code, BUILTIN_LOCALE)
            if catalog is not None:
                return {(_key(m.id), m.context): m.string for m in catalog
                        if m.id and not m.fuzzy and _complete(m.string)}
    return {}


def _key(msgid) -> str:
    return msgid[0] if isinstance(msgid, (list, tuple)) else msgid


def _complete(string) -> bool:
    forms = string if isinstance(string, (list, tuple)) else [string]
    return bool(forms) and all(forms)


def _po_bytes(catalog: Catalog, *, template: bool = False) -> bytes:
    """The catalog as PO text. Locations name files without line numbers, so that moving a
    line in a template does not rewrite every catalog."""
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=76, sort_by_file=template, include_previous=True,
             include_lineno=False)
    return buffer.getvalue()


def _same_messages(a: Catalog, b: Catalog) -> bool:
    def key(c: Catalog):
        return [(m.id, m.context, m.string, sorted({f for f, _ in m.locations}), m.auto_comments,
                 sorted(m.flags)) for m in c if m.id]
    return key(a) == key(b)


def write_template(catalog: Catalog, pot: Path, display: str, root: Path | None = None) -> bool:
    """Write the ``.pot`` unless its messages are unchanged (no date-only churn in git)."""
    from communique.files import write_atomic

    if pot.is_file():
        old, _problems = read_catalog(pot, display, root=root)
        if old is not None and _same_messages(old, catalog):
            return False
    write_atomic(pot, _po_bytes(catalog, template=True))
    return True


@dataclass
class Updated:
    path: Path
    created: bool = False
    written: bool = False
    translated: int = 0
    fuzzy: int = 0
    untranslated: int = 0
    problems: list[Problem] = field(default_factory=list)


def update(folder: Path, template: Catalog, langs: list[str], display,
           root: Path | None = None, *, seed=None) -> list[Updated]:
    """Merge the template into every catalog under ``folder`` (and create ``langs`` missing);
    each must lie inside ``root`` (the workspace, or the built-in locale folder).

    Template strings are identified by their msgid, so Babel's own update is the right tool
    here: a changed string keeps its old translation as fuzzy, and a removed one turns obsolete.
    ``seed(lang)`` gives translations ({(msgid, context): string}) for strings a catalog has
    not translated yet (a workspace's catalogs start from the built-in ones).
    """
    from communique.files import write_atomic

    results = []
    for lang in sorted(set(catalog_languages(folder)) | {code.replace("-", "_") for code in langs}):
        po = po_path(folder, lang)
        result = Updated(po)
        if po.is_file():
            catalog, problems = read_catalog(po, display(po), lang, root or folder)
            result.problems = [p for p in problems if p.is_error and "invalid PO" in p.message]
            if catalog is None:
                result.problems += [p for p in problems if p.line == 0]  # unreadable, refused
                results.append(result)
                continue
        else:
            from communique import __version__

            catalog = Catalog(locale=lang, project="communique", version=__version__,
                              charset="utf-8", fuzzy=False, msgid_bugs_address="",
                              last_translator="", language_team=loc.name(lang),
                              header_comment=f"# {loc.name(lang)} template strings.\n#")
            result.created = True
        # a copy: Babel puts the template's own messages into the catalog, and a translation
        # filled in below would otherwise reach the next language's catalog
        catalog.update(copy.deepcopy(template), update_creation_date=False)
        _fill(catalog, seed(lang) if seed else {})
        data = _po_bytes(catalog)
        if not po.is_file() or po.read_bytes() != data:
            write_atomic(po, data)
            result.written = True
        result.translated, result.fuzzy, result.untranslated = statistics(catalog)
        results.append(result)
    return results


def _fill(catalog: Catalog, known: dict) -> None:
    """Give the untranslated messages of ``catalog`` their translation in ``known``, where it
    has the same shape (singular, or plural with the catalog's number of forms); nothing a
    translator wrote, fuzzy or not, is touched."""
    for message in catalog:
        found = known.get((_key(message.id), message.context))
        strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
        if not message.id or not found or message.fuzzy or any(strings):
            continue
        plural = isinstance(found, (list, tuple))
        if plural != isinstance(message.id, (list, tuple)):
            continue
        if plural and len(found) != catalog.num_plurals:
            continue
        message.string = tuple(found) if plural else found


def statistics(catalog: Catalog) -> tuple[int, int, int]:
    """(translated, fuzzy, untranslated), counting a plural entry translated only when every
    form is (``pybabel compile --statistics`` counts empty plural forms as translated)."""
    translated = fuzzy = untranslated = 0
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
        if message.fuzzy:
            fuzzy += 1
        elif strings and all(strings):
            translated += 1
        else:
            untranslated += 1
    return translated, fuzzy, untranslated
