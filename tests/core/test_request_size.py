"""A request body larger than FOLLOWUP_MAX_UPLOAD_MB allows is refused before it is read: by a
real ``followup serve`` (waitress) as soon as the headers arrive, and by Followup's first
middleware under any other server. Every limit comes from the one setting."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

MB = 1024 * 1024


def test_every_request_size_limit_comes_from_the_one_upload_setting():
    assert settings.MAX_UPLOAD_BYTES == settings.MAX_UPLOAD_MB * MB == 20 * MB
    assert settings.MAX_REQUEST_BYTES == settings.MAX_UPLOAD_BYTES + 256 * 1024
    # The first two only empty an answer to HEAD and time the answer: neither reads the request.
    assert settings.MIDDLEWARE[:5] == [
        "followup.web.headrequests.HeadWithoutBodyMiddleware",
        "followup.web.accesslog.AccessLogMiddleware",
        "django.middleware.security.SecurityMiddleware",
        "followup.web.middleware.SecurityHeadersMiddleware",
        "followup.web.requestsize.RequestSizeMiddleware",
    ]


def test_form_data_other_than_files_is_held_to_djangos_default_of_2_5_mb():
    assert settings.MAX_FORM_BYTES == settings.DATA_UPLOAD_MAX_MEMORY_SIZE == 2_621_440
    order = settings.MIDDLEWARE
    form_size = order.index("followup.web.requestsize.FormSizeMiddleware")
    assert order.index("django.contrib.auth.middleware.AuthenticationMiddleware") < form_size
    assert form_size > order.index("django.middleware.csrf.CsrfViewMiddleware")


class Unreadable:
    """A request body that fails the test if anything reads it."""

    def read(self, *args: object) -> bytes:
        raise AssertionError("the body was read")

    readline = read


def _declared(client: Client, url: str, size: int, content_type: str) -> Any:
    body: dict[str, Any] = {"wsgi.input": Unreadable()}
    return client.generic("POST", url, CONTENT_LENGTH=str(size), CONTENT_TYPE=content_type, **body)


def _refused_as_too_large(response: Any, words: str) -> None:
    assert response.status_code == 413
    assert response["Content-Security-Policy"].startswith("default-src 'self';")
    page = response.content.decode()
    assert "<title>Sorry, what you sent is too large – Followup</title>" in page
    assert "govuk-heading-l" in page
    assert words in page


def test_a_20_mb_form_posted_to_the_sign_in_page_is_refused_before_it_is_read(db):
    response = _declared(
        Client(), reverse("account_login"), 20 * MB, "application/x-www-form-urlencoded"
    )
    _refused_as_too_large(response, "Followup accepts a form of up to 2.5 MB")


def test_a_signed_out_post_of_a_file_to_an_upload_page_is_refused_before_it_is_read(db):
    url = reverse("evidence:survey_upload", args=["home"])
    response = _declared(Client(), url, 5 * MB, "multipart/form-data; boundary=x")
    _refused_as_too_large(response, "a file of up to 20 MB only on a page for uploading files")


def test_a_signed_in_post_of_3_mb_to_a_page_that_takes_no_file_is_refused_unread(world):
    url = reverse("evidence:case_create", args=["home"])
    response = _declared(world.client_for("lead"), url, 3 * MB, "application/x-www-form-urlencoded")
    _refused_as_too_large(response, "Followup accepts a form of up to 2.5 MB")


def test_a_signed_in_post_of_a_5_mb_file_to_an_upload_page_is_read(world):
    url = reverse("evidence:exchange", args=["home"])
    upload = SimpleUploadedFile("codebook.qdc", b"<" + b"a" * (5 * MB))
    response = world.client_for("contributor").post(url, {"file": upload})
    assert response.status_code == 200
    assert "not well-formed XML" in response.content.decode()


def test_a_form_field_past_2_5_mb_beside_a_file_gets_the_too_large_page_not_a_400(world):
    """Django finds this only as it reads the body: the fields beside a file are form data."""
    url = reverse("evidence:source_create", args=["home"])
    data = {"title": "Long", "kind": "document", "text": "a" * (3 * MB)}
    response = world.client_for("contributor").post(url, data)
    _refused_as_too_large(response, "Followup accepts a form of up to 2.5 MB")


def test_a_real_3_mb_form_posted_to_the_sign_in_page_gets_the_too_large_page(db):
    body = b"username=a&password=" + b"b" * (3 * MB)
    response = Client().generic(
        "POST", reverse("account_login"), body, "application/x-www-form-urlencoded"
    )
    _refused_as_too_large(response, "Followup accepts a form of up to 2.5 MB")


def test_the_middleware_refuses_a_body_declared_too_large_before_reading_it(db):
    response = _declared(
        Client(), reverse("account_login"), 100 * MB, "application/x-www-form-urlencoded"
    )
    _refused_as_too_large(response, "Followup accepts files of up to 20 MB in all")


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


def _response(connection: socket.socket, *, whole: bool = False) -> bytes:
    """The response's head (or, ``whole``, everything until the server closes)."""
    connection.settimeout(10)
    answer = b""
    while whole or b"\r\n\r\n" not in answer:
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
            b"POST /accounts/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
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
            b"POST /accounts/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
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
        # Refused soon after twice the limit (waitress's), long before the 100 MB were sent.
        assert sent < 60 * MB


def test_followup_serve_still_takes_a_small_post(server: int):
    with socket.create_connection(("127.0.0.1", server), timeout=10) as connection:
        connection.sendall(
            b"POST /accounts/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\n"
            b"Content-Length: 5\r\nConnection: close\r\n\r\na=b&c"
        )
        answer = _response(connection)
        assert answer.split(b"\r\n")[0] in (b"HTTP/1.1 403 Forbidden", b"HTTP/1.1 200 OK")


def test_followup_serve_answers_a_signed_out_3_mb_form_with_the_too_large_page(server: int):
    body = b"username=a&password=" + b"b" * (3 * MB)
    with socket.create_connection(("127.0.0.1", server), timeout=10) as connection:
        connection.sendall(
            b"POST /accounts/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\n"
            + f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
        )
        # The server may answer and close before the body is all sent.
        with contextlib.suppress(OSError):
            connection.sendall(body)
        answer = _response(connection, whole=True)
        assert answer.split(b"\r\n")[0].startswith(b"HTTP/1.1 413 ")
        assert b"Followup accepts a form of up to 2.5 MB" in answer


def test_followup_serve_answers_files_a_little_too_large_with_followups_own_page(server: int):
    """Files chosen together a few megabytes over the limit reach Followup's first middleware,
    which refuses them unread with its page (what the limit is, and that the back button
    returns to the form), not waitress's line of plain text."""
    size = settings.MAX_REQUEST_BYTES + 4 * MB
    with socket.create_connection(("127.0.0.1", server), timeout=10) as connection:
        connection.sendall(
            b"POST /p/home/actions/1/updates/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: multipart/form-data; boundary=x\r\n"
            + f"Content-Length: {size}\r\nConnection: close\r\n\r\n".encode()
        )
        with contextlib.suppress(OSError):
            block = b"a" * MB
            for _ in range(size // MB):
                connection.sendall(block)
            connection.sendall(b"a" * (size % MB))
        answer = _response(connection, whole=True)
    assert answer.split(b"\r\n")[0].startswith(b"HTTP/1.1 413 ")
    assert b"Followup accepts files of up to 20 MB in all, sent with one form." in answer
    assert b"back button returns to the form" in answer
