"""aiokafka's zstd compression, with one reused compression context per thread.

aiokafka (0.12 to 0.14) compresses every record batch with ``cramjam.zstd.compress`` at
level 3, which sets up a new zstd context per call: tables of up to a megabyte, often
allocated with ``mmap`` and given back on every call. At light load each webhook's records
make batches of their own, and that was the largest single item of relay's profile at 4
connections (12.2 % of samples). ``install`` points aiokafka's record batch builders at
``compress``: python-zstandard's ``ZstdCompressor``, kept per thread (a context is not
thread-safe), at ``kafka.zstd_level`` (default 1: in relay's profile at 4 connections
compression fell from 10.0 % of samples at level 3 to 5.5 % at level 1, for ~2 % more
bytes; bench/README.md). The frames are standard zstd frames: any Kafka client
decompresses them (the integration tests read them back with librdkafka).
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from types import ModuleType

import zstandard
from aiokafka.record import default_records

__all__ = ["DEFAULT_LEVEL", "compress", "install"]

DEFAULT_LEVEL = 1
"""relay's zstd level (``kafka.zstd_level``); aiokafka's, and KIP-390's default, is 3."""

_NAME = "zstd_encode"
_local = threading.local()


def _builder_modules() -> list[ModuleType]:
    """The modules whose record batch builders look ``zstd_encode`` up when they compress."""
    modules = [default_records]  # pure Python (AIOKAFKA_NO_EXTENSIONS)
    try:
        from aiokafka.record._crecords import default_records as compiled  # noqa: PLC0415
    except ImportError:  # pragma: no cover (a build of aiokafka without its extensions)
        return modules
    return [*modules, compiled]


def compress(payload: bytes, level: int | None = None) -> bytes:
    """Compress one record batch's records into a zstd frame (aiokafka's ``zstd_encode``)."""
    compressors: dict[int, zstandard.ZstdCompressor] | None = getattr(_local, "compressors", None)
    if compressors is None:
        compressors = _local.compressors = {}
    wanted = DEFAULT_LEVEL if level is None else level
    compressor = compressors.get(wanted)
    if compressor is None:
        compressor = compressors[wanted] = zstandard.ZstdCompressor(level=wanted)
    return compressor.compress(payload)


def install(level: int = DEFAULT_LEVEL, encode: Callable[..., bytes] = compress) -> None:
    """Make aiokafka's record batch builders compress zstd batches with ``encode`` at ``level``.

    aiokafka calls its ``zstd_encode(data)`` with the batch alone, so the level is bound here.
    """
    bound = functools.partial(encode, level=level)
    for module in _builder_modules():
        if not hasattr(module, _NAME):  # pragma: no cover (aiokafka changed)
            raise RuntimeError(f"{module.__name__} has no {_NAME} to replace")
        setattr(module, _NAME, bound)
