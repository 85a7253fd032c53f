"""Normalization of verified deliveries into canonical, versioned commerce events.

``NORMALIZERS`` maps each platform slug to its normalizer.
"""

from normalizers._base import Normalizer, make_event
from normalizers._errors import MalformedPayloadError, NormalizationError
from normalizers._registry import NORMALIZERS
from normalizers.schema import CanonicalEvent, Entity

__all__ = [
    "NORMALIZERS",
    "CanonicalEvent",
    "Entity",
    "MalformedPayloadError",
    "NormalizationError",
    "Normalizer",
    "make_event",
]
