"""The long-running modes: ``serve``, ``dev`` (embedded broker + file sink) and ``sink run``."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from pathlib import Path

from relay.app import RelayApp
from relay.config import Settings
from relay.embedded import EmbeddedBroker
from relay.logging import configure_logging
from relay.server import RelayServer, tune_gc
from relay.sinking import run_sinks
from sinks.config import SinkConfig
from sinks.metrics import SinkMetrics

__all__ = ["run_dev", "run_serve", "run_sink"]

logger = logging.getLogger(__name__)


async def run_serve(settings: Settings) -> int:
    """Serve until SIGTERM/SIGINT; return the exit code."""
    configure_logging(settings.log_level)
    server = RelayServer(RelayApp(settings))
    return 0 if await server.run_until_stopped() else 3


async def run_sink(
    settings: Settings, configs: list[SinkConfig], metrics: SinkMetrics | None = None
) -> int:
    """Run sinks until SIGTERM/SIGINT; return the exit code (``relay.sinking``)."""
    configure_logging(settings.log_level)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    tune_gc(settings.gc)
    return await run_sinks(settings, configs, stop=stop, metrics=metrics or SinkMetrics())


async def run_dev(
    settings: Settings, *, config_path: Path, port: int | None, broker_port: int
) -> int:
    """Run the embedded broker, the receiver and the config's sinks in one process."""
    configure_logging(settings.log_level)
    data_dir = Path.cwd()
    broker = EmbeddedBroker(port=broker_port, log_path=data_dir / "var" / "tansu.log")
    bootstrap = await asyncio.to_thread(broker.start)
    try:
        settings = settings.model_copy(
            update={
                "kafka": settings.kafka.model_copy(
                    update={
                        "bootstrap_servers": bootstrap,
                        "enable_idempotence": False,  # Tansu's memory storage lacks it
                        "create_topics": True,
                    }
                ),
                "server": settings.server.model_copy(
                    update={"port": port if port is not None else settings.server.port}
                ),
            }
        )
        app = RelayApp(settings)
        server = RelayServer(app)
        serving = asyncio.create_task(server.run_until_stopped())
        while not server.started and not serving.done():  # noqa: ASYNC110 (uvicorn has no event)
            await asyncio.sleep(0.05)
        if serving.done():
            return 3
        stop = asyncio.Event()
        metrics = SinkMetrics(app.metrics.registry)
        sinks = [
            asyncio.create_task(run_sinks(settings, settings.sinks, stop=stop, metrics=metrics))
        ]
        _print_welcome(settings, config_path, bootstrap)
        await serving
        stop.set()
        for task in sinks:
            with contextlib.suppress(Exception):
                await task
        return 0
    finally:
        await asyncio.to_thread(broker.stop)


def _print_welcome(settings: Settings, config_path: Path, bootstrap: str) -> None:
    base = f"http://{settings.server.host}:{settings.server.port}"
    lines = [
        "",
        f"relay dev is running: {base}  (embedded Kafka-compatible broker at {bootstrap})",
        "sources: " + ", ".join(f"{s.id} ({s.platform})" for s in settings.sources),
        "sinks:   " + ", ".join(f"{s.name} ({s.type})" for s in settings.sinks),
        "",
        "Send a signed public sample webhook from another terminal:",
        f"  .venv/bin/relay send-sample shopify orders/create --config {config_path}",
        f"  .venv/bin/relay send-sample woocommerce order.created --config {config_path}",
        f"List samples: .venv/bin/relay send-sample shopify --list;  metrics: {base}/metrics",
        "Stop with Ctrl-C.",
        "",
    ]
    print("\n".join(lines), flush=True)  # noqa: T201 (the command's user-facing output)
