"""The error pages: Django's handlers for 400, 403 (and a failed CSRF check), 404 and 500."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import DisallowedHost, RequestDataTooBig, TooManyFieldsSent
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from followup.partnerships.access import Refused
from followup.web.problems import NOT_FOUND, for_the_api, problem_response
from followup.web.requestsize import too_large


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if for_the_api(request):
        return problem_response(404, NOT_FOUND)
    return render(request, "404.html", status=404)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """A refusal says who can do what was asked, and what to do; other 403s say less."""
    refusal = exception if isinstance(exception, Refused) else None
    if for_the_api(request):
        return problem_response(403, str(refusal) if refusal else "You may not do this.")
    return render(request, "403.html", {"refusal": refusal}, status=403)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form posted without its CSRF token, or with a stale one (a sign-in page left open for
    hours, say, or cookies blocked): say what to do. The page shows nothing of the person, not
    even who is signed in, nor what was posted."""
    return render(
        request,
        "403_csrf.html",
        {"user": AnonymousUser(), "messages": []},
        status=403,
    )


def server_error(request: HttpRequest) -> HttpResponse:
    if for_the_api(request):
        return problem_response(500, "Followup went wrong: the fault is logged. Try again later.")
    return render(request, "500.html", status=500)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """A malformed request; form data past ``MAX_FORM_BYTES`` (which Django finds only as it
    reads a body of no declared length, or a file upload's other fields) is told so, with 413."""
    if isinstance(exception, RequestDataTooBig):
        return too_large(request, files=False)
    if for_the_api(request):
        return problem_response(400, _unreadable(exception))
    return render(request, "400.html", status=400)


def _unreadable(exception: Exception | None) -> str:
    """Why the API could not read a request, as far as Django says."""
    if isinstance(exception, TooManyFieldsSent):
        return (
            f"The request has more than {settings.DATA_UPLOAD_MAX_NUMBER_FIELDS:,} query "
            "parameters or form fields: send fewer."
        )
    if isinstance(exception, DisallowedHost):
        return "The request names a host this installation does not serve."
    return "The request could not be read (such as a host not served here)."
