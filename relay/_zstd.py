"""aiokafka's zstd compression, with one reused compression context per thread.

aiokafka (0.12 to 0.14) compresses every record batch with ``cramjam.zstd.compress``,
which sets up a new zstd context per call: over a megabyte of tables, allocated with
``mmap`` and given back on every call. At light load each webhook's records make batches
of their own, and that set-up was the largest single item of relay's profile at 4
connections (12.2 % of samples; 130-190 us for one 7 KB batch in a loop, against ~24 us
with a context kept, bench/README.md). ``install`` points aiokafka's record batch
builders at ``compress``: python-zstandard's ``ZstdCompressor``, kept per thread (a context
is not thread-safe), at the level aiokafka uses (3, the broker default). The frames are
standard zstd frames: any Kafka client decompresses them (the integration tests read them
back with librdkafka).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from types import ModuleType

import zstandard
from aiokafka.record import default_records

__all__ = ["LEVEL", "compress", "install"]

LEVEL = 3
"""aiokafka's zstd level when none is given (KIP-390: the broker's default)."""

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
    wanted = LEVEL if level is None else level
    compressor = compressors.get(wanted)
    if compressor is None:
        compressor = compressors[wanted] = zstandard.ZstdCompressor(level=wanted)
    return compressor.compress(payload)


def install(encode: Callable[..., bytes] = compress) -> None:
    """Make aiokafka's record batch builders compress zstd batches with ``encode``."""
    for module in _builder_modules():
        if not hasattr(module, _NAME):  # pragma: no cover (aiokafka changed)
            raise RuntimeError(f"{module.__name__} has no {_NAME} to replace")
        setattr(module, _NAME, encode)
