"""Bad input: one located line per problem, all problems at once, exit 1, nothing written."""

from __future__ import annotations

import textwrap

from click.testing import CliRunner

from communique.cli import main
from conftest import GOOD
from conftest import LOCATED as LINE

PATH = "content/bad/statement.yaml"


def run(args, workspace, text):
    workspace({"bad": textwrap.dedent(text)})
    result = CliRunner().invoke(main, args)
    return result


def problems(result) -> list[tuple[int, int, str, str]]:
    found = []
    for line in result.stderr.splitlines():
        m = LINE.match(line)
        if m:
            assert m["path"] == PATH
            found.append((int(m["line"]), int(m["col"]), m["sev"], m["msg"]))
    return found


def check(workspace, text):
    result = run(["check"], workspace, text)
    assert "Traceback" not in result.output + result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result, problems(result)


def test_good_statement_checks_clean(workspace):
    result, found = check(workspace, GOOD)
    assert result.exit_code == 0, result.stderr
    assert found == []


def test_malformed_yaml_is_located(workspace):
    result, found = check(workspace, GOOD.replace("title: A statement", "title: [unclosed"))
    assert result.exit_code == 1
    assert len(found) == 1
    line, _col, sev, msg = found[0]
    assert (line, sev) == (5, "error") and "invalid YAML" in msg


def test_wrong_type_is_located_at_the_value(workspace):
    text = GOOD.replace("date: 2020-09-29", "date: last tuesday")
    result, found = check(workspace, text)
    assert result.exit_code == 1
    assert found == [(3, 7, "error", found[0][3])]
    assert found[0][3].startswith("date:")


def test_yes_no_value_explained(workspace):
    result, found = check(workspace, GOOD.replace("title: A statement", "title: yes"))
    assert result.exit_code == 1
    assert found[0][:2] == (4, 8)
    assert "yes/no value" in found[0][3] and "quote it" in found[0][3]


def test_missing_required_field(workspace):
    result, found = check(workspace, GOOD.replace("title: A statement\n", ""))
    assert result.exit_code == 1
    assert found == [(1, 1, "error", "missing required field 'title'")]


def test_unknown_field_suggests_the_right_one(workspace):
    result, found = check(workspace, GOOD.replace("title: A statement", "titel: A statement"))
    assert result.exit_code == 1
    assert (4, 1, "error", "unknown field 'titel' (did you mean 'title'?)") in found


def test_unknown_citation_id(workspace):
    result, found = check(workspace, GOOD.replace("[@src-a]", "[@src-b]"))
    assert result.exit_code == 1
    assert (5, 48, "error", "unknown source '@src-b' (did you mean 'src-a'?)") in found
    # the source is now uncited: a warning, not an error
    assert (7, 3, "warning", "source 'src-a' is never cited") in found


def test_unterminated_citation_and_note_in_one_run(workspace):
    text = GOOD + textwrap.dedent("""\
        sections:
          - id: one
            body: |
              First paragraph cites [@src-a and never closes.

              Second paragraph has a note ^[that never closes.
        """)
    result, found = check(workspace, text)
    assert result.exit_code == 1
    assert (12, 29, "error", "unterminated citation: '[' before '@' has no closing ']'") in found
    assert (14, 35, "error", "unterminated note: '^[' has no closing ']'") in found


def test_schema_and_markup_problems_reported_together(workspace):
    text = GOOD.replace("date: 2020-09-29", "date: soon").replace("[@src-a]", "[@src-z")
    result, found = check(workspace, text)
    assert result.exit_code == 1
    kinds = {msg.split(":")[0] for _, _, _, msg in found}
    assert "date" in kinds
    assert any("unterminated citation" in msg for *_, msg in found)


def test_duplicate_key_names_both_places(workspace):
    result, found = check(workspace, GOOD + "title: Another title\n")
    assert result.exit_code == 1
    assert found[0][:2] == (9, 1)
    assert "duplicate key 'title'" in found[0][3] and "line 4" in found[0][3]


def test_duplicate_ids(workspace):
    text = GOOD + textwrap.dedent("""\
        sections:
          - id: same
            body: One.
          - id: same
            body: Two.
        """)
    result, found = check(workspace, text)
    assert result.exit_code == 1
    assert (12, 9, "error", "duplicate id 'same' (first used at line 10)") in found


def test_unsafe_link_is_located(workspace):
    text = GOOD.replace("organisation calls", "organisation [calls](javascript:alert(1))")
    result, found = check(workspace, text)
    assert result.exit_code == 1
    assert found[0][:2] == (5, 35)
    assert "javascript" in found[0][3]


def test_failed_statement_keeps_its_earlier_output(workspace):
    root = workspace({"bad": GOOD})
    runner = CliRunner()
    assert runner.invoke(main, ["build"]).exit_code == 0
    pdf = root / "build" / "bad" / "en" / "bad-en.pdf"
    html = root / "build" / "bad" / "en" / "index.html"
    before = pdf.read_bytes(), html.read_bytes()
    (root / "content" / "bad" / "statement.yaml").write_text(GOOD.replace("[@src-a]", "[@nope]"))
    result = runner.invoke(main, ["build"])
    assert result.exit_code == 1
    assert "unknown source '@nope'" in result.stderr
    assert (pdf.read_bytes(), html.read_bytes()) == before
    # nothing half-written is left: only the edition's outputs and data exports
    assert sorted(p.name for p in pdf.parent.iterdir()) == [
        "bad-en.data.json", "bad-en.incidents.csv", "bad-en.pdf", "bad-en.png", "bad-en.sources.csv",
        "bad-en.sources.json", "index.html"]


def test_escape_beyond_unicode_is_located(workspace):
    result, found = check(workspace, GOOD.replace("title: A statement", 'title: "\\U00201000"'))
    assert result.exit_code == 1
    assert found[0][0] == 4 and "invalid YAML" in found[0][3]
