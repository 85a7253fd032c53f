"""relay's Prometheus metrics: one ``RelayMetrics`` object over its own registry.

Labels are bounded: ``platform`` and ``source`` come from the configuration, ``outcome`` and
``reason`` from fixed sets; never an id, a header value or a secret.

With ``server.workers`` > 1 (``relay.workers``) the metrics use prometheus_client's
multiprocess mode: the supervisor sets ``PROMETHEUS_MULTIPROC_DIR`` before it starts the
workers, every worker writes its values to memory-mapped files there, and whichever worker
answers ``/metrics`` reports the sum over all of them (counters and histograms over every
worker that ever ran, gauges over the live ones). The ``process_*`` metrics are summed over
the live relay processes the supervisor lists in ``PROCESSES_FILE``.
"""

from __future__ import annotations

import os
import platform
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import ClassVar, Generic, TypeVar

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    GCCollector,
    Histogram,
    Metric,
    ProcessCollector,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from relay.errors import PublishError

__all__ = [
    "LATENCY_BUCKETS",
    "PROCESSES_FILE",
    "PUBLISH_ERROR_REASONS",
    "Children",
    "RelayMetrics",
    "publish_error_reason",
    "write_processes",
]

PROCESSES_FILE = "relay-processes"
"""In the multiprocess directory: the PIDs of the supervisor and its live workers, one a line."""

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


def write_processes(directory: Path, pids: Iterable[int]) -> None:
    """Replace ``PROCESSES_FILE`` in ``directory`` atomically (the supervisor's side)."""
    tmp = directory / f"{PROCESSES_FILE}.tmp"
    tmp.write_text("".join(f"{pid}\n" for pid in pids))
    tmp.replace(directory / PROCESSES_FILE)


def _process_collector(pid: int) -> ProcessCollector:
    return ProcessCollector(pid=lambda: pid, registry=None)


class _ProcessesCollector(Collector):
    """prometheus_client's process metrics, summed over the PIDs in ``PROCESSES_FILE``.

    CPU seconds, memory and open descriptors add up; ``process_max_fds`` is the largest limit
    and ``process_start_time_seconds`` the earliest start (the supervisor's). A restarted
    worker's CPU time leaves the sum with it, which ``rate()`` reads as a counter reset.
    """

    _COMBINE: ClassVar[dict[str, Callable[[list[float]], float]]] = {
        "process_max_fds": max,
        "process_start_time_seconds": min,
    }

    def __init__(self, directory: Path) -> None:
        self._file = directory / PROCESSES_FILE

    def collect(self) -> Iterable[Metric]:
        try:
            pids = [int(line) for line in self._file.read_text().split()]
        except (OSError, ValueError):
            pids = [os.getpid()]
        families: dict[str, Metric] = {}
        values: dict[tuple[str, str], list[float]] = {}
        for pid in pids:
            for family in _process_collector(pid).collect():
                families.setdefault(family.name, family)
                for sample in family.samples:
                    values.setdefault((family.name, sample.name), []).append(sample.value)
        for name, family in families.items():
            merged = Metric(family.name, family.documentation, family.type)
            for (owner, sample_name), found in values.items():
                if owner == name:
                    merged.add_sample(sample_name, {}, self._COMBINE.get(sample_name, sum)(found))
            yield merged


class RelayMetrics:
    """Every metric the receiver exports."""

    def __init__(self, registry: CollectorRegistry | None = None, version: str = "") -> None:
        disable_created_metrics()  # type: ignore[no-untyped-call]  # no `_created` twins
        # prometheus_client chose its value store from this variable when it was imported.
        directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
        self.multiprocess_dir = Path(directory) if directory else None
        self._tracked: list[tuple[Gauge, Callable[[], float]]] = []
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
            "relay_webhooks_in_flight",
            "Webhook requests being handled now.",
            registry=r,
            multiprocess_mode="livesum",
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
            multiprocess_mode="livemax",
        )
        self.spool_bytes = Gauge(
            "relay_spool_bytes",
            "Bytes in the local spool not yet drained to Kafka.",
            registry=r,
            multiprocess_mode="livesum",
        )
        self.spool_oldest_age = Gauge(
            "relay_spool_oldest_age_seconds",
            "How long the oldest undrained spool entry has waited (0 when empty).",
            registry=r,
            multiprocess_mode="livemax",
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
        self.worker_restarts = Counter(
            "relay_worker_restarts_total",
            "Worker processes restarted by the supervisor after they died (server.workers > 1).",
            registry=r,
        )
        # A gauge rather than an Info: Info has no multiprocess mode. The exposition is the same.
        self.build_info = Gauge(
            "relay_build_info",
            "relay's version and Python version.",
            ["version", "python"],
            registry=r,
            multiprocess_mode="max",
        )
        self.build_info.labels(version, platform.python_version()).set(1)
        if self.multiprocess_dir is None:
            ProcessCollector(registry=r)  # process_cpu_seconds_total, process_resident_memory_bytes
            GCCollector(registry=r)  # python_gc_collections_total: what the gc settings do

    def track(self, gauge: Gauge, read: Callable[[], float]) -> None:
        """Report ``gauge`` as what ``read`` returns at each scrape.

        In multiprocess mode a function gauge has no file to be read from: ``refresh()``
        (on every scrape and every second) writes the value instead.
        """
        self._tracked.append((gauge, read))
        if self.multiprocess_dir is None:
            gauge.set_function(read)
        else:
            gauge.set(read())

    def refresh(self) -> None:
        """Write the tracked gauges' current values (needed in multiprocess mode only)."""
        for gauge, read in self._tracked:
            gauge.set(read())

    def render(self) -> bytes:
        """The Prometheus text exposition: this process's metrics, or every worker's."""
        if self.multiprocess_dir is None:
            return generate_latest(self.registry)
        self.refresh()
        registry = CollectorRegistry()
        MultiProcessCollector(registry, path=str(self.multiprocess_dir))  # type: ignore[no-untyped-call]
        registry.register(_ProcessesCollector(self.multiprocess_dir))
        return generate_latest(registry)
