"""relay's own exceptions.

Tree (every name ends in ``Error``)::

    RelayError
    ├── ConfigError          the config file, an environment override or a secret reference is
    │                        unusable; ``key`` names it (``sources[0].secrets[1]``)
    ├── PublishError         Kafka did not acknowledge every record of a webhook in time -> 503
    └── BrokerError          the embedded broker could not be started

The other packages have their own roots (``verifiers.VerificationError`` -> 401,
``normalizers.NormalizationError`` -> DLQ record, still 2xx, ``sinks.SinkError``); the one
mapping from exception to HTTP answer lives in ``relay.webhooks``.
"""

from __future__ import annotations

__all__ = ["BrokerError", "ConfigError", "PublishError", "RelayError"]


class RelayError(Exception):
    """Root of relay's own exceptions."""


class ConfigError(RelayError):
    """A setting is invalid; ``key`` is its dotted path. Messages never contain secret values."""

    def __init__(self, key: str, message: str, *, count: int = 1) -> None:
        more = f" (problems in all: {count})" if count > 1 else ""
        super().__init__(f"{key}: {message}{more}")
        self.key = key
        self.message = message


class PublishError(RelayError):
    """Kafka did not acknowledge every record of one webhook within the publish timeout."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class BrokerError(RelayError):
    """The embedded Kafka-compatible broker could not be started."""
