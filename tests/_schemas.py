"""Validators of the exported event schemas and of the official AsyncAPI 3.0.0 schema."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import jsonschema
import orjson

from normalizers.schema.export import event_schema

# Vendored from the npm package @asyncapi/specs; see tests/normalizers/asyncapi/source.txt.
ASYNCAPI_SCHEMA = Path(__file__).parent / "normalizers" / "asyncapi" / "3.0.0-without-id.json"


@cache
def asyncapi_validator() -> jsonschema.Draft7Validator:
    """The validator of the official AsyncAPI 3.0.0 JSON Schema (draft-07)."""
    return jsonschema.Draft7Validator(orjson.loads(ASYNCAPI_SCHEMA.read_bytes()))


@cache
def event_validator(type_: str) -> jsonschema.Draft202012Validator:
    """The validator of one event type's exported JSON Schema, itself checked first."""
    schema = event_schema(type_)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)
