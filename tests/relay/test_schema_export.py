"""`relay schema export DIR`: one JSON Schema per event type and a valid AsyncAPI document."""

from __future__ import annotations

from pathlib import Path

import orjson
from _schemas import asyncapi_validator
from click.testing import CliRunner

from normalizers.schema import EVENT_TYPES
from relay.cli import main


def test_schema_export_help_explains_the_output() -> None:
    """`relay schema export --help` names the files it writes and the prefix option."""
    result = CliRunner().invoke(main, ["schema", "export", "--help"])
    assert result.exit_code == 0, result.output
    assert "asyncapi.json" in result.output
    assert "--prefix" in result.output


def test_schema_export_writes_every_schema_and_the_asyncapi_document(tmp_path: Path) -> None:
    """The directory gets <type>.json per event type and an asyncapi.json that validates."""
    out = tmp_path / "schemas" / "v1"
    result = CliRunner().invoke(main, ["schema", "export", str(out), "--prefix", "acme"])
    assert result.exit_code == 0, result.output
    names = {path.name for path in out.iterdir()}
    assert names == {f"{type_}.json" for type_ in EVENT_TYPES} | {"asyncapi.json"}
    assert len(result.output.splitlines()) == len(names)
    order = orjson.loads((out / "commerce.order.created.v1.json").read_bytes())
    assert order["properties"]["type"]["const"] == "commerce.order.created.v1"
    assert order["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    document = orjson.loads((out / "asyncapi.json").read_bytes())
    assert document["channels"]["orders"]["address"] == "acme.orders"
    assert list(asyncapi_validator().iter_errors(document)) == []
    again = CliRunner().invoke(main, ["schema", "export", str(out)])
    assert again.exit_code == 0, again.output
    document = orjson.loads((out / "asyncapi.json").read_bytes())
    assert document["channels"]["orders"]["address"] == "commerce.orders"
