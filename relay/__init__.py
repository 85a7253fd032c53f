"""relay: webhook ingestion and fan-out for eCommerce.

Receives every platform's webhooks, verifies their signatures, normalizes them into canonical
CloudEvents and publishes raw and canonical events to Kafka, answering only once they are safe.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("relay")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0"

__all__ = ["__version__"]
