"""Two doors every signed-in request passes: the session's time-outs, and the second factor that
inspectors and administrators must have set up before they use Followup; and the record of each
session's activity that the sessions page shows.

Both the time of the last request (for the idle time-out) and allauth's record of activity are
written at most once every ``ACTIVITY_SECONDS`` per session, not on every request: each is a
database write, and a page read should not need one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from allauth.account.adapter import get_adapter as get_account_adapter
from allauth.usersessions.internal import usersessionkit
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone

from followup.partnerships import access
from followup.web.middleware import API_PREFIX

SIGNED_IN_AT = "followup.signed_in_at"
LAST_SEEN_AT = "followup.last_seen_at"
TRACKED = "followup.activity_tracked"  # [when, address, browser] allauth last recorded
# The precision of "last seen": the idle time-out may end a session up to this much early.
ACTIVITY_SECONDS = 60
IDLE = "You were signed out because you had not used Followup for {minutes} minutes. Sign in again."
ABSOLUTE = "You were signed out because you signed in more than {hours} hours ago. Sign in again."
ENROL = (
    "Inspectors and administrators must set up a second way to prove it's you before they can use "
    "Followup."
)
ENROL_FOR_PARTNERSHIP = (
    "Your partnership asks every member to set up a second way to prove it's you before they can "
    "use Followup."
)
# The pages someone who must enrol may still reach: the enrolment pages, confirming their password
# before enrolling, signing out, and the admin's own sign-in redirect.
ENROLMENT_PAGES = frozenset(
    {
        "mfa_activate_totp",
        "mfa_add_webauthn",
        "mfa_view_recovery_codes",
        "mfa_generate_recovery_codes",
        "mfa_download_recovery_codes",
        "account_reauthenticate",
        "mfa_reauthenticate",
        "account_logout",
        "admin:login",
    }
)


def start_session(request: HttpRequest) -> None:
    """Note when the person signed in (called on every sign-in: followup.accounts.receivers)."""
    now = timezone.now().timestamp()
    request.session[SIGNED_IN_AT] = now
    request.session[LAST_SEEN_AT] = now


def _expired(request: HttpRequest, now: float) -> str | None:
    """Why the session has ended, or None."""
    signed_in_at = request.session.get(SIGNED_IN_AT)
    last_seen_at = request.session.get(LAST_SEEN_AT)
    if signed_in_at is not None and now - signed_in_at > settings.SESSION_ABSOLUTE_SECONDS:
        return ABSOLUTE.format(hours=settings.SESSION_ABSOLUTE_SECONDS // 3600)
    if last_seen_at is not None and now - last_seen_at > settings.SESSION_IDLE_SECONDS:
        return IDLE.format(minutes=settings.SESSION_IDLE_SECONDS // 60)
    return None


class SessionTimeoutMiddleware:
    """Sign out, saying why, whoever has been idle too long or signed in too long ago."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            request.user.is_authenticated
            and not request.path.startswith(settings.STATIC_URL)
            and not request.path.startswith(API_PREFIX)
        ):
            now = timezone.now().timestamp()
            reason = _expired(request, now)
            if reason is not None:
                logout(request)
                messages.info(request, reason)
                login = reverse("account_login")
                if request.method == "GET":
                    login += "?" + urlencode({"next": request.get_full_path()})
                return HttpResponseRedirect(login)
            request.session.setdefault(SIGNED_IN_AT, now)
            if now - request.session.get(LAST_SEEN_AT, 0) >= ACTIVITY_SECONDS:
                request.session[LAST_SEEN_AT] = now
        return self.get_response(request)


class UserSessionsMiddleware:
    """allauth's record of each session's address, browser and last activity (the sessions
    page, ``allauth.usersessions``), written when the address or browser changes and otherwise
    at most once every ACTIVITY_SECONDS, where allauth's own middleware writes it on every
    request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session, user = getattr(request, "session", None), getattr(request, "user", None)
        if session is not None and session.session_key and user and user.is_authenticated:
            client = [
                get_account_adapter().get_client_ip(request),
                request.META.get("HTTP_USER_AGENT", "")[:200],
            ]
            now = timezone.now().timestamp()
            last = session.get(TRACKED)
            if not last or now - last[0] >= ACTIVITY_SECONDS or last[1:] != client:
                usersessionkit.track_activity(request, user=user, session=session)
                session[TRACKED] = [now, *client]
        return self.get_response(request)


class SecondFactorRequiredMiddleware:
    """Send those who must use a second factor and have none to set one up (ASVS 5.0 6.3.3)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Any, args: Any, kwargs: Any
    ) -> HttpResponse | None:
        match = request.resolver_match
        if match is None or match.view_name in ENROLMENT_PAGES:
            return None
        if request.path.startswith((settings.STATIC_URL, API_PREFIX)):
            return None
        if not request.user.is_authenticated:
            return None
        if not access.must_set_up_second_factor(request.user):
            return None
        messages.warning(
            request, ENROL if access.mfa_required_by_role(request.user) else ENROL_FOR_PARTNERSHIP
        )
        return HttpResponseRedirect(reverse("mfa_activate_totp"))
