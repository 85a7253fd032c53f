"""The batching publisher against a real broker, read back with confluent-kafka.

Partitions are checked against librdkafka's ``murmur2_random`` partitioner (the Java client's
default, which aiokafka's default partitioner follows), an independent implementation.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Iterator

import pytest
from _kafka import read_topic
from aiokafka.record._crecords import default_records as compiled_records
from confluent_kafka import Producer

from relay import _zstd
from relay.config import KafkaSettings
from relay.embedded import EmbeddedBroker
from relay.errors import PublishError
from relay.publisher import KafkaPublisher, Record

pytestmark = pytest.mark.integration


def _settings(bootstrap: str, embedded: bool, **kafka: object) -> KafkaSettings:
    return KafkaSettings.model_validate(
        {
            "bootstrap_servers": bootstrap,
            "enable_idempotence": not embedded,
            "topic_partitions": 4,
            **kafka,
        }
    )


async def _started(settings: KafkaSettings, topics: list[str]) -> KafkaPublisher:
    publisher = KafkaPublisher(settings)
    await publisher.start(topics)
    return publisher


def _murmur2_partitions(bootstrap: str, topic: str, keys: list[bytes]) -> dict[bytes, int]:
    """Where librdkafka's murmur2 partitioner puts each key (one probe record per key)."""
    chosen: dict[bytes, int] = {}
    producer = Producer({"bootstrap.servers": bootstrap, "partitioner": "murmur2_random"})

    def delivered(err: object, msg: object) -> None:
        assert err is None, err
        chosen[msg.key()] = msg.partition()  # type: ignore[attr-defined]

    for key in keys:
        producer.produce(topic, b"probe", key, on_delivery=delivered)
    assert producer.flush(30) == 0
    return chosen


def test_concurrent_webhooks_share_batches_and_land_where_murmur2_says(
    kafka_bootstrap: str, kafka_is_embedded: bool, topic_prefix: str
) -> None:
    """Every record of 600 concurrent two-record webhooks arrives, on murmur2's partition.

    The batches are zstd (the default), compressed by relay's ``_zstd.compress`` and read
    back by librdkafka.
    """
    raw, orders = f"{topic_prefix}.raw", f"{topic_prefix}.orders"
    webhooks = 600

    async def run() -> None:
        publisher = await _started(_settings(kafka_bootstrap, kafka_is_embedded), [raw, orders])
        installed = compiled_records.zstd_encode
        assert installed.func is _zstd.compress
        assert installed.keywords == {"level": _zstd.DEFAULT_LEVEL}
        try:

            async def one(n: int) -> None:
                await publisher.publish(
                    [
                        Record(raw, f"src:{n}".encode(), b"r" * (n % 900 + 1), (("n", b"%d" % n),)),
                        Record(orders, f"src:order-{n % 50}".encode(), b'{"n":%d}' % n),
                    ]
                )

            await asyncio.gather(*(one(n) for n in range(webhooks)))
        finally:
            await publisher.aclose()

    asyncio.run(run())
    raw_back = read_topic(kafka_bootstrap, raw, until=lambda m: len(m) >= webhooks)
    orders_back = read_topic(kafka_bootstrap, orders, until=lambda m: len(m) >= webhooks)
    assert sorted(int(m.headers["n"]) for m in raw_back) == list(range(webhooks))
    assert len(orders_back) == webhooks
    for message in raw_back:
        assert message.value == b"r" * (int(message.headers["n"]) % 900 + 1)
    expected = _murmur2_partitions(
        kafka_bootstrap, f"{topic_prefix}.probe", [m.key for m in raw_back if m.key]
    )
    assert {m.key: m.partition for m in raw_back} == expected
    assert len({m.partition for m in raw_back}) == 4  # spread over every partition


def test_records_of_one_key_keep_their_order(
    kafka_bootstrap: str, kafka_is_embedded: bool, topic_prefix: str
) -> None:
    """Records published one after the other under one key are read back in that order."""
    topic = f"{topic_prefix}.orders"
    rounds = 40

    async def run() -> None:
        publisher = await _started(_settings(kafka_bootstrap, kafka_is_embedded), [topic])
        try:

            async def key_writer(key: int) -> None:
                for n in range(rounds):  # each waits for the previous ack, as a platform would
                    await publisher.publish([Record(topic, b"k%d" % key, b"%d" % n)])

            await asyncio.gather(*(key_writer(k) for k in range(8)))
        finally:
            await publisher.aclose()

    asyncio.run(run())
    back = read_topic(kafka_bootstrap, topic, until=lambda m: len(m) >= 8 * rounds)
    for key in range(8):
        values = [int(m.value or b"") for m in back if m.key == b"k%d" % key]
        assert values == list(range(rounds))


def test_a_record_larger_than_a_batch_is_sent_alone(
    kafka_bootstrap: str, kafka_is_embedded: bool, topic_prefix: str
) -> None:
    """A record over max_batch_size still goes, between its key's neighbours, in order."""
    topic = f"{topic_prefix}.raw"
    big = os.urandom(40 * 1024)
    settings = _settings(kafka_bootstrap, kafka_is_embedded, max_batch_size=16 * 1024)

    async def run() -> None:
        publisher = await _started(settings, [topic])
        try:
            small = [Record(topic, b"same-key", b"small-%d" % n) for n in range(3)]
            await asyncio.gather(
                publisher.publish(small[:1]),
                publisher.publish([Record(topic, b"same-key", big)]),
                publisher.publish(small[1:]),
            )
        finally:
            await publisher.aclose()

    asyncio.run(run())
    back = read_topic(kafka_bootstrap, topic, until=lambda m: len(m) >= 4)
    assert [m.value for m in back] == [b"small-0", big, b"small-1", b"small-2"]


def test_records_without_a_key_go_to_any_partition(
    kafka_bootstrap: str, kafka_is_embedded: bool, topic_prefix: str
) -> None:
    """An unkeyed record (none of relay's own, but a Record allows it) is sent and acknowledged."""
    topic = f"{topic_prefix}.raw"
    settings = _settings(kafka_bootstrap, kafka_is_embedded)

    async def run() -> None:
        publisher = await _started(settings, [topic])
        try:
            await publisher.publish([Record(topic, None, b"unkeyed-%d" % n) for n in range(20)])
        finally:
            await publisher.aclose()

    asyncio.run(run())
    back = read_topic(kafka_bootstrap, topic, until=lambda m: len(m) >= 20)
    assert sorted(m.value or b"" for m in back) == sorted(b"unkeyed-%d" % n for n in range(20))
    assert all(m.key is None and 0 <= m.partition < 4 for m in back)


def test_a_record_over_max_request_size_is_refused_before_sending(
    kafka_bootstrap: str, kafka_is_embedded: bool, topic_prefix: str
) -> None:
    """Over max_request_size: PublishError naming the setting, and none of the records sent."""
    topic = f"{topic_prefix}.raw"
    settings = _settings(kafka_bootstrap, kafka_is_embedded, max_request_size=1024 * 1024)

    async def run() -> None:
        publisher = await _started(settings, [topic])
        try:
            too_big = Record(topic, b"k", b"x" * (1024 * 1024))
            with pytest.raises(PublishError, match=r"exceeds kafka\.max_request_size"):
                await publisher.publish([Record(topic, b"k", b"fine"), too_big])
        finally:
            await publisher.aclose()

    asyncio.run(run())
    assert read_topic(kafka_bootstrap, topic, until=lambda _: False, timeout=1.5) == []


def test_publishing_before_start_is_a_publish_error() -> None:
    """Without a connection, publish says so instead of waiting."""
    publisher = KafkaPublisher(KafkaSettings())
    record = Record("t.raw", b"k", b"v")
    with pytest.raises(PublishError, match="not connected"):
        asyncio.run(publisher.publish([record]))


@pytest.fixture
def broker() -> Iterator[EmbeddedBroker]:
    """A broker of this test's own, to freeze."""
    with EmbeddedBroker() as started:
        yield started


def test_a_frozen_broker_times_out_then_the_next_publish_succeeds(broker: EmbeddedBroker) -> None:
    """A broker that stops answering: PublishError within max_wait; once back, publish works."""
    topic = f"t{uuid.uuid4().hex[:10]}.raw"
    settings = _settings(broker.bootstrap_servers, embedded=True, request_timeout_ms=5000)

    async def run() -> None:
        publisher = await _started(settings, [topic])
        try:
            await publisher.publish([Record(topic, b"k", b"before")])
            broker.pause()
            try:
                with pytest.raises(PublishError, match=r"not acknowledged within 0\.5s"):
                    await publisher.publish([Record(topic, b"k", b"frozen")], max_wait=0.5)
            finally:
                broker.resume()
            await publisher.publish([Record(topic, b"k", b"after")], max_wait=10)
        finally:
            await publisher.aclose()

    asyncio.run(run())
    back = read_topic(broker.bootstrap_servers, topic, until=lambda m: len(m) >= 3)
    # the frozen one was not acknowledged in time, but Kafka may still take it: a duplicate
    # the platform's retry makes, never a loss
    assert [m.value for m in back] == [b"before", b"frozen", b"after"]
