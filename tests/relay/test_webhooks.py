"""The receiver's outcome -> HTTP answer mapping, with stand-in verifier, normalizer, publisher."""

from __future__ import annotations

import io
import logging
from collections.abc import AsyncIterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import ClassVar, Self

import httpx
import orjson
import pytest

from normalizers import CanonicalEvent, MalformedPayloadError, make_event
from normalizers.schema import PlatformEvent
from relay.dedup import InProcessDedup
from relay.errors import PublishError
from relay.logging import configure_logging
from relay.metrics import RelayMetrics
from relay.publisher import Record
from relay.records import RecordBuilder
from relay.webhooks import SourceRuntime, WebhookReceiver
from verifiers import (
    InboundRequest,
    PlatformReply,
    Secret,
    SignatureMismatchError,
    Verified,
)

NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


class StubVerifier:
    """Accepts bodies signed with header x-sig == secret; b'ping' is a handshake."""

    platform: ClassVar[str] = "stub"
    acknowledgement: ClassVar[PlatformReply | None] = None

    @classmethod
    def from_options(cls, options: Mapping[str, object]) -> Self:
        del options
        return cls()

    def check_secret(self, secret: Secret) -> None:
        del secret

    def handshake(self, request: InboundRequest, secrets: Sequence[Secret]) -> PlatformReply | None:
        del secrets
        return PlatformReply(200, b"pong", "text/plain") if request.body == b"ping" else None

    def verify(
        self, request: InboundRequest, secrets: Sequence[Secret], *, now: datetime
    ) -> Verified:
        del now
        if request.body == b"boom":
            raise RuntimeError("verifier bug")
        if request.header("x-sig") not in {s.value for s in secrets}:
            raise SignatureMismatchError("no match")
        return Verified(
            request=request,
            platform="stub",
            delivery_id=request.header("x-id") or "d",
            topic="thing/happened",
        )


class EmptyAckVerifier(StubVerifier):
    """Like StubVerifier, but the platform wants an empty 204."""

    acknowledgement: ClassVar[PlatformReply | None] = PlatformReply(204)


def normalize(delivery: Verified) -> list[CanonicalEvent]:
    """One PlatformEvent per delivery; a body 'bad' does not fit."""
    if delivery.request.body == b"bad":
        raise MalformedPayloadError("not JSON")
    entity = PlatformEvent(id=delivery.delivery_id, platform_topic=delivery.topic, body=None)
    return [make_event(delivery, entity, "received")]


class FakePublisher:
    """Records what would be published; fails while `down` is set."""

    def __init__(self) -> None:
        self.published: list[Record] = []
        self.down = False

    async def publish(self, records: Sequence[Record]) -> None:
        if self.down:
            raise PublishError("down")
        self.published.extend(records)


@pytest.fixture
def publisher() -> FakePublisher:
    """A publisher that records instead of sending."""
    return FakePublisher()


def _client(publisher: FakePublisher, verifier: StubVerifier | None = None) -> httpx.AsyncClient:
    source = SourceRuntime(
        id="src",
        platform="stub",
        verifier=verifier or StubVerifier(),
        secrets=(Secret("old"), Secret("new")),
        normalizer=normalize,
    )
    receiver = WebhookReceiver(
        sources={"src": source},
        publisher=publisher,
        builder=RecordBuilder("commerce"),
        dedup=InProcessDedup(ttl_seconds=60, max_entries=100),
        metrics=RelayMetrics(),
        max_body_bytes=100,
        retry_after_seconds=7,
        clock=lambda: NOW,
    )
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=receiver), base_url="http://t")


@pytest.mark.anyio
async def test_accepted_publishes_raw_and_canonical(publisher: FakePublisher) -> None:
    """A verified delivery publishes its raw record and its events, then answers 200."""
    async with _client(publisher) as client:
        response = await client.post("/webhooks/src", content=b"{}", headers={"x-sig": "new"})
    assert (response.status_code, response.json()) == (200, {"status": "accepted"})
    raw, event = publisher.published
    assert (raw.topic, raw.value, raw.key) == ("commerce.raw", b"{}", b"src:d")
    assert event.topic == "commerce.platform-events"
    assert orjson.loads(event.value)["type"] == "commerce.platform_event.received.v1"


@pytest.mark.anyio
async def test_rejections(publisher: FakePublisher) -> None:
    """Unknown source 404, too large 413, bad signature and verifier bugs 401, GET 405."""
    async with _client(publisher) as client:
        assert (await client.post("/webhooks/other", content=b"{}")).status_code == 404
        assert (await client.post("/webhooks/src", content=b"x" * 101)).status_code == 413
        bad = await client.post("/webhooks/src", content=b"{}", headers={"x-sig": "nope"})
        assert (bad.status_code, bad.json()) == (401, {"error": "unauthorized"})
        bug = await client.post("/webhooks/src", content=b"boom", headers={"x-sig": "new"})
        assert bug.status_code == 401
        assert (await client.get("/webhooks/src")).status_code == 405
    assert publisher.published == []


@pytest.mark.anyio
async def test_chunked_body_over_limit_is_413(publisher: FakePublisher) -> None:
    """A body without Content-Length is still cut off at the limit."""

    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(5):
            yield b"x" * 30

    async with _client(publisher) as client:
        response = await client.post("/webhooks/src", content=chunks())
    assert response.status_code == 413


@pytest.mark.anyio
async def test_handshake_and_platform_ack(publisher: FakePublisher) -> None:
    """A handshake gets the verifier's reply; a platform's required ack replaces relay's body."""
    async with _client(publisher) as client:
        ping = await client.post("/webhooks/src", content=b"ping")
    assert (ping.status_code, ping.content) == (200, b"pong")
    async with _client(publisher, EmptyAckVerifier()) as client:
        ack = await client.post("/webhooks/src", content=b"{}", headers={"x-sig": "old"})
    assert (ack.status_code, ack.content) == (204, b"")


@pytest.mark.anyio
async def test_normalization_failure_goes_to_dlq_and_is_acknowledged(
    publisher: FakePublisher,
) -> None:
    """A body that does not normalize: raw + DLQ record published, still 200."""
    async with _client(publisher) as client:
        response = await client.post("/webhooks/src", content=b"bad", headers={"x-sig": "new"})
    assert response.status_code == 200
    raw, dlq = publisher.published
    assert raw.topic == "commerce.raw"
    assert dlq.topic == "commerce.dlq"
    failure = orjson.loads(dlq.value)
    assert failure["reason"] == "malformed_payload"
    assert failure["deliveryid"] == "d"
    assert dict(dlq.headers)["relay-error-reason"] == b"malformed_payload"


@pytest.mark.anyio
async def test_publish_failure_is_503_and_retry_is_not_a_duplicate(
    publisher: FakePublisher,
) -> None:
    """Kafka down: 503 with Retry-After; the platform's retry then publishes normally."""
    publisher.down = True
    async with _client(publisher) as client:
        failed = await client.post("/webhooks/src", content=b"{}", headers={"x-sig": "new"})
        assert failed.status_code == 503
        assert failed.headers["retry-after"] == "7"
        publisher.down = False
        retried = await client.post("/webhooks/src", content=b"{}", headers={"x-sig": "new"})
        again = await client.post("/webhooks/src", content=b"{}", headers={"x-sig": "new"})
    assert retried.json() == {"status": "accepted"}
    assert again.json() == {"status": "duplicate"}
    assert len(publisher.published) == 2


@pytest.mark.anyio
async def test_logs_are_json_with_context_and_no_secrets(publisher: FakePublisher) -> None:
    """Log lines carry source, platform and delivery id; never a secret or a signature."""
    stream = io.StringIO()
    configure_logging("INFO", stream)
    try:
        async with _client(publisher) as client:
            await client.post("/webhooks/src", content=b"{}", headers={"x-sig": "guess-secret"})
            publisher.down = True
            await client.post(
                "/webhooks/src", content=b"{}", headers={"x-sig": "new", "x-id": "d7"}
            )
    finally:
        logging.getLogger().handlers = []
    lines = [orjson.loads(line) for line in stream.getvalue().splitlines()]
    rejected = next(line for line in lines if line["event"] == "delivery rejected")
    assert rejected["source"] == "src"
    assert rejected["platform"] == "stub"
    assert rejected["reason"] == "signature_mismatch"
    failed = next(line for line in lines if line["event"].startswith("publish failed"))
    assert failed["delivery_id"] == "d7"
    text = stream.getvalue()
    for secret in ("guess-secret", '"new"', "old"):
        assert secret not in text
