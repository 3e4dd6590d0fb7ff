"""Each API read's database work is stopped past ``FOLLOWUP_API_READ_SECONDS``: a 503 problem
saying how to ask for less, never a server error or a thread held for as long as it takes; the
connection is left as it was for the next request; writes and pages are not limited."""

from __future__ import annotations

import itertools
import json

import pytest
from django.db import connection
from django.test import override_settings

from followup.api import timelimit
from tests.api.conftest import Api, make_token, problem
from tests.api.test_data_value_sets import VALUES, send, writer

URL = "/api/v1/partnerships/home/dataValueSets/"
STOPPED = (
    "The request took longer than the 2 seconds an API read may take, so it was stopped. Ask "
    "for less: fewer rows a page (limit), narrower filters, or no count (count=true counts "
    "every row)."
)

sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="SQLite's limit is its progress handler"
)
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's limit is statement_timeout"
)


@pytest.fixture
def slow_clock(monkeypatch):
    """A clock that moves ten seconds each time it is read, read at every step of SQLite's
    work: any query runs past the limit."""
    ticks = itertools.count(step=10.0)
    monkeypatch.setattr(timelimit, "clock", lambda: next(ticks))
    monkeypatch.setattr(timelimit, "STEPS", 1)


@sqlite_only
@override_settings(API_READ_SECONDS=2)
def test_a_read_past_the_limit_is_503_saying_how_to_ask_for_less(world, api, slow_clock):
    body = problem(api["lead"].get(URL, count="true"), 503)
    assert body["detail"] == STOPPED
    assert body["title"] == "Service Unavailable"


@sqlite_only
@override_settings(API_READ_SECONDS=2)
def test_the_connection_is_unlimited_again_after_a_stopped_read(world, api, slow_clock):
    problem(api["lead"].get(URL), 503)
    # The clock still races, but no handler is left to read it: the next query runs whole.
    with connection.cursor() as cursor:
        cursor.execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
            "WHERE i < 100000) SELECT count(*) FROM n"
        )
        assert cursor.fetchone() == (100000,)


@sqlite_only
@override_settings(API_READ_SECONDS=2)
def test_writes_and_pages_are_not_limited(world, api, slow_clock):
    response = send(writer(world), {"dataValues": VALUES}, release="Quarterly return")
    assert response.status_code == 200, response.content
    assert json.loads(response.content)["importCount"]["imported"] == 2
    page = world.client_for("lead").get("/p/home/")
    assert page.status_code == 200


def test_a_read_within_the_limit_is_answered(world, api):
    assert api["lead"].json(URL)["results"] == []


@postgresql_only
@pytest.mark.django_db(transaction=True)
@override_settings(API_READ_SECONDS=1)
def test_postgresql_stops_a_query_past_the_limit_and_resets_it_after(world, monkeypatch):
    """Outside a test's transaction, as a request runs (each query commits on its own), so the
    stopped query leaves the connection usable."""
    from followup.api import datavalues_read

    def sleeping(*args, **kwargs):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_sleep(3)")
        raise AssertionError("the query ran past the limit")

    monkeypatch.setattr(datavalues_read, "data_values_for", sleeping)
    lead = Api(make_token(world.users["lead"]))
    body = problem(lead.get(URL), 503)
    assert body["detail"] == STOPPED.replace("2 seconds", "1 second")
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone() == ("0",)
