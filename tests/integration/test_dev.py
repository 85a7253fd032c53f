"""The README's first command: `relay dev` with its embedded broker, samples and file sink."""

from __future__ import annotations

import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import orjson
import pytest

from relay.embedded import free_port

pytestmark = pytest.mark.integration

ROOT = Path(__file__).parents[2]


def _wait(predicate: object, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def _ready(url: str) -> bool:
    try:
        return httpx.get(url, timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


def test_relay_dev_serves_samples_into_the_file_sink(tmp_path: Path) -> None:
    """`relay dev` starts its broker, accepts a signed sample, the file sink writes the event."""
    port = free_port()
    log = (tmp_path / "dev.log").open("wb")
    relay = [sys.executable, "-m", "relay"]
    config = str(ROOT / "examples" / "dev.yaml")
    process = subprocess.Popen(
        [*relay, "dev", "--config", config, "--port", str(port)],
        cwd=tmp_path,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait(lambda: _ready(f"http://127.0.0.1:{port}/readyz"), 30, "relay dev to be ready")
        url = f"http://127.0.0.1:{port}"
        for platform, topic in (("shopify", "orders/create"), ("woocommerce", "product.created")):
            sent = subprocess.run(
                [*relay, "send-sample", platform, topic, "--config", config, "--url", url],
                capture_output=True,
                text=True,
                check=False,
            )
            assert sent.returncode == 0, sent.stdout + sent.stderr
            assert '-> 200 {"status":"accepted"}' in sent.stdout
        events_file = tmp_path / "var" / "dev" / "events.jsonl"

        def two_events() -> bool:
            return events_file.exists() and len(events_file.read_bytes().splitlines()) >= 2

        _wait(two_events, 30, "the file sink to write both events")
        events = [orjson.loads(line) for line in events_file.read_bytes().splitlines()]
        assert sorted(e["type"] for e in events) == [
            "commerce.order.created.v1",
            "commerce.product.created.v1",
        ]
        assert {e["sourceid"] for e in events} == {"demo-shopify", "demo-woocommerce"}
        metrics = httpx.get(f"{url}/metrics", timeout=5).text  # sink metrics share the registry
        assert 'relay_sink_deliveries_total{outcome="delivered",sink="archive"} 2.0' in metrics
        process.send_signal(signal.SIGTERM)
        assert process.wait(30) == 0
        output = (tmp_path / "dev.log").read_text()
        assert "relay dev is running" in output
        assert "send-sample shopify orders/create" in output
        broker = re.search(r"broker at 127\.0\.0\.1:(\d+)", output)
        assert broker is not None
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)
        log.close()
    with pytest.raises(ConnectionRefusedError):  # the embedded broker ended with relay dev
        socket.create_connection(("127.0.0.1", int(broker.group(1))), timeout=1).close()
