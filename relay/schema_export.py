"""Writing the canonical schemas to a directory (``relay schema export``)."""

from __future__ import annotations

from pathlib import Path

import orjson

from normalizers.schema import EVENT_TYPES
from normalizers.schema.export import asyncapi_document, event_schema

__all__ = ["export_schemas"]

_JSON = orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE


def export_schemas(directory: Path, prefix: str = "commerce") -> list[Path]:
    """Write one JSON Schema per event type and ``asyncapi.json``; return the paths written."""
    directory.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for type_ in sorted(EVENT_TYPES):
        path = directory / f"{type_}.json"
        path.write_bytes(orjson.dumps(event_schema(type_), option=_JSON))
        written.append(path)
    path = directory / "asyncapi.json"
    path.write_bytes(orjson.dumps(asyncapi_document(prefix), option=_JSON))
    written.append(path)
    return written
