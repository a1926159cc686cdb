"""Incremental builds: what each edition read, recorded in ``build/.communique-cache.json``.

An edition is rebuilt only when something it could have read changed. Its *fingerprint* joins:

- the statement's folder (``statement.yaml``, its PO files, its source libraries, images),
  leaving out files named for another language of the statement (``i18n/ru.po`` belongs to
  the Russian edition only), so a translator's edit rebuilds one edition, not all;
- the workspace's ``communique.toml``, its ``templates/`` and the built-in templates (the same
  language rule applies to template catalogs), and the names at the workspace's top level;
- every other file the edition actually opened while it was built (a workspace source library,
  a logo), recorded with an audit hook so nothing has to be declared by hand;
- communique's own code and version, the versions of the libraries that shape the output,
  and the build options that change it (``strict``, ``archive`` ...).

Reading a file's digest is cheap on a rebuild: like git, the digest recorded for a file is
reused while its size, modification time, change time and inode are unchanged. ``cp -p`` and
``rsync -t`` keep the size and the modification time but cannot keep the change time, so their
edits are seen. And like git's "racily clean" entries, a file modified within two seconds of the
moment the record is written (or later: its clock is doubtful) has its stat smudged in the record,
so the next build hashes it instead of trusting a timestamp too coarse to tell two edits apart.

The record is data from disk, which anyone with write access to ``build/`` (or an archive the
workspace came in) may have edited: :meth:`Cache.load` checks every part of it, and a record
that is odd in any way is dropped whole (a full build, one warning), never half trusted. This
module imports nothing heavy, so a build with nothing to do never loads the content model,
Jinja2 or WeasyPrint.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path, PurePath, PurePosixPath

CACHE_FILE = ".communique-cache.json"
FORMAT = 2  # 2: a file's stat is [size, mtime_ns, ctime_ns, inode] (1 had size and mtime only)
MAX_RECORD_BYTES = 256 * 1024 * 1024
# A file modified this close to the moment the record is written is "racy": its stat is smudged.
RACY_NS = 2_000_000_000
# Libraries whose version changes what an edition looks like.
LIBRARIES = ("weasyprint", "jinja2", "babel", "markdown-it-py", "pydantic", "pyyaml", "pydyf")


def _sha256(path: Path) -> str:
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


class Digests:
    """sha256 of files, keyed by absolute path; a known digest is reused while ``stat`` agrees."""

    def __init__(self, known: dict[str, list] | None = None):
        self.known: dict[str, list] = dict(known or {})
        self.used: dict[str, list] = {}  # what this run looked at: the next run's ``known``

    def of(self, path: Path) -> str | None:
        """The file's digest, or None when it does not exist (or is not a regular file).

        Files are known by their absolute path: a statement named relatively on the command
        line (``build content/a``) is the same file as the workspace's scan finds, and the
        record holds only absolute paths."""
        key = os.path.abspath(path)
        if key in self.used:
            return self.used[key][-1]
        try:
            st = os.stat(path)
        except OSError:
            return None
        if not os.path.isfile(path):
            return None
        stamp = [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]
        entry = self.known.get(key)
        if not (entry and entry[:4] == stamp):  # any doubt: hash it
            try:
                entry = [*stamp, _sha256(path)]
            except OSError:
                return None
        self.used[key] = entry
        return entry[-1]


def smudged(files: dict[str, list], now_ns: int) -> dict[str, list]:
    """``files`` as the record keeps them at ``now_ns``: a file modified within ``RACY_NS`` of
    that moment, or after it, gets an impossible size, so that the next build hashes it (git's
    rule for racily clean index entries: the same second cannot tell an edit from no edit)."""
    return {key: [-1, *entry[1:]] if max(entry[1], entry[2]) >= now_ns - RACY_NS else entry
            for key, entry in files.items()}


def _walk(folder: Path, skip: frozenset[str] = frozenset()) -> Iterator[Path]:
    """Every regular file under ``folder``, hidden ones and folders named in ``skip`` left out,
    in a stable order."""
    if not folder.is_dir():
        return
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames
                             if not d.startswith(".") and d != "__pycache__" and d not in skip)
        for name in sorted(filenames):
            if not name.startswith(".") and not name.endswith((".pyc", ".tmp")):
                yield Path(dirpath, name)


CATALOG_SUFFIXES = (".po", ".mo")


def named_for(relative: PurePath, langs: Iterable[str]) -> bool:
    """Whether a file belongs to one of ``langs`` only.

    That is a catalog named for the language (``i18n/ru.po``) or any file in a folder named
    for it (``locale/ru/LC_MESSAGES/messages.po``). Other files, whatever their name, count
    for every edition.
    """
    langs = {lang.replace("_", "-").lower() for lang in langs}
    if not langs:
        return False
    parts = list(relative.parent.parts)
    if relative.suffix in CATALOG_SUFFIXES:
        parts.append(relative.stem)
    return any(part.replace("_", "-").lower() in langs for part in parts)


class Fingerprints:
    """Computes fingerprints for one build, sharing the work that is the same for every edition."""

    def __init__(self, root: Path, builtin_templates: Path, digests: Digests,
                 options: dict | None = None, internal: Iterable[str] = ()):
        self.root = root.resolve()
        # [internal] folders: never read by a build (their files are refused), so they change
        # no edition, and their file names never reach the record kept in build/
        self.internal = frozenset(internal)
        self.build_dir = self.root / "build"
        self.builtin = builtin_templates.resolve()
        self.digests = digests
        self.options = dict(sorted((options or {}).items()))
        self._trees: dict[Path, list[tuple[str, str]]] = {}
        self._shared: str | None = None
        self._filtered: dict[tuple[Path, frozenset[str]], str] = {}

    def tree(self, folder: Path) -> list[tuple[str, str]]:
        """(relative path, digest) of every file under ``folder``, computed once a build."""
        if folder not in self._trees:
            self._trees[folder] = [(p.relative_to(folder).as_posix(), self.digests.of(p) or "")
                                   for p in _walk(folder, self.internal)]
        return self._trees[folder]

    def shared(self) -> str:
        """What every edition depends on: code, library versions, settings, top-level names."""
        if self._shared is None:
            h = hashlib.sha256()
            for item in (code_identity(self.digests), self.options):
                h.update(json.dumps(item, sort_keys=True, default=str).encode())
            h.update((self.digests.of(self.root / "communique.toml") or "-").encode())
            names = sorted(n for n in os.listdir(self.root)
                           if not n.startswith(".") and n != "build") if self.root.is_dir() else []
            h.update(json.dumps(names).encode())
            self._shared = h.hexdigest()
        return self._shared

    def statement(self, folder: Path) -> str:
        """Every file of a statement's folder: if unchanged, so is the list of its languages."""
        h = hashlib.sha256(self.shared().encode())
        h.update(json.dumps(self.tree(folder)).encode())
        return h.hexdigest()

    def edition(self, folder: Path, lang: str, langs: Iterable[str]) -> str:
        """The fixed inputs of the edition of the statement in ``folder`` in ``lang``.

        ``langs`` are the languages of the statement's editions: files named for one of them
        other than ``lang`` are left out, and the list itself counts (the web page links to
        the other languages).
        """
        langs = list(langs)
        others = {other for other in langs if other != lang}
        h = hashlib.sha256(self.shared().encode())
        h.update(lang.encode())
        h.update(json.dumps(langs).encode())
        for label, tree in (("statement", folder), ("templates", self.root / "templates"),
                            ("builtin", self.builtin)):
            h.update(self._kept(label, tree, frozenset(others)).encode())
        return h.hexdigest()

    def _kept(self, label: str, folder: Path, others: frozenset[str]) -> str:
        """The digest of ``folder``'s files but those named for ``others``: computed once a build
        for each set of other languages (the template trees are the same for every statement,
        and filtering them again for each of 500 editions was most of a no-op build)."""
        key = (folder, others)
        if key not in self._filtered:
            kept = [(name, digest) for name, digest in self.tree(folder)
                    if not (others and named_for(PurePosixPath(name), others))]
            self._filtered[key] = hashlib.sha256(json.dumps([label, kept]).encode()).hexdigest()
        return self._filtered[key]

    def inputs(self, paths: Iterable[str]) -> dict[str, str]:
        """Digests of the files an edition opened, relative to the workspace."""
        return {path: self.digests.of(self.root / path) or "" for path in sorted(set(paths))}

    def unchanged(self, recorded: dict[str, str]) -> bool:
        return all((self.digests.of(self.root / path) or "") == digest
                   for path, digest in recorded.items())

    def relevant(self, opened: Iterable[str], folder: Path) -> list[str]:
        """Of the files an edition opened, those to record: inside the workspace and not fixed.

        Files under the statement's ``folder`` and ``templates/`` are already in the fixed
        part; the build folder, hidden folders (``.venv``, ``.git``) and Python's own files
        are outputs or tools, not content.
        """
        fixed = (folder.resolve(), self.root / "templates", self.build_dir)
        kept = []
        for name in opened:
            if name.endswith((".py", ".pyc", ".so")):  # the modules imported while building
                continue
            try:
                path = Path(os.path.abspath(name)).resolve()
                relative = path.relative_to(self.root)
            except (ValueError, OSError):
                continue
            if (not relative.parts or any(path.is_relative_to(f) for f in fixed)
                    or any(p.startswith(".") or p == "__pycache__" for p in relative.parts)
                    or not path.is_file()):
                continue
            kept.append(relative.as_posix())
        return sorted(set(kept))


_identity: dict | None = None


def code_identity(digests: Digests) -> dict:
    """communique's version and a digest of its code, with the versions of its key libraries.

    The code digest makes a development checkout (where the version number stays the same
    while the code changes) rebuild after every change of communique itself.
    """
    global _identity
    if _identity is None:
        from importlib import metadata

        from communique import __version__

        package = Path(__file__).resolve().parent
        h = hashlib.sha256()
        for path in _walk(package):  # code, built-in templates and catalogs, fonts
            h.update(path.relative_to(package).as_posix().encode())
            h.update((digests.of(path) or "").encode())
        versions: dict[str, str | None] = {}
        for name in LIBRARIES:
            try:
                versions[name] = metadata.version(name)
            except metadata.PackageNotFoundError:
                versions[name] = None
        _identity = {"communique": __version__, "code": h.hexdigest(), "libraries": versions,
                     "python": sys.version_info[:2]}
    return _identity


class Cache:
    """The record in ``build/.communique-cache.json``: fingerprints and results of each edition.

    ``editions`` maps ``"<slug>/<lang>"`` to ``{"fixed", "inputs", "result"}``; ``statements``
    maps a slug to ``{"fingerprint", "langs", "path"}``; ``site`` is ``{"digest", "search",
    "files"}`` (see :mod:`communique.site`). A missing record or one of an older
    format is treated as empty: the next build is then a full one, never a wrong one. A record
    that is odd (not JSON, a part of the wrong type, a path leading anywhere but where this
    build writes and reads) is treated as empty too, and ``warning`` says why.
    """

    def __init__(self, path: Path, data: dict | None = None, warning: str | None = None):
        self.path = path
        self.warning = warning
        if isinstance(data, dict) and data.get("format") == FORMAT:
            self.warning = self.warning or odd(data, path.parent)
        if self.warning or not isinstance(data, dict) or data.get("format") != FORMAT:
            data = {}
        self.files: dict[str, list] = data.get("files", {})
        self.editions: dict[str, dict] = data.get("editions", {})
        self.statements: dict[str, dict] = data.get("statements", {})
        # The site ([site] in communique.toml): the digests it was last made from and its files.
        self.site: dict = data.get("site", {})
        # What failed in the last build of each statement or edition, for the report: a slug
        # (unreadable) maps to ``{"problems", "langs", "path"}``, ``"slug/lang"`` to
        # ``{"problems", "outputs"}`` (the outputs left in build/ by an earlier success).
        self.failures: dict[str, dict] = data.get("failures", {})

    @classmethod
    def load(cls, build_dir: Path) -> Cache:
        from communique.sandbox import Refused, read_file

        path = build_dir / CACHE_FILE
        if not os.path.lexists(path):
            return cls(path)
        try:  # by the rule for every file read: a regular file of bounded size
            data = json.loads(read_file(path, MAX_RECORD_BYTES, name=CACHE_FILE))
        except Refused as exc:
            return cls(path, warning=str(exc))
        except (ValueError, RecursionError) as exc:
            return cls(path, warning=f"not valid JSON ({type(exc).__name__})")
        if not isinstance(data, dict) or not isinstance(data.get("format"), int):
            return cls(path, warning="not a build record")
        return cls(path, data)

    def save(self, digests: Digests) -> None:
        """Write the record atomically, keeping digests of files this run did not look at."""
        from communique.files import write_atomic

        files = {**self.files, **digests.used}
        files = smudged({k: v for k, v in files.items() if os.path.exists(k)}, time.time_ns())
        data = {"format": FORMAT, "files": files, "statements": self.statements,
                "editions": self.editions, "site": self.site, "failures": self.failures}
        write_atomic(self.path, json.dumps(data, indent=1, sort_keys=True).encode("utf-8"))


_DIGEST = re.compile(r"[0-9a-f]{64}")
_KIND = re.compile(r"[a-z]{1,20}")  # a problem's kind (errors.Problem.kind)
_LANG = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*")


def _digest(value: object) -> bool:
    return isinstance(value, str) and _DIGEST.fullmatch(value) is not None


def _count(value: object, optional: bool = False) -> bool:
    if value is None:
        return optional
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _relative(value: object) -> bool:
    """A path relative to the workspace that stays inside it and out of hidden folders."""
    if not isinstance(value, str) or not value or "\\" in value or "\0" in value:
        return False
    path = PurePosixPath(value)
    return not path.is_absolute() and all(p not in ("", ".", "..") and not p.startswith(".")
                                           for p in path.parts)


def _slug(value: object) -> bool:
    from communique.workspace import slug_problem

    return (isinstance(value, str) and _relative(value) and "/" not in value
            and slug_problem(value) is None)


def odd(data: dict, build_dir: Path) -> str | None:
    """What is wrong with a record of the current format, or None when all of it is as a build
    writes it. Paths are checked hardest: an output must be exactly where the build would
    write it in ``build_dir``, an input a file inside the workspace, so that no record can make
    the report link elsewhere, a build skip itself, or the preview server watch the disk."""
    files, statements, editions = (data.get(k) for k in ("files", "statements", "editions"))
    if not (isinstance(files, dict) and isinstance(statements, dict) and isinstance(editions, dict)):
        return "'files', 'statements' and 'editions' must be tables"
    for key, entry in files.items():
        if not _file_entry(key, entry):
            return f"odd file entry {key!r}"
    for slug, entry in statements.items():
        if not _statement_entry(slug, entry):
            return f"odd statement entry {slug!r}"
    for key, entry in editions.items():
        if reason := _odd_edition(key, entry, build_dir):
            return reason
    if reason := _odd_failures(data.get("failures", {}), build_dir):
        return reason
    return _odd_site(data.get("site", {}))


def _odd_failures(failures: object, build_dir: Path) -> str | None:
    """What is odd in the failures of the last build, or None."""
    if not isinstance(failures, dict):
        return "'failures' must be a table"
    for key, entry in failures.items():
        slug, _, lang = key.partition("/")
        ok = (_slug(slug) and (not lang or _LANG.fullmatch(lang) is not None)
              and isinstance(entry, dict) and _problems(entry.get("problems")))
        if ok and lang:
            ok = set(entry) <= {"problems", "outputs"} and _outputs_in(
                entry.get("outputs", {}), build_dir / slug / lang)
        elif ok:
            langs = entry.get("langs", [])
            ok = (set(entry) <= {"problems", "langs", "path"} and _relative(entry.get("path"))
                  and isinstance(langs, list)
                  and all(isinstance(x, str) and _LANG.fullmatch(x) for x in langs))
        if not ok:
            return f"odd failure entry {key!r}"
    return None


def _file_entry(key: str, entry: object) -> bool:
    """[size, mtime, ctime, inode, digest] of a file named by its absolute path."""
    return (os.path.isabs(key) and isinstance(entry, list) and len(entry) == 5
            and all(isinstance(v, int) and not isinstance(v, bool) for v in entry[:4])
            and _digest(entry[4]))


def _statement_entry(slug: str, entry: object) -> bool:
    if not (_slug(slug) and isinstance(entry, dict) and _digest(entry.get("fingerprint"))):
        return False
    langs = entry.get("langs")
    return (isinstance(langs, list) and bool(langs)
            and all(isinstance(x, str) and _LANG.fullmatch(x) for x in langs)
            and _relative(entry.get("path")))


def _odd_edition(key: str, entry: object, build_dir: Path) -> str | None:
    slug, _, lang = key.partition("/")
    # "fixed" is None for an edition written with an error: never up to date
    if not (_slug(slug) and _LANG.fullmatch(lang) and isinstance(entry, dict)
            and (entry.get("fixed") is None or _digest(entry.get("fixed")))
            and isinstance(entry.get("inputs"), dict) and isinstance(entry.get("result"), dict)):
        return f"odd edition entry {key!r}"
    for name, digest in entry["inputs"].items():
        if not (_relative(name) and (digest == "" or _digest(digest))):
            return f"odd input {name!r} of {key!r}"
    if reason := _odd_result(entry["result"], slug, lang, build_dir):
        return f"odd result of {key!r}: {reason}"
    return None


def _odd_result(result: dict, slug: str, lang: str, build_dir: Path) -> str | None:
    if result.get("slug") != slug or result.get("lang") != lang:
        return "another edition's"
    if (reason := _odd_listing(result.get("listing"))) is not None:
        return reason
    checks = ((_outputs_in(result.get("outputs", {}), build_dir / slug / lang),
               "an output is not where the build writes it"),
              (_strings(result.get("attachments", [])), "odd attachments"),
              (all(_count(result.get(k), optional=k in ("units", "fallbacks"))
                   for k in ("pages", "notes", "units", "fallbacks")), "a count is not a number"),
              (_seconds(result.get("seconds", 0.0)), "a time is not a number"),
              (_problems(result.get("problems", [])), "odd problems"))
    return next((reason for ok, reason in checks if not ok), None)


def _outputs_in(outputs: object, out: Path) -> bool:
    """Every output a file of the edition's own folder, as every output writes it."""
    folder = str(out)
    return isinstance(outputs, dict) and all(
        isinstance(name, str) and isinstance(where, str) and os.path.isabs(where)
        and os.path.dirname(where) == folder and not os.path.basename(where).startswith(".")
        for name, where in outputs.items())


def _strings(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(a, str) for a in value)


def _seconds(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value >= 0


def _problems(value: object) -> bool:
    return isinstance(value, list) and all(
        isinstance(p, list) and len(p) in (5, 6) and isinstance(p[0], str) and _count(p[1])
        and _count(p[2]) and isinstance(p[3], str) and p[4] in ("error", "warning")
        and (len(p) == 5 or (isinstance(p[5], str) and _KIND.fullmatch(p[5]) is not None))
        for p in value)


LISTING_TEXT = ("type", "date", "title", "summary")  # the texts every listing has
LISTING_OPTIONAL = ("reference", "embargo")
LISTING_FLAGS = ("draft", "fallback")


def _odd_listing(listing: object) -> str | None:
    """What is wrong with an edition's listing (what the site shows of it), or None. Its texts
    are escaped wherever they are printed; here they must only have the shape the build writes."""
    if listing is None:
        return None
    if not isinstance(listing, dict):
        return "odd listing"
    if not (all(isinstance(listing.get(k), str) for k in LISTING_TEXT)
            and all(listing.get(k) is None or isinstance(listing.get(k), str)
                    for k in LISTING_OPTIONAL)
            and all(isinstance(listing.get(k), bool) for k in LISTING_FLAGS)
            and isinstance(listing.get("keywords"), list)
            and all(isinstance(k, str) for k in listing["keywords"])
            and _digest(listing.get("page"))
            and re.fullmatch(r"\d{4}-\d{2}-\d{2}", listing["date"])):
        return "odd listing"
    return None


def _odd_site(site: object) -> str | None:
    """What is wrong with the record of the site's own files, or None: each a path inside
    build/ that is not hidden (a later build removes those it no longer makes)."""
    if not isinstance(site, dict):
        return "'site' must be a table"
    if not all(site.get(k) is None or _digest(site.get(k)) for k in ("digest", "search")):
        return "odd site digest"
    files = site.get("files", [])
    if not (isinstance(files, list) and all(_relative(f) for f in files)):
        return "odd site file"
    return None


# Recording the files an edition opens. An audit hook cannot be removed once added, so one
# hook is added per process and records only while ``recording`` is active in this thread.
_local = threading.local()
_hooked = False


def _audit(event: str, args: tuple) -> None:
    if event != "open":
        return
    opened = getattr(_local, "opened", None)
    if opened is None:
        return
    path, mode, flags = args
    if isinstance(path, int | bytes) or path is None:
        return
    if mode is not None:
        if any(c in mode for c in "wax+"):
            return
    elif isinstance(flags, int) and flags & (os.O_WRONLY | os.O_RDWR):
        return
    opened.add(os.fspath(path))


@contextmanager
def recording() -> Iterator[set[str]]:
    """Collect the paths of files opened for reading in this thread inside the block."""
    global _hooked
    if not _hooked:
        sys.addaudithook(_audit)
        _hooked = True
    previous = getattr(_local, "opened", None)
    _local.opened = opened = set[str]()
    try:
        yield opened
    finally:
        _local.opened = previous
        if previous is not None:
            previous |= opened
