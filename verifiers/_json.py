"""Reading fields of a JSON body: signed body fields, and a delivery's id, topic and store."""

from __future__ import annotations

import json
from collections.abc import Mapping

from verifiers._errors import MalformedSignatureError

__all__ = ["json_object", "json_text", "parse_object"]


def parse_object(body: bytes, *, what: str = "the body") -> Mapping[str, object]:
    """Return ``body`` parsed as a JSON object.

    Raises:
        MalformedSignatureError: the body is not UTF-8 JSON holding an object.
    """
    try:
        value = json.loads(body)
    except (ValueError, RecursionError):  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise MalformedSignatureError(f"{what} is not JSON") from None
    if not isinstance(value, dict):
        raise MalformedSignatureError(f"{what} is not a JSON object")
    return value


def json_object(body: bytes) -> Mapping[str, object]:
    """Return ``body`` as a JSON object, or an empty mapping when it is not one."""
    try:
        return parse_object(body)
    except MalformedSignatureError:
        return {}


def json_text(document: Mapping[str, object], *path: str) -> str | None:
    """Return the string or integer at ``path`` in ``document`` as text, else ``None``."""
    value: object = document
    for key in path:
        if not isinstance(value, Mapping):
            return None
        value = value.get(key)
    if isinstance(value, bool):
        return None
    if isinstance(value, str | int):
        return str(value) or None
    return None
