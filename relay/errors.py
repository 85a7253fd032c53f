"""relay's own exceptions.

Tree (every name ends in ``Error``)::

    RelayError
    ├── ConfigError          the config file, an environment override or a secret reference is
    │                        unusable; ``key`` names it (``sources[0].secrets[1]``)
    ├── PublishError         Kafka did not acknowledge every record of a webhook in time ->
    │                        spooled (202) with the spool, else 503
    ├── SpoolFullError       the spool has no room or cannot be written -> 503
    ├── DedupBusyError       another replica is still publishing the delivery -> 503
    ├── KeyFetchError        (relay.keys) a platform's published key could not be fetched
    └── BrokerError          the embedded broker could not be started

The other packages have their own roots (``verifiers.VerificationError`` -> 401,
``normalizers.NormalizationError`` -> DLQ record, still 2xx, ``sinks.SinkError``); the one
mapping from exception to HTTP answer lives in ``relay.webhooks``.
"""

from __future__ import annotations

__all__ = [
    "BrokerError",
    "ConfigError",
    "DedupBusyError",
    "PublishError",
    "RelayError",
    "SpoolFullError",
]


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


class SpoolFullError(RelayError):
    """The spool reached ``spool.max_bytes`` or could not be written; the webhook gets 503."""


class DedupBusyError(RelayError):
    """Another replica is still publishing this delivery; the platform should retry later."""


class BrokerError(RelayError):
    """The embedded Kafka-compatible broker could not be started."""
