"""The API's limits hold however the requests are sent: many at once, from many threads, and
through several server processes, exactly the limit's number pass in a minute and every other
gets 429 with Retry-After (``followup.api.throttling``).

In this process the threads each have their own database connection, which only PostgreSQL
gives the tests (SQLite's test database is in memory, one connection). On SQLite the same is
checked through ``followup serve`` itself, two processes of 8 threads on a database file, as
docs/deploy.md runs it.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from tests import factories as f
from tests.api.conftest import PROBLEM, Api, make_token
from tests.core.test_cli import run
from tests.core.test_proxied_serve import HOST, _environment, _wait_for
from tests.core.test_request_size import _free_port
from tests.migrated import copy_database

LIST = "/api/v1/partnerships/"
# The limits, a token's and an address's without one: low, so that four times as many requests
# as a limit lets through are few (they were 100 and 40, for 400 and 160 requests). The 16
# threads send together, so the limit is reached with 16 requests in flight whatever its value.
TOKEN_LIMIT = 20
ADDRESS_LIMIT = 8

postgresql_only = pytest.mark.skipif(
    "connection.vendor != 'postgresql'",
    reason="threads with a connection each: SQLite's test database is in memory (the served "
    "test below counts on SQLite)",
)


def at_once(threads: int, each: int, send: Callable[[], tuple[int, str, str]]) -> Counter[str]:
    """``threads`` threads, let go together, each sending ``each`` requests: how many answers
    of each kind (status, and for a 429 its Content-Type and whether Retry-After was 1 to 60)."""
    start = threading.Barrier(threads)

    def work() -> list[str]:
        start.wait(timeout=60)
        try:
            answers = []
            for _ in range(each):
                status, kind, retry_after = send()
                if status == 429:
                    waits = retry_after.isdigit() and 1 <= int(retry_after) <= 60
                    answers.append(f"429 {kind} {'waits' if waits else repr(retry_after)}")
                else:
                    answers.append(str(status))
            return answers
        finally:
            connection.close()

    with ThreadPoolExecutor(threads) as pool:
        results = [pool.submit(work) for _ in range(threads)]
        return Counter(answer for result in results for answer in result.result(timeout=300))


def by_test_client(token: str | None, address: str = "127.0.0.1") -> Callable[[], tuple]:
    def send() -> tuple[int, str, str]:
        response = Api(token, address).get(LIST)
        return response.status_code, response["Content-Type"], response.get("Retry-After", "")

    return send


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_80_requests_with_one_token_from_16_threads_at_once_have_exactly_20_let_through():
    token = make_token(f.UserFactory(username="script"))
    with override_settings(API_REQUESTS_PER_MINUTE=TOKEN_LIMIT):
        answers = at_once(16, 5, by_test_client(token))
    assert answers == {"200": 20, f"429 {PROBLEM} waits": 60}


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_32_requests_without_a_token_from_16_threads_at_once_have_exactly_8_answered_401():
    with override_settings(API_UNAUTHENTICATED_REQUESTS_PER_MINUTE=ADDRESS_LIMIT):
        answers = at_once(16, 2, by_test_client(None, "192.0.2.7"))
    assert answers == {"401": 8, f"429 {PROBLEM} waits": 24}


def test_a_request_with_a_token_is_counted_in_one_statement_and_never_in_the_cache(world):
    token = make_token(world.users["viewer"])
    with CaptureQueriesContext(connection) as queries:
        assert Api(token).get(LIST).status_code == 200
    counted = [q["sql"] for q in queries.captured_queries if "throttlekey" in q["sql"]]
    assert len(counted) == 1 and counted[0].lstrip().startswith("INSERT INTO")
    assert not [q for q in queries.captured_queries if "followup_cache" in q["sql"]]


def test_a_request_without_a_token_is_counted_in_one_statement_and_never_in_the_cache(world):
    with CaptureQueriesContext(connection) as queries:
        assert Api(None, "192.0.2.7").get(LIST).status_code == 401
    counted = [q["sql"] for q in queries.captured_queries if "throttlekey" in q["sql"]]
    assert len(counted) == 1 and counted[0].lstrip().startswith("INSERT INTO")
    assert not [q for q in queries.captured_queries if "followup_cache" in q["sql"]]


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_count_committed_without_waiting_for_the_disk_leaves_the_connection_waiting_for_it():
    """PostgreSQL commits the count alone with synchronous_commit off; the connection's next
    transactions wait for the disk as before."""
    from followup.accounts import throttle

    assert throttle.count_request("api:token:0", 1_000_000.0, 60) == (1, 1_000_000.0)
    assert throttle.count_request("api:token:0", 1_000_059.0, 60) == (2, 1_000_000.0)
    assert throttle.count_request("api:token:0", 1_000_060.0, 60) == (1, 1_000_060.0)
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone() == ("on",)


# Through ``followup serve`` behind the trusted proxy (docs/deploy.md), 2 processes of 8 threads,
# with the same limits.
LIMITS = {
    "FOLLOWUP_API_REQUESTS_PER_MINUTE": str(TOKEN_LIMIT),
    "FOLLOWUP_API_UNAUTHENTICATED_REQUESTS_PER_MINUTE": str(ADDRESS_LIMIT),
}


@contextlib.contextmanager
def serving(folder: Path, env: dict[str, str]) -> Iterator[int]:
    """``followup serve`` with these settings, in two processes of 8 threads: its port."""
    port = _free_port()
    base = {k: v for k, v in os.environ.items() if not k.startswith(("FOLLOWUP_", "DJANGO_"))}
    base.pop("DATABASE_URL", None)
    serve = ["serve", "--port", str(port), "--workers", "2", "--threads", "8"]
    process = subprocess.Popen(
        [sys.executable, "-m", "followup.cli", *serve],
        cwd=folder,
        env={**base, **env, **LIMITS},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for(port, process)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory, migrated_sqlite: Path) -> Iterator[tuple]:
    """(port, a token's text) of ``followup serve`` on a SQLite file."""
    folder = tmp_path_factory.mktemp("limits")
    env = _environment(folder)
    copy_database(migrated_sqlite, folder / "followup.sqlite3")
    made = run(
        "createuser",
        "script",
        "--email",
        "script@example.org",
        "--password-stdin",
        env=env,
        cwd=folder,
        stdin="a long and memorable passphrase\n",
    )
    assert made.returncode == 0, made.stderr
    created = run("createtoken", "script", env=env, cwd=folder)
    assert created.returncode == 0, created.stderr
    with serving(folder, env) as port:
        yield port, created.stdout.split()[0]


def through_the_proxy(port: int, token: str | None, address: str) -> Callable[[], tuple]:
    def send() -> tuple[int, str, str]:
        headers = {"Host": HOST, "X-Forwarded-For": address, "X-Forwarded-Proto": "https"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        client = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        client.request("GET", LIST, headers=headers)
        response = client.getresponse()
        body = response.read()
        client.close()
        kind = response.getheader("Content-Type", "")
        if response.status == 429:
            assert json.loads(body)["title"] == "Too Many Requests"
        return response.status, kind, response.getheader("Retry-After", "")

    return send


def test_80_requests_with_one_token_served_by_2_processes_have_exactly_20_let_through(served):
    port, token = served
    answers = at_once(16, 5, through_the_proxy(port, token, "198.51.100.7"))
    assert answers == {"200": 20, f"429 {PROBLEM} waits": 60}


def test_32_requests_without_a_token_served_by_2_processes_have_exactly_8_answered_401(served):
    port, _ = served
    answers = at_once(16, 2, through_the_proxy(port, None, "192.0.2.9"))
    assert answers == {"401": 8, f"429 {PROBLEM} waits": 24}


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_80_requests_with_one_token_and_32_without_served_on_postgresql_have_exactly_the_limit(
    tmp_path: Path,
):
    """The same, with ``followup serve`` on this run's PostgreSQL test database."""
    token = make_token(User.objects.create_user("script"))
    database = connection.settings_dict
    env = _environment(tmp_path)
    env["DATABASE_URL"] = (
        f"postgresql://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
    )
    connection.close()
    with serving(tmp_path, env) as port:
        with_token = at_once(16, 5, through_the_proxy(port, token, "198.51.100.7"))
        without = at_once(16, 2, through_the_proxy(port, None, "192.0.2.9"))
    assert with_token == {"200": 20, f"429 {PROBLEM} waits": 60}
    assert without == {"401": 8, f"429 {PROBLEM} waits": 24}
