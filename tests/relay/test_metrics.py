"""The bounded label helpers of relay.metrics."""

from __future__ import annotations

from aiokafka.errors import KafkaTimeoutError

from relay.errors import PublishError
from relay.metrics import LATENCY_BUCKETS, PUBLISH_ERROR_REASONS, publish_error_reason


def _raised(cause: BaseException | None) -> PublishError:
    error = PublishError("free-form text with 3.0s in it")
    error.__cause__ = cause  # what `raise ... from cause` sets
    return error


def test_publish_error_reason_maps_causes_to_the_bounded_set() -> None:
    """A timeout, a Kafka error and a missing producer each map to one fixed reason."""
    assert publish_error_reason(_raised(TimeoutError())) == "timeout"
    assert publish_error_reason(_raised(KafkaTimeoutError())) == "kafka_error"
    assert publish_error_reason(_raised(None)) == "not_started"
    assert set(PUBLISH_ERROR_REASONS) == {"timeout", "kafka_error", "not_started"}


def test_latency_buckets_are_sorted_and_bound_the_platform_timeouts() -> None:
    """Buckets ascend and include 1, 2, 3, 5 and 10 s."""
    assert list(LATENCY_BUCKETS) == sorted(LATENCY_BUCKETS)
    assert {1, 2, 3, 5, 10} <= set(LATENCY_BUCKETS)
