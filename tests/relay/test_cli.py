"""The `relay` command line: help texts, check-config, sign, send-sample."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from relay.cli import main

COMMANDS = [[], ["serve"], ["dev"], ["check-config"], ["sign"], ["send-sample"], ["sink", "run"]]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "relay")
def test_every_command_has_help(command: list[str]) -> None:
    """`--help` works for every command and says something about it."""
    result = CliRunner().invoke(main, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output
    assert len(result.output.splitlines()) > 4


def test_check_config_accepts_the_examples(monkeypatch: pytest.MonkeyPatch) -> None:
    """The shipped example configs validate (secrets resolved, never printed)."""
    root = Path(__file__).parents[2]
    dev = CliRunner().invoke(main, ["check-config", str(root / "examples/dev.yaml")])
    assert dev.exit_code == 0, dev.output
    assert "ok (4 sources, 1 sinks" in dev.output
    for name in ("SHOPIFY_SECRET", "WOOCOMMERCE_SECRET", "BIGCOMMERCE_CLIENT_SECRET"):
        monkeypatch.setenv(f"ACME_{name}", "s3cr3t-value")
    production = root / "examples/production.yaml"
    result = CliRunner().invoke(main, ["check-config", str(production)])
    assert result.exit_code == 1
    assert "sources[0].secrets[1]: cannot read secret file /run/secrets/acme-shopify-previous" in (
        result.output
    )
    assert "s3cr3t-value" not in result.output


def test_check_config_names_the_bad_key(tmp_path: Path) -> None:
    """An invalid config exits 1 naming the key."""
    path = tmp_path / "bad.yaml"
    path.write_text("sources: [{id: s, platform: shopify, secrets: ['env:NOPE_NOT_SET']}]\n")
    result = CliRunner().invoke(main, ["check-config", str(path)])
    assert result.exit_code == 1
    assert "sources[0].secrets[0]: environment variable NOPE_NOT_SET is not set" in result.output


def test_sign_prints_headers_and_curl(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`relay sign` prints the platform's headers and a curl command, never the secret."""
    monkeypatch.setenv("SIGN_SECRET", "sign-me-secret")
    body = tmp_path / "body.json"
    body.write_bytes(b'{"id": 1}')
    args = ["sign", "shopify", "--secret", "env:SIGN_SECRET", "--body", str(body)]
    result = CliRunner().invoke(main, [*args, "--url", "http://127.0.0.1:8080/webhooks/s"])
    assert result.exit_code == 0, result.output
    assert "X-Shopify-Hmac-Sha256: " in result.output
    assert "curl -sS -X POST" in result.output
    assert "sign-me-secret" not in result.output


def test_sign_rejects_a_literal_secret() -> None:
    """A secret given as a value, not a reference, is refused."""
    result = CliRunner().invoke(main, ["sign", "shopify", "--secret", "plain", "--body", "-"])
    assert result.exit_code == 1
    assert "must start with env: or file:" in result.output


def test_send_sample_lists_topics() -> None:
    """`relay send-sample PLATFORM --list` lists the shipped samples."""
    result = CliRunner().invoke(main, ["send-sample", "shopify", "--list"])
    assert result.exit_code == 0
    assert result.output.split() == ["customers/create", "orders/create", "products/create"]
    unknown = CliRunner().invoke(main, ["send-sample", "shopify", "orders/nope"])
    assert unknown.exit_code == 1
    assert "no sample for shopify orders/nope" in unknown.output
