"""communique's build benchmark: writes the table in docs/benchmarks.md.

    make bench                      # or: .venv/bin/python benchmarks/run.py [--runs 5]

Every figure is the median of ``--runs`` runs of a whole process (``communique build`` or a
bare WeasyPrint script started afresh), measured in a copy of the example workspace made in a
temporary folder. Wall time is measured around the process; peak memory is the process's
largest resident set (``getrusage(RUSAGE_CHILDREN).ru_maxrss`` in a fresh meter process).
Ratios compare figures measured in the same run, on the same machine, so they travel better
than the absolute times.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = "nagorno-karabakh-2020"
PY = sys.executable
CLI = [PY, "-m", "communique"]
MIN_EDITIONS = 8
# An installed communique has its bytecode compiled (pip does it at install time). A shell that
# forbids writing bytecode would make every measured process compile its ~40 modules afresh
# (≈ 0.1 s, a fifth of a no-op build), which no user pays: the runs below may write it.
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)

# Runs a command and prints its wall time and peak memory (this meter process is fresh each
# time, so RUSAGE_CHILDREN holds only the command and the processes it waited for).
METER = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
seconds = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
peak, cpu = usage.ru_maxrss, usage.ru_utime + usage.ru_stime
print(json.dumps({"seconds": seconds, "peak_kb": peak, "cpu": cpu, "code": done.returncode,
                  "stdout": done.stdout.decode(errors="replace"),
                  "stderr": done.stderr.decode(errors="replace")[-2000:]}))
"""

# Bare WeasyPrint: the same final HTML and the same PDF options (tagged PDF/UA), nothing else.
BARE = """
import pickle, sys
from weasyprint import HTML
html, base_url, options = pickle.load(open(sys.argv[1], "rb"))
HTML(string=html, base_url=base_url).write_pdf(sys.argv[2], **options)
"""
# The same, with the one change communique's print step makes to the HTML it is given (each
# <wbr> written as the U+200B WeasyPrint's stylesheet makes of it): shows how much of the
# difference that change accounts for.
BARE_CHARS = BARE.replace("HTML(string=html,", "from communique.render.pdf import "
                          "breaks_as_characters\nHTML(string=breaks_as_characters(html),")
# The same, with WeasyPrint's C libraries found as communique's presses find them (without a
# subprocess per name), and nothing else of communique: shows how much of the difference that
# lookup accounts for.
BARE_QUICK = BARE.replace("from weasyprint import HTML", "from communique.render.native "
                          "import quick_lookup\nwith quick_lookup():\n    import weasyprint\n"
                          "from weasyprint import HTML")


# One render of a captured final HTML under cProfile: the render time, the time in the footnote
# area (LayoutContext._update_footnote_area, WeasyPrint's or communique's) and, with
# communique's, the part of it spent laying out each note once (footnotes._lay_out_note).
PROFILE = """
import cProfile, json, pickle, pstats, sys
from communique.render.native import import_weasyprint
import_weasyprint()
from weasyprint import HTML
from communique.render import footnotes
html, base_url, options = pickle.load(open(sys.argv[1], "rb"))
if footnotes.applied():  # communique's print step: <wbr> as the character it stands for
    from communique.render.pdf import breaks_as_characters
    html = breaks_as_characters(html)
profiler = cProfile.Profile()
profiler.enable()
HTML(string=html, base_url=base_url).render()
profiler.disable()
stats = pstats.Stats(profiler).stats
def cumulative(name, where):
    return sum(v[3] for k, v in stats.items() if k[2] == name and k[0].endswith(where))
area = "communique/render/footnotes.py" if footnotes.applied() else "weasyprint/layout/__init__.py"
print(json.dumps({"render": cumulative("render", "weasyprint/__init__.py"),
                  "area": cumulative("_update_footnote_area", area),
                  "notes": cumulative("_lay_out_note", "communique/render/footnotes.py")}))
"""


@dataclass
class Run:
    seconds: float
    peak_mb: float
    stdout: str
    cpu: float = 0.0  # CPU seconds (user + system) of the process and the processes it waited for


def measure(cmd: list[str], cwd: Path) -> Run:
    out = subprocess.run([PY, "-c", METER, *cmd], cwd=cwd, capture_output=True, text=True,
                         check=True)
    data = json.loads(out.stdout)
    if data["code"] != 0:
        raise SystemExit(f"failed ({data['code']}): {' '.join(cmd)}\n{data['stderr']}")
    return Run(data["seconds"], data["peak_kb"] / 1024, data["stdout"], data["cpu"])


def median(runs: list[Run]) -> Run:
    return Run(statistics.median(r.seconds for r in runs),
               statistics.median(r.peak_mb for r in runs), runs[-1].stdout,
               statistics.median(r.cpu for r in runs))


def interleaved(commands: dict[str, tuple[list[str], Path]], runs: int,
                before=None) -> dict[str, Run]:
    """Median of ``runs`` of each command, taking turns so that drift hits all alike."""
    got: dict[str, list[Run]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, (cmd, cwd) in commands.items():
            if before:
                before(name)
            got[name].append(measure(cmd, cwd))
    return {name: median(r) for name, r in got.items()}


def build(cwd: Path, *args: str) -> dict:
    out = subprocess.run([*CLI, "build", "--json", *args], cwd=cwd, capture_output=True,
                         text=True)
    if out.returncode != 0:
        raise SystemExit(f"build failed in {cwd}:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout)


def copy_workspace(target: Path, statements: list[str] | None = None) -> Path:
    """A copy of the example workspace (settings, templates, the named statements)."""
    target.mkdir(parents=True)
    shutil.copy(ROOT / "communique.toml", target)
    if (ROOT / "templates").is_dir():
        shutil.copytree(ROOT / "templates", target / "templates")
    for folder in sorted((ROOT / "content").iterdir()):
        if (folder / "statement.yaml").is_file() and (statements is None or folder.name in statements):
            shutil.copytree(folder, target / "content" / folder.name)
    return target


def capture_final(ws: Path, target: Path) -> None:
    """Save the final HTML of the workspace's one edition and the options of WeasyPrint's
    write_pdf, as communique uses them, for the bare WeasyPrint script."""
    captured = subprocess.run([PY, "-c", textwrap.dedent(f"""
        import pickle, sys
        import weasyprint
        from weasyprint.document import Document
        from communique import build as b
        from communique.render import pdf
        from communique.workspace import find_workspace
        seen = {{}}
        real_print, real_write = pdf.print_pdf, Document.write_pdf
        def spy_print(html, base, roots, **options):  # the edition's PDF: the first print
            seen.setdefault("html", html)  # (the share card, when there is one, comes after)
            seen.setdefault("base", base.resolve().as_uri() + "/")
            return real_print(html, base, roots, **options)
        def spy_write(self, target=None, zoom=1, finisher=None, **options):
            seen.setdefault("options", {{k: v for k, v in options.items() if k != "attachments"}})
            return real_write(self, target, zoom, finisher, **options)
        pdf.print_pdf, Document.write_pdf = spy_print, spy_write
        r = b.build(find_workspace(), [], jobs=1, force=True)
        assert not r.errors, r.errors
        pickle.dump((seen["html"], seen["base"], seen["options"]), open({str(target)!r}, "wb"))
    """)], cwd=ws, capture_output=True, text=True)
    if captured.returncode:
        raise SystemExit(captured.stderr)


# -- the measurements ------------------------------------------------------------------------

def one_edition(tmp: Path, runs: int) -> dict:
    """communique building one edition against bare WeasyPrint on the same final HTML."""
    ws = copy_workspace(tmp / "one", [EXAMPLE])
    shutil.rmtree(ws / "content" / EXAMPLE / "i18n", ignore_errors=True)
    settings = ws / "communique.toml"  # one edition: no extra languages
    settings.write_text(re.sub(r"(?m)^languages\s*=.*$", "", settings.read_text()))
    summary = build(ws, "-j", "1")
    assert len(summary["editions"]) == 1, summary["editions"]

    capture_final(ws, tmp / "final.pkl")
    scripts = {"bare": BARE, "quick": BARE_QUICK}
    for name, text in scripts.items():
        (tmp / f"{name}.py").write_text(text)
    got = interleaved({
        "communique": ([*CLI, "build", "--force", "-q"], ws),
        **{name: ([PY, str(tmp / f"{name}.py"), str(tmp / "final.pkl"), str(tmp / f"{name}.pdf")], ws)
           for name in scripts},
    }, runs)
    pages = summary["editions"][0]["pages"]
    return {"pages": pages, **got}


def all_editions(tmp: Path, runs: int) -> dict:
    """Every example edition, serially and on two workers; then no-op and one-word rebuilds."""
    ws = copy_workspace(tmp / "all")
    editions = build(ws, "-j", "2")["editions"]
    copies = 0
    while len(editions) < MIN_EDITIONS:  # copies of the example until there are enough editions
        copies += 1
        shutil.copytree(ws / "content" / EXAMPLE, ws / "content" / f"{EXAMPLE}-copy-{copies}")
        editions = build(ws, "-j", "2")["editions"]
    got = interleaved({
        "serial": ([*CLI, "build", "--force", "-j", "1", "-q"], ws),
        "parallel": ([*CLI, "build", "--force", "-j", "2", "-q"], ws),
    }, runs)
    build(ws)
    noop = median([measure([*CLI, "build", "-q"], ws) for _ in range(runs)])

    statement = ws / "content" / EXAMPLE / "statement.yaml"
    original = statement.read_text(encoding="utf-8")
    edits, rebuilt = [], []
    for i in range(runs):  # one word changed, a different word each run
        word = f"word{i}"
        statement.write_text(re.sub(r"(?m)^(opening: [|>]?-?\n\s+\S+)", rf"\1 {word}",
                                    original, count=1), encoding="utf-8")
        run = measure([*CLI, "build", "--json"], ws)
        edits.append(run)
        rebuilt = [f"{e['statement']}/{e['lang']}" for e in json.loads(run.stdout)["editions"]
                   if e["rebuilt"]]
    statement.write_text(original, encoding="utf-8")
    langs = [e["lang"] for e in editions if e["statement"] == EXAMPLE]
    return {"editions": len(editions), "statements": len({e["statement"] for e in editions}),
            "copies": copies, "langs": langs, **got, "noop": noop, "edit": median(edits),
            "rebuilt": rebuilt}


SITE_LANGS = ["ru", "hy", "az", "ar"]
SITE_STATEMENT = """\
type: public-statement
lang: en
date: {date}
reference: BENCH {n}/2024
title: Statement number {n} on the situation in region {region}
keywords: [region {region}, civilians, topic {topic}]
opening: |
  The organisation calls on every party to protect civilians in region {region}.[@src]
sections:
  - id: facts
    heading: What happened
    body: |
      Statement {n} reports what happened on {date} in region {region}. Witnesses described
      shelling of homes and a school.[@src]
sources:
  src:
    url: https://example.org/report/{n}
    title: Report {n}
"""


def site_workspace(tmp: Path, statements: int) -> Path:
    """``statements`` short statements, each in English and four translations (PO files made by
    ``communique translate``, every text "translated" as itself, so no edition falls back)."""
    import datetime as dt

    import polib

    ws = tmp / f"site-{statements}"
    (ws / "content").mkdir(parents=True)
    settings = (ROOT / "communique.toml").read_text(encoding="utf-8")
    (ws / "communique.toml").write_text(f"languages = {json.dumps(SITE_LANGS)}\n\n{settings}",
                                        encoding="utf-8")
    start = dt.date(2023, 1, 1)
    for n in range(statements):
        folder = ws / "content" / f"statement-{n:03d}"
        folder.mkdir()
        (folder / "statement.yaml").write_text(SITE_STATEMENT.format(
            n=n, date=start + dt.timedelta(days=3 * n), region=n % 7, topic=n % 5),
            encoding="utf-8")
    subprocess.run([*CLI, "translate"], cwd=ws, check=True, capture_output=True)
    for po_path in (ws / "content").glob("*/i18n/*.po"):
        po = polib.pofile(str(po_path))
        for entry in po:
            entry.msgstr = entry.msgid
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
        po.save()
    return ws


def site_noop(tmp: Path, runs: int, statements: int = 100) -> dict:
    """No-op builds with the site ([site] in the example settings): the examples, then a
    workspace of ``statements`` statements in five languages."""
    examples = copy_workspace(tmp / "site-examples")
    build(examples)
    small = median([measure([*CLI, "build", "-q"], examples) for _ in range(runs)])
    large = site_workspace(tmp, statements)
    started = time.perf_counter()
    editions = len(build(large, "-j", "2")["editions"])
    full = time.perf_counter() - started
    big = median([measure([*CLI, "build", "-q"], large) for _ in range(runs)])
    pages = len(list((large / "build").glob("en/**/index.html")))
    return {"examples": small, "large": big, "statements": statements, "editions": editions,
            "full": full, "pages": pages,
            "example_editions": len(list((examples / "build").glob("*/*/*.card.png"))),
            "example_languages": len(list((examples / "build").glob("*/feed.xml")))}


def site_rows(site: dict) -> list[str]:
    small, large = site["examples"], site["large"]
    return [
        f"| no-op rebuild of the examples with their site ({site['example_editions']} editions,"
        f" {site['example_languages']} language indexes, feeds, sitemap, search) | {small.seconds:.2f} s | "
        f"{small.peak_mb:.0f} MB | | ≤ 0.5 s: {verdict(small.seconds <= 0.5)} |",
        f"| no-op rebuild of {site['statements']} statements × 5 languages with their site "
        f"({site['editions']} editions; first build {site['full']:.0f} s) | "
        f"{large.seconds:.2f} s | {large.peak_mb:.0f} MB | | ≤ 1 s: "
        f"{verdict(large.seconds <= 1.0)} |",
    ]


def report_statement(sections: int) -> str:
    """A long statement: ``sections`` sections of two paragraphs, five sentences, three notes."""
    lines = ["type: public-statement", "lang: en", "date: 2020-09-29",
             "title: A generated report for measuring build time",
             "opening: |", "  This generated report repeats ordinary paragraphs with notes, so",
             "  that its length can be chosen.[@src-0]", "sections:"]
    sentence = ("Witnesses described the shelling of residential streets in the early morning, "
                "and local officials reported damage to homes, a school and the water supply.")
    for s in range(sections):
        cite = [f"[@src-{(s * 3 + k) % 40}]" for k in range(3)]
        lines += [f"  - id: part-{s}", f"    heading: Part {s + 1}", "    body: |",
                  f"      {sentence} {sentence[:-1]}{cite[0]} {sentence[:-1]}{cite[1]}", "",
                  f"      {sentence} {sentence[:-1]}{cite[2]}", ""]
    lines += ["sources:"]
    for n in range(40):
        lines += [f"  src-{n}:", f"    url: https://example.org/report/source-{n}",
                  f"    title: Source number {n}", "    publisher: Example publisher"]
    return "\n".join(lines) + "\n"


def long_reports(tmp: Path, runs: int, targets=(10, 50, 100)) -> list[dict]:
    """Reports of about 10, 50 and 100 pages with about ten notes a page, each in its own
    workspace, measured in turns so that the machine's drift hits all sizes alike."""
    found, commands = {}, {}
    per_page = None
    for target in targets:
        ws = copy_workspace(tmp / f"long-{target}", [])
        folder = ws / "content" / "generated"
        sections = max(1, round(target * (per_page or 2.0)))
        for _ in range(3):  # calibrate the number of sections to the page count wanted
            folder.mkdir(parents=True, exist_ok=True)
            (folder / "statement.yaml").write_text(report_statement(sections))
            edition = build(ws, "-j", "1", "--force")["editions"][0]
            per_page = sections / edition["pages"]
            if abs(edition["pages"] - target) <= max(1, target // 20):
                break
            sections = max(1, round(target * per_page))
        found[target] = edition
        commands[target] = ([*CLI, "build", "--force", "-j", "1", "-q"], ws)
    got = interleaved(commands, runs)
    return [{"target": t, "pages": found[t]["pages"], "notes": found[t]["notes"], "run": got[t]}
            for t in targets]


# Hostile input, timed inside one process: the parse of one field, the check of one library.
HOSTILE_FIELD = """
import json, sys, time
from communique.content.markup import parse
text = "[" * 200_000
start = time.perf_counter()
parse(text, block=True)
print(json.dumps({"seconds": time.perf_counter() - start}))
"""


def hostile_input(tmp: Path, runs: int) -> dict:
    """A field of 200,000 '[' (the markup scanner once searched the rest of the field at every
    '[': 15 s for 20,000), and ``communique check`` of a statement citing one source of a
    60,000-entry CSL-JSON library (51 s when each entry's line was counted from the file's
    start)."""
    fields = []
    for _ in range(runs):
        out = subprocess.run([PY, "-c", HOSTILE_FIELD], capture_output=True, text=True, check=True)
        fields.append(json.loads(out.stdout)["seconds"])
    ws = copy_workspace(tmp / "library", [])
    folder = ws / "content" / "cites-library"
    folder.mkdir(parents=True)
    items = [{"id": f"src-{n}", "type": "webpage", "title": f"Source number {n}",
              "URL": f"https://example.org/library/{n}"} for n in range(60_000)]
    (folder / "library.json").write_text(json.dumps(items, indent=2))
    (folder / "statement.yaml").write_text(
        "type: public-statement\nlang: en\ndate: 2020-09-29\ntitle: A library of 60,000\n"
        "opening: One source of many.[@src-1]\ncitations:\n  libraries: [library.json]\n")
    got = interleaved({"library": ([*CLI, "check"], ws)}, runs)
    return {"field": statistics.median(fields), "library": got["library"]}


def footnote_report(tmp: Path, runs: int, sections: int = 120) -> dict:
    """The generated report of ``sections`` sections (31 pages, 361 notes) built by communique
    (``-j 1``, one process) against bare WeasyPrint printing its final HTML."""
    ws = copy_workspace(tmp / "notes", [])
    goal_workload(ws)
    folder = ws / "content" / "generated"
    folder.mkdir(parents=True)
    (folder / "statement.yaml").write_text(report_statement(sections))
    edition = build(ws, "-j", "1", "--force")["editions"][0]
    capture_final(ws, tmp / "notes.pkl")
    (tmp / "bare.py").write_text(BARE)
    (tmp / "bare_chars.py").write_text(BARE_CHARS)
    got = interleaved({
        "communique": ([*CLI, "build", "--force", "-j", "1", "-q"], ws),
        "bare": ([PY, str(tmp / "bare.py"), str(tmp / "notes.pkl"), str(tmp / "notes.pdf")], ws),
        "bare_chars": ([PY, str(tmp / "bare_chars.py"), str(tmp / "notes.pkl"),
                        str(tmp / "chars.pdf")], ws),
    }, runs)
    profiles = {}
    for name, env in (("weasyprint", {"COMMUNIQUE_FOOTNOTES": "weasyprint"}), ("communique", {})):
        out = subprocess.run([PY, "-c", PROFILE, str(tmp / "notes.pkl")], cwd=ws, check=True,
                             capture_output=True, text=True, env={**os.environ, **env})
        profiles[name] = json.loads(out.stdout)
    return {"pages": edition["pages"], "notes": edition["notes"], **got, "profiles": profiles}


STEADY_LANGS = ("ar", "az", "hy", "ru")  # with English, the five languages of the steady state


def goal_workload(ws: Path) -> None:
    """The outputs the footnote and steady-state goals were set on: the web page, PDF and data
    of each edition. The Word edition and the site (its share card for each edition), added
    since, are outputs a workspace opts into; the rows of the examples above include them."""
    settings = ws / "communique.toml"
    text = re.sub(r"(?m)^outputs = \[.*$", 'outputs = ["web", "print", "data"]',
                  settings.read_text(encoding="utf-8"))
    settings.write_text(re.sub(r"(?ms)^\[site\]\n.*?(?=^\[|\Z)", "", text), encoding="utf-8")


def throughput(tmp: Path, runs: int, statements: int = 100) -> dict:
    """Steady state: ``statements`` copies of the example (five languages each) built at once
    with the default ``-j``; CPU seconds of every process, divided by the editions."""
    ws = copy_workspace(tmp / "many", [EXAMPLE])
    goal_workload(ws)  # and the five languages the example had then:
    for po in (ws / "content" / EXAMPLE / "i18n").glob("*.po"):
        if po.stem not in STEADY_LANGS:
            po.unlink()
    build(ws, "-j", "1")  # templates compiled (build/.cache/templates), as on a working machine
    for n in range(1, statements):
        shutil.copytree(ws / "content" / EXAMPLE, ws / "content" / f"{EXAMPLE}-{n}")
    runs_ = [measure([*CLI, "build", "--force", "--json"], ws) for _ in range(runs)]
    editions = len(json.loads(runs_[-1].stdout)["editions"])
    got = median(runs_)
    return {"statements": statements, "editions": editions, "run": got,
            "cpu_each": got.cpu / editions}


def profile(tmp: Path) -> str:
    """Where one in-process build of one edition spends its time (cProfile, top entries)."""
    ws = copy_workspace(tmp / "profile", [EXAMPLE])
    shutil.rmtree(ws / "content" / EXAMPLE / "i18n", ignore_errors=True)
    out = subprocess.run([PY, "-c", textwrap.dedent("""
        import cProfile, io, pstats
        profiler = cProfile.Profile()
        profiler.enable()
        from communique.build import build
        from communique.workspace import find_workspace
        build(find_workspace(), [], jobs=1, force=True)
        profiler.disable()
        text = io.StringIO()
        pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(25)
        print(text.getvalue())
    """)], cwd=ws, capture_output=True, text=True, check=True)
    return out.stdout


# -- the table -------------------------------------------------------------------------------

def verdict(ok: bool) -> str:
    return "met" if ok else "**not met**"


def markdown(one: dict, many: dict, reports: list[dict], notes: dict, steady: dict, runs: int,
             took: float, hostile: dict | None = None, site: dict | None = None) -> str:
    c, b, q = one["communique"], one["bare"], one["quick"]
    overhead = c.seconds / b.seconds - 1
    speedup = many["serial"].seconds / many["parallel"].seconds
    by_pages = {r["target"]: r for r in reports}
    growth = by_pages[100]["run"].seconds / by_pages[50]["run"].seconds
    peak100 = by_pages[100]["run"].peak_mb
    touched = sorted(many["rebuilt"])
    expected = sorted(f"{EXAMPLE}/{lang}" for lang in many["langs"])
    cpu = os.cpu_count()
    lines = [
        "# Build benchmarks",
        "",
        "Made by `make bench` (`.venv/bin/python benchmarks/run.py --runs N`); this page is "
        "rewritten by each run. Every time is the **median of "
        f"{runs} runs** ({2 * runs} for the single edition, {max(3, runs // 2)} for the long "
        f"reports and the 31-page report, {steady_runs(runs)} for the steady state) of a whole "
        "process started afresh, in a temporary copy of the example workspace; peak memory is "
        "the largest resident set of the process, CPU time that of the process and of every "
        "process it waited for.",
        "",
        f"Machine: {platform.machine()}, {cpu} core(s) available, Python "
        f"{platform.python_version()}, {platform.system()}; load average at the end "
        f"{os.getloadavg()[0]:.2f}. The benchmark took {took:.0f} s.",
        "",
        "| measurement | median time | peak memory | ratio | goal |",
        "|---|---:|---:|---:|---|",
        f"| bare WeasyPrint, one edition ({one['pages']} pages), same final HTML | "
        f"{b.seconds:.2f} s | {b.peak_mb:.0f} MB | 1.00 | |",
        f"| bare WeasyPrint imported as communique's presses import it (libraries found "
        f"without a subprocess per name) | {q.seconds:.2f} s | {q.peak_mb:.0f} MB | "
        f"{q.seconds / b.seconds:.2f} | |",
        f"| communique, the same edition (`build --force`, default `-j`: {cpu}) | "
        f"{c.seconds:.2f} s | {c.peak_mb:.0f} MB | {c.seconds / b.seconds:.2f} | overhead "
        f"{overhead:+.0%} (≤ +5 %): {verdict(overhead <= 0.05)}; against the row above: "
        f"{c.seconds / q.seconds - 1:+.0%} |",
        f"| all {many['editions']} editions, serial (`-j 1`) | {many['serial'].seconds:.2f} s | "
        f"{many['serial'].peak_mb:.0f} MB | 1.00 | |",
        f"| all {many['editions']} editions, parallel (`-j 2`) | {many['parallel'].seconds:.2f} s"
        f" | {many['parallel'].peak_mb:.0f} MB | {speedup:.2f}× faster | ≥ 1.7×: "
        f"{verdict(speedup >= 1.7)} |",
        f"| no-op rebuild of all {many['editions']} editions | {many['noop'].seconds:.2f} s | "
        f"{many['noop'].peak_mb:.0f} MB | | ≤ 0.5 s: {verdict(many['noop'].seconds <= 0.5)} |",
        f"| rebuild after a one-word edit of `{EXAMPLE}` | {many['edit'].seconds:.2f} s | "
        f"{many['edit'].peak_mb:.0f} MB | rebuilt {len(touched)} of {many['editions']} | "
        f"only its own editions: {verdict(touched == expected)} |",
        *(site_rows(site) if site else []),
    ]
    for r in reports:
        ratio = ""
        goal = ""
        if r["target"] == 100:
            ratio = f"{growth:.2f}× the 50-page time"
            goal = (f"≤ 2.05×: {verdict(growth <= 2.05)}; < 1 GB: {verdict(peak100 < 1024)}")
        lines.append(f"| generated report, {r['pages']} pages, {r['notes']} notes | "
                     f"{r['run'].seconds:.2f} s | {r['run'].peak_mb:.0f} MB | {ratio} | {goal} |")
    nb, nc, nz = notes["bare"], notes["communique"], notes["bare_chars"]
    each = steady["cpu_each"]
    lines += [
        f"| bare WeasyPrint, generated report ({notes['pages']} pages, {notes['notes']} notes), "
        f"same final HTML | {nb.seconds:.2f} s | {nb.peak_mb:.0f} MB | 1.00 | |",
        f"| bare WeasyPrint, the same HTML with each `<wbr>` written as U+200B (what "
        f"communique's print step changes) | {nz.seconds:.2f} s | {nz.peak_mb:.0f} MB | "
        f"{nz.seconds / nb.seconds:.2f}× | |",
        f"| communique, the same report (`build --force -j 1`) | {nc.seconds:.2f} s | "
        f"{nc.peak_mb:.0f} MB | {nc.seconds / nb.seconds:.2f}× | ≤ 0.6× bare WeasyPrint: "
        f"{verdict(nc.seconds <= 0.6 * nb.seconds)} |",
        f"| steady state: {steady['statements']} statements × 5 languages "
        f"({steady['editions']} editions, `build --force`, default `-j`: {cpu}) | "
        f"{steady['run'].seconds:.1f} s | {steady['run'].peak_mb:.0f} MB | {each:.3f} CPU-s "
        f"an edition ({steady['run'].seconds / steady['editions']:.3f} s wall) | ≤ 0.25 CPU-s "
        f"an edition: {verdict(each <= 0.25)} |",
    ]
    if hostile:
        field, library = hostile["field"], hostile["library"]
        lines += [
            f"| hostile field: 200,000 '[' parsed (in-process) | {field:.2f} s | | | "
            f"< 1 s: {verdict(field < 1)} |",
            f"| `check` of a statement with a 60,000-entry library | {library.seconds:.2f} s | "
            f"{library.peak_mb:.0f} MB | | < 5 s: {verdict(library.seconds < 5)} |",
        ]
    own, ours = notes["profiles"]["weasyprint"], notes["profiles"]["communique"]
    lines += [
        "",
        f"Profile of one render of the {notes['pages']}-page report (cProfile, one run each): "
        f"WeasyPrint's own footnote area (`_update_footnote_area`) took {own['area']:.2f} s of "
        f"{own['render']:.2f} s ({own['area'] / own['render']:.0%}); communique's took "
        f"{ours['area']:.2f} s of {ours['render']:.2f} s ({ours['area'] / ours['render']:.0%}): "
        f"{ours['notes']:.2f} s ({ours['notes'] / ours['render']:.0%}) laying out each note "
        f"once (a layout WeasyPrint's own code does again for the page's final area), and "
        f"{ours['area'] - ours['notes']:.2f} s "
        f"({(ours['area'] - ours['notes']) / ours['render']:.0%}) the area itself "
        f"(goal < 15 %: {verdict((ours['area'] - ours['notes']) / ours['render'] < 0.15)}; "
        f"with the notes' first layout: "
        f"{verdict(ours['area'] / ours['render'] < 0.15)}).",
    ]
    lines += [
        "",
        f"The example workspace has {many['statements'] - many['copies']} statement(s); "
        f"{many['copies']} cop{'y' if many['copies'] == 1 else 'ies'} of `{EXAMPLE}` were added "
        f"to reach {many['editions']} editions (at least {MIN_EDITIONS}). The one-word edit "
        f"rebuilt: {', '.join(touched) or 'nothing'}.",
        "",
    ]
    return "\n".join(lines)


def steady_runs(runs: int) -> int:
    return max(1, min(3, runs // 4))  # 500 editions a run: a minute or more each


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs of each measurement (median)")
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "benchmarks.md")
    parser.add_argument("--only-site", action="store_true",
                        help="measure only the site's no-op rows and print them (the page "
                        "is not rewritten)")
    parser.add_argument("--profile", action="store_true",
                        help="also print where one in-process build spends its time")
    parser.add_argument("--only", choices=["one", "all", "long", "notes", "steady", "hostile", "site"],
                        action="append", help="measure only these rows and print them "
                        "(docs/benchmarks.md is left alone)")
    args = parser.parse_args()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="communique-bench-") as name:
        tmp = Path(name)
        # Measure a snapshot of the code: communique's code is part of every fingerprint, and
        # an edit made elsewhere during the run would otherwise turn no-op builds into full ones.
        shutil.copytree(ROOT / "src" / "communique", tmp / "code" / "communique",
                        ignore=shutil.ignore_patterns("__pycache__"))
        os.environ["PYTHONPATH"] = os.pathsep.join(
            [str(tmp / "code"), *filter(None, [os.environ.get("PYTHONPATH")])])
        steps = {
            "one": ("one edition against bare WeasyPrint",
                    lambda: one_edition(tmp, 2 * args.runs)),  # a second each: twice the runs
            "all": ("all editions, no-op and one-word rebuilds",
                    lambda: all_editions(tmp, args.runs)),
            "long": ("generated reports of 10, 50 and 100 pages",
                     lambda: long_reports(tmp, max(3, args.runs // 2))),
            "notes": ("the 31-page report against bare WeasyPrint",
                      lambda: footnote_report(tmp, max(3, args.runs // 2))),
            "steady": ("steady state: 100 statements in 5 languages",
                       lambda: throughput(tmp, steady_runs(args.runs))),
            "hostile": ("hostile input: a field of brackets, a library of 60,000",
                        lambda: hostile_input(tmp, max(3, args.runs // 2))),
            "site": ("no-op builds with the site: examples, 100 statements x 5 languages",
                     lambda: site_noop(tmp, args.runs)),
        }
        if args.only_site:
            print("\n".join(site_rows(site_noop(tmp, args.runs))))
            return
        got = {}
        for name, (label, step) in steps.items():
            if not args.only or name in args.only:
                print(f"{label} ...", file=sys.stderr)
                got[name] = step()
                if args.only:
                    print(name, got[name])
        if args.profile:
            print(profile(tmp))
    if args.only:
        return
    table = markdown(got["one"], got["all"], got["long"], got["notes"], got["steady"], args.runs,
                     time.perf_counter() - started, got["hostile"], got["site"])
    previous = args.output.read_text(encoding="utf-8") if args.output.is_file() else ""
    notes = previous.split("<!-- notes -->", 1)[1] if "<!-- notes -->" in previous else "\n"
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(table + "<!-- notes -->" + notes, encoding="utf-8")
    print(table)


if __name__ == "__main__":
    main()
