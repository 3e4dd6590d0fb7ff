"""Sign-in throttling: guesses are limited per account and per client address, never by a lock
the account's owner cannot lift.

``begin(request, login)`` is called before a password is checked. It raises ``Throttled``, whose
``message`` says what to do and when, if the attempt may not be evaluated; otherwise it returns an
``Attempt``, on which the caller reports ``failed()`` or ``succeeded(user)``.

- An attempt is reserved (a ``LoginFailure`` row, ``pending``) before its password is checked, in
  a transaction that holds the lock on a ``ThrottleKey`` row for each thing counted (the account,
  the address, the device), so that parallel guesses take turns and no more are evaluated than
  the limits allow. A success removes its reservation; a failure keeps it as ``failed``.
- Failures are counted per account (a login naming an account by username or email, in any case,
  counts as that account; any other login by its normalised text, which gets the same answers,
  so the messages never reveal whether an account exists), across addresses. Past
  ``LOGIN_FAILURE_LIMIT`` in ``LOGIN_FAILURE_WINDOW`` each further attempt waits, twice as long
  after each further failure, up to ``LOGIN_DELAY_CAP``; the owner is sent one email an episode.
- Failures are counted per client address, across logins: past ``LOGIN_ADDRESS_LIMIT`` in the
  window, that address is refused until the window passes.
- A device that signed in to the account before carries a signed, HttpOnly cookie (OWASP's device
  cookies): its attempts at that account skip the account's delay and the address limit, and are
  limited by their own count instead, so an attacker cannot lock the owner out.
- A completed password reset clears the account's failures; old records are pruned as attempts
  are made.

The API's limits on requests (``followup.api.throttling``) count in the same table, each request
with one atomic statement (``count_request``): no lock is held past it, so parallel requests never
wait for each other's work, and none is lost.
"""

from __future__ import annotations

import datetime
import logging
import math
import secrets
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.mail import send_mail
from django.db import connection, transaction
from django.db.models import Max, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone

from followup.accounts.models import COUNTED, LoginFailure, Outcome, ThrottleKey

log = logging.getLogger("followup.security")

DEVICE_COOKIE = "followup_device"
DEVICE_SALT = "followup.accounts.known-device"
FIRST_DELAY = 30  # seconds: the first wait past the limit, doubled after each further failure
ADDRESS_MESSAGE = (
    "Too many failed attempts from your network. Wait {minutes} minutes, then try again."
)
ACCOUNT_MESSAGE = (
    "This account is being protected after repeated failed sign-ins: wait {seconds} seconds, "
    "then try again. If you have forgotten your password, reset it."
)


class Throttled(Exception):
    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


def now() -> datetime.datetime:
    return timezone.now()


def client_ip(request: HttpRequest) -> str:
    """The connecting address: under ``followup serve`` behind a trusted proxy, the address that
    proxy saw (docs/deploy.md), never one the client wrote."""
    return str(request.META.get("REMOTE_ADDR", "unknown"))[:45]


def _window() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.LOGIN_FAILURE_WINDOW)


def _resolve(login: str) -> tuple[str, Any]:
    """The normalised login, and the account it names by username or email, if any."""
    text = login.strip().casefold()[:150]
    if not text:
        return text, None
    from allauth.account.models import EmailAddress

    users = get_user_model().objects.filter(
        Q(username__iexact=text)
        | Q(email__iexact=text)
        | Q(pk__in=EmailAddress.objects.filter(email__iexact=text).values("user_id"))
    )
    return text, users.order_by("pk").first()


def _known_device(request: HttpRequest, user: Any) -> str:
    """The nonce of this client's known-device cookie, if it was issued for ``user``."""
    if user is None:
        return ""
    value = request.get_signed_cookie(
        DEVICE_COOKIE, default="", salt=DEVICE_SALT, max_age=settings.KNOWN_DEVICE_DAYS * 86400
    )
    owner, _, nonce = str(value).partition(":")
    return nonce if owner == str(user.pk) and nonce else ""


def remember_device(request: HttpRequest, response: HttpResponse, user: AbstractBaseUser) -> None:
    """Mark the client that has just signed in as a known device of ``user`` (kept if it was)."""
    nonce = _known_device(request, user) or secrets.token_urlsafe(24)
    response.set_signed_cookie(
        DEVICE_COOKIE,
        f"{user.pk}:{nonce}",
        salt=DEVICE_SALT,
        max_age=settings.KNOWN_DEVICE_DAYS * 86400,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


@dataclass
class Attempt:
    request: HttpRequest
    login: str
    account: Any
    ip: str
    device: str
    pk: int = 0
    keys: list[str] = field(default_factory=list)

    @property
    def account_key(self) -> str:
        return f"account:{self.account.pk}" if self.account else f"login:{self.login}"

    def counted(self) -> QuerySet[LoginFailure]:
        """This attempt's account's recent failures (its typed name's, for no account)."""
        recent = LoginFailure.objects.filter(outcome__in=COUNTED, at__gte=now() - _window())
        if self.account is not None:
            return recent.filter(account=self.account)
        return recent.filter(account=None, username=self.login)

    def failed(self) -> None:
        with transaction.atomic():
            _lock([self.account_key])
            LoginFailure.objects.filter(pk=self.pk).update(outcome=Outcome.FAILED)
            notice = self._starts_an_episode()
        log.warning("sign-in failed for %r from %s", self.login, self.ip)
        if notice:
            _notify(self.request, self.account, *notice)

    def _starts_an_episode(self) -> tuple[int, int] | None:
        """(failures, addresses) if the owner must now be told; once an episode, which ends when
        a whole window passes without a failure, or with a password reset."""
        if self.account is None or not self.account.email:
            return None
        key = ThrottleKey.objects.get(key=self.account_key)
        failures = self.counted()
        if key.notified_at and not failures.exclude(pk=self.pk).exists():
            key.notified_at = None
        if key.notified_at or failures.count() < settings.LOGIN_FAILURE_LIMIT:
            key.save(update_fields=["notified_at"])
            return None
        key.notified_at = now()
        key.save(update_fields=["notified_at"])
        return failures.count(), failures.values("ip_address").distinct().count()

    def succeeded(self, user: AbstractBaseUser) -> None:
        LoginFailure.objects.filter(pk=self.pk).delete()


def _lock(keys: list[str]) -> None:
    """Create the keys' rows if need be, then lock them (in one order, so never a deadlock)."""
    keys = sorted(set(keys))
    for _ in range(3):  # pruning may remove a row between its creation and its locking
        at = now()
        ThrottleKey.objects.bulk_create(
            [ThrottleKey(key=key, touched=at) for key in keys], ignore_conflicts=True
        )
        locked = list(ThrottleKey.objects.select_for_update().filter(key__in=keys).order_by("key"))
        if len(locked) == len(keys):
            ThrottleKey.objects.filter(key__in=keys).update(touched=at)
            return
    raise RuntimeError("could not lock the sign-in throttle's keys")


# One request counted against a key, in one statement that PostgreSQL and SQLite both run
# atomically (SQLite 3.35 or later, for RETURNING): the row is made if it is missing, and a window
# that has ended starts again at this request. Parallel requests for one key are counted one after
# another on the row, never read and written back over each other.
COUNT_REQUEST = """
INSERT INTO {table} ({key}, touched, window_started, requests)
{row}
ON CONFLICT ({key}) DO UPDATE SET
    requests = CASE WHEN {table}.window_started > %s THEN {table}.requests + 1 ELSE 1 END,
    window_started = CASE
        WHEN {table}.window_started > %s THEN {table}.window_started
        ELSE excluded.window_started
    END,
    touched = excluded.touched
RETURNING requests, window_started
"""
ROW = "VALUES (%s, %s, %s, 1)"
# PostgreSQL, in a statement that is its own transaction: committed without waiting for the disk
# (synchronous_commit off, for this transaction only). A crash of the database server may forget
# the last fraction of a second's counts, which costs a client a few requests at most; waiting
# for the disk took about 4 ms a request where the statement itself takes 0.3 ms.
QUICK_ROW = (
    "SELECT %s, %s, %s, 1 FROM (SELECT set_config('synchronous_commit', 'off', true)) AS quick"
)


def count_request(key: str, at: float, period: int) -> tuple[int, float]:
    """Count a request made at ``at`` (seconds since the epoch) against ``key``: how many its
    window has counted, this one included, and when that window began. A window lasts ``period``
    seconds, at most a minute so that ``prune`` never forgets a count still running (the
    sign-in window is a minute at least), and begins with the first request after the last one
    ended. One statement, committed at once unless the caller is in a transaction."""
    quote = connection.ops.quote_name
    quick = connection.vendor == "postgresql" and not connection.in_atomic_block
    sql = COUNT_REQUEST.format(
        table=quote(ThrottleKey._meta.db_table), key=quote("key"), row=QUICK_ROW if quick else ROW
    )
    touched = connection.ops.adapt_datetimefield_value(now())
    ended = at - period
    with connection.cursor() as cursor:
        cursor.execute(sql, [key, touched, at, ended, ended])
        requests, started = cursor.fetchone()
    return int(requests), float(started)


def prune() -> int:
    """Forget attempts and keys older than the window: done as attempts are made, and by
    ``followup tick``. Returns how many rows were deleted."""
    since = now() - _window()
    failures, _ = LoginFailure.objects.filter(at__lt=since).delete()
    keys, _ = ThrottleKey.objects.filter(touched__lt=since).delete()
    return failures + keys


def _refusal(attempt: Attempt) -> str:
    """Why this attempt may not be evaluated now, or ''."""
    since = now() - _window()
    recent = LoginFailure.objects.filter(outcome__in=COUNTED, at__gte=since)
    limit = settings.LOGIN_FAILURE_LIMIT
    if attempt.device and recent.filter(device=attempt.device).count() < limit:
        return ""  # the owner's own device, not itself guessing: only its own count applies
    if recent.filter(ip_address=attempt.ip).count() >= settings.LOGIN_ADDRESS_LIMIT:
        return ADDRESS_MESSAGE.format(minutes=math.ceil(settings.LOGIN_FAILURE_WINDOW / 60))
    failures = attempt.counted()
    count = failures.count()
    if count < limit:
        return ""
    latest = failures.aggregate(latest=Max("at"))["latest"]
    delay = min(settings.LOGIN_DELAY_CAP, FIRST_DELAY * 2 ** min(count - limit, 20))
    wait = math.ceil((latest + datetime.timedelta(seconds=delay) - now()).total_seconds())
    return ACCOUNT_MESSAGE.format(seconds=wait) if wait > 0 else ""


def begin(request: HttpRequest, login: str) -> Attempt:
    prune()
    text, account = _resolve(login)
    attempt = Attempt(request, text, account, client_ip(request), _known_device(request, account))
    keys = [attempt.account_key, f"address:{attempt.ip}"]
    if attempt.device:
        keys.append(f"device:{attempt.device}")
    with transaction.atomic():
        _lock(keys)
        refusal = _refusal(attempt)
        row = LoginFailure.objects.create(
            username=text,
            account=account,
            ip_address=attempt.ip,
            device=attempt.device,
            outcome=Outcome.REFUSED if refusal else Outcome.PENDING,
            at=now(),
        )
    if refusal:
        log.warning("sign-in refused for %r from %s: %s", text, attempt.ip, refusal)
        raise Throttled(refusal)
    attempt.pk = row.pk
    return attempt


def clear_failures(user: AbstractBaseUser) -> None:
    """After a completed password reset: the account's failures no longer count, and a new
    episode of failures will be told of again."""
    with transaction.atomic():
        _lock([f"account:{user.pk}"])
        LoginFailure.objects.filter(account_id=user.pk, outcome=Outcome.FAILED).update(
            outcome=Outcome.CLEARED
        )
        ThrottleKey.objects.filter(key=f"account:{user.pk}").update(notified_at=None)
    log.info("sign-in failures cleared for user %s by a password reset", user.pk)


NOTICE = """\
Hello {name},

Someone has tried to sign in to your Followup account ({username}) with a wrong password {failures} \
times in the last {minutes} minutes, from {addresses} different network {address_word}.

To protect your account, Followup now makes anyone trying to sign in to it from another device \
wait a little longer after each wrong password. Your password still works from the devices you \
have signed in from before, so you can carry on as usual.

If this was you, there is nothing more to do.

If it was not you, reset your password now: {reset_url}

Followup
"""


def _notify(request: HttpRequest, user: Any, failures: int, addresses: int) -> None:
    body = NOTICE.format(
        name=user.get_full_name() or user.get_username(),
        username=user.get_username(),
        failures=failures,
        minutes=math.ceil(settings.LOGIN_FAILURE_WINDOW / 60),
        addresses=addresses,
        address_word="address" if addresses == 1 else "addresses",
        reset_url=request.build_absolute_uri(reverse("account_reset_password")),
    )
    subject = "Followup: repeated failed sign-ins to your account"
    try:
        send_mail(subject, body, None, [user.email])
    except OSError:
        log.exception("could not send the notice of failed sign-ins to user %s", user.pk)
        return
    log.warning(
        "told user %s of %d failed sign-ins from %d addresses", user.pk, failures, addresses
    )
