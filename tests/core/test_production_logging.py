"""The log as a production server writes it (settings.LOGGING, docs/deploy.md "Logs"): a refusal
or a bad request is one line and never a traceback, a server error keeps its traceback, and every
request has one access line without its query string or any secret in its path."""

from __future__ import annotations

import contextlib
import copy
import io
import logging
import logging.config
from collections.abc import Iterator
from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import path, reverse

from followup.urls import urlpatterns as followup_urls


def _fails(request: HttpRequest) -> HttpResponse:
    raise ValueError("a real fault")


urlpatterns = [*followup_urls, path("fails/", _fails)]


@contextlib.contextmanager
def configured_as_production(logging_settings: dict[str, Any]) -> Iterator[io.StringIO]:
    """The logging configured exactly as the settings configure it, at production's level
    (FOLLOWUP_LOG_LEVEL's default, not the suite's), writing to a stream; then every logger it
    configured, the root with them, as it was: left at INFO, the access log wrote a line for
    every request of every later test in the worker."""
    stream = io.StringIO()
    config = copy.deepcopy(logging_settings)
    config["handlers"]["console"]["stream"] = stream
    config["root"]["level"] = config["loggers"]["followup.access"]["level"] = "INFO"
    loggers = [logging.getLogger(), *(logging.getLogger(name) for name in config["loggers"])]
    saved = [
        (logger, logger.handlers[:], logger.filters[:], logger.level, logger.propagate)
        for logger in loggers
    ]
    logging.config.dictConfig(config)
    try:
        yield stream
    finally:
        for logger, handlers, filters, level, propagate in saved:
            logger.handlers[:] = handlers
            logger.filters[:] = filters
            logger.setLevel(level)
            logger.propagate = propagate


@pytest.fixture
def log(settings) -> Iterator[io.StringIO]:
    """What the console handler writes, configured as in production."""
    with configured_as_production(settings.LOGGING) as stream:
        yield stream


def test_the_loggers_are_as_they_were_once_configured_as_in_production(settings):
    access, root = logging.getLogger("followup.access"), logging.getLogger()
    before = (access.level, access.handlers[:], root.level, root.handlers[:])
    with configured_as_production(settings.LOGGING):
        assert access.level == logging.INFO
    assert (access.level, access.handlers, root.level, root.handlers) == before


def _lines(log: io.StringIO) -> list[str]:
    return log.getvalue().splitlines()


def test_a_refusal_is_one_line_beside_its_access_line_and_never_a_traceback(world, log):
    lead = world.users["lead"]
    url = reverse("reports:review_publish", args=["home", world.home.review.pk])
    assert world.client_for("lead").post(url, {"version": "1"}).status_code == 403
    lines = _lines(log)
    assert len(lines) == 2, lines
    assert lines[0].endswith(
        f"WARNING django.request Refused POST {url} to user {lead.pk}: "
        "publish_reports: Only inspectors and administrators can publish reports."
    )
    assert f"INFO followup.access POST {url} 403 " in lines[1]
    assert lines[1].endswith(f"ms user {lead.pk}")


def test_a_host_that_is_not_allowed_is_one_line(world, log):
    client = Client(HTTP_HOST="evil.example.net")
    assert client.get("/accounts/login/").status_code == 400
    lines = _lines(log)
    assert len(lines) == 2, lines
    assert (
        "ERROR django.security.DisallowedHost Invalid HTTP_HOST header: 'evil.example.net'"
        in (lines[0])
    )
    assert "INFO followup.access GET /accounts/login/ 400 " in lines[1]


def test_a_page_not_found_and_a_missing_csrf_token_are_one_line_each(world, log):
    client = world.client_for("lead")
    assert client.get("/p/no-such-partnership/plan/").status_code == 404
    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/accounts/login/", {"login": "x", "password": "y"}).status_code == 403
    lines = _lines(log)
    assert "Traceback" not in log.getvalue()
    assert [line.split(" ", 3)[3] for line in lines if "followup.access" not in line] == [
        "django.request Not Found: /p/no-such-partnership/plan/",
        "django.security.csrf Forbidden (CSRF cookie not set.): /accounts/login/",
    ]
    assert len(lines) == 4


@pytest.mark.urls(__name__)
def test_a_server_error_is_logged_with_its_traceback(db, log):
    assert Client(raise_request_exception=False).get("/fails/?q=x").status_code == 500
    text = log.getvalue()
    assert "ERROR django.request Internal Server Error: /fails/" in text
    assert "Traceback (most recent call last)" in text
    assert 'raise ValueError("a real fault")' in text
    assert "INFO followup.access GET /fails/ 500 " in text


def test_the_access_line_leaves_out_the_query_string_and_the_key_of_a_reset_link(db, log):
    client = Client()
    client.get("/accounts/login/?next=/p/home/&secret=abc")
    client.get("/accounts/password/reset/key/4-set-a-secret-key-here/")
    access = [line.split(" followup.access ", 1)[1] for line in _lines(log) if "access" in line]
    assert access[0].startswith("GET /accounts/login/ 200 ")
    assert access[1].startswith("GET /accounts/password/reset/key/[key]-[key]/ ")
    assert "secret" not in log.getvalue()


def test_weasyprint_and_fonttools_chatter_is_left_out(log):
    logging.getLogger("weasyprint").warning("Ignored `foo` at 1:1, unknown property.")
    logging.getLogger("fontTools.subset").info("Glyph names: 41")
    logging.getLogger("weasyprint").error("Failed to load image")
    assert _lines(log)[0].endswith("ERROR weasyprint Failed to load image")
    assert len(_lines(log)) == 1


def test_an_api_request_names_its_tokens_user_on_its_access_line(world, log):
    from tests.api.conftest import Api, make_token

    lead = world.users["lead"]
    url = reverse("api:partnership", args=["home"])
    assert Api(make_token(lead)).request("GET", url).status_code == 200
    lines = [line for line in _lines(log) if "followup.access" in line]
    assert len(lines) == 1, lines
    assert f"INFO followup.access GET {url} 200 " in lines[0]
    assert lines[0].endswith(f"ms user {lead.pk}")
