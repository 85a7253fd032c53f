"""Resolution of ``env:NAME`` and ``file:/path`` secret references."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from relay.errors import ConfigError
from verifiers import Secret

__all__ = ["resolve_secret"]


def resolve_secret(ref: str, key: str, environ: Mapping[str, str] | None = None) -> Secret:
    """Return the secret ``ref`` points at; ``key`` names the setting for errors.

    ``file:`` secrets lose one trailing newline (as written by ``echo`` or Kubernetes tools).
    Errors name the reference, never the value.
    """
    env = os.environ if environ is None else environ
    kind, _, name = ref.partition(":")
    if kind == "env":
        value = env.get(name)
        if value is None:
            raise ConfigError(key, f"environment variable {name} is not set")
    elif kind == "file":
        try:
            value = Path(name).read_text(encoding="utf-8").removesuffix("\n")
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(
                key, f"cannot read secret file {name}: {exc.__class__.__name__}"
            ) from exc
    else:
        raise ConfigError(key, "a secret reference must start with env: or file:")
    if not value:
        raise ConfigError(key, f"secret {ref} is empty")
    return Secret(value)
