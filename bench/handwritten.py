"""The hand-written peer: a raw ASGI receiver on aiokafka, as a careful engineer would write one.

Run by bench/run.py as ``python bench/handwritten.py PORT BOOTSTRAP TOPIC [COMPRESSION]``
(aiokafka's ``compression_type``, zstd by default; ``none`` for none); the bench's secret comes
from ``BENCH_SECRET``.

It is the "raw ASGI handler + aiokafka" of the reference figures (0.32 of bare ASGI there): no
framework, it reads the body, checks ``X-Shopify-Hmac-Sha256`` (HMAC-SHA256, constant-time),
parses the JSON with orjson (a 400 if it is not an object), sends one record (the body, keyed by
the order id, with the delivery id as a header) with aiokafka tuned as the reference found best
(zstd, linger 0, 1 MiB batches, acks=all) and answers 200 once Kafka acknowledged it, 503 if it
did not. No dedup, no normalization, no canonical record, no metrics, no spool: what relay does
on top of it is what relay's figures pay for.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import sys
from typing import Any

import orjson
from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError
from bare_asgi import serve
from starlette.types import Message, Receive, Scope, Send

_JSON = [(b"content-type", b"application/json")]


def _answer(status: int, body: bytes) -> tuple[Message, Message]:
    headers = [*_JSON, (b"content-length", str(len(body)).encode())]
    return (
        {"type": "http.response.start", "status": status, "headers": headers},
        {"type": "http.response.body", "body": body},
    )


_OK = _answer(200, b'{"status":"accepted"}')
_FORGED = _answer(401, b'{"error":"bad signature"}')
_BAD = _answer(400, b'{"error":"not a JSON object"}')
_DOWN = _answer(503, b'{"error":"kafka unavailable"}')


class Receiver:
    """The ASGI callable: one producer, started with the server."""

    def __init__(self, bootstrap: str, topic: str, secret: bytes, compression: str) -> None:
        self.bootstrap = bootstrap
        self.topic = topic
        self.secret = secret
        self.compression = None if compression == "none" else compression
        self.producer: AIOKafkaProducer | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run the producer's lifespan, or answer one webhook."""
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
        elif scope["type"] == "http":
            for message in await self._handle(scope, receive):
                await send(message)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                self.producer = AIOKafkaProducer(
                    bootstrap_servers=self.bootstrap,
                    acks="all",
                    compression_type=self.compression,
                    linger_ms=0,
                    max_batch_size=1024 * 1024,
                    enable_idempotence=False,
                )
                await self.producer.start()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if self.producer is not None:
                    await self.producer.stop()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _handle(self, scope: Scope, receive: Receive) -> tuple[Message, Message]:
        chunks = []
        more = True
        while more:
            message = await receive()
            chunks.append(message.get("body", b""))
            more = message.get("more_body", False)
        body = b"".join(chunks)
        headers = dict(scope["headers"])
        claimed = headers.get(b"x-shopify-hmac-sha256", b"")
        digest = base64.b64encode(hmac.digest(self.secret, body, hashlib.sha256))
        if not hmac.compare_digest(digest, claimed):
            return _FORGED
        try:
            order: Any = orjson.loads(body)
        except orjson.JSONDecodeError:
            return _BAD
        if not isinstance(order, dict):
            return _BAD
        key = str(order.get("id", "")).encode()
        delivery = headers.get(b"x-shopify-webhook-id", b"")
        if self.producer is None:  # a request before the lifespan started it
            return _DOWN
        try:
            future = await self.producer.send(
                self.topic, body, key=key, headers=[("relay-delivery-id", delivery)]
            )
            await future
        except KafkaError:
            return _DOWN
        return _OK


def main() -> None:
    """Serve the peer as bench/bare_asgi.py serves the ceiling: uvloop, httptools, no logs."""
    port, bootstrap, topic = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    compression = sys.argv[4] if len(sys.argv) > 4 else "zstd"
    receiver = Receiver(bootstrap, topic, os.environ["BENCH_SECRET"].encode(), compression)
    serve(receiver, port)  # uvicorn picks uvloop and httptools; lifespan runs the producer


if __name__ == "__main__":
    main()
