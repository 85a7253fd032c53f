"""The relay ASGI application: the webhook receiver plus health, readiness and metrics.

``/webhooks/...`` goes straight to the framework-free ``WebhookReceiver`` (the hot path);
everything else, including the lifespan, is a small Starlette app.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

import orjson
import yaml
from prometheus_client import CONTENT_TYPE_LATEST
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from normalizers import NORMALIZERS
from normalizers.schema import ENTITY_TOPICS
from relay import __version__
from relay.config import RateLimitSettings, Settings
from relay.dedup import Dedup, InProcessDedup, RedisDedup
from relay.drainer import SpoolDrainer
from relay.errors import ConfigError, RelayError
from relay.keys import KeyStore, register_source
from relay.metrics import RelayMetrics
from relay.publisher import KafkaPublisher
from relay.ratelimit import TokenBucket
from relay.records import RecordBuilder
from relay.secrets import resolve_secret
from relay.spool import Spool, adopt, orphaned_spools
from relay.tracing import build_tracing
from relay.webhooks import PATH_PREFIX, SourceRuntime, WebhookReceiver
from verifiers import VERIFIERS, VerifierConfigError

__all__ = ["RelayApp", "build_sources"]

logger = logging.getLogger(__name__)


@functools.cache
def openapi_document() -> bytes:
    """The HTTP surface as an OpenAPI 3.1 document (``relay/api/openapi.yaml``), as JSON."""
    text = resources.files("relay.api").joinpath("openapi.yaml").read_text(encoding="utf-8")
    return orjson.dumps(yaml.safe_load(text))


def _utcnow() -> datetime:
    return datetime.now(UTC)


def build_sources(settings: Settings, keys: KeyStore | None = None) -> dict[str, SourceRuntime]:
    """Resolve every source's secrets and build its verifier and normalizer.

    ``keys`` serves the public keys platforms publish (a new ``KeyStore`` when not given).
    Raises ``ConfigError`` naming the key (``sources[2].options.tolerance_seconds``).
    """
    keys = keys or KeyStore()
    runtimes: dict[str, SourceRuntime] = {}
    for index, source in enumerate(settings.sources):
        where = f"sources[{index}]"
        verifier_class = VERIFIERS[source.platform]
        try:
            verifier = verifier_class.from_options(source.options, keys=keys)
        except VerifierConfigError as exc:
            raise ConfigError(f"{where}.{exc.key}", exc.message) from exc
        uses_keys = register_source(keys, verifier, source.options, source.key_files, where)
        secrets = []
        for n, ref in enumerate(source.secrets):
            key = f"{where}.secrets[{n}]"
            secret = resolve_secret(ref, key)
            try:
                verifier.check_secret(secret)
            except VerifierConfigError as exc:
                raise ConfigError(key, exc.message) from exc
            secrets.append(secret)
        runtimes[source.id] = SourceRuntime(
            id=source.id,
            platform=source.platform,
            verifier=verifier,
            secrets=tuple(secrets),
            normalizer=NORMALIZERS[source.platform],  # tests/test_registries.py: same slugs
            rate_limit=_rate_limit(source.rate_limit),
            dedup_ttl_seconds=source.dedup_ttl_seconds,
            keys=keys if uses_keys else None,
        )
    return runtimes


def _rate_limit(settings: RateLimitSettings | None) -> TokenBucket | None:
    if settings is None:
        return None
    burst = settings.burst or max(1, int(settings.requests_per_second))
    return TokenBucket(settings.requests_per_second, burst)


def build_dedup(settings: Settings) -> Dedup:
    """The in-process dedup, shared through Redis when ``dedup.redis_url`` is set."""
    config = settings.dedup
    local = InProcessDedup(ttl_seconds=config.ttl_seconds, max_entries=config.max_entries)
    if config.redis_url is None:
        return local
    from redis.asyncio import Redis  # noqa: PLC0415 (only when configured)

    url = config.redis_url
    if url.startswith(("env:", "file:")):
        url = resolve_secret(url, "dedup.redis_url").value
    return RedisDedup(
        Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5),
        local,
        ttl_seconds=config.ttl_seconds,
        lock_seconds=config.lock_seconds,
        wait_seconds=config.wait_seconds,
        prefix=config.redis_key_prefix,
    )


class RelayApp:
    """The receiver as one ASGI callable, with its publisher, dedup and metrics."""

    def __init__(
        self,
        settings: Settings,
        *,
        clock: Callable[[], datetime] = _utcnow,
        adopt: Sequence[Path] | None = None,
    ) -> None:
        """Build the app; ``adopt`` lists spool directories to take over at start-up.

        They are what another worker count left (``relay.spool.orphaned_spools``); ``None``
        takes those a single relay takes: every ``<spool.path>/worker-<n>``.
        """
        self.settings = settings
        self.metrics = RelayMetrics(version=__version__)
        self.publisher = KafkaPublisher(settings.kafka)
        self.builder = RecordBuilder(settings.kafka.topic_prefix, settings.kafka.cloudevents_mode)
        self.dedup = build_dedup(settings)
        self.metrics.track(self.metrics.dedup_entries, lambda: len(self.dedup))
        self.keys = KeyStore()
        self.sources = build_sources(settings, self.keys)
        spool = settings.spool
        self._adopt = None if adopt is None else list(adopt)
        self.spool = (
            Spool(spool.path, max_bytes=spool.max_bytes, segment_bytes=spool.segment_bytes)
            if spool.enabled
            else None
        )
        self.drainer = (
            None
            if self.spool is None
            else SpoolDrainer(
                self.spool,
                self.publisher,
                self.metrics,
                batch_entries=spool.drain_batch,
                publish_timeout=settings.kafka.publish_timeout_seconds,
            )
        )
        self.tracing = build_tracing(settings.telemetry)
        self.receiver = WebhookReceiver(
            sources=self.sources,
            publisher=self.publisher,
            builder=self.builder,
            dedup=self.dedup,
            metrics=self.metrics,
            max_body_bytes=settings.server.max_body_bytes,
            max_header_bytes=settings.server.max_header_bytes,
            retry_after_seconds=settings.server.retry_after_seconds,
            clock=clock,
            spool=self.spool,
            publish_timeout=spool.kafka_timeout_seconds if self.spool is not None else None,
            body_timeout=settings.server.body_timeout_seconds,
            max_in_flight=settings.server.max_concurrent_requests,
            tracing=self.tracing,
        )
        self.webhooks = self.tracing.middleware(self.receiver) if self.tracing else self.receiver
        self.shutting_down = False
        self.http = Starlette(
            routes=[
                Route("/healthz", self._healthz),
                Route("/readyz", self._readyz),
                Route("/metrics", self._metrics),
                Route("/openapi.json", self._openapi),
            ],
            lifespan=self._lifespan,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Dispatch: webhooks to the receiver, the rest to Starlette."""
        if scope["type"] == "http" and scope["path"].startswith(PATH_PREFIX):
            await self.webhooks(scope, receive, send)
        else:
            await self.http(scope, receive, send)

    def topics(self) -> list[str]:
        """Every topic the receiver publishes to."""
        return self.builder.topics(ENTITY_TOPICS)

    async def _take_over(self, spool: Spool, path: Path) -> None:
        """Move a spool directory of another worker count into this process's spool."""
        try:
            moved = await adopt(spool, path, batch_entries=self.settings.spool.drain_batch)
        except (RelayError, OSError) as exc:  # full, held by a running relay, unreadable
            logger.error(  # noqa: TRY400 (the reason is the whole story)
                "cannot take over a spool directory left by another worker count; "
                "its deliveries wait there",
                extra={"directory": str(path), "error": str(exc)},
            )
            return
        logger.info(
            "took over the deliveries of a spool directory left by another worker count",
            extra={"directory": str(path), "entries": moved},
        )

    @asynccontextmanager
    async def _lifespan(self, _app: Starlette) -> AsyncIterator[None]:
        draining: asyncio.Task[None] | None = None
        if self.spool is not None and self.drainer is not None:
            # With a spool, start even while Kafka is down: webhooks spool until it is back,
            # and whatever an earlier run spooled drains before new webhooks publish directly.
            await self.spool.open()
            adopt = self._adopt
            if adopt is None:  # a single relay's: every <spool.path>/worker-<n>
                adopt = orphaned_spools(self.spool.path, 1, None)
            for path in adopt:  # before any webhook: new ones then queue behind them
                await self._take_over(self.spool, path)
            self.metrics.spool_corrupt_bytes.inc(self.spool.corrupt_bytes)
            self.metrics.track(self.metrics.spool_bytes, self.spool.depth_bytes)
            self.metrics.track(self.metrics.spool_oldest_age, self.drainer.oldest_age)
            await self.publisher.start(self.topics(), background=True)
            draining = asyncio.create_task(self.drainer.run(), name="spool-drainer")
        else:
            await self.publisher.start(self.topics())
        refreshing = None
        if self.metrics.multiprocess_dir is not None:
            refreshing = asyncio.create_task(self._refresh_metrics(), name="metrics-refresh")
        logger.info(
            "relay ready",
            extra={"sources": len(self.sources), "kafka": self.settings.kafka.bootstrap_servers},
        )
        try:
            yield
        finally:
            self.shutting_down = True
            for task in (draining, refreshing):
                if task is not None:
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await task
            if self.spool is not None:
                await self.spool.aclose()
                logger.info("spool closed", extra={"spool_bytes": self.spool.depth_bytes()})
            await self.publisher.aclose()
            await self.dedup.aclose()
            await self.keys.aclose()
            logger.info("producer flushed and closed")
            if self.tracing is not None:
                self.tracing.shutdown()

    async def _refresh_metrics(self) -> None:
        # Several workers: /metrics is answered by any of them, from the values each one
        # wrote, so each worker writes its gauges that are read from state every second.
        while True:
            self.metrics.refresh()
            await asyncio.sleep(1.0)

    async def _healthz(self, _request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def _readyz(self, _request: Request) -> Response:
        if self.shutting_down:
            return JSONResponse({"status": "shutting down"}, status_code=503)
        if await self.publisher.ready():
            return JSONResponse({"status": "ready"})
        if self.spool is not None and self.spool.accepting():
            return JSONResponse({"status": "ready", "kafka": "unreachable, spooling"})
        return JSONResponse({"status": "kafka unreachable"}, status_code=503)

    async def _openapi(self, _request: Request) -> Response:
        return Response(openapi_document(), media_type="application/json")

    async def _metrics(self, _request: Request) -> Response:
        return Response(self.metrics.render(), media_type=CONTENT_TYPE_LATEST)
