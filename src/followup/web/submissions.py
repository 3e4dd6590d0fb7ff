"""One-time keys that make a create form's double submit harmless.

Every create form carries a fresh key in a hidden field (``{% submission_key %}``), signed so
that it cannot be forged and bound to the user the page was drawn for. ``save_form`` sends the
form's write through ``once``: the key is recorded (``Submission``, unique) first, in the same
transaction as the write, and with it where the write led. A second submit of the same key
(a double click, the browser sending the form again, a reload after a slow answer) finds the
key and gets the "already done" message and a redirect to what the first one made, never a
second copy; if both arrive at once, the second waits for the first's transaction on the
unique key (PostgreSQL) or on the database's write lock (SQLite), then finds it.

A submit without a valid key (a hand-made request, or a form from another user's page) saves
nothing: the form is shown again with a fresh key.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from django.core import signing
from django.db import IntegrityError, transaction
from django.http import HttpRequest

from followup.web.models import Submission

FIELD = "submission"
_SALT = "followup.web.submissions"

ALREADY_DONE = (
    "This was already saved: the form was sent twice, and the second time changed nothing."
)
UNKNOWN = (
    "Nothing was saved: Followup could not tell where this form came from (it may be out of "
    "date). Check the values below, then submit again."
)


class AlreadyDone(Exception):
    """The form's key was used already: nothing more was saved."""

    def __init__(self, submission: Submission) -> None:
        super().__init__(ALREADY_DONE)
        self.submission = submission


class UnknownKey(Exception):
    """The form carried no key, or one that is not this user's for this form."""


def new_key(user: Any) -> str:
    """A fresh signed key for one create form drawn for ``user``."""
    return signing.dumps(
        {"u": getattr(user, "pk", None), "n": secrets.token_urlsafe(24)}, salt=_SALT
    )


def key_of(request: HttpRequest) -> str:
    """The one-time part of the request's key; ``UnknownKey`` when missing, altered, or drawn
    for someone else."""
    try:
        data = signing.loads(request.POST.get(FIELD, ""), salt=_SALT)
        user, nonce = data["u"], str(data["n"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise UnknownKey from None
    if user != getattr(request.user, "pk", None) or not 16 <= len(nonce) <= 64:
        raise UnknownKey
    return nonce


def _used(request: HttpRequest, key: str) -> None:
    """Raise ``AlreadyDone`` if the key was used for this form already (``UnknownKey`` if it was
    used for another)."""
    done = Submission.objects.filter(key=key).first()
    if done is None:
        return
    if done.path != request.path:
        raise UnknownKey
    raise AlreadyDone(done)


def check(request: HttpRequest) -> str:
    """The request's key, checked before the form is: a second submit is told it was done even
    when its form would now be refused (a recommendation number taken by the first, say)."""
    key = key_of(request)
    _used(request, key)
    return key


def once(request: HttpRequest, key: str, work: Callable[[], str]) -> str:
    """Run ``work`` (the write; it returns where it led) once for this key, recording the key in
    the same transaction. ``AlreadyDone`` if the key was used meanwhile; anything ``work``
    raises rolls the key back with the write, so the form can be corrected and sent again."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                submission = Submission.objects.create(
                    key=key, user_id=getattr(request.user, "pk", None), path=request.path[:500]
                )
        except IntegrityError:
            # Used by a submit that committed while this one waited for it.
            _used(request, key)
            raise
        url = work()
        Submission.objects.filter(pk=submission.pk).update(done_url=url[:500])
    return url
