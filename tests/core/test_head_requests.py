"""An answer to HEAD carries GET's headers and no body, whatever answers it: a page, the API (an
answer or a refusal), a static file, a download, a streamed body, or a middleware before
Django's CommonMiddleware. Django's test client leaves the body out itself and so would hide a
body sent, so these call Django's WSGI handler as a server does and read every byte it gives;
tests/core/test_proxied_serve.py sends HEAD and then GET on one connection to ``followup serve``."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from wsgiref.util import FileWrapper

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.http import FileResponse, HttpRequest, StreamingHttpResponse
from django.urls import path

DOWNLOAD = b"partnership,indicator,value\n" + b"south-ayrshire,1,12.5\n" * 5000


def _download(request: HttpRequest) -> FileResponse:
    return FileResponse(io.BytesIO(DOWNLOAD), as_attachment=True, filename="values.csv")


def _stream(request: HttpRequest) -> StreamingHttpResponse:
    def rows() -> Iterator[bytes]:
        yield b"partnership,indicator,value\n"
        yield b"south-ayrshire,1,12.5\n"

    return StreamingHttpResponse(rows(), content_type="text/csv")


# Headers whose values change from one answer to the next: compared by name only.
VARYING = ("Set-Cookie", "Expires")

# The addresses of the download and streaming tests (pytest.mark.urls).
urlpatterns = [path("download/", _download), path("stream/", _stream)]


@pytest.fixture
def served(db: None) -> Iterator[WSGIHandler]:
    """Django's WSGI handler, as waitress calls it; the test's database connection is kept open
    across requests, as Django's test client keeps it."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _call(handler: WSGIHandler, method: str, address: str) -> tuple[str, dict[str, str], bytes]:
    """The status, the headers (a value that changes from one answer to the next, a cookie's or
    the time in Expires, as "varies") and every byte of the body that the handler gives a
    server."""
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": address,
        "QUERY_STRING": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "testserver",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": io.StringIO(),
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        # As waitress gives one: a file handed to it is sent whatever the response holds.
        "wsgi.file_wrapper": FileWrapper,
    }
    started: list[tuple[str, list[tuple[str, str]]]] = []

    def start_response(
        status: str, headers: list[tuple[str, str]], exc_info: object = None, /
    ) -> Callable[[bytes], object]:
        started.append((status, headers))
        return io.BytesIO().write  # Django never writes through it

    answer = handler(environ, start_response)
    try:
        body = b"".join(answer)
    finally:
        close = getattr(answer, "close", None)
        if close is not None:
            close()
    status, headers = started[0]
    return status, {name: "varies" if name in VARYING else value for name, value in headers}, body


def _head_is_get_without_its_body(handler: WSGIHandler, address: str) -> tuple[str, bytes]:
    """GET's status and body, once HEAD is shown to give the same status and headers, the GET
    body's length as Content-Length, and no body at all."""
    status, get_headers, get_body = _call(handler, "GET", address)
    head_status, head_headers, head_body = _call(handler, "HEAD", address)
    assert head_body == b""
    assert head_status == status
    assert head_headers.pop("Content-Length") == str(len(get_body))
    assert get_headers.pop("Content-Length", str(len(get_body))) == str(len(get_body))
    assert head_headers == get_headers
    return status, get_body


def test_head_of_a_page_gives_its_headers_and_no_body(served):
    status, body = _head_is_get_without_its_body(served, "/accounts/login/")
    assert status == "200 OK"
    assert b"<title>" in body


def test_head_of_the_api_gives_no_body_for_the_schema_a_refusal_or_an_unknown_address(served):
    status, body = _head_is_get_without_its_body(served, "/api/v1/schema/")
    assert (status, len(body) > 100_000) == ("200 OK", True)
    status, body = _head_is_get_without_its_body(served, "/api/v1/partnerships/")
    assert (status, body.startswith(b"{")) == ("401 Unauthorized", True)
    status, body = _head_is_get_without_its_body(served, "/api/v1/no-such-address/")
    assert status == "404 Not Found"


def test_head_of_a_missing_page_gives_no_body(served):
    status, _ = _head_is_get_without_its_body(served, "/no-such-page/")
    assert status == "404 Not Found"


def test_head_of_the_health_check_answered_before_common_middleware_gives_its_length(served):
    """The health check answers before CommonMiddleware, which sets Content-Length: GET has
    none, HEAD gives the body's length (so that waitress need not send its headers chunked)."""
    assert "Content-Length" not in _call(served, "GET", "/healthz/web")[1]
    status, body = _head_is_get_without_its_body(served, "/healthz/web")
    assert (status, body) == ("200 OK", b'{"database": "ok", "status": "ok"}')


def test_head_of_a_static_file_gives_no_body(served):
    """WhiteNoise leaves the body out of its own answer to HEAD: the middleware keeps it so."""
    status, body = _head_is_get_without_its_body(served, "/static/govuk/followup.css")
    assert status == "200 OK"
    assert len(body) > 1000


@pytest.mark.urls(__name__)
def test_head_of_a_download_gives_the_files_length_and_sends_none_of_it(served):
    status, body = _head_is_get_without_its_body(served, "/download/")
    assert (status, body) == ("200 OK", DOWNLOAD)
    headers = _call(served, "HEAD", "/download/")[1]
    assert headers["Content-Disposition"] == 'attachment; filename="values.csv"'


@pytest.mark.urls(__name__)
def test_head_of_a_streamed_body_gives_no_body_and_no_length(served):
    get_status, get_headers, get_body = _call(served, "GET", "/stream/")
    status, headers, body = _call(served, "HEAD", "/stream/")
    assert get_body == b"partnership,indicator,value\nsouth-ayrshire,1,12.5\n"
    assert (status, headers, body) == (get_status, get_headers, b"")
    assert "Content-Length" not in headers
