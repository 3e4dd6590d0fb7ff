"""Personal access tokens sent as ``Authorization: Bearer fu_pat_...``: the API's only way in.

An unknown, expired or revoked token, or the token of a deactivated account, is refused with
401 and ``WWW-Authenticate: Bearer``; a token limited to some addresses, used from another, with
403; so is the token of an account that must set up a second factor and has not
(``partnerships.access.require_token_holder``), until it has. The request then acts as the
token's user, with exactly that user's roles (``partnerships.access``), and ``request.auth`` is
the token (``permissions.TokenScope`` reads whether it may write).

Every request refused here, and every request without a token, is counted against its client's
address; past that address's limit it gets 429 instead (``throttling.refused``).
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.request import Request

from followup.accounts import tokens
from followup.accounts.models import AccessToken
from followup.api import throttling
from followup.partnerships import access

REFUSED = "The token is not known, has expired or was revoked. Make a new one on your account page."


class BearerTokenAuthentication(BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[User, AccessToken] | None:
        """The token's user and the token; None without one (IsAuthenticated then refuses it).
        A request without a valid token is counted against its address, past whose limit it is
        refused with 429 (``throttling.refused``)."""
        try:
            found = self._authenticate(request)
        except exceptions.APIException:
            throttling.refused(request)
            raise
        if found is None:
            throttling.refused(request)
        return found

    def _authenticate(self, request: Request) -> tuple[User, AccessToken] | None:
        words = get_authorization_header(request).split()
        if not words or words[0].lower() != self.keyword.lower().encode():
            return None
        if len(words) != 2:
            raise exceptions.AuthenticationFailed(
                "Send the token as “Authorization: Bearer fu_pat_…”, with nothing after it."
            )
        try:
            text = words[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(REFUSED) from None
        now = timezone.now()
        token = tokens.find(text)
        if token is None or not token.usable(now) or not token.user.is_active:
            raise exceptions.AuthenticationFailed(REFUSED)
        address = request.META.get("REMOTE_ADDR", "")
        if not tokens.allows(token, address):
            raise exceptions.PermissionDenied(
                "This token may not be used from this address. Use it from an address it allows, "
                "or make a token for this one."
            )
        try:
            access.require_token_holder(token.user)  # a second factor to set up first
        except PermissionDenied as refused:
            raise exceptions.PermissionDenied(str(refused)) from None
        tokens.record_use(token, address, now)
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return f'{self.keyword} realm="api"'
