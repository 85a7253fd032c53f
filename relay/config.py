"""relay's settings: one YAML file plus ``RELAY_`` environment overrides.

The outer shape (``server``, ``kafka``, ``sources``, ``sinks``) is a contract that tools and
users script against: keys may be added, none renamed. Environment variables override the
file, nested with ``__``: ``RELAY_KAFKA__BOOTSTRAP_SERVERS=broker:9092``. Secrets are never
written in the file; a source names them as ``env:NAME`` or ``file:/path`` references, resolved
by ``relay.secrets`` at start-up. See docs/configuration.md for every key.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from relay.errors import ConfigError
from sinks.config import SinkConfig
from verifiers import VERIFIERS

__all__ = [
    "DedupSettings",
    "GcSettings",
    "KafkaSettings",
    "RateLimitSettings",
    "ServerSettings",
    "Settings",
    "SourceSettings",
    "SpoolSettings",
    "TelemetrySettings",
    "load_settings",
]

SecretRef = Annotated[
    str,
    StringConstraints(pattern=r"^(env:[A-Za-z_][A-Za-z0-9_]*|file:.+)$"),
    Field(description="A reference to a secret: `env:NAME` or `file:/path`, never the value."),
]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,62}$")]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ServerSettings(_Section):
    """The HTTP receiver."""

    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=0, le=65535)
    max_body_bytes: int = Field(default=5 * 1024 * 1024, gt=0)
    max_header_bytes: int = Field(default=64 * 1024, ge=1024)
    max_concurrent_requests: int = Field(default=1024, gt=0)
    body_timeout_seconds: float = Field(default=10.0, gt=0)
    retry_after_seconds: int = Field(default=10, ge=1)
    shutdown_timeout_seconds: int = Field(default=20, gt=0)
    keepalive_timeout_seconds: int = Field(
        default=5,
        ge=1,
        description="An idle keep-alive connection is closed after this (uvicorn's default: 5).",
    )
    access_log: bool = False
    workers: int = Field(
        default=1,
        ge=1,
        le=64,
        description="Worker processes sharing one listening socket (relay.workers).",
    )


class KafkaSettings(_Section):
    """The Kafka producer and the topics relay publishes to."""

    bootstrap_servers: str = "127.0.0.1:9092"
    topic_prefix: Slug = "commerce"
    create_topics: bool = True
    topic_partitions: int = Field(default=6, ge=1)
    topic_replication_factor: int = Field(default=1, ge=1)
    enable_idempotence: bool = True
    compression_type: Literal["zstd", "gzip", "lz4", "snappy", "none"] = "zstd"
    zstd_level: int = Field(
        default=1,
        ge=-7,
        le=22,
        description="zstd level of the batches (compression_type zstd); KIP-390's default is 3.",
    )
    linger_ms: int = Field(default=0, ge=0)
    max_batch_size: int = Field(default=1024 * 1024, ge=16 * 1024)
    max_request_size: int = Field(default=8 * 1024 * 1024, ge=1024 * 1024)
    request_timeout_ms: int = Field(default=10_000, ge=1000)
    publish_timeout_seconds: float = Field(default=3.0, gt=0)
    connect_timeout_seconds: float = Field(default=30.0, gt=0)
    client_id: str = "relay"
    cloudevents_mode: Literal["structured", "binary"] = "structured"
    security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = "PLAINTEXT"
    sasl_mechanism: Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] | None = None
    sasl_username: str | None = None
    sasl_password: SecretRef | None = None


class RateLimitSettings(_Section):
    """An opt-in per-source request rate limit (per replica), answered 429 + Retry-After."""

    requests_per_second: float = Field(gt=0)
    burst: int = Field(
        default=0, ge=0, description="Saved-up requests; 0 means one second's worth."
    )


class SourceSettings(_Section):
    """One webhook sender: ``POST /webhooks/{id}``."""

    id: Slug
    platform: str
    secrets: list[SecretRef] = Field(default_factory=list, validate_default=True)
    store_id: str | None = None
    options: dict[str, Any] = Field(default_factory=dict)
    rate_limit: RateLimitSettings | None = None
    dedup_ttl_seconds: int | None = Field(default=None, ge=1)
    key_files: dict[str, str] = Field(
        default_factory=dict,
        description="Published key URL -> local file serving it (air-gapped installs).",
    )

    @model_validator(mode="after")
    def _known_platform(self) -> SourceSettings:
        if self.platform not in VERIFIERS:
            known = ", ".join(sorted(VERIFIERS))
            raise ValueError(f"unknown platform {self.platform!r}; known: {known}")
        return self

    @field_validator("secrets")
    @classmethod
    def _secrets_present(cls, secrets: list[str], info: ValidationInfo) -> list[str]:
        # Public-key platforms (PayPal, Adobe I/O Events) verify with published keys only.
        verifier = VERIFIERS.get(str(info.data.get("platform")))
        if not secrets and getattr(verifier, "secrets_required", True):
            raise ValueError("at least one secret is required for this platform")
        return secrets


class DedupSettings(_Section):
    """Duplicate delivery detection: in-process, shared through Redis when ``redis_url`` is set."""

    ttl_seconds: int = Field(default=72 * 3600, ge=1)
    max_entries: int = Field(default=200_000, ge=1)
    redis_url: str | None = Field(
        default=None, description="redis://host:6379/0, or an `env:`/`file:` reference to one."
    )
    redis_key_prefix: str = "relay:dedup:"
    lock_seconds: float = Field(default=30.0, gt=0)
    wait_seconds: float = Field(default=2.0, gt=0)


class SpoolSettings(_Section):
    """The local durable spool for when Kafka is unreachable or slow."""

    enabled: bool = False
    path: Path = Path("var/spool")
    max_bytes: int = Field(default=1024**3, ge=1024 * 1024)
    segment_bytes: int = Field(default=64 * 1024**2, ge=64 * 1024)
    kafka_timeout_seconds: float = Field(default=0.3, gt=0)
    drain_batch: int = Field(default=256, ge=1)


GcThreshold = Annotated[int, Field(ge=1)]


class GcSettings(_Section):
    """The garbage collector of each long-running relay process (``relay.server.tune_gc``)."""

    thresholds: tuple[GcThreshold, GcThreshold, GcThreshold] | None = Field(
        default=(20_000, 10, 10),
        description="gc.set_threshold(gen0, gen1, gen2); null keeps Python's (700, 10, 10).",
    )
    freeze: bool = Field(
        default=True,
        description="gc.freeze() once started: what start-up built is never traversed again.",
    )


class TelemetrySettings(_Section):
    """OpenTelemetry tracing (off by default; needs the ``otel`` extra)."""

    tracing: bool = False
    service_name: str = "relay"
    exporter: Literal["otlp", "console"] = "otlp"
    otlp_endpoint: str | None = Field(
        default=None,
        description="OTLP/HTTP traces URL; default: the OTEL_EXPORTER_OTLP_* environment.",
    )
    sample_ratio: float = Field(default=1.0, ge=0.0, le=1.0)


class Settings(BaseSettings):
    """Everything relay needs, built once at start-up and passed down explicitly."""

    model_config = SettingsConfigDict(
        env_prefix="RELAY_", env_nested_delimiter="__", extra="forbid", frozen=True
    )

    server: ServerSettings = ServerSettings()
    kafka: KafkaSettings = KafkaSettings()
    sources: list[SourceSettings] = Field(default_factory=list)
    sinks: list[SinkConfig] = Field(default_factory=list)
    dedup: DedupSettings = DedupSettings()
    spool: SpoolSettings = SpoolSettings()
    telemetry: TelemetrySettings = TelemetrySettings()
    gc: GcSettings = GcSettings()
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Let the environment override the file (the file arrives as init arguments)."""
        del settings_cls, dotenv_settings, file_secret_settings
        return (env_settings, init_settings)

    @model_validator(mode="after")
    def _unique_names(self) -> Settings:
        for kind, names in (
            ("sources", [s.id for s in self.sources]),
            ("sinks", [s.name for s in self.sinks]),
        ):
            dupes = sorted({n for n in names if names.count(n) > 1})
            if dupes:
                raise ValueError(f"duplicate {kind} names: {', '.join(dupes)}")
        return self

    @model_validator(mode="after")
    def _spool_share(self) -> Settings:
        # Each worker has its own spool directory and an equal share of spool.max_bytes.
        if self.spool.enabled and self.spool.max_bytes // self.server.workers < 2 * 1024**2:
            raise ValueError("spool.max_bytes leaves less than 2 MiB per worker")
        return self

    def source(self, source_id: str) -> SourceSettings | None:
        """Return the source with id ``source_id``, or ``None``."""
        return next((s for s in self.sources if s.id == source_id), None)


def _dotted(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def _anchor_file_refs(value: object, base: Path) -> object:
    """Make relative ``file:`` secret references relative to the config file's folder."""
    if isinstance(value, dict):
        return {k: _anchor_file_refs(v, base) for k, v in value.items()}
    if isinstance(value, list):
        return [_anchor_file_refs(v, base) for v in value]
    if isinstance(value, str) and value.startswith("file:") and not Path(value[5:]).is_absolute():
        return f"file:{base / value[5:]}"
    return value


def load_settings(path: Path | None) -> Settings:
    """Read ``path`` (YAML) and the environment into ``Settings``.

    Raises ``ConfigError`` naming the offending key (``sources[0].platform``) on any problem.
    """
    data: dict[str, Any] = {}
    if path is not None:
        try:
            loaded = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except OSError as exc:
            raise ConfigError(str(path), f"cannot read the config file: {exc.strerror}") from exc
        except yaml.YAMLError as exc:
            raise ConfigError(str(path), f"not valid YAML: {exc}") from exc
        if not isinstance(loaded, dict):
            raise ConfigError("(top level)", "the config file must be a YAML mapping")
        data = {str(k): _anchor_file_refs(v, path.resolve().parent) for k, v in loaded.items()}
    try:
        return Settings(**data)
    except ValidationError as exc:
        first = exc.errors()[0]
        key = _dotted(tuple(first["loc"]))
        raise ConfigError(key, first["msg"], count=exc.error_count()) from exc
