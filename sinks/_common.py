"""Settings every sink type shares: name, topics, filter, retry policy, concurrency, stop."""

from __future__ import annotations

from typing import Annotated

import jmespath
from jmespath.exceptions import JMESPathError
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

__all__ = [
    "BatchedSinkSettings",
    "FilterSettings",
    "RetrySettings",
    "SecretRef",
    "SinkName",
    "SinkSettings",
]

SinkName = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,62}$")]
SecretRef = Annotated[
    str,
    StringConstraints(pattern=r"^(env:[A-Za-z_][A-Za-z0-9_]*|file:.+)$"),
    Field(description="A reference to a secret: `env:NAME` or `file:/path`, never the value."),
]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FilterSettings(_Section):
    """Which events of the sink's topics it delivers; the others are committed and counted."""

    types: list[str] = Field(
        default_factory=list, description="Event type globs (`commerce.order.*`); empty: all."
    )
    platforms: list[str] = Field(default_factory=list, description="Platform slugs; empty: all.")
    sources: list[str] = Field(default_factory=list, description="Source ids; empty: all.")
    expression: str | None = Field(
        default=None,
        description="A JMESPath expression over the CloudEvent; the event passes when the "
        "result is truthy (`data.currency == 'EUR'`).",
    )

    @field_validator("expression")
    @classmethod
    def _compiles(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                jmespath.compile(value)
            except JMESPathError as exc:
                raise ValueError(f"not a valid JMESPath expression: {exc}") from None
        return value


class RetrySettings(_Section):
    """Exponential backoff with jitter, bounded by attempts and by total time."""

    attempts: int = Field(default=10, ge=1, le=1000)
    timeout_seconds: float = Field(default=300.0, gt=0, description="Total time per event.")
    wait_initial_seconds: float = Field(default=0.5, gt=0)
    wait_max_seconds: float = Field(default=30.0, gt=0)
    wait_jitter_seconds: float = Field(default=1.0, ge=0)


class SinkSettings(_Section):
    """The keys of every sink type."""

    name: SinkName
    topics: list[str] = Field(min_length=1, description="Topic suffixes, e.g. `orders`.")
    filter: FilterSettings = FilterSettings()
    retry: RetrySettings = RetrySettings()
    max_in_flight: int = Field(default=64, ge=1, le=10_000, description="Parallel deliveries.")
    max_pending_per_partition: int = Field(
        default=2000, ge=1, description="Fetched, unfinished records before a partition pauses."
    )
    attempt_timeout_seconds: float = Field(
        default=30.0, gt=0, description="One delivery attempt longer than this fails (retried)."
    )
    commit_interval_seconds: float = Field(default=1.0, gt=0)
    stop_timeout_seconds: float = Field(
        default=10.0, gt=0, description="How long in-flight deliveries may finish on stop."
    )
    session_timeout_ms: int = Field(default=10_000, ge=1000)


class BatchedSinkSettings(SinkSettings):
    """The keys of sink types that deliver in batches (postgres, redis, nats)."""

    max_in_flight: int = Field(
        default=1000,
        ge=1,
        le=10_000,
        description="Events in flight at once; a batch to the target holds up to this many.",
    )
