"""uvicorn's configuration as relay's settings make it."""

from __future__ import annotations

import pytest

from relay.app import RelayApp
from relay.config import Settings
from relay.server import uvicorn_config


@pytest.mark.parametrize("access_log", [False, True])
def test_proxy_headers_are_read_for_the_access_log_only(access_log: bool) -> None:
    """X-Forwarded-For names the client of an access line; without one, no middleware runs."""
    settings = Settings.model_validate({"server": {"access_log": access_log, "port": 18080}})
    config = uvicorn_config(RelayApp(settings))
    assert config.proxy_headers is access_log
    assert config.access_log is access_log
    config.load()  # uvicorn wraps the app in its proxy headers middleware only when asked
    assert (type(config.loaded_app).__name__ == "ProxyHeadersMiddleware") is access_log
