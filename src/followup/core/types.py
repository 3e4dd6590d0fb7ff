"""Types shared across the apps."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User

AnyUser = User | AnonymousUser
