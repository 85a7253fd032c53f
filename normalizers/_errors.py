"""The exceptions a normalizer raises.

Tree::

    NormalizationError          the delivery is genuine but cannot become canonical events
    └── MalformedPayloadError   the body does not fit the platform's documented shape

The receiver still acknowledges such a delivery once its raw record is durable, and sends a
failure record with the reason to the DLQ topic: a genuine delivery is never dropped.
"""

from __future__ import annotations

__all__ = ["MalformedPayloadError", "NormalizationError"]


class NormalizationError(Exception):
    """A verified delivery could not be turned into canonical events."""

    reason = "normalization_failed"


class MalformedPayloadError(NormalizationError):
    """The body is not JSON, or does not have the shape the platform documents."""

    reason = "malformed_payload"
