"""HTTP/1.1 over a raw socket to a real ``relay serve``, whose writes of a loop turn go together.

``relay.http`` holds a connection's writes until the end of the event loop's turn: these are
the exchanges where holding them too long would show (a ``100 Continue`` the client waits for,
pipelined requests, a close right after the answer).
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from _raw_http import read_response
from _relay_process import RelayProcess, relay_config

from relay.signing import sample_body, sign
from verifiers import Secret

pytestmark = pytest.mark.integration

SECRET = "http-shopify-secret"


@pytest.fixture(scope="module")
def relay(tmp_path_factory: pytest.TempPathFactory, kafka_bootstrap: str) -> Iterator[int]:
    """The port of a running relay with the Shopify source ``shop``."""
    tmp = tmp_path_factory.mktemp("http")
    process = RelayProcess(
        tmp, relay_config(kafka_bootstrap, f"http{tmp.name[-6:]}"), {"T_SHOPIFY_SECRET": SECRET}
    )
    process.start()
    try:
        yield process.port
    finally:
        process.stop()


def test_a_client_expecting_100_continue_gets_it_before_it_sends_the_body(relay: int) -> None:
    """The interim answer is not held back waiting for a write that would follow it."""
    body = sample_body("shopify", "orders/create")
    headers = sign("shopify", body, Secret(SECRET), "orders/create", datetime.now(UTC))
    lines = [
        "POST /webhooks/shop HTTP/1.1",
        "Host: relay",
        "Content-Type: application/json",
        f"Content-Length: {len(body)}",
        "Expect: 100-continue",
        *(f"{name}: {value}" for name, value in headers.items()),
    ]
    with socket.create_connection(("127.0.0.1", relay), timeout=5) as conn:
        conn.sendall("\r\n".join(lines).encode() + b"\r\n\r\n")
        interim = b""
        while b"\r\n\r\n" not in interim:  # within the 5 s timeout, or recv raises
            interim += conn.recv(4096)
        assert interim.startswith(b"HTTP/1.1 100 Continue\r\n\r\n")
        conn.sendall(body)
        head, answer, _ = read_response(conn, interim.partition(b"\r\n\r\n")[2])
    assert head.startswith(b"HTTP/1.1 200")
    assert answer == b'{"status":"accepted"}'


def test_pipelined_requests_are_answered_in_order_on_one_connection(relay: int) -> None:
    """Three requests sent at once: three whole responses, in the order asked."""
    requests = b"".join(
        f"GET {path} HTTP/1.1\r\nHost: relay\r\n\r\n".encode()
        for path in ("/healthz", "/webhooks/nope", "/healthz")
    )
    with socket.create_connection(("127.0.0.1", relay), timeout=5) as conn:
        conn.sendall(requests)
        rest = b""
        statuses = []
        for _ in range(3):
            head, _, rest = read_response(conn, rest)
            statuses.append(head.split(b" ")[1])
    assert statuses == [b"200", b"404", b"200"]


def test_the_answer_to_a_closing_request_arrives_whole_before_the_close(relay: int) -> None:
    """``Connection: close``: uvicorn closes right after writing; the held bytes go first."""
    with socket.create_connection(("127.0.0.1", relay), timeout=5) as conn:
        conn.sendall(b"GET /metrics HTTP/1.1\r\nHost: relay\r\nConnection: close\r\n\r\n")
        head, body, rest = read_response(conn)
        assert conn.recv(4096) == b""  # then the server's FIN
    assert head.startswith(b"HTTP/1.1 200")
    assert b"# TYPE relay_webhooks_received_total counter" in body
    assert rest == b""
