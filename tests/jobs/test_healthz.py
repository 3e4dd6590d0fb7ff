"""``/healthz``: for a load balancer, with no sign-in, over plain HTTP by the machine's address.
It answers 200 while the database answers and a worker was heard from lately, 503 otherwise,
with a small JSON body that names no secret, and writes no session."""

from __future__ import annotations

import datetime
import json

import pytest
from django.contrib.sessions.models import Session
from django.db import OperationalError, connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client, override_settings
from django.utils import timezone

from followup.jobs.models import WorkerHeartbeat

pytestmark = pytest.mark.django_db

# As production runs: HTTPS redirects on, one public host name; the database backend.
PRODUCTION = {
    "SECURE_SSL_REDIRECT": True,
    "ALLOWED_HOSTS": ["followup.example.org"],
    "TASKS_BACKEND_NAME": "database",
    "WORKER_STALE_SECONDS": 60,
}


def probe(
    method: str = "get", path: str = "/healthz"
) -> tuple[int, dict[str, object], dict[str, str]]:
    """As a load balancer asks: plain HTTP, by address, no cookie."""
    client = Client(HTTP_HOST="10.0.0.5", REMOTE_ADDR="10.0.0.1")
    response = getattr(client, method)(path)
    body = json.loads(response.content) if method == "get" else {}
    return response.status_code, body, dict(response.headers)


def beat(seconds_ago: int) -> None:
    seen = timezone.now() - datetime.timedelta(seconds=seconds_ago)
    WorkerHeartbeat.objects.create(
        worker_id="w1", host="worker-1", pid=42, started_at=seen, last_seen=seen
    )


@override_settings(**PRODUCTION)
def test_healthz_is_200_with_a_fresh_heartbeat_over_plain_http_by_address():
    beat(seconds_ago=3)
    status, body, headers = probe()
    assert status == 200
    assert body == {
        "database": "ok",
        "status": "ok",
        "worker": "ok",
        "worker_last_seen_seconds": 3,
    }
    assert headers["Content-Type"] == "application/json"
    assert headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in headers
    assert not Session.objects.exists()
    assert probe("head")[0] == 200


@override_settings(**PRODUCTION)
def test_healthz_is_503_when_the_heartbeat_is_stale_or_missing():
    status, body, _ = probe()
    assert (status, body) == (
        503,
        {
            "database": "ok",
            "status": "unavailable",
            "worker": "none",
            "worker_last_seen_seconds": None,
        },
    )
    beat(seconds_ago=61)
    status, body, _ = probe()
    assert status == 503
    assert (body["worker"], body["worker_last_seen_seconds"]) == ("stale", 61)


@override_settings(**PRODUCTION)
def test_healthz_warns_of_two_workers_on_sqlite_and_stays_200():
    beat(seconds_ago=2)
    seen = timezone.now()
    WorkerHeartbeat.objects.create(
        worker_id="w2", host="worker-2", pid=43, started_at=seen, last_seen=seen
    )
    status, body, _ = probe()
    assert status == 200
    if connection.vendor == "sqlite":
        assert body["warning"] == (
            "2 workers are running on one SQLite database (w1, w2). Run one worker on SQLite: "
            "the others only wait for its lock, and a long job can make their writes fail. "
            'Stop all but one, or move to PostgreSQL (docs/deploy.md, "Several workers").'
        )
    else:  # PostgreSQL: as many workers as wanted, each claiming jobs with row locks
        assert "warning" not in body
    # A stopped worker's stale row is not counted.
    WorkerHeartbeat.objects.filter(worker_id="w2").update(
        last_seen=seen - datetime.timedelta(seconds=61)
    )
    assert "warning" not in probe()[1]


@override_settings(**PRODUCTION)
def test_the_web_health_check_ignores_the_worker_and_a_503_is_no_logged_error(caplog):
    # For a load balancer: a web process without a worker is still in service.
    assert probe(path="/healthz/web")[:2] == (200, {"database": "ok", "status": "ok"})
    with caplog.at_level("INFO", logger="django.request"):
        assert probe()[0] == 503
    assert [r for r in caplog.records if r.name == "django.request"] == []


@override_settings(**PRODUCTION)
def test_healthz_is_503_when_the_database_is_unreachable(monkeypatch):
    beat(seconds_ago=1)

    def unreachable(self: BaseDatabaseWrapper, *args: object) -> None:
        raise OperationalError("connection refused")

    monkeypatch.setattr(BaseDatabaseWrapper, "cursor", unreachable)
    status, body, _ = probe()
    assert (status, body) == (503, {"database": "unreachable", "status": "unavailable"})


def test_healthz_needs_no_worker_when_jobs_run_in_the_request():
    status, body, _ = probe()
    assert (status, body) == (200, {"database": "ok", "status": "ok", "worker": "not used"})


@override_settings(**PRODUCTION)
def test_other_pages_still_redirect_to_https_and_check_the_host():
    client = Client(HTTP_HOST="followup.example.org")
    assert client.get("/accounts/login/").status_code == 301
    assert Client(HTTP_HOST="10.0.0.5").get("/accounts/login/").status_code == 400
    assert client.post("/healthz").status_code == 405  # GET and HEAD only
