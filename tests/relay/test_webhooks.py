"""The receiver's outcome -> HTTP answer mapping, with stand-in verifier, normalizer, publisher."""

from __future__ import annotations

import asyncio
import gc
import io
import logging
from collections.abc import AsyncIterator, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import ClassVar, Self

import httpx
import orjson
import pytest

from normalizers import CanonicalEvent, MalformedPayloadError, make_event
from normalizers.schema import PlatformEvent
from relay.dedup import Claim, InProcessDedup
from relay.errors import PublishError
from relay.logging import configure_logging
from relay.metrics import RelayMetrics
from relay.publisher import Record
from relay.ratelimit import TokenBucket
from relay.records import RecordBuilder
from relay.spool import Spool
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
        self.waits: list[float | None] = []

    async def publish(self, records: Sequence[Record], *, max_wait: float | None = None) -> None:
        self.waits.append(max_wait)
        if self.down:
            raise PublishError("down")
        self.published.extend(records)

    async def ready(self) -> bool:
        return not self.down


@pytest.fixture
def publisher() -> FakePublisher:
    """A publisher that records instead of sending."""
    return FakePublisher()


def _receiver(
    publisher: FakePublisher,
    verifier: StubVerifier | None = None,
    *,
    rate_limit: TokenBucket | None = None,
    **kwargs: object,
) -> WebhookReceiver:
    source = SourceRuntime(
        id="src",
        platform="stub",
        verifier=verifier or StubVerifier(),
        secrets=(Secret("old"), Secret("new")),
        normalizer=normalize,
        rate_limit=rate_limit,
    )
    return WebhookReceiver(
        sources={"src": source},
        publisher=publisher,
        builder=RecordBuilder("commerce"),
        dedup=InProcessDedup(ttl_seconds=60, max_entries=100),
        metrics=RelayMetrics(),
        max_body_bytes=100,
        retry_after_seconds=7,
        clock=lambda: NOW,
        **kwargs,  # type: ignore[arg-type]
    )


def _client(publisher: FakePublisher, verifier: StubVerifier | None = None) -> httpx.AsyncClient:
    return _over(_receiver(publisher, verifier))


def _over(receiver: WebhookReceiver) -> httpx.AsyncClient:
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


SIGNED = {"x-sig": "new"}


@pytest.mark.anyio
async def test_kafka_down_with_spool_is_202_and_spooled(
    publisher: FakePublisher, tmp_path: Path
) -> None:
    """Kafka down, spool enabled: records are fsync'd in the spool and the answer is 202."""
    spool = Spool(tmp_path, max_bytes=1 << 20)
    await spool.open()
    publisher.down = True
    receiver = _receiver(publisher, spool=spool, publish_timeout=0.25)
    async with _over(receiver) as client:
        first = await client.post("/webhooks/src", content=b"{}", headers=SIGNED)
        publisher.down = False  # back, but the spool drains first: order is kept
        second = await client.post("/webhooks/src", content=b"{}", headers={**SIGNED, "x-id": "e2"})
        dup = await client.post("/webhooks/src", content=b"{}", headers=SIGNED)
    assert (first.status_code, first.json()) == (202, {"status": "spooled"})
    assert (second.status_code, second.json()) == (202, {"status": "spooled"})
    assert dup.json() == {"status": "duplicate"}
    assert publisher.waits == [0.25]
    entries = spool.read(10)
    assert [len(e.records) for e in entries] == [2, 2]
    assert entries[1].records[0].key == b"src:e2"
    await spool.aclose()


@pytest.mark.anyio
async def test_spool_full_is_503(publisher: FakePublisher, tmp_path: Path) -> None:
    """Kafka down and no room in the spool: 503 with Retry-After, and not marked as seen."""
    spool = Spool(tmp_path, max_bytes=64)
    await spool.open()
    publisher.down = True
    async with _over(_receiver(publisher, spool=spool)) as client:
        full = await client.post("/webhooks/src", content=b"{}", headers=SIGNED)
        publisher.down = False
        retried = await client.post("/webhooks/src", content=b"{}", headers=SIGNED)
    assert (full.status_code, full.headers["retry-after"]) == (503, "7")
    assert retried.json() == {"status": "accepted"}
    await spool.aclose()


@pytest.mark.anyio
async def test_rate_limit_is_429_with_retry_after(publisher: FakePublisher) -> None:
    """Over the source's opt-in rate limit: 429 + Retry-After, before the body is read."""
    clock = iter([0.0, 0.0, 0.0, 0.0, 0.5])
    bucket = TokenBucket(rate=2, burst=2, clock=lambda: next(clock))
    async with _over(_receiver(publisher, rate_limit=bucket)) as client:
        codes = [
            (await client.post("/webhooks/src", content=b"{}", headers={**SIGNED, "x-id": i}))
            for i in "abc"
        ]
        later = await client.post("/webhooks/src", content=b"{}", headers={**SIGNED, "x-id": "d"})
    assert [r.status_code for r in codes] == [200, 200, 429]
    assert codes[2].headers["retry-after"] == "1"
    assert later.status_code == 200


@pytest.mark.anyio
async def test_overload_is_503_not_a_queue(publisher: FakePublisher) -> None:
    """Past max_in_flight concurrent webhooks, the next one is refused at once with 503."""
    gate = asyncio.Event()

    class SlowPublisher(FakePublisher):
        async def publish(
            self, records: Sequence[Record], *, max_wait: float | None = None
        ) -> None:
            await gate.wait()
            await super().publish(records, max_wait=max_wait)

    slow = SlowPublisher()
    receiver = _receiver(slow, max_in_flight=2)
    async with _over(receiver) as client:
        busy = [
            asyncio.create_task(
                client.post("/webhooks/src", content=b"{}", headers={**SIGNED, "x-id": i})
            )
            for i in "ab"
        ]
        for _ in range(200):  # bounded: until both are inside the receiver
            if receiver._in_flight == 2:
                break
            await asyncio.sleep(0.001)
        refused = await client.post("/webhooks/src", content=b"{}", headers={**SIGNED, "x-id": "c"})
        gate.set()
        done = await asyncio.gather(*busy)
    assert (refused.status_code, refused.headers["retry-after"]) == (503, "7")
    assert [r.status_code for r in done] == [200, 200]


async def _slow_body_request(
    receiver: WebhookReceiver,
    sent: list[dict[str, object]],
    reading: asyncio.Event | None = None,
) -> None:
    """One request whose body never comes; what relay sends goes to ``sent``."""

    async def receive() -> dict[str, object]:
        if reading is not None:
            reading.set()
        await asyncio.sleep(5)
        return {"type": "http.request", "body": b"{}", "more_body": False}  # pragma: no cover

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/webhooks/src", "headers": []}
    await receiver(scope, receive, send)  # type: ignore[arg-type]


@pytest.mark.anyio
async def test_slow_body_is_408(publisher: FakePublisher) -> None:
    """A client that does not finish sending its body within body_timeout gets 408."""
    receiver = _receiver(publisher, body_timeout=0.05)
    sent: list[dict[str, object]] = []
    await _slow_body_request(receiver, sent)
    assert sent[0]["status"] == 408
    assert publisher.published == []


def test_one_receiver_times_bodies_out_on_each_event_loop_it_serves(
    publisher: FakePublisher,
) -> None:
    """The loop and task it keeps from a first request do not stop it on the next loop."""
    receiver = _receiver(publisher, body_timeout=0.05)
    for _ in range(2):
        sent: list[dict[str, object]] = []
        asyncio.run(_slow_body_request(receiver, sent))
        assert sent[0]["status"] == 408


@pytest.mark.anyio
async def test_a_request_cancelled_while_reading_its_body_is_not_answered_408(
    publisher: FakePublisher,
) -> None:
    """Only the body deadline turns a cancellation into 408; a shutdown's cancel propagates."""
    receiver = _receiver(publisher, body_timeout=5.0)
    sent: list[dict[str, object]] = []
    reading = asyncio.Event()
    task = asyncio.ensure_future(_slow_body_request(receiver, sent, reading))
    await reading.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert sent == []


@pytest.mark.anyio
async def test_delivery_busy_on_another_replica_is_503(publisher: FakePublisher) -> None:
    """When another replica is still publishing the same delivery, answer 503 to retry later."""
    from contextlib import asynccontextmanager  # noqa: PLC0415

    from relay.errors import DedupBusyError  # noqa: PLC0415

    class BusyDedup:
        @asynccontextmanager
        async def claim(self, key: str, ttl_seconds: int | None = None) -> AsyncIterator[Claim]:
            del key, ttl_seconds
            raise DedupBusyError("busy")
            yield Claim(fresh=True)  # pragma: no cover

        async def aclose(self) -> None:
            """Nothing to release."""

    receiver = _receiver(publisher)
    receiver._dedup = BusyDedup()
    async with _over(receiver) as client:
        response = await client.post("/webhooks/src", content=b"{}", headers=SIGNED)
    assert response.status_code == 503
    assert publisher.published == []


@pytest.mark.anyio
async def test_oversized_headers_are_431(publisher: FakePublisher) -> None:
    """Headers larger than max_header_bytes in all are refused before the body is read."""
    async with _over(_receiver(publisher, max_header_bytes=2048)) as client:
        response = await client.post(
            "/webhooks/src", content=b"{}", headers={**SIGNED, "x-padding": "p" * 4096}
        )
    assert (response.status_code, response.json()) == (
        431,
        {"error": "request header fields too large"},
    )
    assert publisher.published == []


@pytest.mark.anyio
async def test_no_canonical_event_is_kept_while_kafka_acknowledges(
    publisher: FakePublisher,
) -> None:
    """Only the records' bytes wait for Kafka: the models are freed before the wait."""
    alive: list[int] = []

    class CountingPublisher(FakePublisher):
        async def publish(
            self, records: Sequence[Record], *, max_wait: float | None = None
        ) -> None:
            alive.append(sum(isinstance(o, CanonicalEvent) for o in gc.get_objects()))
            await super().publish(records, max_wait=max_wait)

    counting = CountingPublisher()
    async with _client(counting) as client:
        response = await client.post("/webhooks/src", content=b"{}", headers=SIGNED)
    assert response.json() == {"status": "accepted"}
    assert len(counting.published) == 2  # the raw record and the event's
    assert alive == [0]
