"""Trace context end to end: a real relay, a real broker, and a local OTLP/HTTP collector."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from _kafka import Message, read_topic
from _relay_process import RelayProcess
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)
from opentelemetry.proto.trace.v1.trace_pb2 import Span

from relay.signing import sample_body, sign
from verifiers import Secret

pytestmark = pytest.mark.integration

SECRET = "tracing-shopify-secret"
PLATFORM_TRACE = "0af7651916cd43dd8448eb211c80319c"
PLATFORM_SPAN = "b7ad6b7169203331"
TRACEPARENT = f"00-{PLATFORM_TRACE}-{PLATFORM_SPAN}-01"


class Collector:
    """An OTLP/HTTP traces endpoint on 127.0.0.1 that keeps every span it is sent."""

    def __init__(self) -> None:
        self.spans: list[tuple[dict[str, str], Span]] = []
        collector = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["content-length"]))
                request = ExportTraceServiceRequest.FromString(body)
                for resource_spans in request.resource_spans:
                    resource = {
                        a.key: a.value.string_value for a in resource_spans.resource.attributes
                    }
                    for scope_spans in resource_spans.scope_spans:
                        collector.spans.extend((resource, s) for s in scope_spans.spans)
                reply = ExportTraceServiceResponse().SerializeToString()
                self.send_response(200)
                self.send_header("content-type", "application/x-protobuf")
                self.send_header("content-length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                del format, args

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/v1/traces"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        """Stop serving."""
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def collector() -> Iterator[Collector]:
    """A running OTLP collector."""
    running = Collector()
    yield running
    running.close()


def _relay(
    tmp_path: Path, bootstrap: str, prefix: str, embedded: bool, telemetry: dict[str, Any]
) -> RelayProcess:
    config = {
        "kafka": {
            "bootstrap_servers": bootstrap,
            "topic_prefix": prefix,
            "topic_partitions": 1,
            "enable_idempotence": not embedded,
        },
        "sources": [{"id": "shop-t", "platform": "shopify", "secrets": ["env:T_SECRET"]}],
        "telemetry": telemetry,
        "server": {"access_log": True},
    }
    return RelayProcess(tmp_path, config, {"T_SECRET": SECRET})


def _deliver(relay: RelayProcess, bootstrap: str, prefix: str) -> tuple[Message, Message]:
    body = sample_body("shopify", "orders/create")
    headers = sign("shopify", body, Secret(SECRET), "orders/create", datetime.now(UTC))
    response = httpx.post(
        f"{relay.base_url}/webhooks/shop-t",
        content=body,
        headers={**headers, "traceparent": TRACEPARENT},
    )
    assert response.status_code == 200, response.text
    (raw,) = read_topic(bootstrap, f"{prefix}.raw", until=bool)
    (order,) = read_topic(bootstrap, f"{prefix}.orders", until=bool)
    return raw, order


def test_tracing_off_forwards_the_platforms_traceparent(
    tmp_path: Path, kafka_bootstrap: str, kafka_is_embedded: bool, topic_prefix: str
) -> None:
    """Default config: the platform's traceparent travels unchanged on raw and canonical records."""
    relay = _relay(tmp_path, kafka_bootstrap, topic_prefix, kafka_is_embedded, {})
    relay.start()
    try:
        raw, order = _deliver(relay, kafka_bootstrap, topic_prefix)
    finally:
        relay.stop()
    assert raw.headers["traceparent"] == TRACEPARENT.encode()
    assert order.headers["traceparent"] == TRACEPARENT.encode()
    assert orjson.loads(order.value or b"")["traceparent"] == TRACEPARENT


def test_tracing_on_exports_a_server_span_that_the_records_continue(
    tmp_path: Path,
    kafka_bootstrap: str,
    kafka_is_embedded: bool,
    topic_prefix: str,
    collector: Collector,
) -> None:
    """With tracing: a span child of the platform's, exported over OTLP; records carry its id."""
    telemetry = {"tracing": True, "otlp_endpoint": collector.url, "service_name": "relay-test"}
    relay = _relay(tmp_path, kafka_bootstrap, topic_prefix, kafka_is_embedded, telemetry)
    relay.start()
    try:
        raw, order = _deliver(relay, kafka_bootstrap, topic_prefix)
        assert relay.terminate() == 0  # shutdown exports what the batch processor holds
    finally:
        relay.stop()
    webhook_spans = [(r, s) for r, s in collector.spans if s.name == "POST /webhooks/{source_id}"]
    (resource, span), *_ = webhook_spans
    assert len(webhook_spans) == 1
    assert resource["service.name"] == "relay-test"
    assert span.kind == Span.SPAN_KIND_SERVER
    assert span.trace_id.hex() == PLATFORM_TRACE
    assert span.parent_span_id.hex() == PLATFORM_SPAN
    attributes = {a.key: a.value for a in span.attributes}
    assert attributes["http.response.status_code"].int_value == 200
    assert attributes["relay.delivery_id"].string_value == raw.headers["relay-delivery-id"].decode()
    ours = f"00-{PLATFORM_TRACE}-{span.span_id.hex()}-01"
    assert raw.headers["traceparent"] == ours.encode()
    assert order.headers["traceparent"] == ours.encode()
    assert orjson.loads(order.value or b"")["traceparent"] == ours
    (access,) = [
        orjson.loads(line) for line in relay.log().splitlines() if "POST /webhooks/" in line
    ]
    assert access["trace_id"] == PLATFORM_TRACE
    assert access["delivery_id"] == attributes["relay.delivery_id"].string_value
