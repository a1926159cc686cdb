"""The build report, ``build/index.html``: every edition at a glance before publication.

One card an edition (statement x language): its first page as an image when the build made
one (``<slug>-<lang>.png`` beside the PDF), page and note counts, how complete its translation
is, its warnings, and links to the web page and the PDF. It is made from the record of the
last build (``build/.communique-cache.json``), so it costs nothing to remake after a build that
rebuilt nothing, and it lists every edition built so far, not only those of the last run.

The report is a plain page with no script, and everything taken from content is escaped.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

if TYPE_CHECKING:
    from communique.cache import Cache
    from communique.workspace import Workspace

REPORT = "index.html"
SITE_REPORT = "report.html"  # when build/ is the organisation's site, index.html is its home


def report_path(workspace: Workspace) -> Path:
    """Where the build report is: ``build/index.html``, or ``build/report.html`` when
    ``[site]`` makes build/ a website (never linked from it, nor listed in its sitemap)."""
    name = SITE_REPORT if workspace.settings.site is not None else REPORT
    return workspace.build_dir / name
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.S | re.I)


@dataclass
class Row:
    """One edition as the report shows it."""

    slug: str
    lang: str
    title: str = ""
    pages: int = 0
    notes: int = 0
    # output name -> its link relative to build/index.html, percent-encoded
    outputs: dict[str, str] = field(default_factory=dict)
    image: str | None = None
    seconds: float = 0.0
    # Translation completeness, when the build reports it: units shown in the source language
    # instead of translated (``fallbacks``) out of ``units``. None: not known (or the source).
    fallbacks: int | None = None
    units: int | None = None
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    attachments: list[str] = field(default_factory=list)  # what its PDF carries (archive mode)
    # Its last build failed (the edition's, or its statement could not be read): why, and
    # whether ``outputs`` are then what an earlier build left (out of date).
    failure: list[str] = field(default_factory=list)
    stale: bool = False

    @property
    def html(self) -> str | None:
        return self.outputs.get("web")

    @property
    def pdf(self) -> str | None:
        return self.outputs.get("print")


def rows(workspace: Workspace, record: Cache) -> list[Row]:
    """The editions in the record whose statement still exists, sorted by statement and language."""
    out = []
    unread = failed_statements(workspace, record)
    for key, entry in sorted(record.editions.items()):
        slug, _, lang = key.partition("/")
        if slug in unread:  # its last build could not read it: what build/ has is from before
            if lang in record.failures[slug].get("langs", ()):
                row = _row(workspace, slug, lang, entry.get("result", {}))
                row.stale, row.failure = bool(row.outputs), unread[slug]
                out.append(row)
            continue
        statement = record.statements.get(slug, {})
        if lang not in statement.get("langs", ()) or not (
                workspace.root / statement.get("path", "-")).is_file():
            continue  # a statement or translation removed since
        out.append(_row(workspace, slug, lang, entry.get("result", {})))
    for key, failure in sorted(record.failures.items()):
        slug, _, lang = key.partition("/")
        statement = record.statements.get(slug, {})
        if not lang or key in record.editions or lang not in statement.get("langs", ()) or not (
                workspace.root / statement.get("path", "-")).is_file():
            continue
        row = _row(workspace, slug, lang, {"outputs": failure.get("outputs", {})})
        row.stale, row.failure = bool(row.outputs), _messages(failure.get("problems", []))[0]
        out.append(row)
    return sorted(out, key=lambda r: (r.slug, r.lang))


def failed_statements(workspace: Workspace, record: Cache) -> dict[str, list[str]]:
    """The statements (still there) that the last build could not read, with the errors why."""
    found = {}
    for key, failure in sorted(record.failures.items()):
        if "/" not in key and (workspace.root / failure.get("path", "-")).is_file():
            found[key] = _messages(failure.get("problems", []))[0]
    return found


def _messages(problems: list) -> tuple[list[str], list[str]]:
    """The errors and the warnings of recorded problems, as ``path:line:col: message``."""
    errors: list[str] = []
    warnings: list[str] = []
    for path, line, column, message, severity, *_kind in problems:
        where = f"{path}:{line}:{column}" if line else path
        (errors if severity == "error" else warnings).append(f"{where}: {message}")
    return errors, warnings


def _row(workspace: Workspace, slug: str, lang: str, data: dict) -> Row:
    """One edition's row from its recorded result."""
    build = workspace.build_dir
    row = Row(slug, lang, pages=data.get("pages", 0), notes=data.get("notes", 0),
              seconds=data.get("seconds", 0.0), fallbacks=data.get("fallbacks"),
              units=data.get("units"), attachments=list(data.get("attachments", [])))
    files = {name: Path(value) for name, value in (data.get("outputs") or {}).items()
             if isinstance(value, str) and value}
    for name, path in files.items():
        href = _relative(path, build) if path.is_file() else None
        if href:
            row.outputs[name] = href
    if "print" in row.outputs:
        image = files["print"].with_suffix(".png")
        if image.is_file():
            row.image = _relative(image, build)
    if row.html:  # the listing has it, with no page to read (a no-op build stays quick)
        row.title = (data.get("listing") or {}).get("title") or _title(files["web"])
    row.errors, row.warnings = _messages(data.get("problems", []))
    return row


def _relative(path: Path, base: Path) -> str | None:
    """The link to a file of ``build/`` from the report: the one rule for the report's links.

    Only files inside ``base`` get one (never ``file://``: the record may say anything). Each
    segment is percent-encoded, so that a statement folder named ``a#b?c=d`` still links to
    itself and one named ``javascript:alert(1)`` is a path, not a scheme.
    """
    try:
        relative = path.resolve().relative_to(base.resolve())
    except (ValueError, OSError, RuntimeError):
        return None
    return "/".join(quote(part, safe="") for part in relative.parts) or None


def _title(page: Path) -> str:
    try:
        with open(page, encoding="utf-8", errors="replace") as f:
            head = f.read(65536)
    except OSError:
        return ""
    m = _TITLE.search(head)
    return " ".join(html.unescape(m.group(1)).split()) if m else ""


def _language(lang: str) -> str:
    """The language's English name, from the English locale data alone (loading each
    language's own data would cost more than the rest of a build with nothing to do)."""
    try:
        from babel import Locale

        names = Locale("en").languages
    except (ImportError, ValueError, LookupError):
        return lang
    code = lang.replace("-", "_")
    return names.get(code) or names.get(code.split("_")[0]) or lang


def _translation(row: Row, source: str | None) -> str:
    if row.lang == source:
        return "source"
    if row.fallbacks is None:
        return "—"
    if row.units:
        done = row.units - row.fallbacks
        return f"{done}/{row.units} ({100 * done // row.units} %)"
    return "complete" if row.fallbacks == 0 else f"{row.fallbacks} in source language"


CSS = """
body { font: 15px/1.45 system-ui, sans-serif; margin: 2rem; color: #111; }
h1 { font-size: 1.4rem; margin: 0 0 .2rem; }
h2 { font-size: 1.1rem; margin: 2rem 0 .6rem; border-bottom: 1px solid #ccc; }
.summary { color: #555; margin: 0 0 1rem; }
.editions { display: grid; grid-template-columns: repeat(auto-fill, minmax(15rem, 1fr)); gap: 1rem; }
.edition { border: 1px solid #ccc; border-radius: 4px; padding: .75rem; }
.edition img, .edition .noimage { display: block; width: 100%; aspect-ratio: 210 / 297;
  object-fit: contain; object-position: top; border: 1px solid #eee; background: #fafafa; }
.noimage { display: flex; align-items: center; justify-content: center; color: #888; }
.edition h3 { font-size: 1rem; margin: .5rem 0 .25rem; }
dl { display: grid; grid-template-columns: auto 1fr; gap: 0 .75rem; margin: .25rem 0; }
dt { color: #555; } dd { margin: 0; }
.warn { color: #8a5a00; } .error { color: #b00020; }
details li, .failure li { font-family: ui-monospace, monospace; font-size: .8rem;
  overflow-wrap: anywhere; }
.failure { border-left: 4px solid #b00020; background: #fdecee; color: #5c0010; padding: .4rem .75rem;
  margin: 0 0 .75rem; }
.failure p { margin: 0; } .failure ul { margin: .25rem 0 0; padding-left: 1.2rem; }
.stale img, .stale .noimage { opacity: .45; }
"""


def render_report(workspace: Workspace, record: Cache) -> str:
    """The report page as HTML text."""
    from communique.outputs import registry

    esc = html.escape
    labels = {name: output.label for name, output in registry().items()}
    all_rows = rows(workspace, record)
    unread = failed_statements(workspace, record)
    warnings = sum(len(r.warnings) for r in all_rows)
    failed = len(unread) + sum(bool(r.failure) for r in all_rows if r.slug not in unread)
    parts = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             '<meta name="robots" content="noindex">', "<title>Build report</title>",
             f"<style>{CSS}</style>", "</head>", "<body>",
             "<h1>Build report</h1>",
             f'<p class="summary">{len(all_rows)} edition(s) of '
             f'{len({r.slug for r in all_rows})} statement(s); {sum(r.pages for r in all_rows)} '
             f"page(s); {warnings} warning(s)"
             f"{f'; <strong class=error>{failed} failed in the last build</strong>' if failed else ''}"
             ".</p>"]
    for slug in sorted({*(r.slug for r in all_rows), *unread}):
        group = [r for r in all_rows if r.slug == slug]
        source = (record.statements.get(slug, {}).get("langs")
                  or record.failures.get(slug, {}).get("langs") or [None])[0]
        parts.append(f'<section><h2 id="{esc(slug)}">{esc(slug)}</h2>')
        if slug in unread:
            parts.append(_failure("The last build could not read this statement", unread[slug],
                                  bool(group)))
        parts.append('<div class="editions">')
        parts += [_edition(r, source, labels, told=slug in unread) for r in group]
        parts.append("</div></section>")
    parts += ["</body>", "</html>", ""]
    return "\n".join(parts)


def _failure(what: str, errors: list[str], stale: bool) -> str:
    """Why the last build failed, shown in full: a failure is never one line in a summary."""
    esc = html.escape
    items = "".join(f"<li>{esc(m)}</li>" for m in errors[:3])
    if len(errors) > 3:  # (72 untranslated texts under --strict: the rest one click away)
        items += (f"<li><details><summary>{len(errors) - 3} more</summary><ul>"
                  + "".join(f"<li>{esc(m)}</li>" for m in errors[3:]) + "</ul></details></li>")
    after = (" The outputs below are from an earlier build and <strong>out of date</strong>."
             if stale else "")
    return f'<div class="failure"><p><strong>{esc(what)}.</strong>{after}</p><ul>{items}</ul></div>'


def _edition(r: Row, source: str | None, labels: dict[str, str], told: bool = False) -> str:
    """One edition's card: its first page, title, counts, links to its outputs, problems; a
    failure of its last build first (unless ``told`` above, for its whole statement)."""
    esc = html.escape
    label = f"{_language(r.lang)} ({r.lang})"
    image = (f'<img src="{esc(r.image)}" alt="First page of the {esc(label)} edition">'
             if r.image else '<div class="noimage">no page image</div>')
    if r.pdf:
        image = f'<a href="{esc(r.pdf)}">{image}</a>'
    links = " · ".join(f'<a href="{esc(href)}">{esc(labels.get(name, name))}</a>'
                       for name, href in r.outputs.items())
    issues = ""
    if r.errors or r.warnings:
        items = "".join(f'<li class="error">{esc(m)}</li>' for m in r.errors)
        items += "".join(f'<li class="warn">{esc(m)}</li>' for m in r.warnings)
        issues = (f"<details><summary>{len(r.errors)} error(s), {len(r.warnings)} "
                  f"warning(s)</summary><ul>{items}</ul></details>")
    warn_class = ' class="warn"' if r.warnings else ""
    attached = (f"<dt>attached to the PDF</dt><dd>{esc(', '.join(r.attachments))}</dd>"
                if r.attachments else "")
    failure = ""
    if r.failure and not told:
        failure = _failure("The last build of this edition failed", r.failure, r.stale)
    elif r.stale:
        failure = '<p class="failure"><strong>Out of date</strong>: from an earlier build.</p>'
    stale = " stale" if r.stale else ""
    return (f'<article class="edition{stale}" id="{esc(r.slug)}-{esc(r.lang)}">{failure}{image}'
            f'<h3 dir="auto" lang="{esc(r.lang)}">{esc(r.title or r.slug)}</h3>'
            f"<dl><dt>language</dt><dd>{esc(label)}</dd>"
            f"<dt>pages</dt><dd>{r.pages}</dd><dt>notes</dt><dd>{r.notes}</dd>"
            f"<dt>translation</dt><dd>{esc(_translation(r, source))}</dd>"
            f"<dt>warnings</dt><dd{warn_class}>{len(r.warnings)}</dd>"
            f"<dt>build time</dt><dd>{r.seconds:.2f} s</dd>{attached}</dl>"
            f"<p>{links}</p>{issues}</article>")


def write_report(workspace: Workspace, record: Cache) -> Path:
    """Write the report (:func:`report_path`) atomically, only when it changed."""
    from communique.files import write_atomic

    path = report_path(workspace)
    data = render_report(workspace, record).encode("utf-8")
    try:
        same = path.read_bytes() == data
    except OSError:
        same = False
    if not same:
        write_atomic(path, data)
    return path
