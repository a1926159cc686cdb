"""The JSON Schema of ``statement.yaml``, for editors that complete and check fields as people type.

VS Code's YAML extension (and any editor using yaml-language-server) reads a schema named on a
file's first line (``# yaml-language-server: $schema=…``). The schema comes straight from the
pydantic models, so it cannot drift from what ``communique check`` accepts; a few things only
the build can check (that a cited source exists, that a figure's file is there) stay out of it.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from pydantic import TypeAdapter

SCHEMA_FILE = "communique.schema.json"
DIALECT = "https://json-schema.org/draft/2020-12/schema"


def content_schema() -> dict[str, Any]:
    """The schema of every document type, told apart by ``type``."""
    from communique.content.model import DOCUMENT_TYPES, AnyStatement

    defs = _closed(TypeAdapter(AnyStatement).json_schema())["$defs"]
    refs = {name: f"#/$defs/{model.__name__}" for name, model in DOCUMENT_TYPES.items()}
    # ``if``/``then`` rather than pydantic's ``oneOf``: a mistake in a report is then reported
    # against the report's fields ("'titel' was unexpected"), not as "matches no alternative".
    # A file without ``type`` is a public statement (the workspace may choose another default).
    branches = [{"if": {"properties": {"type": {"const": name}}} if name == "public-statement"
                 else {"properties": {"type": {"const": name}}, "required": ["type"]},
                 "then": {"$ref": ref}} for name, ref in refs.items()]
    return {
        "$schema": DIALECT,
        "title": "communique statement",
        "description": "A statement, urgent action or report for communique (statement.yaml).",
        "type": "object",
        "properties": {"type": {"enum": list(DOCUMENT_TYPES), "default": "public-statement",
                                "description": "The document type; the template is <type>.html.j2."}},
        "required": ["lang", "date", "title"],
        "allOf": branches,
        "$defs": defs,
    }


def _closed(node: Any) -> Any:
    """Maps keyed by pattern (``sources``) refuse keys that do not match, as the model does."""
    if isinstance(node, dict):
        if "patternProperties" in node and "additionalProperties" not in node:
            node["additionalProperties"] = False
        for value in node.values():
            _closed(value)
    elif isinstance(node, list):
        for value in node:
            _closed(value)
    return node


def schema_text() -> str:
    return json.dumps(content_schema(), indent=2, ensure_ascii=False) + "\n"


def modeline(schema_path: str) -> str:
    """The first line that points yaml-language-server at the schema."""
    return f"# yaml-language-server: $schema={schema_path}"


def as_json_data(value: Any) -> Any:
    """YAML data as an editor's YAML 1.2 parser sees it: dates and times stay text.

    PyYAML (YAML 1.1) turns ``2020-09-29`` into a date; JSON Schema, like the editor, expects
    the string. Use this before validating loaded content against the schema.
    """
    if isinstance(value, dict):
        return {str(k): as_json_data(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json_data(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value
