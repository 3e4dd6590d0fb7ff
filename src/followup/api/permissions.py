"""What a token may do beyond its user's roles: nothing. A read-only token reads; only a token
made with write may change anything (and then only what its user's roles allow, decided by the
actions through ``partnerships.access``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from followup.accounts.models import AccessToken

if TYPE_CHECKING:
    from rest_framework.views import APIView


class TokenScope(BasePermission):
    message = "This token is read-only. Make a token with write access to change anything."

    def has_permission(self, request: Request, view: APIView) -> bool:
        if request.method in SAFE_METHODS:
            return True
        token = request.auth
        return isinstance(token, AccessToken) and token.can_write
