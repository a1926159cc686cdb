"""Bad and hostile input: only located problems, never a traceback, and nothing lost.

Property-based tests feed arbitrary text and arbitrary YAML to the loader, the schema and the
Markdown/citation parser. The YAML attacks (billion laughs, duplicate keys, deep nesting,
endless files) and the "nothing lost" guarantees (a crashed edition, a killed build) follow.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import signal
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from communique.cli import main
from communique.content import read_statement
from communique.content.load import MAX_BYTES, MAX_DEPTH, load_yaml
from communique.content.markup import InlineCites, NoteMark, link_problem, parse
from communique.content.model import Source
from communique.document import build_document
from communique.errors import ContentError
from communique.files import remove_stale_temporaries, write_atomic
from communique.render.html import render
from communique.workspace import Workspace
from conftest import GOOD
from notes_helper import note_html

ROOT = Path(__file__).resolve().parent.parent
FUZZ = settings(max_examples=150, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])



# --- what safe HTML from content looks like ------------------------------------------------

CONTENT_TAGS = {"p", "a", "em", "strong", "code", "br", "ul", "ol", "li", "blockquote", "pre",
                "hr", "h1", "h2", "h3", "h4", "h5", "h6", "wbr",
                "span"}  # <span class="url-hyphen">: a URL's hyphen held to its next letter


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def tags(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Tags()
    parser.feed(html)
    parser.close()
    return parser.found


def assert_safe_fragment(html: str) -> None:
    """Content HTML: only Markdown's own tags, links with safe targets, nothing else."""
    for tag, attrs in tags(html):
        assert tag in CONTENT_TAGS, (tag, html)
        for name, value in attrs.items():
            assert name in {"href", "class", "start"}, (tag, name, html)
            if name == "href":
                assert link_problem(value or "") is None, (value, html)


def assert_located(problems, lines: int) -> None:
    for p in problems:
        assert p.line <= lines + 1 and p.column >= 0 and p.message, p
        assert "Traceback" not in p.message


# --- property-based: the loader, the schema, the parser ------------------------------------

MARKUP = st.text(alphabet=st.sampled_from(list("[]^@;,()<>!*_`\\#:/ \n\tabcp.0123456789\"'&|-")),
                 max_size=80)
ANY_TEXT = st.one_of(MARKUP, st.text(max_size=120), st.sampled_from([
    "[x](javascript:alert(1))", "^[note [@a] ^[inner]]", "[see @a, p. 4; @b]", "<script>x</script>",
    "[@a", "^[", "![i](file:///etc/passwd)", "\\[@a]", "`[@a]`", "[x]: javascript:y\n\n[x]",
    "[@a, [x](javascript:z)]", "<https://ok.example>", "[a]\n\n[a]: data:x", "\ue002 0\ue003",
]))


@FUZZ
@given(text=ANY_TEXT, block=st.booleans())
def test_markup_parse_never_raises_and_emits_only_safe_html(text, block):
    rich, problems = parse(text, block=block)
    for p in problems:
        assert 0 <= p.offset <= len(text), (p, text)
        assert p.message
    sources = {}
    for part in rich:
        if isinstance(part, str):
            assert_safe_fragment(part)
        elif isinstance(part, NoteMark):
            keys = [c.key for c in part.cites]
            keys += [c.key for sub in part.text if isinstance(sub, InlineCites) for c in sub.cites]
            sources.update({k: Source(url="https://example.org/" + k.replace("#", "")) for k in keys})
            # the note as it will be printed: prefixes, suffixes and free text rendered too
            assert_safe_fragment(str(note_html(part, sources)))


@FUZZ
@given(text=st.one_of(st.text(max_size=300), st.binary(max_size=300).map(
    lambda b: b.decode("utf-8", "replace"))))
def test_loader_on_arbitrary_text_gives_only_located_errors(text):
    try:
        located = load_yaml(Path("fuzz.yaml"), text=text)
    except ContentError as exc:
        assert exc.problems
        assert_located(exc.problems, text.count("\n") + 1)
        return
    assert isinstance(located.data, (dict, list, str, int, float, bool, dt.date, bytes, type(None)))


yaml_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
                         st.dates(), ANY_TEXT)
yaml_values = st.recursive(
    yaml_scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(st.text(max_size=12), inner, max_size=4)),
    max_leaves=20)
FIELDS = ["type", "lang", "date", "reference", "title", "subtitle", "opening", "sections", "calls",
          "background", "sources", "id", "place", "incidents", "text", "url", "heading", "body"]


@st.composite
def statement_documents(draw) -> str:
    """YAML statements: a valid skeleton with arbitrary values, fields and shapes mixed in."""
    doc = yaml.safe_load(GOOD)
    doc["sections"] = [{"id": "one", "body": "Body [@src-a].",
                        "incidents": [{"id": "i", "date": dt.date(2020, 9, 27), "place": "P",
                                       "reported_by": "R", "text": "T"}]}]
    doc["calls"] = [{"id": "c", "addressees": ["A"], "demands": ["D"]}]
    holders = {"top": doc, "section": doc["sections"][0],
               "incident": doc["sections"][0]["incidents"][0], "call": doc["calls"][0],
               "source": doc["sources"]["src-a"]}
    for _ in range(draw(st.integers(0, 4))):
        holder = holders[draw(st.sampled_from(sorted(holders)))]
        key = draw(st.one_of(st.sampled_from(FIELDS), st.text(max_size=8)))
        holder[key] = draw(yaml_values)
    text = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)
    if draw(st.booleans()):  # and sometimes damage the text itself
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.text(max_size=6)) + text[at + draw(st.integers(0, 4)):]
    return text


@pytest.fixture(scope="module")
def scratch():
    with tempfile.TemporaryDirectory() as folder:
        yield Path(folder)


@FUZZ
@given(text=st.one_of(statement_documents(), yaml_values.map(
    lambda v: yaml.safe_dump(v, allow_unicode=True))))
def test_arbitrary_statements_give_located_errors_or_safe_html(text, scratch):
    path = scratch / "statement.yaml"
    path.write_text(text, encoding="utf-8")
    try:
        statement, located = read_statement(path, "statement.yaml")
    except ContentError as exc:
        assert_located(exc.problems, text.count("\n") + 1)
        return
    doc, problems = build_document(statement, located)
    assert_located(problems, text.count("\n") + 1)
    if any(p.is_error for p in problems):
        return
    html = render(doc, Workspace(scratch), "web").html
    for tag, attrs in tags(html):
        assert tag not in {"script", "iframe", "object", "embed", "img"}, tag
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        if "href" in attrs:
            assert link_problem(attrs["href"] or "") is None, attrs


# --- YAML attacks ---------------------------------------------------------------------------

BILLION_LAUGHS = """\
lol0: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
lol1: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
lol2: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
lol3: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
lol4: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
lol5: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
lol6: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
lol7: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
lol8: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
title: *i
"""


def test_billion_laughs_is_refused_at_the_first_alias():
    with pytest.raises(ContentError) as caught:
        load_yaml(Path("bomb.yaml"), text=BILLION_LAUGHS)
    (problem,) = caught.value.problems
    assert (problem.line, problem.column) == (2, 11)  # the first "*a"
    assert "aliases (*name) are not allowed" in problem.message


def test_duplicate_key_names_both_places_in_one_run(workspace):
    text = GOOD + textwrap.dedent("""\
        sections:
          - id: one
            body: First.
            heading: One
            body: Second.
        """) + "sources:\n  other:\n    url: https://example.org/b\n"
    workspace({"dup": text})
    result = CliRunner().invoke(main, ["check"])
    assert result.exit_code == 1
    lines = [line for line in result.stderr.splitlines() if ": error: " in line]
    assert lines == [
        "content/dup/statement.yaml:13:5: error: duplicate key 'body' (first defined at line 11, "
        "column 5); YAML would silently keep only the last one",
        "content/dup/statement.yaml:14:1: error: duplicate key 'sources' (first defined at line 6, "
        "column 1); YAML would silently keep only the last one",
    ]


@pytest.mark.parametrize("text, line, col, message", [
    ("title: " + "[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5) + "\n", 1, 7 + MAX_DEPTH,
     f"nested more than {MAX_DEPTH} levels deep"),
    ("a:\n" + "".join("  " * i + "- \n" for i in range(1, 200)), None, None, "nested more than"),
    ("base: &b {a: 1}\nother:\n  <<: *b\n", 3, 7, "aliases"),
    ("title: !!python/object/apply:os.system [echo hi]\n", 1, 8, "tag 'tag:yaml.org,2002:python/"),
    ("title: !!python/name:os.system ''\n", 1, 8, "could not determine a constructor"),
    ("sources: !!set {a, b}\n", 1, 10, "tag 'tag:yaml.org,2002:set' is not allowed"),
    ("title: !!timestamp yesterday\n", 1, 8, "not a valid timestamp"),
    ("date: 2020-02-30\n", 1, 7, "day is out of range"),
    ("title: \"bell \\a\"\nopening: \x07\n", 2, 10, "U+0007 is not allowed"),
    ("title: \"\\ue002 0\\ue003\"\n", 1, 9, "reserved for communique's own placeholders"),
    ("title: x \ue0020\ue003\n", 1, 10, "reserved for communique's own placeholders"),
    ("? [a, b]\n: c\n", 1, 3, "a key must be plain text"),
])
def test_hostile_yaml_gives_one_located_error(text, line, col, message):
    with pytest.raises(ContentError) as caught:
        load_yaml(Path("x.yaml"), text=text)
    problem = caught.value.problems[0]
    assert message in problem.message
    if line is not None:
        assert (problem.line, problem.column) == (line, col)


def test_oversized_file_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "statement.yaml"
    with open(path, "wb") as f:
        f.truncate(MAX_BYTES + 1)  # sparse: costs no disk, reading it would cost memory
    with pytest.raises(ContentError) as caught:
        load_yaml(path)
    assert "limit is 2,097,152" in str(caught.value)


def _within(seconds: float, function):
    """Run ``function`` in a daemon thread: a blocking read fails the test instead of hanging it."""
    outcome: list = []
    thread = threading.Thread(target=lambda: outcome.append(_catch(function)), daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), "the read blocked or never ended"
    return outcome[0]


def _catch(function):
    try:
        return function()
    except Exception as exc:
        return exc


@pytest.mark.parametrize("kind", ["fifo", "urandom", "zero"])
def test_endless_or_blocking_files_are_refused(tmp_path, kind):
    path = tmp_path / "statement.yaml"
    if kind == "fifo":
        os.mkfifo(path)
    else:
        path.symlink_to(f"/dev/{kind}")
    outcome = _within(10, lambda: load_yaml(path, "statement.yaml"))
    assert isinstance(outcome, ContentError), outcome
    assert str(outcome) == "statement.yaml: error: not a regular file"


def test_invalid_utf8_is_located(tmp_path):
    path = tmp_path / "statement.yaml"
    path.write_bytes(b"title: ok\nopening: caf\xe9\n")
    with pytest.raises(ContentError) as caught:
        load_yaml(path, "s.yaml")
    assert str(caught.value) == "s.yaml:2:13: error: file is not valid UTF-8"


# --- nothing lost ----------------------------------------------------------------------------

def _statement(title: str, paragraphs: int = 0) -> str:
    body = "".join(f"    Paragraph {i} of a long report, with a citation of its source.[@src-a]"
                   f" {'Words that fill the line. ' * 12}\n\n" for i in range(paragraphs))
    sections = f"sections:\n  - id: long\n    body: |\n{textwrap.indent(body, '  ')}" if body else ""
    return GOOD.replace("title: A statement", f"title: {title}") + sections


def test_a_failing_edition_does_not_stop_the_others(workspace):
    """b's PDF cannot be written (a folder stands at its path): a and c are still built, the
    failure is a one-line problem naming b's statement, and the exit status says so."""
    root = workspace({"a": _statement("A"), "b": _statement("B"), "c": _statement("C")})
    (root / "build" / "b" / "en" / "b-en.pdf").mkdir(parents=True)
    result = CliRunner().invoke(main, ["build"])
    assert result.exit_code == 1
    assert "Traceback" not in result.stderr
    (error,) = [line for line in result.stderr.splitlines() if ": error: " in line]
    assert error.startswith("content/b/statement.yaml: error: the en edition could not be built "
                            "(IsADirectoryError: ")
    assert error.endswith("its previous output is left as it was")
    assert "failed: b" in result.stderr and "1 error(s)" in result.stderr
    for slug in "ac":
        PdfReader(root / "build" / slug / "en" / f"{slug}-en.pdf")
    assert not list((root / "build").rglob("*.tmp"))


def test_a_failed_write_leaves_the_old_output_and_no_temporary(workspace):
    root = workspace({"a": _statement("A"), "b": _statement("B")})
    assert CliRunner().invoke(main, ["build"]).exit_code == 0
    out = root / "build" / "a" / "en"
    old_pdf = (out / "a-en.pdf").read_bytes()
    (out / "index.html").unlink()
    (out / "index.html").mkdir()  # the rename into place will fail
    (root / "content" / "a" / "statement.yaml").write_text(_statement("A, revised"))
    result = CliRunner().invoke(main, ["build"])
    assert result.exit_code == 1
    assert "content/a/statement.yaml: error: the en edition could not be built (IsADirectoryError" \
        in result.stderr
    assert "failed: a" in result.stderr
    pdf = (out / "a-en.pdf").read_bytes()
    assert pdf == old_pdf or "a, revised" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text().lower()
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]


WRITER = """
import sys
from pathlib import Path
from communique.files import write_atomic
target = Path(sys.argv[1])
payloads = [Path(p).read_bytes() for p in sys.argv[2:]]
print("ready", flush=True)
i = 0
while True:
    write_atomic(target, payloads[i % len(payloads)])
    i += 1
"""


@pytest.mark.slow
def test_write_atomic_killed_at_random_moments_never_leaves_a_partial_file(tmp_path):
    sizes = (24 << 20, 16 << 20)
    payloads = [tmp_path / f"p{i}" for i in range(2)]
    for i, (path, size) in enumerate(zip(payloads, sizes, strict=True)):
        path.write_bytes(bytes([65 + i]) * size)
    expected = {p.read_bytes() for p in payloads}
    target = tmp_path / "out" / "doc.pdf"
    write_atomic(target, payloads[0].read_bytes())
    left_behind = 0
    for attempt in range(8):
        child = subprocess.Popen([sys.executable, "-c", WRITER, str(target), *map(str, payloads)],
                                 stdout=subprocess.PIPE)
        assert child.stdout.readline().strip() == b"ready"
        time.sleep(0.05 + 0.045 * attempt)
        child.send_signal(signal.SIGKILL)
        child.wait()
        assert target.read_bytes() in expected
        stray = [p for p in target.parent.iterdir() if p != target]
        assert all(p.name.startswith(".doc.pdf.") and p.name.endswith(".tmp") for p in stray)
        left_behind += len(stray)
    write_atomic(target, b"final")  # the next write clears what dead writers left
    assert [p.name for p in target.parent.iterdir()] == ["doc.pdf"]
    print(f"temporaries left by killed writers: {left_behind}")


def test_stale_temporaries_of_live_processes_are_kept(tmp_path):
    mine = tmp_path / f".x.pdf.{os.getpid()}.abc.tmp"
    dead = tmp_path / ".x.pdf.999999999.abc.tmp"
    other = tmp_path / ".notes.txt"
    for p in (mine, dead, other):
        p.write_text("x")
    remove_stale_temporaries(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([mine.name, other.name])


def _wait_for(condition, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def _run(command: list[str], cwd: Path) -> None:
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


@pytest.mark.slow
def test_sigkill_during_pdf_render_leaves_earlier_outputs_readable(workspace):
    """A build killed while printing the second statement: the first is new and whole, the
    second keeps its previous PDF, and the next build finishes and leaves no temporaries."""
    root = workspace({"a-first": _statement("First"), "b-long": _statement("Long", 120),
                      "c-last": _statement("Last")})
    command = [str(ROOT / ".venv" / "bin" / "communique"), "build"]
    if not Path(command[0]).exists():
        command = [sys.executable, "-m", "communique", "build"]
    _run(command, root)
    out = {slug: root / "build" / slug / "en" for slug in ("a-first", "b-long", "c-last")}
    before = {slug: (folder / f"{slug}-en.pdf").read_bytes() for slug, folder in out.items()}

    for slug, title in (("a-first", "First, revised"), ("b-long", "Long, revised")):
        text = _statement(title, 120 if slug == "b-long" else 0)
        (root / "content" / slug / "statement.yaml").write_text(text)
    a_html = out["a-first"] / "index.html"
    old_html = a_html.read_bytes()
    # its own process group, so that the kill takes the build's worker processes with it
    build = subprocess.Popen(command, cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             start_new_session=True)
    try:
        _wait_for(lambda: a_html.read_bytes() != old_html, 60)  # a-first is done: b-long prints
        time.sleep(0.4)
        assert build.poll() is None, "the build finished before it could be killed"
    finally:
        os.killpg(build.pid, signal.SIGKILL)
        build.wait()
    time.sleep(0.2)

    new_a = (out["a-first"] / "a-first-en.pdf").read_bytes()
    assert new_a != before["a-first"]
    assert "first, revised" in PdfReader(io.BytesIO(new_a)).pages[0].extract_text().lower()
    assert (out["b-long"] / "b-long-en.pdf").read_bytes() == before["b-long"]
    assert len(PdfReader(out["b-long"] / "b-long-en.pdf").pages) > 5
    assert (out["c-last"] / "c-last-en.pdf").read_bytes() == before["c-last"]
    for folder in out.values():  # killed writes leave only hidden temporaries
        names = {p.name for p in folder.iterdir()}
        assert {f"{folder.parent.name}-en.pdf", "index.html"} <= names
        assert not [n for n in names if n.endswith(".tmp") and not n.startswith(".")]

    _run(command, root)
    assert "long, revised" in PdfReader(out["b-long"] / "b-long-en.pdf").pages[0].extract_text().lower()
    assert not list((root / "build").rglob(".*.tmp"))
