"""Reading HTTP/1.1 responses off a raw socket, for tests that need the connection itself."""

from __future__ import annotations

import socket


def read_response(conn: socket.socket, buffered: bytes = b"") -> tuple[bytes, bytes, bytes]:
    """One response with a ``Content-Length`` (head, body) and whatever followed it."""
    data = buffered
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        assert chunk, f"closed mid-response after {data!r}"
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    length = next(
        int(line.split(b":")[1])
        for line in head.split(b"\r\n")
        if line.lower().startswith(b"content-length:")
    )
    while len(rest) < length:
        chunk = conn.recv(65536)
        assert chunk, "closed mid-body"
        rest += chunk
    return head, rest[:length], rest[length:]
