"""relay's Prometheus metrics: one ``RelayMetrics`` object over its own registry.

Labels are bounded: ``platform`` and ``source`` come from the configuration, ``outcome`` and
``reason`` from fixed sets; never an id, a header value or a secret.
"""

from __future__ import annotations

import platform
from typing import Generic, TypeVar

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    Info,
    ProcessCollector,
    disable_created_metrics,
)

from relay.errors import PublishError

__all__ = [
    "LATENCY_BUCKETS",
    "PUBLISH_ERROR_REASONS",
    "Children",
    "RelayMetrics",
    "publish_error_reason",
]

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 7.5, 10)
"""Seconds: fine below 100 ms where relay lives, then a bound at each timeout that matters
between 1 and 10 s (the publish timeout's 3 s default, Shopify's 5 s, the common 10 s)."""

PUBLISH_ERROR_REASONS = ("kafka_error", "not_started", "timeout")
"""The bounded ``reason`` values of ``relay_publish_errors_total``."""


_Metric = TypeVar("_Metric", Counter, Histogram)


class Children(Generic[_Metric]):
    """A labelled metric's children, each looked up once (``labels()`` locks and checks).

    Labels are bounded (see the module docstring), so the cache is too.
    """

    __slots__ = ("_children", "_metric")

    def __init__(self, metric: _Metric) -> None:
        self._metric: _Metric = metric
        self._children: dict[tuple[str, ...], _Metric] = {}

    def __call__(self, *labels: str) -> _Metric:
        """The child for ``labels``, in the metric's label order."""
        child = self._children.get(labels)
        if child is None:
            child = self._children[labels] = self._metric.labels(*labels)
        return child


def publish_error_reason(error: PublishError) -> str:
    """Return the bounded metric label for ``error`` (one of ``PUBLISH_ERROR_REASONS``)."""
    cause = error.__cause__
    if isinstance(cause, TimeoutError):
        return "timeout"
    return "not_started" if cause is None else "kafka_error"


class RelayMetrics:
    """Every metric the receiver exports."""

    def __init__(self, registry: CollectorRegistry | None = None, version: str = "") -> None:
        disable_created_metrics()  # type: ignore[no-untyped-call]  # no `_created` twins
        self.registry = registry or CollectorRegistry()
        r = self.registry
        self.webhooks = Counter(
            "relay_webhooks_received_total",
            "Webhook requests by platform, source and outcome (docs/metrics.md lists outcomes).",
            ["platform", "source", "outcome"],
            registry=r,
        )
        self.unknown_source = Counter(
            "relay_webhooks_unknown_source_total",
            "Webhook requests for a source id that is not configured.",
            registry=r,
        )
        self.verification_failures = Counter(
            "relay_verification_failures_total",
            "Deliveries rejected by signature verification, by reason.",
            ["platform", "source", "reason"],
            registry=r,
        )
        self.normalization_failures = Counter(
            "relay_normalization_failures_total",
            "Verified deliveries that could not be normalized (sent to the DLQ topic).",
            ["platform", "source", "reason"],
            registry=r,
        )
        self.events = Counter(
            "relay_events_published_total",
            "Canonical events published, by platform and event type.",
            ["platform", "type"],
            registry=r,
        )
        self.publish_seconds = Histogram(
            "relay_publish_seconds",
            "Time from handing a webhook's records to the producer to Kafka's last ack.",
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.publish_errors = Counter(
            "relay_publish_errors_total",
            "Webhooks whose records Kafka did not acknowledge in time, by reason (kafka_error, "
            "not_started, timeout).",
            ["platform", "source", "reason"],
            registry=r,
        )
        self.request_seconds = Histogram(
            "relay_webhook_request_seconds",
            "Webhook request handling time, from the first byte of the body to the answer.",
            ["platform"],
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.in_flight = Gauge(
            "relay_webhooks_in_flight", "Webhook requests being handled now.", registry=r
        )
        self.dedup_hits = Counter(
            "relay_dedup_hits_total",
            "Deliveries answered as duplicates (nothing republished).",
            ["platform", "source"],
            registry=r,
        )
        self.dedup_entries = Gauge(
            "relay_dedup_entries",
            "Delivery keys held by this process's dedup cache (bounded by dedup.max_entries).",
            registry=r,
        )
        self.spool_bytes = Gauge(
            "relay_spool_bytes", "Bytes in the local spool not yet drained to Kafka.", registry=r
        )
        self.spool_oldest_age = Gauge(
            "relay_spool_oldest_age_seconds",
            "How long the oldest undrained spool entry has waited (0 when empty).",
            registry=r,
        )
        self.spool_appended = Counter(
            "relay_spool_appended_total",
            "Webhooks written to the local spool (Kafka unreachable or slow), answered 202.",
            registry=r,
        )
        self.spool_drained = Counter(
            "relay_spool_drained_total",
            "Spooled webhooks republished to Kafka and removed from the spool.",
            registry=r,
        )
        self.spool_rejected = Counter(
            "relay_spool_rejected_total",
            "Webhooks refused with 503 because the spool was full or could not be written.",
            registry=r,
        )
        self.spool_corrupt_bytes = Counter(
            "relay_spool_corrupt_bytes_total",
            "Bytes of torn or corrupt spool tails truncated at start-up (after a crash).",
            registry=r,
        )
        self.build_info = Info("relay_build", "relay's version and Python version.", registry=r)
        self.build_info.info({"version": version, "python": platform.python_version()})
        ProcessCollector(registry=r)  # process_cpu_seconds_total, process_resident_memory_bytes
