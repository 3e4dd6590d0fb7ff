"""``followup serve`` behind a TLS-terminating reverse proxy, configured as docs/deploy.md says:
requests are sent here as the proxy sends them (from 127.0.0.1, with X-Forwarded-Proto: https and
the client's address appended to whatever X-Forwarded-For the client wrote)."""

from __future__ import annotations

import http.client
import os
import re
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

import pytest

from tests.core.test_cli import documented_production_settings, run
from tests.core.test_request_size import _free_port
from tests.migrated import copy_database

HOST = "followup.example.org"
WRONG = "Enter a correct username (or email address) and password."
ACCOUNT_WAIT = "This account is being protected after repeated failed sign-ins: wait"
NETWORK_WAIT = "Too many failed attempts from your network. Wait 15 minutes, then try again."
PASSWORD = "a long and memorable passphrase"
HSTS = "max-age=31536000; includeSubDomains"  # preload is the domain owner's choice
MAKE_INSPECTOR = (
    "from django.contrib.auth.models import User; "
    f"User.objects.create_user('inspector', 'inspector@example.org', '{PASSWORD}')"
)


@dataclass
class Served:
    port: int
    database: Path


def _environment(folder: Path) -> dict[str, str]:
    """docs/configuration.md's production settings, with this machine's paths and database."""
    env = documented_production_settings()
    key = folder / "secret"
    key.write_text("a-production-secret-key-that-is-long-and-random-0123456789abcdefXYZ")
    key.chmod(0o600)
    env["FOLLOWUP_SECRET_KEY_FILE"] = str(key)
    env["FOLLOWUP_DATA_DIR"] = str(folder / "var")
    env["DATABASE_URL"] = f"sqlite:///{folder / 'followup.sqlite3'}"
    return env


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory, migrated_sqlite: Path) -> Iterator[Served]:
    folder = tmp_path_factory.mktemp("proxied")
    env = _environment(folder)
    copy_database(migrated_sqlite, folder / "followup.sqlite3")
    made = run("manage", "shell", "-c", MAKE_INSPECTOR, env=env, cwd=folder)
    assert made.returncode == 0, made.stderr
    port = _free_port()
    base = {k: v for k, v in os.environ.items() if not k.startswith(("FOLLOWUP_", "DJANGO_"))}
    base.pop("DATABASE_URL", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "followup.cli", "serve", "--port", str(port), "--threads", "8"],
        cwd=folder,
        env={**base, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for(port, process)
        yield Served(port, folder / "followup.sqlite3")
    finally:
        process.terminate()
        process.wait(timeout=20)


def _wait_for(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, "followup serve stopped"
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    pytest.fail("followup serve did not start")


@dataclass
class ThroughTheProxy:
    """A browser at ``address``, reached through the proxy; ``forged`` is the X-Forwarded-For
    the browser itself sends, which the proxy passes on with the real address appended."""

    port: int
    address: str
    forged: str = ""
    cookies: dict[str, str] = field(default_factory=dict)

    def request(
        self, method: str, path: str, body: str = "", scheme: str = "https"
    ) -> tuple[http.client.HTTPResponse, str]:
        forwarded = f"{self.forged}, {self.address}" if self.forged else self.address
        headers = {
            "Host": HOST,
            "X-Forwarded-For": forwarded,
            "X-Forwarded-Proto": scheme,
            "X-Forwarded-Host": HOST,
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
        }
        if method == "POST":
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = f"https://{HOST}"
            headers["Referer"] = f"https://{HOST}{path}"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        page = response.read().decode()
        connection.close()
        for line in response.msg.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(line).items():
                self.cookies[name] = morsel.value
        return response, page

    def sign_in(self, login: str, password: str) -> tuple[http.client.HTTPResponse, str]:
        _, page = self.request("GET", "/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token
        form = {"login": login, "password": password, "csrfmiddlewaretoken": token.group(1)}
        return self.request("POST", "/accounts/login/", urllib.parse.urlencode(form))


def _failures(served: Served) -> list[tuple[str, str, str]]:
    with sqlite3.connect(served.database) as connection:
        rows = connection.execute(
            "SELECT username, ip_address, outcome FROM accounts_loginfailure ORDER BY id"
        ).fetchall()
    return [tuple(row) for row in rows]


def _clear(served: Served) -> None:
    with sqlite3.connect(served.database) as connection:
        connection.execute("DELETE FROM accounts_loginfailure")
        connection.execute("DELETE FROM accounts_throttlekey")


def test_pages_load_over_the_forwarded_https_scheme_with_hsts_and_no_redirect_loop(served):
    browser = ThroughTheProxy(served.port, "198.51.100.7")
    response, page = browser.request("GET", "/accounts/login/")
    assert response.status == 200
    assert response.getheader("Strict-Transport-Security") == HSTS
    assert "<title>" in page
    # A request the proxy says came over plain HTTP is sent once to the HTTPS address.
    plain, _ = browser.request("GET", "/accounts/login/", scheme="http")
    assert plain.status == 301
    assert plain.getheader("Location") == f"https://{HOST}/accounts/login/"
    assert plain.getheader("Strict-Transport-Security") is None


def test_a_health_check_over_plain_http_from_127_0_0_1_is_answered_not_redirected(served):
    """A load balancer asks the server itself, by address, without the proxy's headers: the
    answer is the health check's (503 here: no worker has run), not a redirect or a refusal."""
    connection = http.client.HTTPConnection("127.0.0.1", served.port, timeout=60)
    connection.request("GET", "/healthz", headers={"Host": f"127.0.0.1:{served.port}"})
    response = connection.getresponse()
    body = response.read().decode()
    connection.close()
    assert (response.status, response.getheader("Content-Type")) == (503, "application/json")
    assert body == (
        '{"database": "ok", "status": "unavailable", "worker": "none", '
        '"worker_last_seen_seconds": null}'
    )
    assert response.getheader("Set-Cookie") is None


def test_the_inspector_signs_in_through_the_proxy_with_secure_cookies(served):
    _clear(served)
    browser = ThroughTheProxy(served.port, "198.51.100.7")
    response, _ = browser.sign_in("inspector", PASSWORD)
    assert response.status == 302
    assert response.getheader("Location") == "/"
    assert "followup_device" in browser.cookies
    cookies = response.msg.get_all("Set-Cookie") or []
    assert all("Secure" in line for line in cookies)


def test_forged_forwarded_addresses_neither_evade_the_address_limit_nor_lock_out_the_inspector(
    served,
):
    _clear(served)
    pages = []
    for n in range(30):
        # The attacker writes the inspector's address, and a different one each time.
        forged = "198.51.100.7" if n % 2 else f"192.0.2.{n}"
        attacker = ThroughTheProxy(served.port, "203.0.113.66", forged=forged)
        pages.append(attacker.sign_in(f"user{n}", "Password1")[1])
    assert sum(WRONG in page for page in pages) == 20
    assert all(NETWORK_WAIT in page for page in pages[20:])
    assert {address for _, address, _ in _failures(served)} == {"203.0.113.66"}
    inspector = ThroughTheProxy(served.port, "198.51.100.7")
    assert inspector.sign_in("inspector", PASSWORD)[0].status == 302


def test_thirty_parallel_guesses_through_the_proxy_have_no_more_than_five_checked(served):
    _clear(served)
    own_device = ThroughTheProxy(served.port, "198.51.100.7")
    assert own_device.sign_in("inspector", PASSWORD)[0].status == 302
    own_device.cookies.pop("sessionid", None)  # signed out: the device cookie stays
    start = threading.Barrier(30)
    pages: list[str] = []

    def guess(n: int) -> None:
        attacker = ThroughTheProxy(served.port, f"203.0.113.{n + 1}", forged="198.51.100.7")
        _, page = attacker.request("GET", "/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token
        form = {"login": "inspector", "password": f"guess {n}", "csrfmiddlewaretoken": token[1]}
        start.wait(timeout=60)
        pages.append(attacker.request("POST", "/accounts/login/", urllib.parse.urlencode(form))[1])

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(pages) == 30
    assert sum(WRONG in page for page in pages) == 5
    assert sum(ACCOUNT_WAIT in page for page in pages) == 25
    outcomes = [outcome for _, _, outcome in _failures(served)]
    assert (outcomes.count("failed"), outcomes.count("refused")) == (5, 25)
    # The inspector's own browser signs in at once; any other waits 30 seconds.
    assert (
        ACCOUNT_WAIT in ThroughTheProxy(served.port, "192.0.2.9").sign_in("inspector", PASSWORD)[1]
    )
    assert own_device.sign_in("inspector", PASSWORD)[0].status == 302


def test_serve_refuses_to_start_with_https_on_and_no_trusted_proxy(tmp_path):
    env = _environment(tmp_path)
    del env["FOLLOWUP_TRUSTED_PROXY"]
    result = run("serve", "--port", str(_free_port()), env=env, cwd=tmp_path, timeout=60)
    assert result.returncode == 1
    assert "every request would redirect to itself" in result.stderr
    assert "set FOLLOWUP_TRUSTED_PROXY" in result.stderr
    assert result.stderr.endswith("serve: refused to start with this configuration.\n")


def _read_answer(connection: socket.socket, received: bytes) -> tuple[bytes, bytes]:
    """One answer with a Content-Length, read from ``received`` and then the connection: the
    head and the body, each as sent."""
    while b"\r\n\r\n" not in received:
        received += connection.recv(65536)
    head, _, rest = received.partition(b"\r\n\r\n")
    length = re.search(rb"\r\nContent-Length: (\d+)", head)
    assert length, head
    while len(rest) < int(length[1]):
        rest += connection.recv(65536)
    return head, rest


@pytest.mark.parametrize(
    "address",
    ["/accounts/login/", "/api/v1/partnerships/", "/api/v1/schema/", "/static/govuk/followup.css"],
)
def test_head_then_get_on_one_connection_gives_heads_headers_alone_then_the_get(served, address):
    """The bytes after HEAD's headers are GET's answer: HEAD sent no body, though it gave GET's
    length, and the connection stayed open for the GET."""
    request = (
        f"{{}} {address} HTTP/1.1\r\nHost: {HOST}\r\nX-Forwarded-For: 198.51.100.7\r\n"
        "X-Forwarded-Proto: https\r\nX-Forwarded-Host: followup.example.org\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", served.port), timeout=30) as connection:
        connection.sendall(request.format("HEAD").encode())
        received = b""
        while b"\r\n\r\n" not in received:
            received += connection.recv(65536)
        head, _, after = received.partition(b"\r\n\r\n")
        connection.sendall(request.format("GET").encode())
        get_head, body = _read_answer(connection, after)
    assert after == b""
    assert get_head.startswith(b"HTTP/1.1 "), get_head[:100]
    assert head.split(b"\r\n")[0] == get_head.split(b"\r\n")[0]
    assert f"\r\nContent-Length: {len(body)}".encode() in head
    assert b"Connection: close" not in head
