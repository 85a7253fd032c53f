"""Building sources of the new platforms from YAML: options, keyless sources, key files, OAuth."""

from __future__ import annotations

from pathlib import Path

import pytest

from relay.app import build_sources
from relay.config import load_settings
from relay.errors import ConfigError
from relay.keys import KeyStore

_EBAY_KEY = "https://api.ebay.com/commerce/notification/v1/public_key/k1"


def _settings(tmp_path: Path, sources: str) -> Path:
    path = tmp_path / "relay.yaml"
    path.write_text(f"sources:\n{sources}")
    return path


def test_public_key_sources_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """PayPal needs no secret; eBay's key file is served locally and its OAuth secret resolved."""
    (tmp_path / "ebay.json").write_text('{"key": "PEM"}')
    monkeypatch.setenv("EBAY_TOKEN", "verification-token")
    monkeypatch.setenv("EBAY_CLIENT_SECRET", "client-secret")
    path = _settings(
        tmp_path,
        f"""
  - id: pp
    platform: paypal
    options: {{webhook_id: WH-1}}
  - id: eb
    platform: ebay
    secrets: ["env:EBAY_TOKEN"]
    options:
      endpoint_url: https://relay.example.com/webhooks/eb
      oauth_client_id: app
      oauth_client_secret: env:EBAY_CLIENT_SECRET
    key_files: {{"{_EBAY_KEY}": "{tmp_path / "ebay.json"}"}}
  - id: sq
    platform: square
    secrets: ["env:EBAY_TOKEN"]
    options: {{notification_url: https://relay.example.com/webhooks/sq}}
""",
    )
    keys = KeyStore()
    sources = build_sources(load_settings(path), keys)
    assert sources["pp"].keys is keys
    assert sources["pp"].secrets == ()
    assert sources["sq"].keys is None  # an HMAC platform fetches nothing
    assert keys.key(_EBAY_KEY) == b'{"key": "PEM"}'


_EBAY_UNSET_SECRET = """  - id: s
    platform: ebay
    secrets: ["env:HOME"]
    options:
      endpoint_url: https://r.example/e
      oauth_client_id: a
      oauth_client_secret: env:RELAY_TEST_UNSET_SECRET
"""
_PAYPAL_MISSING_FILE = """  - id: s
    platform: paypal
    options: {webhook_id: W}
    key_files: {"https://api.paypal.com/c": /nonexistent/relay-test.pem}
"""


@pytest.mark.parametrize(
    ("source", "key"),
    [
        ("  - {id: s, platform: shopify}\n", "sources[0].secrets"),
        (
            "  - {id: s, platform: square, secrets: ['env:HOME']}\n",
            "sources[0].options.notification_url",
        ),
        (_EBAY_UNSET_SECRET, "sources[0].options.oauth_client_secret"),
        (_PAYPAL_MISSING_FILE, "sources[0].key_files"),
    ],
    ids=["no-secret", "no-url", "oauth-secret-unset", "missing-key-file"],
)
def test_bad_sources_name_the_key(tmp_path: Path, source: str, key: str) -> None:
    """Every misconfiguration of the new platforms is a ConfigError naming its key."""
    with pytest.raises(ConfigError) as caught:
        build_sources(load_settings(_settings(tmp_path, source)))
    assert caught.value.key == key
