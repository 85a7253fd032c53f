"""``CoalescingTransport``: one loop turn's writes in one call, nothing held past the turn."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from relay.http import CoalescingTransport


class RecordingTransport(asyncio.Transport):
    """A stand-in for uvloop's transport that records what reaches it."""

    def __init__(self) -> None:
        super().__init__({"peername": ("127.0.0.1", 5555)})
        self.calls: list[tuple[str, Any]] = []
        self.closing = False
        self.reading = True
        self.protocol: asyncio.BaseProtocol = asyncio.Protocol()
        self.limits = (16, 4)

    def writelines(self, list_of_data: Any) -> None:
        self.calls.append(("writelines", list(list_of_data)))

    def close(self) -> None:
        self.closing = True
        self.calls.append(("close", None))

    def abort(self) -> None:
        self.closing = True
        self.calls.append(("abort", None))

    def write_eof(self) -> None:
        self.calls.append(("write_eof", None))

    def can_write_eof(self) -> bool:
        return True

    def is_closing(self) -> bool:
        return self.closing

    def is_reading(self) -> bool:
        return self.reading

    def pause_reading(self) -> None:
        self.reading = False

    def resume_reading(self) -> None:
        self.reading = True

    def set_protocol(self, protocol: asyncio.BaseProtocol) -> None:
        self.protocol = protocol

    def get_protocol(self) -> asyncio.BaseProtocol:
        return self.protocol

    def get_write_buffer_size(self) -> int:
        return 7

    def get_write_buffer_limits(self) -> tuple[int, int]:
        return self.limits

    def set_write_buffer_limits(self, high: int | None = None, low: int | None = None) -> None:
        self.limits = (high or 0, low or 0)


async def _turn() -> None:
    """Let the loop finish its current turn (and run what it scheduled)."""
    await asyncio.sleep(0)
    await asyncio.sleep(0)


@pytest.mark.anyio
async def test_a_head_and_body_written_in_one_turn_go_out_in_one_call_after_it() -> None:
    """Held while the turn runs, one ``writelines`` once it ended; the next turn its own."""
    inner = RecordingTransport()
    transport = CoalescingTransport(inner, asyncio.get_running_loop())
    transport.write(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n")
    transport.writelines([b"o", memoryview(b"k")])
    assert inner.calls == []  # held until the turn ends
    assert transport.get_write_buffer_size() == 7 + 38 + 2  # the transport's + those held
    await _turn()
    assert inner.calls == [
        ("writelines", [b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n", b"o", memoryview(b"k")])
    ]
    transport.write(b"next")  # a later turn: a call of its own
    await _turn()
    assert inner.calls[-1] == ("writelines", [b"next"])
    assert len(inner.calls) == 2


@pytest.mark.anyio
async def test_close_and_write_eof_send_what_is_held_first_and_abort_drops_it() -> None:
    """Nothing written before a close is lost; nothing is written to a closing transport."""
    loop = asyncio.get_running_loop()
    inner = RecordingTransport()
    transport = CoalescingTransport(inner, loop)
    transport.write(b"bye")
    transport.write_eof()
    transport.write(b"last")
    transport.close()
    assert inner.calls == [
        ("writelines", [b"bye"]),
        ("write_eof", None),
        ("writelines", [b"last"]),
        ("close", None),
    ]
    transport.write(b"after close")  # dropped at the turn's end: the transport is closing
    await _turn()
    assert inner.calls[-1] == ("close", None)
    aborted = RecordingTransport()
    transport = CoalescingTransport(aborted, loop)
    transport.write(b"never sent")
    transport.abort()
    await _turn()
    assert aborted.calls == [("abort", None)]


@pytest.mark.anyio
async def test_everything_but_writing_is_the_transports_own() -> None:
    """Flow control, extra info, protocol and limits pass straight through."""
    inner = RecordingTransport()
    transport = CoalescingTransport(inner, asyncio.get_running_loop())
    assert transport.get_extra_info("peername") == ("127.0.0.1", 5555)
    assert transport.get_extra_info("sslcontext", "none") == "none"
    transport.pause_reading()
    assert (inner.reading, transport.is_reading()) == (False, False)
    transport.resume_reading()
    assert transport.is_reading()
    assert transport.can_write_eof()
    assert not transport.is_closing()
    upgraded = asyncio.Protocol()
    transport.set_protocol(upgraded)
    assert transport.get_protocol() is upgraded
    transport.set_write_buffer_limits(64, 8)
    assert transport.get_write_buffer_limits() == (64, 8)
    assert transport.get_write_buffer_size() == 7
