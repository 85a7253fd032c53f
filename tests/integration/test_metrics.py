"""The metrics catalogue (docs/metrics.md) against a real relay's /metrics after real traffic."""

from __future__ import annotations

import platform
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from _relay_process import RelayProcess
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.samples import Sample

from relay import __version__
from relay.signing import sample_body, sign
from verifiers import Secret

pytestmark = pytest.mark.integration

CATALOGUE = Path(__file__).parents[2] / "docs" / "metrics.md"
SHOPIFY_SECRET = "metrics-shopify-secret"
WOO_SECRET = "metrics-woocommerce-secret"
_ROW = re.compile(
    r"^\| `(?P<name>[a-z_]+)` \| (?P<type>counter|gauge|histogram) \| (?P<labels>[^|]+) \|"
)
_VALUES = re.compile(r"^\| `(?P<name>[a-z_]+)` \| `(?P<label>[a-z_]+)` \| (?P<values>[^|]+) \|$")


@dataclass(frozen=True)
class Entry:
    """One catalogue row."""

    type: str
    labels: frozenset[str]


def _catalogue() -> tuple[dict[str, Entry], dict[tuple[str, str], set[str]]]:
    entries: dict[str, Entry] = {}
    values: dict[tuple[str, str], set[str]] = {}
    for line in CATALOGUE.read_text(encoding="utf-8").splitlines():
        if row := _ROW.match(line):
            assert row["name"] not in entries, f"{row['name']} listed twice"
            labels = frozenset(re.findall(r"`([a-z_]+)`", row["labels"]))
            entries[row["name"]] = Entry(row["type"], labels)
        elif row := _VALUES.match(line):
            values[row["name"], row["label"]] = set(re.findall(r"`([a-z_]+)`", row["values"]))
    return entries, values


def _exposed_name(name: str, type_: str) -> str:
    return f"{name}_total" if type_ == "counter" else name


@pytest.fixture(scope="module")
def scraped(tmp_path_factory: pytest.TempPathFactory, kafka_bootstrap: str) -> Iterator[str]:
    """/metrics of a real relay after valid, forged, duplicate, unknown-source and other traffic."""
    tmp = tmp_path_factory.mktemp("metrics")
    config = {
        "kafka": {
            "bootstrap_servers": kafka_bootstrap,
            "topic_prefix": f"metrics{tmp.name[-6:].replace('-', '')}",
            "topic_partitions": 1,
            "enable_idempotence": False,
        },
        "sources": [
            {"id": "shop-m", "platform": "shopify", "secrets": ["env:M_SHOPIFY_SECRET"]},
            {"id": "woo-m", "platform": "woocommerce", "secrets": ["env:M_WOO_SECRET"]},
        ],
    }
    relay = RelayProcess(
        tmp, config, {"M_SHOPIFY_SECRET": SHOPIFY_SECRET, "M_WOO_SECRET": WOO_SECRET}
    )
    relay.start()
    try:
        _send_traffic(relay)
        yield httpx.get(f"{relay.base_url}/metrics").text
    finally:
        relay.stop()


def _send_traffic(relay: RelayProcess) -> None:
    url = f"{relay.base_url}/webhooks/shop-m"
    body = sample_body("shopify", "orders/create")

    def post(content: bytes, secret: str = SHOPIFY_SECRET) -> httpx.Response:
        headers = sign("shopify", content, Secret(secret), "orders/create", datetime.now(UTC))
        return httpx.post(url, content=content, headers=headers)

    valid = sign("shopify", body, Secret(SHOPIFY_SECRET), "orders/create", datetime.now(UTC))
    assert httpx.post(url, content=body, headers=valid).json() == {"status": "accepted"}
    assert httpx.post(url, content=body, headers=valid).json() == {"status": "duplicate"}
    assert post(body).status_code == 200  # a second, distinct delivery
    assert post(body, secret="forged-secret").status_code == 401
    assert httpx.post(url, content=body).status_code == 401  # no signature at all
    assert post(b"not json").status_code == 200  # verified, not normalizable: DLQ, still 2xx
    for _ in range(2):
        assert httpx.post(f"{relay.base_url}/webhooks/nobody", content=b"{}").status_code == 404
    ping = httpx.post(
        f"{relay.base_url}/webhooks/woo-m",
        content=b"webhook_id=7",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert ping.status_code == 200


def _samples(text: str) -> dict[str, list[Sample]]:
    by_family: dict[str, list[Sample]] = {}
    for family in text_string_to_metric_families(text):
        by_family[_exposed_name(family.name, family.type)] = list(family.samples)
    return by_family


def _value(samples: list[Sample], name: str, **labels: str) -> float:
    matching = [s.value for s in samples if s.name == name and s.labels == labels]
    assert len(matching) == 1, f"{name}{labels}: {matching}"
    return matching[0]


def test_every_exported_metric_is_in_the_catalogue_with_its_type_and_labels(scraped: str) -> None:
    """Each relay_* and process_* family served is catalogued with the same type and labels."""
    entries, _ = _catalogue()
    families = list(text_string_to_metric_families(scraped))
    assert len(families) >= 15
    for family in families:
        name = _exposed_name(family.name, family.type)
        assert name in entries, f"{name} is exported but not in docs/metrics.md"
        assert entries[name].type == family.type, name
        for sample in family.samples:
            assert set(sample.labels) - {"le"} == entries[name].labels, (name, sample.labels)


def test_exported_label_values_are_in_the_catalogued_sets(scraped: str) -> None:
    """Outcome and reason labels only take the values the catalogue lists."""
    _, values = _catalogue()
    samples = _samples(scraped)
    checked = 0
    for (metric, label), allowed in values.items():
        for sample in samples.get(metric, []):
            assert sample.labels[label] in allowed, (metric, sample.labels)
            checked += 1
    assert checked >= 6
    assert all(
        s.labels.get("source") in {None, "shop-m", "woo-m"}
        for series in samples.values()
        for s in series
    )


def test_counts_match_the_traffic_sent(scraped: str) -> None:
    """Accepted, duplicate, rejected, handshake, unknown-source and failure counts are exact."""
    s = _samples(scraped)
    received = s["relay_webhooks_received_total"]
    name = "relay_webhooks_received_total"
    shop = {"platform": "shopify", "source": "shop-m"}
    assert _value(received, name, **shop, outcome="accepted") == 3
    assert _value(received, name, **shop, outcome="duplicate") == 1
    assert _value(received, name, **shop, outcome="rejected") == 2
    assert _value(received, name, platform="woocommerce", source="woo-m", outcome="handshake") == 1
    assert len(received) == 4
    unknown = s["relay_webhooks_unknown_source_total"]
    assert _value(unknown, "relay_webhooks_unknown_source_total") == 2
    failures = s["relay_verification_failures_total"]
    name = "relay_verification_failures_total"
    assert _value(failures, name, **shop, reason="signature_mismatch") == 1
    assert _value(failures, name, **shop, reason="missing_signature") == 1
    normalization = s["relay_normalization_failures_total"]
    name = "relay_normalization_failures_total"
    assert _value(normalization, name, **shop, reason="malformed_payload") == 1
    events = s["relay_events_published_total"]
    name = "relay_events_published_total"
    assert _value(events, name, platform="shopify", type="commerce.order.created.v1") == 2
    assert _value(s["relay_publish_seconds"], "relay_publish_seconds_count") == 3
    requests = s["relay_webhook_request_seconds"]
    assert _value(requests, "relay_webhook_request_seconds_count", platform="shopify") == 6
    assert s["relay_publish_errors_total"] == []
    assert _value(s["relay_webhooks_in_flight"], "relay_webhooks_in_flight") == 0


def test_histogram_buckets_cover_the_platform_timeouts(scraped: str) -> None:
    """The request histogram has bucket bounds at 1, 2, 3, 5 and 10 s, and every answer was fast."""
    requests = _samples(scraped)["relay_webhook_request_seconds"]
    bounds = {
        s.labels["le"]: s.value
        for s in requests
        if s.name.endswith("_bucket") and s.labels["platform"] == "shopify"
    }
    assert {"1.0", "2.0", "3.0", "5.0", "10.0", "+Inf"} <= set(bounds)
    assert bounds["1.0"] == bounds["+Inf"] == 6


def test_build_info_names_relay_and_python_versions(scraped: str) -> None:
    """relay_build_info is 1 with the installed relay version and the running Python's."""
    (sample,) = _samples(scraped)["relay_build_info"]
    assert sample.labels == {"version": __version__, "python": platform.python_version()}
    assert sample.value == 1
    assert SHOPIFY_SECRET not in scraped
    assert "forged-secret" not in scraped
