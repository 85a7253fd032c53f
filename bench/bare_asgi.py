"""The ceiling: a bare ASGI callable on uvicorn that reads the body and answers 200.

Run by bench/run.py as `python bench/bare_asgi.py PORT`.
"""

from __future__ import annotations

import sys

import uvicorn
from starlette.types import ASGIApp, Receive, Scope, Send

_BODY = b'{"status":"accepted"}'
_HEADERS = [(b"content-type", b"application/json"), (b"content-length", b"21")]


async def drain(receive: Receive) -> None:
    """Read the whole request body (and drop it)."""
    more = True
    while more:
        message = await receive()
        more = message.get("more_body", False)


async def app(scope: Scope, receive: Receive, send: Send) -> None:
    """Drain the request body and answer a fixed JSON body."""
    if scope["type"] != "http":
        return
    await drain(receive)
    await send({"type": "http.response.start", "status": 200, "headers": _HEADERS})
    await send({"type": "http.response.body", "body": _BODY})


def serve(asgi: ASGIApp, port: int) -> None:
    """Serve ``asgi`` on 127.0.0.1:``port`` as lean as uvicorn goes (no logs, no extra headers)."""
    uvicorn.run(
        asgi,
        host="127.0.0.1",
        port=port,
        log_level="warning",
        access_log=False,
        server_header=False,
        date_header=False,
    )


if __name__ == "__main__":
    serve(app, int(sys.argv[1]))
