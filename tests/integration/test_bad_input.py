"""Bad input at scale against a real relay: never a 5xx, never a crash, never a secret in logs.

Schemathesis generates requests from the relay's own OpenAPI document (``GET /openapi.json``);
Hypothesis fuzzes the signature headers and bodies of every configured platform. Both talk
to a real ``relay serve`` process over 127.0.0.1 with a real broker behind it, and the
process's log is checked afterwards.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from _relay_process import RelayProcess
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error

pytestmark = pytest.mark.integration

SECRETS = {
    "T_SHOPIFY": "fuzz-shopify-secret-value",
    "T_WOO": "fuzz-woocommerce-secret-value",
    "T_STD": "whsec_ZnV6ei1zdGFuZGFyZC13ZWJob29rcy1zZWNyZXQ=",
    "T_BC": "fuzz-bigcommerce-client-secret",
}
SOURCES = {"shop": "shopify", "woo": "woocommerce", "std": "standard_webhooks", "bc": "bigcommerce"}
ENV_OF = {"shop": "T_SHOPIFY", "woo": "T_WOO", "std": "T_STD", "bc": "T_BC"}
HEADERS = [
    "x-shopify-hmac-sha256",
    "x-shopify-webhook-id",
    "x-shopify-topic",
    "x-shopify-shop-domain",
    "x-wc-webhook-signature",
    "x-wc-webhook-delivery-id",
    "x-wc-webhook-topic",
    "webhook-id",
    "webhook-timestamp",
    "webhook-signature",
    "content-type",
]


@pytest.fixture(scope="module")
def relay(
    tmp_path_factory: pytest.TempPathFactory, kafka_bootstrap: str, kafka_is_embedded: bool
) -> Iterator[RelayProcess]:
    """One relay with a source per platform, shared by this module's tests."""
    tmp: Path = tmp_path_factory.mktemp("fuzz")
    config: dict[str, Any] = {
        "kafka": {
            "bootstrap_servers": kafka_bootstrap,
            "topic_prefix": "fuzz",
            "enable_idempotence": not kafka_is_embedded,
        },
        "server": {"max_body_bytes": 64 * 1024},
        "sources": [
            {"id": sid, "platform": platform, "secrets": [f"env:{ENV_OF[sid]}"]}
            for sid, platform in SOURCES.items()
        ],
    }
    process = RelayProcess(tmp, config, SECRETS)
    process.start()
    yield process
    alive = process.process is not None and process.process.poll() is None
    log = process.log()
    process.stop()
    assert alive, f"relay died during the fuzzing:\n{log[-3000:]}"
    for secret in SECRETS.values():
        assert secret not in log
    assert "Traceback" not in log, log[-3000:]


@pytest.fixture(scope="module")
def api_schema(relay: RelayProcess) -> Any:
    """The relay's own OpenAPI document, with the configured source ids as path values."""
    document = httpx.get(f"{relay.base_url}/openapi.json").json()
    for parameter in document["paths"]["/webhooks/{source_id}"]["parameters"]:
        parameter["schema"] = {"type": "string", "enum": [*SOURCES, "nope"]}
    schema = schemathesis.openapi.from_dict(document)
    schema.config.base_url = relay.base_url  # type: ignore[attr-defined]
    return schema


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_openapi_generated_requests_never_get_5xx(case: Any, relay: RelayProcess) -> None:
    """Every request Schemathesis derives from the OpenAPI document gets a non-5xx answer."""
    case.call_and_validate(base_url=relay.base_url, checks=[not_a_server_error])


_header_value = st.one_of(
    st.binary(max_size=80),
    st.text(max_size=80).map(lambda t: t.encode("utf-8")),
    st.sampled_from([b"", b"=", b"v1,", b"v1a,AAAA", b"sha256=", b"\xff\xfe", b"1" * 40]),
)


@given(
    source=st.sampled_from(sorted(SOURCES)),
    headers=st.dictionaries(st.sampled_from(HEADERS), _header_value, max_size=6),
    body=st.binary(max_size=2048),
)
@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
def test_fuzzed_signature_headers_and_bodies_are_rejected_cleanly(
    relay: RelayProcess, source: str, headers: dict[str, bytes], body: bytes
) -> None:
    """Random signature headers and bodies get 401 (or a handshake's 200), never a 5xx."""
    sent = [
        (name.encode(), value.replace(b"\r", b"").replace(b"\n", b""))
        for name, value in headers.items()
    ]
    try:
        response = httpx.post(
            f"{relay.base_url}/webhooks/{source}", content=body, headers=sent, timeout=10
        )
    except httpx.LocalProtocolError:  # httpx itself refuses to send such a header
        return
    # 400: uvicorn's HTTP parser refuses header bytes that HTTP forbids, before relay runs.
    assert response.status_code in {200, 400, 401}, (response.status_code, response.text)
    if response.status_code == 200:  # only WooCommerce's unsigned ping gets through
        assert source == "woo"
        assert b"x-wc-webhook-signature" not in {name for name, _ in sent}
