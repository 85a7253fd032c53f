"""The http sink's target in bench/sink_throughput.py: a bare ASGI app that counts deliveries.

Run as `python bench/sink_receiver.py PORT`. A POST with a `webhook-signature` header is
counted and answered 204 (nothing heavy is checked: the bench measures the sink, not this);
a GET answers the count so far.
"""

from __future__ import annotations

import sys

from bare_asgi import drain, serve
from starlette.types import Receive, Scope, Send

_count = 0


async def app(scope: Scope, receive: Receive, send: Send) -> None:
    """Count a signed POST, or answer the count to a GET."""
    global _count  # noqa: PLW0603 (one process, one counter)
    if scope["type"] != "http":
        return
    await drain(receive)
    if scope["method"] == "GET":
        body = str(_count).encode()
        headers = [(b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})
        return
    signed = any(name == b"webhook-signature" for name, _ in scope["headers"])
    _count += signed
    await send({"type": "http.response.start", "status": 204 if signed else 400, "headers": []})
    await send({"type": "http.response.body", "body": b""})


if __name__ == "__main__":
    serve(app, int(sys.argv[1]))
