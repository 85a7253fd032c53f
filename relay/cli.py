"""The ``relay`` command line."""

from __future__ import annotations

import os
import sys
from collections.abc import Coroutine
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

import click
import httpx

from relay import __version__
from relay.config import Settings, load_settings
from relay.errors import ConfigError, RelayError
from relay.secrets import resolve_secret
from relay.signing import SIGNERS, sample_body, sample_topics, sign

if TYPE_CHECKING:
    from sinks.config import SinkConfig
    from sinks.metrics import SinkMetrics

__all__ = ["main"]

_CONFIG_HELP = "The YAML config file (RELAY_* environment variables override it)."
_config_option = click.option(
    "--config",
    "config_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    envvar="RELAY_CONFIG",
    help=_CONFIG_HELP + " [env: RELAY_CONFIG]",
)


def _load(config_path: Path | None) -> Settings:
    try:
        settings = load_settings(config_path)
    except ConfigError as exc:
        raise click.ClickException(f"invalid configuration: {exc}") from exc
    return settings


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="relay")
def main() -> None:
    """relay: verify, normalize and publish eCommerce webhooks to Kafka.

    Platforms POST to /webhooks/{source_id}; relay verifies each signature, turns the delivery
    into canonical CloudEvents and answers 2xx only once Kafka acknowledged every record.
    """


@main.command()
@_config_option
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=None,
    help="Worker processes sharing the port (default: server.workers of the config, 1). "
    "[env: RELAY_SERVER__WORKERS]",
)
def serve(config_path: Path | None, workers: int | None) -> None:
    """Run the receiver against the Kafka cluster in the config (production).

    Stops gracefully on SIGTERM/SIGINT: readiness turns false, in-flight requests finish,
    the producer is flushed, exit code 0. With --workers N (N > 1) one supervisor process
    binds the port and runs N workers, each with its own Kafka producer, dedup cache and
    spool directory (spool.path/worker-<n>); a worker that dies is restarted, and SIGTERM
    drains every worker before the supervisor exits. What another worker count left spooled
    is taken over at start and drained first. Exit code 3: the receiver could not start.
    """
    if workers is not None:  # the flag wins over the environment, which wins over the file
        os.environ["RELAY_SERVER__WORKERS"] = str(workers)
    settings = _load(config_path)
    if settings.server.workers > 1:
        from relay.workers import Supervisor  # noqa: PLC0415 (keeps --help fast)

        sys.exit(Supervisor(settings).run())
    from relay.runner import run_serve  # noqa: PLC0415 (keeps --help fast)

    sys.exit(_run(run_serve(settings)))


@main.command()
@click.option(
    "--config",
    "config_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=Path("examples/dev.yaml"),
    show_default=True,
    help="The example config with sample sources and a file sink.",
)
@click.option("--port", type=int, default=None, help="HTTP port (default: the config's).")
@click.option("--broker-port", type=int, default=0, help="Embedded broker port (0: any free).")
def dev(config_path: Path, port: int | None, broker_port: int) -> None:
    """Run relay with an embedded Kafka-compatible broker (Tansu), for trying it out.

    Starts the broker on 127.0.0.1, creates the topics, serves the config's sample sources and
    runs its file sink. Everything the broker holds is in memory and gone on exit.
    """
    from relay.runner import run_dev  # noqa: PLC0415 (keeps --help fast)

    settings = _load(config_path)
    sys.exit(_run(run_dev(settings, config_path=config_path, port=port, broker_port=broker_port)))


@main.command("check-config")
@click.argument("config_path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def check_config(config_path: Path) -> None:
    """Validate CONFIG_PATH: shape, platforms, options and secret references.

    Exits 1 naming the offending key (e.g. `sources[0].secrets[1]`); secret values are
    resolved to check they exist but never printed.
    """
    from relay.app import build_sources  # noqa: PLC0415 (keeps --help fast)
    from relay.sinking import check_sinks  # noqa: PLC0415 (keeps --help fast)

    settings = _load(config_path)
    try:
        build_sources(settings)
        check_sinks(settings)
    except ConfigError as exc:
        raise click.ClickException(f"invalid configuration: {exc}") from exc
    click.echo(
        f"{config_path}: ok ({len(settings.sources)} sources, {len(settings.sinks)} sinks, "
        f"kafka {settings.kafka.bootstrap_servers})"
    )


@main.command("sign")
@click.argument("platform", type=click.Choice(sorted(SIGNERS)))
@click.option(
    "--secret",
    "secret_ref",
    required=True,
    help="The secret as a reference: env:NAME or file:/path (never the value itself).",
)
@click.option(
    "--body", "body_path", type=click.File("rb"), required=True, help="Body file ('-': stdin)."
)
@click.option("--topic", default="orders/create", show_default=True, help="Platform topic.")
@click.option("--url", default=None, help="Also print a curl command posting to this URL.")
def sign_command(
    platform: str, secret_ref: str, body_path: BinaryIO, topic: str, url: str | None
) -> None:
    """Print the headers PLATFORM would send with a body, to test an integration."""
    try:
        secret = resolve_secret(secret_ref, "--secret")
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from exc
    body = body_path.read()
    headers = sign(platform, body, secret, topic, datetime.now(UTC))
    for name, value in headers.items():
        click.echo(f"{name}: {value}")
    if url:
        args = " ".join(f"-H '{n}: {v}'" for n, v in headers.items())
        click.echo(f"\ncurl -sS -X POST {args} --data-binary @{body_path.name} '{url}'")


@main.command("send-sample")
@click.argument("platform", type=click.Choice(sorted(SIGNERS)))
@click.argument("topic", required=False)
@_config_option
@click.option("--source", "source_id", default=None, help="Source id (default: first of PLATFORM).")
@click.option("--url", default=None, help="Relay base URL (default: from the config's server).")
@click.option("--list", "list_topics", is_flag=True, help="List the sample topics and exit.")
def send_sample(
    *,
    platform: str,
    topic: str | None,
    config_path: Path | None,
    source_id: str | None,
    url: str | None,
    list_topics: bool,
) -> None:
    """Post a signed public sample payload of PLATFORM's TOPIC to a running relay.

    The sample is a real payload from the platform's documentation (shipped with relay, with
    its source); it is signed with the source's first secret from the config.
    """
    topics = sample_topics(platform)
    if list_topics or topic is None:
        click.echo("\n".join(topics) or f"no samples for {platform}")
        return
    if topic not in topics:
        raise click.ClickException(f"no sample for {platform} {topic}; have: {', '.join(topics)}")
    settings = _load(config_path)
    source = next(
        (
            s
            for s in settings.sources
            if (s.id == source_id if source_id else s.platform == platform)
        ),
        None,
    )
    if source is None:
        raise click.ClickException(f"no {platform} source in the config (use --config/--source)")
    try:
        secret = resolve_secret(source.secrets[0], f"sources[{source.id}].secrets[0]")
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from exc
    body = sample_body(platform, topic)
    headers = sign(platform, body, secret, topic, datetime.now(UTC))
    host = settings.server.host if settings.server.host not in {"0.0.0.0", "::"} else "127.0.0.1"  # noqa: S104
    base = url or f"http://{host}:{settings.server.port}"
    target = f"{base.rstrip('/')}/webhooks/{source.id}"
    try:
        response = httpx.post(target, content=body, headers=headers, timeout=10)
    except httpx.HTTPError as exc:
        raise click.ClickException(f"cannot reach {target}: {exc}") from exc
    click.echo(f"POST {target} ({len(body)} bytes) -> {response.status_code} {response.text}")
    if not response.is_success:
        sys.exit(1)


@main.group()
def schema() -> None:
    """The canonical event schemas (JSON Schema, AsyncAPI)."""


@schema.command("export")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--prefix", default="commerce", show_default=True, help="Kafka topic prefix.")
def schema_export(directory: Path, prefix: str) -> None:
    """Write DIRECTORY/<event type>.json (JSON Schema 2020-12) per event type and asyncapi.json.

    asyncapi.json is an AsyncAPI 3.0.0 document of every topic relay publishes under PREFIX
    (raw, dlq, one per entity), its key and its messages. Existing files are overwritten.
    """
    from relay.schema_export import export_schemas  # noqa: PLC0415 (keeps --help fast)

    for path in export_schemas(directory, prefix):
        click.echo(path)


@main.group()
def sink() -> None:
    """Run the configured sinks (Kafka consumers that deliver events onward)."""


@sink.command("run")
@click.argument("name", required=False)
@click.option("--all", "run_all", is_flag=True, help="Run every sink of the config.")
@_config_option
@click.option(
    "--metrics-port", type=int, default=None, help="Serve Prometheus /metrics on this port."
)
@click.option(
    "--metrics-host", default="127.0.0.1", show_default=True, help="Address of --metrics-port."
)
def sink_run(
    name: str | None,
    *,
    run_all: bool,
    config_path: Path | None,
    metrics_port: int | None,
    metrics_host: str,
) -> None:
    """Run sink NAME (or --all) until SIGTERM/SIGINT (at-least-once delivery).

    Exit codes: 0 stopped, 4 a target is gone (HTTP 410), 5 a sink failed.
    """
    from relay.runner import run_sink  # noqa: PLC0415 (keeps --help fast)

    settings = _load(config_path)
    if run_all == (name is not None):
        raise click.UsageError("give a sink NAME or --all")
    configs = list(settings.sinks) if run_all else [_sink_config(settings, name)]
    sys.exit(_run(run_sink(settings, configs, _sink_metrics(metrics_port, metrics_host))))


@sink.command("replay")
@click.argument("name")
@click.option("--from", "start", required=True, help="An offset (1200) or an RFC 3339 time.")
@_config_option
def sink_replay(name: str, start: str, config_path: Path | None) -> None:
    """Re-deliver sink NAME's topics from --from up to their current end, then exit.

    Reads with its own consumer group (relay-sink-NAME-replay), so the running sink is left
    alone; targets deduplicate on the event id.
    """
    from relay.sinking import parse_start, replay_sink  # noqa: PLC0415 (keeps --help fast)

    settings = _load(config_path)
    try:
        point = parse_start(start)
    except ConfigError as exc:
        raise click.BadParameter(exc.message, param_hint="--from") from exc
    config = _sink_config(settings, name)
    sys.exit(_run(replay_sink(settings, config, point, metrics=_sink_metrics(None))))


@sink.command("dlq-redrive")
@click.argument("name")
@_config_option
def sink_dlq_redrive(name: str, config_path: Path | None) -> None:
    """Send sink NAME's dead letters through the sink again, up to the current end, then exit.

    What fails again is dead-lettered again (with its first origin kept in the headers).
    """
    from relay.sinking import redrive_sink  # noqa: PLC0415 (keeps --help fast)

    settings = _load(config_path)
    config = _sink_config(settings, name)
    sys.exit(_run(redrive_sink(settings, config, metrics=_sink_metrics(None))))


def _sink_config(settings: Settings, name: str | None) -> SinkConfig:
    config = next((s for s in settings.sinks if s.name == name), None)
    if config is None:
        raise click.ClickException(f"no sink named {name!r} in the config")
    return config


def _sink_metrics(port: int | None, host: str = "127.0.0.1") -> SinkMetrics:
    from prometheus_client import start_http_server  # noqa: PLC0415 (keeps --help fast)

    from sinks.metrics import SinkMetrics  # noqa: PLC0415 (keeps --help fast)

    metrics = SinkMetrics()
    if port is not None:
        start_http_server(port, addr=host, registry=metrics.registry)
    return metrics


def _run(coro: Coroutine[Any, Any, int]) -> int:
    try:
        from relay.server import run_on_event_loop  # noqa: PLC0415 (keeps --help fast)

        return int(run_on_event_loop(coro))
    except RelayError as exc:
        raise click.ClickException(str(exc)) from exc
