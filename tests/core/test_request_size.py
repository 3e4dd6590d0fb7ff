"""A request body larger than FOLLOWUP_MAX_UPLOAD_MB allows is refused before it is read: by a
real ``followup serve`` (waitress) as soon as the headers arrive, and by Followup's first
middleware under any other server. Every limit comes from the one setting."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

MB = 1024 * 1024


def test_every_request_size_limit_comes_from_the_one_upload_setting():
    assert settings.MAX_UPLOAD_BYTES == settings.MAX_UPLOAD_MB * MB == 20 * MB
    assert settings.MAX_REQUEST_BYTES == settings.MAX_UPLOAD_BYTES + 256 * 1024
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == settings.MAX_UPLOAD_BYTES
    assert settings.MIDDLEWARE[0] == "followup.core.uploads.RequestSizeMiddleware"


def test_the_middleware_refuses_a_body_declared_too_large_before_reading_it(db):
    class Unreadable:
        def read(self, *args: object) -> bytes:
            raise AssertionError("the body was read")

        readline = read

    response = Client().generic(
        "POST",
        reverse("accounts:login"),
        CONTENT_LENGTH=str(100 * MB),
        CONTENT_TYPE="application/x-www-form-urlencoded",
        **{"wsgi.input": Unreadable()},
    )
    assert response.status_code == 413
    assert "Followup accepts files up to 20 MB" in response.content.decode()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    """``followup serve`` on a free port, in local mode with its own SQLite database."""
    folder = tmp_path_factory.mktemp("serve")
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FOLLOWUP_", "DJANGO_"))}
    env.pop("DATABASE_URL", None)
    env["FOLLOWUP_DATA_DIR"] = str(folder / "var")
    process = subprocess.Popen(
        [sys.executable, "-m", "followup.cli", "serve", "--port", str(port), "--threads", "2"],
        cwd=folder,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.2)
    else:
        process.kill()
        pytest.fail("followup serve did not start")
    yield port
    process.terminate()
    process.wait(timeout=20)


def _response(connection: socket.socket) -> bytes:
    connection.settimeout(10)
    answer = b""
    while b"\r\n\r\n" not in answer:
        chunk = connection.recv(65536)
        if not chunk:
            break
        answer += chunk
    return answer


def test_followup_serve_refuses_an_anonymous_100_mb_post_before_reading_it(server: int):
    """The headers of a 100 MB POST to the sign-in page, and one megabyte of its body: the
    refusal arrives while 99 MB are still unsent, and the server closes the connection."""
    with socket.create_connection(("127.0.0.1", server), timeout=10) as connection:
        connection.sendall(
            b"POST /sign-in/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\n"
            + f"Content-Length: {100 * MB}\r\n\r\n".encode()
        )
        sent = 0
        block = b"a" * 65536
        try:
            while sent < MB:
                connection.sendall(block)
                sent += len(block)
        except OSError:
            pass  # the server may close the connection before this megabyte is sent
        answer = _response(connection)
        assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
        assert sent <= MB
        connection.settimeout(10)
        rest = b""
        try:
            while chunk := connection.recv(65536):
                rest += chunk
        except OSError:
            pass  # a reset is a close too
        # The connection is closed: the server will read none of the 99 MB left.


def test_followup_serve_refuses_a_chunked_body_as_it_passes_the_limit(server: int):
    with socket.create_connection(("127.0.0.1", server), timeout=10) as connection:
        connection.sendall(
            b"POST /sign-in/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n"
        )
        block = b"a" * MB
        chunk = f"{len(block):x}\r\n".encode() + block + b"\r\n"
        sent = 0
        try:
            for _ in range(100):
                connection.sendall(chunk)
                sent += len(block)
        except OSError:
            pass
        answer = _response(connection)
        assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
        assert sent < 40 * MB  # refused soon after 20 MB, long before the 100 MB were sent


def test_followup_serve_still_takes_a_small_post(server: int):
    with socket.create_connection(("127.0.0.1", server), timeout=10) as connection:
        connection.sendall(
            b"POST /sign-in/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\n"
            b"Content-Length: 5\r\nConnection: close\r\n\r\na=b&c"
        )
        answer = _response(connection)
        assert answer.split(b"\r\n")[0] in (b"HTTP/1.1 403 Forbidden", b"HTTP/1.1 200 OK")
