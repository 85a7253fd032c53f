"""relay's zstd for aiokafka's record batches: real frames, really used by both builders.

The frames are decompressed here by cramjam (what aiokafka's consumer uses) and by
aiokafka's own batch reader; tests/integration/test_publisher.py reads them back from a
broker with librdkafka.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import cramjam
import pytest
import zstandard
from aiokafka.codec import zstd_decode
from aiokafka.record import default_records
from aiokafka.record._crecords import default_records as compiled_records
from aiokafka.record.memory_records import MemoryRecords

from relay import _zstd
from relay.config import KafkaSettings

PAYLOAD = b'{"id": 820982911946154508, "email": "jon@example.com", "line_items": []}' * 100
CODEC_ZSTD = 4


@pytest.fixture
def aiokafka_codecs() -> Iterator[None]:
    """Put aiokafka's own ``zstd_encode`` back after the test."""
    saved = default_records.zstd_encode, compiled_records.zstd_encode
    yield
    default_records.zstd_encode, compiled_records.zstd_encode = saved


@pytest.mark.parametrize("level", [None, 1, 3, 19])
def test_compress_makes_a_zstd_frame_kafka_clients_decompress(level: int | None) -> None:
    """The frame reads back with cramjam (what aiokafka consumes with) and aiokafka."""
    frame = _zstd.compress(PAYLOAD, level)
    assert len(frame) < len(PAYLOAD) / 10
    assert bytes(cramjam.zstd.decompress(frame)) == PAYLOAD
    assert zstd_decode(frame) == PAYLOAD
    params = zstandard.get_frame_parameters(frame)
    assert params.content_size == len(PAYLOAD)


def test_one_context_per_thread_and_level() -> None:
    """A context is reused within a thread, one per level, and never shared between threads."""
    seen: list[tuple[object, object, list[int]]] = []

    def a_thread() -> None:  # fresh threads: the test's own may hold contexts already
        _zstd.compress(PAYLOAD)
        first = _zstd._local.compressors[_zstd.DEFAULT_LEVEL]
        _zstd.compress(PAYLOAD)
        _zstd.compress(PAYLOAD, 3)
        contexts = _zstd._local.compressors
        seen.append((first, contexts[_zstd.DEFAULT_LEVEL], sorted(contexts)))

    for _ in range(2):
        thread = threading.Thread(target=a_thread)
        thread.start()
        thread.join()
    (first_a, again_a, levels_a), (first_b, _, levels_b) = seen
    assert again_a is first_a
    assert first_b is not first_a
    assert levels_a == levels_b == [_zstd.DEFAULT_LEVEL, 3]


@pytest.mark.usefixtures("aiokafka_codecs")
@pytest.mark.parametrize(
    "builder",
    [compiled_records.DefaultRecordBatchBuilder, default_records.DefaultRecordBatchBuilder],
)
def test_install_makes_aiokafkas_batch_builders_compress_with_it(builder: type) -> None:
    """Both builders (compiled and pure Python) call the installed function per batch."""
    seen: list[tuple[int, int | None]] = []

    def recording(payload: bytes, level: int | None = None) -> bytes:
        seen.append((len(payload), level))
        return _zstd.compress(payload, level)

    _zstd.install(7, recording)
    batch = builder(
        magic=2,
        compression_type=CODEC_ZSTD,
        is_transactional=0,
        producer_id=-1,
        producer_epoch=-1,
        base_sequence=-1,
        batch_size=1 << 20,
    )
    for n in range(3):
        batch.append(n, timestamp=None, key=b"k%d" % n, value=PAYLOAD, headers=[("h", b"1")])
    data = bytes(batch.build())
    assert len(seen) == 1
    size, level = seen[0]
    assert size > 3 * len(PAYLOAD)
    assert level == 7  # the installed level, though aiokafka passes none
    read = MemoryRecords(data).next_batch()
    assert read.compression_type == CODEC_ZSTD
    assert [(r.key, r.value, r.headers) for r in read] == [
        (b"k%d" % n, PAYLOAD, [("h", b"1")]) for n in range(3)
    ]


@pytest.mark.usefixtures("aiokafka_codecs")
@pytest.mark.parametrize("level", [_zstd.DEFAULT_LEVEL, 3, -1])
def test_install_puts_compress_at_the_level_into_both_builders(level: int) -> None:
    """What the publisher installs is ``compress`` itself, bound to ``kafka.zstd_level``."""
    _zstd.install(level)
    for module in (default_records, compiled_records):
        installed = module.zstd_encode
        assert installed.func is _zstd.compress
        assert installed.keywords == {"level": level}
        assert zstd_decode(installed(PAYLOAD)) == PAYLOAD


def test_relays_default_level_is_one() -> None:
    """Level 1: about half the CPU of aiokafka's 3 in relay's profile, ~2 % more bytes."""
    assert _zstd.DEFAULT_LEVEL == 1
    assert KafkaSettings().zstd_level == _zstd.DEFAULT_LEVEL
    frame = _zstd.compress(PAYLOAD)
    assert len(frame) <= 1.1 * len(_zstd.compress(PAYLOAD, 3))
