"""Running ``relay serve`` as a real process on a free port, for integration tests."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import yaml

from relay.embedded import free_port


def relay_config(
    bootstrap: str,
    prefix: str,
    spool: Path | None = None,
    secret_env: str = "T_SHOPIFY_SECRET",  # noqa: S107 (the variable's name, not a secret)
    **extra: Any,
) -> dict[str, Any]:
    """A config with one Shopify source ``shop`` (secret in ``secret_env``), and a spool."""
    config: dict[str, Any] = {
        "kafka": {
            "bootstrap_servers": bootstrap,
            "topic_prefix": prefix,
            "topic_partitions": 2,
            "enable_idempotence": False,  # Tansu's memory storage lacks InitProducerId
            "publish_timeout_seconds": 2.0,
        },
        "sources": [{"id": "shop", "platform": "shopify", "secrets": [f"env:{secret_env}"]}],
        **extra,
    }
    if spool is not None:
        config["spool"] = {"enabled": True, "path": str(spool), "kafka_timeout_seconds": 0.5}
    return config


class RelayProcess:
    """A ``relay serve`` subprocess with its own config file; ended only by its PID."""

    def __init__(self, tmp: Path, config: dict[str, Any], env: dict[str, str]) -> None:
        self.port = free_port()
        config.setdefault("server", {})["port"] = self.port
        self.config_path = tmp / f"relay-{self.port}.yaml"
        self.config_path.write_text(yaml.safe_dump(config))
        self.log_path = tmp / f"relay-{self.port}.log"
        self._env = {**os.environ, **env}
        self.process: subprocess.Popen[bytes] | None = None
        self.base_url = f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30.0) -> None:
        """Start and wait until /readyz answers 200."""
        # the child gets its own copy of the descriptor: this process keeps no file open
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "relay", "serve", "--config", str(self.config_path)],
                stdout=log,
                stderr=subprocess.STDOUT,
                env=self._env,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"relay exited at start:\n{self.log()}")
            try:
                if httpx.get(f"{self.base_url}/readyz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"relay not ready within {timeout}s:\n{self.log()}")

    def log(self) -> str:
        """The process's output so far."""
        return self.log_path.read_text(errors="replace")

    def terminate(self, timeout: float = 30.0) -> int:
        """Send SIGTERM and return the exit code."""
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        return self.wait(timeout)

    def wait(self, timeout: float = 30.0) -> int:
        """Wait for the process to exit and return its exit code."""
        assert self.process is not None
        return self.process.wait(timeout)

    def kill(self) -> None:
        """SIGKILL the process (a crash: no shutdown code runs) and reap it."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        """End the process if it still runs."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)
