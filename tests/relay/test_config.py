"""Loading settings from YAML and RELAY_ environment overrides."""

from __future__ import annotations

from pathlib import Path

import pytest

from relay.config import load_settings
from relay.errors import ConfigError

_MINIMAL = """
kafka: {bootstrap_servers: "k:9092"}
sources:
  - id: shop
    platform: shopify
    secrets: ["env:SHOP_SECRET", "file:secrets/old"]
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "relay.yaml"
    path.write_text(text)
    return path


def test_defaults_and_file_values(tmp_path: Path) -> None:
    """Values from the file are read; everything else has a documented default."""
    settings = load_settings(_write(tmp_path, _MINIMAL))
    assert settings.kafka.bootstrap_servers == "k:9092"
    assert settings.kafka.topic_prefix == "commerce"
    assert settings.kafka.enable_idempotence is True
    assert settings.server.port == 8080
    assert settings.sources[0].platform == "shopify"


def test_relative_file_secret_is_anchored_to_the_config_folder(tmp_path: Path) -> None:
    """`file:` references without a leading slash are relative to the config file."""
    settings = load_settings(_write(tmp_path, _MINIMAL))
    assert settings.sources[0].secrets[1] == f"file:{tmp_path / 'secrets/old'}"


def test_environment_overrides_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """RELAY_KAFKA__BOOTSTRAP_SERVERS beats the file's value."""
    monkeypatch.setenv("RELAY_KAFKA__BOOTSTRAP_SERVERS", "other:9093")
    monkeypatch.setenv("RELAY_SERVER__PORT", "9999")
    settings = load_settings(_write(tmp_path, _MINIMAL))
    assert settings.kafka.bootstrap_servers == "other:9093"
    assert settings.server.port == 9999


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("sources: [{id: s, platform: nope, secrets: ['env:X']}]", "sources[0]"),
        ("sources: [{id: s, platform: shopify, secrets: ['hunter2']}]", "sources[0].secrets[0]"),
        ("sources: [{id: s, platform: shopify, secrets: []}]", "sources[0].secrets"),
        ("kafka: {bootstrap_servers: x, colour: red}", "kafka.colour"),
        ("server: {port: 70000}", "server.port"),
        ("kafka: {compression_type: brotli}", "kafka.compression_type"),
        ("kafka: {zstd_level: 23}", "kafka.zstd_level"),
    ],
)
def test_invalid_config_names_the_key(tmp_path: Path, text: str, key: str) -> None:
    """A bad value is reported with its dotted key, and never echoes a secret-looking value."""
    with pytest.raises(ConfigError) as info:
        load_settings(_write(tmp_path, text))
    assert info.value.key == key
    assert "hunter2" not in str(info.value)


def test_duplicate_source_ids_are_rejected(tmp_path: Path) -> None:
    """Two sources with one id would make the URL ambiguous."""
    text = _MINIMAL + "  - {id: shop, platform: woocommerce, secrets: ['env:Y']}\n"
    with pytest.raises(ConfigError, match="duplicate sources names: shop"):
        load_settings(_write(tmp_path, text))


def test_yaml_errors_and_non_mappings(tmp_path: Path) -> None:
    """Broken YAML, a list at the top and a missing file are ConfigErrors."""
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_settings(_write(tmp_path, "sources: [\n"))
    with pytest.raises(ConfigError, match="must be a YAML mapping"):
        load_settings(_write(tmp_path, "- a\n- b\n"))
    with pytest.raises(ConfigError, match="cannot read"):
        load_settings(tmp_path / "missing.yaml")


def test_no_file_means_defaults() -> None:
    """Without a file, settings come from defaults and the environment only."""
    assert load_settings(None).sources == []


_RELIABILITY = """
spool: {enabled: true, path: /var/lib/relay/spool, max_bytes: 10485760}
dedup: {redis_url: "env:REDIS_URL", wait_seconds: 1.5}
sources:
  - id: shop
    platform: shopify
    secrets: ["env:SHOP_SECRET"]
    rate_limit: {requests_per_second: 20}
    dedup_ttl_seconds: 14400
"""


def test_spool_dedup_and_rate_limit_settings(tmp_path: Path) -> None:
    """The spool, shared dedup and per-source limits are read; the spool is off by default."""
    assert load_settings(None).spool.enabled is False
    settings = load_settings(_write(tmp_path, _RELIABILITY))
    assert settings.spool.enabled is True
    assert settings.spool.path == Path("/var/lib/relay/spool")
    assert settings.spool.kafka_timeout_seconds == 0.3
    assert settings.dedup.redis_url == "env:REDIS_URL"
    source = settings.sources[0]
    assert source.rate_limit is not None
    assert (source.rate_limit.requests_per_second, source.rate_limit.burst) == (20, 0)
    assert source.dedup_ttl_seconds == 14400


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("spool: {max_bytes: 10}", "spool.max_bytes"),
        ("spool: {enabled: yes, spool_dir: x}", "spool.spool_dir"),
        ("server: {body_timeout_seconds: 0}", "server.body_timeout_seconds"),
        ("server: {keepalive_timeout_seconds: 0}", "server.keepalive_timeout_seconds"),
    ],
)
def test_bad_reliability_settings_name_the_key(tmp_path: Path, text: str, key: str) -> None:
    """A spool that could not hold one webhook, or a misspelt key, is named."""
    with pytest.raises(ConfigError) as info:
        load_settings(_write(tmp_path, text))
    assert info.value.key == key


def test_gc_settings_default_to_the_benchmarked_values(tmp_path: Path) -> None:
    """The collector is tuned by default; `null` keeps Python's thresholds."""
    defaults = load_settings(None).gc
    assert (defaults.thresholds, defaults.freeze) == ((20_000, 10, 10), True)
    settings = load_settings(_write(tmp_path, "gc: {thresholds: null, freeze: false}"))
    assert (settings.gc.thresholds, settings.gc.freeze) == (None, False)
    settings = load_settings(_write(tmp_path, "gc: {thresholds: [5000, 20, 30]}"))
    assert settings.gc.thresholds == (5000, 20, 30)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("gc: {thresholds: [0, 10, 10]}", "gc.thresholds[0]"),
        ("gc: {thresholds: [700, 10]}", "gc.thresholds[2]"),
        ("gc: {disable: true}", "gc.disable"),
    ],
)
def test_bad_gc_settings_name_the_key(tmp_path: Path, text: str, key: str) -> None:
    """A threshold of 0 (which would turn the collector off) or a wrong shape is named."""
    with pytest.raises(ConfigError) as info:
        load_settings(_write(tmp_path, text))
    assert info.value.key == key
