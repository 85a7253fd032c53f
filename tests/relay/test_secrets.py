"""Resolving env: and file: secret references."""

from __future__ import annotations

from pathlib import Path

import pytest

from relay.errors import ConfigError
from relay.secrets import resolve_secret


def test_env_reference() -> None:
    """`env:NAME` reads the variable."""
    assert resolve_secret("env:S", "k", {"S": "v1"}).value == "v1"


def test_file_reference_strips_one_newline(tmp_path: Path) -> None:
    """`file:/path` reads the file without its trailing newline."""
    (tmp_path / "s").write_text("v2\n")
    assert resolve_secret(f"file:{tmp_path / 's'}", "k").value == "v2"


@pytest.mark.parametrize(
    ("ref", "match"),
    [
        ("env:MISSING", "environment variable MISSING is not set"),
        ("env:EMPTY", "is empty"),
        ("file:/nonexistent/secret", "cannot read secret file"),
        ("vault:x", "must start with env: or file:"),
    ],
)
def test_errors_name_the_key_not_the_value(ref: str, match: str) -> None:
    """Unresolvable references raise ConfigError naming the setting."""
    with pytest.raises(ConfigError, match=match) as info:
        resolve_secret(ref, "sources[0].secrets[0]", {"EMPTY": ""})
    assert info.value.key == "sources[0].secrets[0]"


def test_secret_repr_hides_the_value() -> None:
    """A Secret never shows its value in repr or str."""
    secret = resolve_secret("env:S", "k", {"S": "topsecret"})
    assert "topsecret" not in repr(secret)
    assert "topsecret" not in str(secret)
