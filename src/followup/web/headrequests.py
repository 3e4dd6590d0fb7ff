"""An answer to HEAD is the answer to GET without its body.

Neither Django's WSGI handler nor waitress leaves the body out (Django's test client does, which
is why a test through it never shows the body). A client that keeps its connection open reads
the body sent after a HEAD's headers as the start of its next answer, and fails on it. So the
first middleware, the last to see every response (a refusal or a server error page included),
empties the body of every answer to HEAD and keeps the headers GET would have, Content-Length
among them (RFC 9110, 9.3.2). WhiteNoise already leaves a static file's body out of its answer
to HEAD; emptying it again costs nothing. A streamed body of unknown length (a table's CSV) is
sent chunked by waitress, to HEAD as to GET, so it still writes its empty last chunk; it then
closes the connection, as its headers say, so no client reads those five bytes as an answer.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse


def without_body(response: HttpResponseBase) -> HttpResponseBase:
    """``response`` with its body emptied and its headers kept. A body in memory gives its length
    as Content-Length first, if nothing gave one (CommonMiddleware does for most answers, not
    for those answered before it), so that waitress keeps the connection open rather than
    sending the headers chunked. A streamed body is not read: a download keeps the
    Content-Length FileResponse gave from the file's size, and the file is closed with the
    response, as after GET."""
    if isinstance(response, StreamingHttpResponse):
        # A FileResponse given no file to stream is not handed to the server's file wrapper,
        # which would send the file whatever the response held.
        response.streaming_content = []
    elif isinstance(response, HttpResponse):
        if not response.has_header("Content-Length"):
            response.headers["Content-Length"] = str(len(response.content))
        response.content = b""
    return response


class HeadWithoutBodyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if request.method == "HEAD":
            return without_body(response)
        return response
