"""The relay ASGI application: the webhook receiver plus health, readiness and metrics.

``/webhooks/...`` goes straight to the framework-free ``WebhookReceiver`` (the hot path);
everything else, including the lifespan, is a small Starlette app.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from normalizers import NORMALIZERS
from normalizers.generic import GenericNormalizer
from normalizers.schema import ENTITY_TOPICS
from relay import __version__
from relay.config import Settings
from relay.dedup import InProcessDedup
from relay.errors import ConfigError
from relay.keys import KeyStore, register_source
from relay.metrics import RelayMetrics
from relay.publisher import KafkaPublisher
from relay.records import RecordBuilder
from relay.secrets import resolve_secret
from relay.webhooks import PATH_PREFIX, SourceRuntime, WebhookReceiver
from verifiers import VERIFIERS, VerifierConfigError

__all__ = ["RelayApp", "build_sources"]

logger = logging.getLogger(__name__)


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
            normalizer=NORMALIZERS.get(source.platform) or GenericNormalizer(),
            keys=keys if uses_keys else None,
        )
    return runtimes


class RelayApp:
    """The receiver as one ASGI callable, with its publisher, dedup and metrics."""

    def __init__(self, settings: Settings, *, clock: Callable[[], datetime] = _utcnow) -> None:
        self.settings = settings
        self.metrics = RelayMetrics(version=__version__)
        self.publisher = KafkaPublisher(settings.kafka)
        self.builder = RecordBuilder(settings.kafka.topic_prefix, settings.kafka.cloudevents_mode)
        self.dedup = InProcessDedup(
            ttl_seconds=settings.dedup.ttl_seconds, max_entries=settings.dedup.max_entries
        )
        self.keys = KeyStore()
        self.sources = build_sources(settings, self.keys)
        self.receiver = WebhookReceiver(
            sources=self.sources,
            publisher=self.publisher,
            builder=self.builder,
            dedup=self.dedup,
            metrics=self.metrics,
            max_body_bytes=settings.server.max_body_bytes,
            retry_after_seconds=settings.server.retry_after_seconds,
            clock=clock,
        )
        self.shutting_down = False
        self.http = Starlette(
            routes=[
                Route("/healthz", self._healthz),
                Route("/readyz", self._readyz),
                Route("/metrics", self._metrics),
            ],
            lifespan=self._lifespan,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Dispatch: webhooks to the receiver, the rest to Starlette."""
        if scope["type"] == "http" and scope["path"].startswith(PATH_PREFIX):
            await self.receiver(scope, receive, send)
        else:
            await self.http(scope, receive, send)

    def topics(self) -> list[str]:
        """Every topic the receiver publishes to."""
        return self.builder.topics(ENTITY_TOPICS)

    @asynccontextmanager
    async def _lifespan(self, _app: Starlette) -> AsyncIterator[None]:
        await self.publisher.start(self.topics())
        logger.info(
            "relay ready",
            extra={"sources": len(self.sources), "kafka": self.settings.kafka.bootstrap_servers},
        )
        try:
            yield
        finally:
            self.shutting_down = True
            await self.publisher.aclose()
            await self.keys.aclose()
            logger.info("producer flushed and closed")

    async def _healthz(self, _request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def _readyz(self, _request: Request) -> Response:
        if self.shutting_down:
            return JSONResponse({"status": "shutting down"}, status_code=503)
        if not await self.publisher.ready():
            return JSONResponse({"status": "kafka unreachable"}, status_code=503)
        return JSONResponse({"status": "ready"})

    async def _metrics(self, _request: Request) -> Response:
        return Response(generate_latest(self.metrics.registry), media_type=CONTENT_TYPE_LATEST)
