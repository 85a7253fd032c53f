"""JSON-lines logging for every logger of the process (only ``relay`` configures handlers).

Each line carries the context bound for the current delivery (``source``, ``platform``,
``delivery_id``) and the ``extra`` fields of the call; under ``server.workers`` > 1 also the
``worker`` number of the process that wrote it. Never log secrets, signatures or bodies.
``delivery_id`` is bound only once the signature verified: before that it is the sender's
unproven claim, so a rejected request's lines carry ``source`` and ``platform`` only.
"""

from __future__ import annotations

import logging
import sys
from contextvars import ContextVar
from typing import Any, TextIO

import orjson
import structlog

__all__ = ["configure_logging", "delivery_context"]

_DELIVERY: ContextVar[dict[str, str] | None] = ContextVar("relay_delivery", default=None)


def delivery_context(source: str, platform: str) -> dict[str, str]:
    """Start the log context of the delivery handled in this task; add keys to what it returns.

    One context variable holding a dict, not structlog's ``bind_contextvars`` (a variable per
    key, set and cleared on every request): the receiver does this for every webhook.
    """
    context = {"source": source, "platform": platform}
    _DELIVERY.set(context)
    return context


def _merge_delivery(_: object, __: str, event: dict[str, object]) -> dict[str, object]:
    context = _DELIVERY.get()
    if context:
        for key, value in context.items():
            event.setdefault(key, value)
    return event


def _dumps(obj: object, **_: object) -> str:
    return orjson.dumps(obj, default=str).decode()


def _drop_color_message(_: object, __: str, event: dict[str, object]) -> dict[str, object]:
    event.pop("color_message", None)  # uvicorn's ANSI-coloured duplicate of the message
    return event


def configure_logging(
    level: str = "INFO", stream: TextIO | None = None, *, worker: int | None = None
) -> None:
    """Send every log record to ``stream`` (stderr) as one JSON object per line."""

    def add_worker(_: object, __: str, event: dict[str, object]) -> dict[str, object]:
        event["worker"] = worker
        return event

    pre_chain: list[Any] = [
        structlog.contextvars.merge_contextvars,
        _merge_delivery,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.stdlib.ExtraAdder(),
        _drop_color_message,
        structlog.processors.TimeStamper(fmt="iso", utc=True, key="time"),
        *([add_worker] if worker is not None else []),
    ]
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=pre_chain,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            structlog.processors.JSONRenderer(serializer=_dumps),
        ],
    )
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "aiokafka"):
        logging.getLogger(name).handlers = []
        logging.getLogger(name).propagate = True
    # aiokafka's DEBUG lines print every record's key and value: bodies must never be logged,
    # so relay's DEBUG stays relay's own.
    logging.getLogger("aiokafka").setLevel(max(logging.getLevelNamesMapping()[level], logging.INFO))
