"""Reading topics back with an independent client (confluent-kafka / librdkafka)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from confluent_kafka import Consumer, KafkaException, TopicPartition


@dataclass(frozen=True)
class Message:
    """One record as read back."""

    topic: str
    partition: int
    key: bytes | None
    value: bytes | None
    headers: dict[str, bytes]


def read_topic(
    bootstrap: str,
    topic: str,
    *,
    until: Callable[[list[Message]], bool],
    timeout: float = 15.0,
) -> list[Message]:
    """Read ``topic`` from the beginning of every partition until ``until(messages)`` or timeout.

    Counts what is actually read: Tansu's high watermarks can under-report.
    """
    consumer = Consumer(
        {
            "bootstrap.servers": bootstrap,
            "group.id": f"readback-{time.monotonic_ns()}",
            "enable.auto.commit": False,
            "auto.offset.reset": "earliest",
        }
    )
    messages: list[Message] = []
    try:
        deadline = time.monotonic() + timeout
        partitions: list[int] = []
        while not partitions and time.monotonic() < deadline:
            metadata = consumer.list_topics(topic, timeout=5)
            info = metadata.topics.get(topic)
            if info is not None and info.error is None:
                partitions = list(info.partitions)
            else:
                time.sleep(0.2)
        consumer.assign([TopicPartition(topic, p, 0) for p in partitions])
        while time.monotonic() < deadline and not until(messages):
            msg = consumer.poll(0.2)
            if msg is None:
                continue
            if msg.error():
                if msg.error().retriable() or "PARTITION_EOF" in msg.error().name():
                    continue
                raise KafkaException(msg.error())
            messages.append(
                Message(
                    topic=msg.topic(),
                    partition=msg.partition(),
                    key=msg.key(),
                    value=msg.value(),
                    headers=dict(msg.headers() or []),
                )
            )
    finally:
        consumer.close()
    return messages


def settle(bootstrap: str, topic: str, seconds: float = 1.5) -> list[Message]:
    """Read everything ``topic`` holds now, waiting ``seconds`` for stragglers."""
    return read_topic(bootstrap, topic, until=lambda _: False, timeout=seconds)


def collect_header_values(
    bootstrap: str,
    topic: str,
    header: str,
    *,
    expected: set[str] | None = None,
    at_least: int = 0,
    timeout: float = 60.0,
) -> dict[str, int]:
    """Count each value of ``header`` on ``topic`` until every ``expected`` one is seen.

    Or, for a count known but not the values (a load generator's), until ``at_least`` distinct
    values are. Reads in batches from the beginning, keeping only the counts (a soak's topic
    holds gigabytes); stops at ``timeout`` or once all expected values are there and a short
    quiet read finds nothing more (so duplicates are counted too).
    """
    consumer = Consumer(
        {
            "bootstrap.servers": bootstrap,
            "group.id": f"collect-{time.monotonic_ns()}",
            "enable.auto.commit": False,
            "auto.offset.reset": "earliest",
        }
    )
    counts: dict[str, int] = {}
    try:
        metadata = consumer.list_topics(topic, timeout=10)
        partitions = list(metadata.topics[topic].partitions)
        consumer.assign([TopicPartition(topic, p, 0) for p in partitions])
        deadline = time.monotonic() + timeout
        missing = set(expected or ())
        quiet_since: float | None = None
        while time.monotonic() < deadline:
            batch = consumer.consume(num_messages=1000, timeout=0.5)
            for msg in batch:
                if msg.error():
                    continue
                value = dict(msg.headers() or []).get(header)
                if value is not None:
                    key = value.decode()
                    counts[key] = counts.get(key, 0) + 1
                    missing.discard(key)
            if missing or len(counts) < at_least:
                continue
            if batch:
                quiet_since = None
            elif quiet_since is None:
                quiet_since = time.monotonic()
            elif time.monotonic() - quiet_since > 1.5:
                break
    finally:
        consumer.close()
    return counts
