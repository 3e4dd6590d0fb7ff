"""The one-time key a create form carries (``followup.web.submissions``), for a test that posts
a create form's fields itself rather than the form as rendered (``tests.browserlike``)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.test import Client

from followup.web.submissions import FIELD, new_key


def key(who: User | Client) -> dict[str, str]:
    """The hidden field a create form drawn for this user (or this client's user) carries."""
    user: Any = who
    if isinstance(who, Client):
        user = User.objects.get(pk=who.session["_auth_user_id"])
    return {FIELD: new_key(user)}
