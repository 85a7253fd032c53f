"""``server.keepalive_timeout_seconds`` in a real ``relay serve``, over a raw socket."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import pytest
from _raw_http import read_response
from _relay_process import RelayProcess, relay_config

pytestmark = pytest.mark.integration

REQUEST = b"GET /healthz HTTP/1.1\r\nHost: relay\r\nConnection: keep-alive\r\n\r\n"


def test_an_idle_connection_is_closed_after_the_keepalive_timeout(
    tmp_path: Path, kafka_bootstrap: str
) -> None:
    """Reused while busy; closed by relay once idle for 1 s, long before uvicorn's 5 s."""
    config = relay_config(kafka_bootstrap, f"ka{tmp_path.name[-6:]}")
    config["server"] = {"keepalive_timeout_seconds": 1}
    relay = RelayProcess(tmp_path, config, {"T_SHOPIFY_SECRET": "keepalive-secret"})
    relay.start()
    try:
        with socket.create_connection(("127.0.0.1", relay.port), timeout=10) as conn:
            for _ in range(3):  # one connection, several requests: keep-alive holds
                conn.sendall(REQUEST)
                assert read_response(conn)[0].startswith(b"HTTP/1.1 200")
            idle_from = time.monotonic()
            conn.settimeout(4.0)  # under uvicorn's own 5 s: only the setting closes it
            assert conn.recv(4096) == b""  # the server's FIN
            idle = time.monotonic() - idle_from
    finally:
        relay.stop()
    assert 0.5 <= idle < 4.0
