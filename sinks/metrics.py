"""``SinkMetrics``: the sinks' Prometheus metrics, on the registry relay exports.

Labels are bounded: ``sink`` and ``topic`` come from the configuration, ``outcome`` from
``OUTCOMES``. Every consumed event ends in exactly one of ``delivered``, ``dead_lettered`` or
``filtered``; ``retried`` counts failed attempts that are tried again.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

__all__ = ["DELIVERY_BUCKETS", "OUTCOMES", "SinkMetrics"]

OUTCOMES = ("dead_lettered", "delivered", "filtered", "retried")
"""The fixed values of the ``outcome`` label of ``relay_sink_deliveries_total``."""

DELIVERY_BUCKETS = (0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300)
"""Seconds from a record's fetch to its delivery, retries included."""


class SinkMetrics:
    """Every metric the sink runners export, shared by all sinks of a process."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        r = self.registry
        self.deliveries = Counter(
            "relay_sink_deliveries_total",
            "Sink events by outcome: delivered, dead_lettered, filtered (one per event), and "
            "retried (one per failed attempt that is tried again).",
            ["sink", "outcome"],
            registry=r,
        )
        self.attempts = Counter(
            "relay_sink_attempts_total",
            "Delivery attempts, first tries included.",
            ["sink"],
            registry=r,
        )
        self.delivery_seconds = Histogram(
            "relay_sink_delivery_seconds",
            "Time from fetching a record to its successful delivery, retries included.",
            ["sink"],
            buckets=DELIVERY_BUCKETS,
            registry=r,
        )
        self.lag = Gauge(
            "relay_sink_lag",
            "Records behind the end of the topic (summed over the sink's partitions).",
            ["sink", "topic"],
            registry=r,
        )
        self.dead_letters = Counter(
            "relay_sink_dead_letters_total",
            "Events sent to the sink's dead-letter topic.",
            ["sink"],
            registry=r,
        )
        self.filtered = Counter(
            "relay_sink_filtered_total",
            "Events the sink's filter skipped (committed, not delivered).",
            ["sink"],
            registry=r,
        )

    def count(self, sink: str, outcome: str) -> None:
        """Count one event (or one retried attempt) of ``sink`` with ``outcome``."""
        self.deliveries.labels(sink, outcome).inc()
        if outcome == "dead_lettered":
            self.dead_letters.labels(sink).inc()
        elif outcome == "filtered":
            self.filtered.labels(sink).inc()
