"""uvicorn's httptools protocol, sending what one loop turn writes to a connection at once.

uvicorn writes a response's head when the app sends ``http.response.start`` and its body
when the app sends ``http.response.body``: two ``write`` system calls and, with the
``TCP_NODELAY`` uvloop sets, two TCP segments for every response, each waking the client.
Here a connection's transport holds what is written during one turn of the event loop and
writes it with one ``writelines`` when the turn ends (or before the connection closes):
relay answers a webhook with both messages in the same turn, so head and body leave as one
segment. Nothing is held beyond the turn in which it was written, so a ``100 Continue`` or a
streamed response is never kept from the client.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

__all__ = ["CoalescingTransport", "RelayHttpProtocol"]

_Data = bytes | bytearray | memoryview


class CoalescingTransport(asyncio.Transport):
    """A transport whose writes of one loop turn go out together at the turn's end."""

    __slots__ = ("_held", "_loop", "_transport")

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        super().__init__()
        self._transport = transport
        self._loop = loop
        self._held: list[_Data] = []

    def write(self, data: _Data) -> None:
        """Hold ``data`` until the end of this loop turn."""
        if not self._held:
            self._loop.call_soon(self.flush)
        self._held.append(data)

    def writelines(self, list_of_data: Iterable[_Data]) -> None:
        """Hold each of ``list_of_data`` until the end of this loop turn."""
        for data in list_of_data:
            self.write(data)

    def flush(self) -> None:
        """Write what is held now, in one call."""
        held = self._held
        if held:
            self._held = []
            if not self._transport.is_closing():
                self._transport.writelines(held)

    def close(self) -> None:
        """Write what is held, then close (the transport sends it before it closes)."""
        self.flush()
        self._transport.close()

    def abort(self) -> None:
        """Close at once; what is held is dropped, as the transport drops its buffer."""
        self._held = []
        self._transport.abort()

    def write_eof(self) -> None:
        """Write what is held, then half-close."""
        self.flush()
        self._transport.write_eof()

    def can_write_eof(self) -> bool:
        """Whether the transport can half-close."""
        return self._transport.can_write_eof()

    def is_closing(self) -> bool:
        """Whether the transport is closing or closed."""
        return self._transport.is_closing()

    def is_reading(self) -> bool:
        """Whether the transport is receiving."""
        return self._transport.is_reading()

    def pause_reading(self) -> None:
        """Stop receiving (uvicorn's flow control)."""
        self._transport.pause_reading()

    def resume_reading(self) -> None:
        """Receive again."""
        self._transport.resume_reading()

    def get_extra_info(self, name: str, default: Any = None) -> Any:  # noqa: ANN401 (asyncio's)
        """The transport's information (``peername``, ``socket``, ``sslcontext``...)."""
        return self._transport.get_extra_info(name, default)

    def set_protocol(self, protocol: asyncio.BaseProtocol) -> None:
        """Hand the connection to another protocol (a WebSocket upgrade)."""
        self._transport.set_protocol(protocol)

    def get_protocol(self) -> asyncio.BaseProtocol:
        """The protocol receiving the connection's data."""
        return self._transport.get_protocol()

    def get_write_buffer_size(self) -> int:
        """Bytes written and not sent yet, held ones included."""
        held = sum(len(data) for data in self._held)
        return held + self._transport.get_write_buffer_size()

    def get_write_buffer_limits(self) -> tuple[int, int]:
        """The transport's flow control limits."""
        return self._transport.get_write_buffer_limits()

    def set_write_buffer_limits(self, high: int | None = None, low: int | None = None) -> None:
        """Set the transport's flow control limits."""
        self._transport.set_write_buffer_limits(high, low)


class RelayHttpProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol over a ``CoalescingTransport``."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        """Set up the connection as uvicorn does, over the coalescing transport."""
        super().connection_made(CoalescingTransport(transport, self.loop))
