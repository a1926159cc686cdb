"""The JSON Schema of statement.yaml: what editors use to complete and check fields."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from communique.cli import main
from communique.schema import SCHEMA_FILE, as_json_data, content_schema, schema_text

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "content").glob("*/statement.yaml"))


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = content_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def load(path: Path) -> dict:
    return as_json_data(yaml.safe_load(path.read_text(encoding="utf-8")))


def messages(validator, data) -> list[str]:
    return sorted({e.message for e in validator.iter_errors(data)})


def test_there_is_an_example_of_every_type():
    types = {load(p).get("type") for p in EXAMPLES}
    assert {"public-statement", "urgent-action", "report"} <= types


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.parent.name)
def test_examples_are_valid(validator, path):
    assert messages(validator, load(path)) == []


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.parent.name)
def test_a_misspelt_field_is_rejected(validator, path):
    data = load(path)
    data["titel"] = data.pop("title")
    found = messages(validator, data)
    assert "'title' is a required property" in found
    assert "Additional properties are not allowed ('titel' was unexpected)" in found


def test_wrong_values_are_rejected(validator):
    data = load(ROOT / "content" / "report-example" / "statement.yaml")
    data["chapters"][1]["incidents"] = [{"id": "x", "date": "2020-09-27", "place": "P",
                                          "reported_by": "R", "civilians": {"killed": -1},
                                          "text": "T"}]
    del data["chapters"][4]["figures"][0]["alt"]
    found = messages(validator, data)
    assert "-1 is not valid under any of the given schemas" in found  # an int >= 0, or nothing
    assert "'alt' is a required property" in found


def test_unknown_type_is_rejected(validator):
    data = load(ROOT / "content" / "nagorno-karabakh-2020" / "statement.yaml")
    data["type"] = "press-release"
    assert "'press-release' is not one of ['public-statement', 'urgent-action', 'report']" in \
        messages(validator, data)


def test_a_file_without_type_is_checked_as_a_public_statement(validator):
    data = load(ROOT / "content" / "nagorno-karabakh-2020" / "statement.yaml")
    del data["type"]
    assert messages(validator, data) == []
    data["deadline"] = "2020-10-01"
    assert "Additional properties are not allowed ('deadline' was unexpected)" in messages(validator, data)


def test_fields_have_titles_and_descriptions():
    defs = content_schema()["$defs"]
    assert defs["Report"]["description"].startswith("A report")
    assert "required" in defs["Figure"]["properties"]["alt"]["description"]
    assert defs["UrgentAction"]["properties"]["deadline"]["title"] == "Deadline"


def test_schema_command_prints_the_schema():
    result = CliRunner().invoke(main, ["schema"])
    assert result.exit_code == 0
    assert json.loads(result.output) == content_schema()


def test_the_repository_schema_file_is_current():
    """The examples' first line points at it; after a change to the content model, run
    `communique schema -o communique.schema.json`."""
    assert (ROOT / SCHEMA_FILE).read_text(encoding="utf-8") == schema_text()


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.parent.name)
def test_examples_name_the_schema_on_their_first_line(path):
    first = path.read_text(encoding="utf-8").splitlines()[0]
    if first.startswith("# yaml-language-server:"):
        assert first == f"# yaml-language-server: $schema=../../{SCHEMA_FILE}"
        assert (path.parent / "../.." / SCHEMA_FILE).resolve().is_file()
