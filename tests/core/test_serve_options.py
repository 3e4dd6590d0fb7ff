"""The options ``followup serve`` gives waitress: those of the trusted proxy and the body limit,
and those that close idle connections and bound how many each process holds (docs/deploy.md,
"Slow clients")."""

from __future__ import annotations

import argparse
from typing import Any

import pytest
import waitress
from waitress.adjustments import Adjustments

from followup.cli_serve import cmd_serve, waitress_options

MB = 1024 * 1024
# What every process is given, with or without a trusted proxy.
EVERY_PROCESS = {
    "threads": 8,
    "ident": "Followup",
    "max_request_body_size": 2 * (20 * MB + 256 * 1024),
    "clear_untrusted_proxy_headers": True,
    "channel_timeout": 30,
    "cleanup_interval": 10,
    "connection_limit": 250,
    "asyncore_use_poll": True,
    "backlog": 1024,
}


def _arguments(trusted_proxy: str = "") -> argparse.Namespace:
    return argparse.Namespace(
        host="127.0.0.1",
        port=0,
        workers=1,
        threads=8,
        trusted_proxy=trusted_proxy,
        trusted_proxy_headers="x-forwarded-for x-forwarded-proto x-forwarded-host",
    )


def test_with_no_proxy_waitress_closes_connections_idle_30_seconds_and_holds_250():
    options = waitress_options(_arguments(), [], 20 * MB + 256 * 1024)
    assert options == EVERY_PROCESS
    # waitress takes every one, under the name and with the value given.
    adjusted = Adjustments(**options)
    assert (adjusted.channel_timeout, adjusted.cleanup_interval) == (30, 10)
    assert (adjusted.connection_limit, adjusted.asyncore_use_poll, adjusted.backlog) == (
        250,
        True,
        1024,
    )


def test_behind_a_trusted_proxy_the_same_options_come_with_the_proxys():
    headers = ["x-forwarded-for", "x-forwarded-proto", "x-forwarded-host"]
    options = waitress_options(_arguments("127.0.0.1"), headers, 20 * MB + 256 * 1024)
    assert options == {
        **EVERY_PROCESS,
        "trusted_proxy": "127.0.0.1",
        "trusted_proxy_count": 1,
        "trusted_proxy_headers": "x-forwarded-for x-forwarded-proto x-forwarded-host",
    }
    Adjustments(**options)


def test_serve_gives_waitress_these_options_and_its_one_listening_socket(
    monkeypatch: pytest.MonkeyPatch, settings: Any, capsys: pytest.CaptureFixture[str]
):
    # Through pytest-django's settings, so that what cmd_serve sets is undone after the test.
    settings.TRUSTED_PROXY, settings.TRUSTED_PROXY_HEADERS = "", []
    given: list[dict[str, Any]] = []
    monkeypatch.setattr(waitress, "serve", lambda application, **options: given.append(options))
    assert cmd_serve(_arguments()) == 0
    (options,) = given
    (listening,) = options.pop("sockets")
    listening.close()
    assert options == EVERY_PROCESS
    assert "(1 process of 8 threads; press Ctrl+C to stop)" in capsys.readouterr().out
