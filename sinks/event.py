"""``SinkEvent``: one canonical event as a sink receives it, decoded from its Kafka record.

Both CloudEvents content modes of docs/kafka.md are read: structured (the value is the JSON
envelope) and binary (the value is ``data``, the attributes are ``ce_*`` headers). Sinks always
get the structured JSON (``body``), so a binary-mode topic is delivered the same way.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson

from sinks._errors import UndecodableEventError

__all__ = ["SinkEvent", "decode_record"]

_REQUIRED = ("id", "type", "source", "sourceid", "platform", "time", "partitionkey")
Headers = tuple[tuple[str, bytes], ...]


@dataclass(frozen=True, slots=True)
class SinkEvent:
    """A canonical event plus the coordinates of the Kafka record it came from."""

    id: str
    type: str
    source: str
    sourceid: str
    platform: str
    subject: str
    time: str
    receivedat: str
    partitionkey: str
    body: bytes = field(repr=False)
    """The whole CloudEvent as structured JSON."""
    document: Mapping[str, Any] = field(repr=False)
    """``body`` parsed (read by filter expressions and sinks that store columns)."""
    topic: str
    partition: int
    offset: int
    key: bytes | None = field(repr=False)
    headers: Headers = field(repr=False)

    @property
    def entity_type(self) -> str:
        """The entity type named in ``type`` (``order`` in ``commerce.order.created.v1``)."""
        parts = self.type.split(".")
        return parts[1] if len(parts) > 2 else self.type  # noqa: PLR2004 (prefix.entity.action)

    @property
    def entity_id(self) -> str:
        """The platform's id of the entity (``data.id``, else the subject)."""
        data = self.document.get("data")
        if isinstance(data, Mapping) and isinstance(data.get("id"), str):
            return str(data["id"])
        return self.subject


def decode_record(
    *,
    topic: str,
    partition: int,
    offset: int,
    key: bytes | None,
    value: bytes | None,
    headers: Sequence[tuple[str, bytes]],
) -> SinkEvent:
    """Decode one Kafka record into a ``SinkEvent``.

    Raises:
        UndecodableEventError: the record is not a CloudEvent of relay's envelope.
    """
    header_map = {name.lower(): raw for name, raw in headers}
    try:
        if "ce_id" in header_map:
            document = _from_binary(header_map, value)
            body = orjson.dumps(document)
        else:
            body = value or b""
            document = orjson.loads(body)
    except (orjson.JSONDecodeError, UnicodeDecodeError) as exc:
        raise UndecodableEventError(f"not JSON: {exc.__class__.__name__}") from None
    if not isinstance(document, dict):
        raise UndecodableEventError("the value is not a JSON object")
    missing = [name for name in _REQUIRED if not isinstance(document.get(name), str)]
    if missing:
        raise UndecodableEventError(f"missing CloudEvent attributes: {', '.join(missing)}")
    return SinkEvent(
        id=document["id"],
        type=document["type"],
        source=document["source"],
        sourceid=document["sourceid"],
        platform=document["platform"],
        subject=str(document.get("subject", "")),
        time=document["time"],
        receivedat=str(document.get("receivedat", document["time"])),
        partitionkey=document["partitionkey"],
        body=body,
        document=document,
        topic=topic,
        partition=partition,
        offset=offset,
        key=key,
        headers=tuple(headers),
    )


def _from_binary(headers: Mapping[str, bytes], value: bytes | None) -> dict[str, Any]:
    document: dict[str, Any] = {
        name.removeprefix("ce_"): raw.decode()
        for name, raw in headers.items()
        if name.startswith("ce_")
    }
    document["datacontenttype"] = "application/json"
    document["data"] = orjson.loads(value or b"null")
    return document
