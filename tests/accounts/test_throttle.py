"""Guessing passwords through the sign-in page: limited per account and per address, checked and
recorded atomically, and never a lock the account's owner cannot lift."""

from __future__ import annotations

import datetime
import logging
import threading
from typing import Any

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from followup.accounts import throttle
from followup.accounts.models import LoginFailure, Outcome, ThrottleKey
from tests import factories as f
from tests.accounts.throttling import (
    ACCOUNT_WAIT,
    ATTACKER,
    NETWORK_WAIT,
    OWN_ADDRESS,
    WRONG,
    Checked,
    Clock,
    browser,
    checked,
    clock,
    sign_in,
    sign_out,
    signed_in,
)
from tests.conftest import PASSWORD

__all__ = ["checked", "clock"]  # fixtures


def _inspector(world: Any) -> Any:
    inspector = world.users["inspector"]
    inspector.email = "inspector@example.org"
    inspector.save(update_fields=["email"])
    return inspector


def _own_device(world: Any) -> Client:
    """The inspector's own browser, which signed in before and signed out."""
    _inspector(world)
    device = browser()
    assert signed_in(sign_in(device, "inspector", PASSWORD, OWN_ADDRESS))
    assert throttle.DEVICE_COOKIE in device.cookies
    morsel = device.cookies[throttle.DEVICE_COOKIE]
    assert morsel["httponly"] and morsel["samesite"] == "Lax"
    sign_out(device, OWN_ADDRESS)
    return device


def _outcomes() -> dict[str, int]:
    counts: dict[str, int] = {}
    for outcome in LoginFailure.objects.values_list("outcome", flat=True):
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts


def test_thirty_wrong_passwords_for_inspector_from_one_address_have_five_checked(
    world: Any, checked: Checked, clock: Clock
) -> None:
    device = _own_device(world)
    checked.count = 0
    attacker = browser()
    pages = [sign_in(attacker, "inspector", f"guess {n}").content.decode() for n in range(30)]
    assert checked.count == 5
    assert all(WRONG in page for page in pages[:5])
    assert all(f"{ACCOUNT_WAIT} 30 seconds, then try again." in page for page in pages[5:])
    assert _outcomes() == {Outcome.FAILED: 5, Outcome.REFUSED: 25}
    # The inspector's own browser is not held back, even with the attacker still at it.
    assert signed_in(sign_in(device, "inspector", PASSWORD, OWN_ADDRESS))
    # A browser the inspector never used before waits 30 seconds, not longer.
    clock.forward(31)
    assert signed_in(sign_in(browser(), "inspector", PASSWORD, "192.0.2.44"))


@override_settings(LOGIN_FAILURE_WINDOW=3600)
def test_the_waits_double_after_each_further_failure_up_to_the_cap(
    world: Any, clock: Clock
) -> None:
    _inspector(world)
    waits = []
    for _ in range(5):
        sign_in(browser(), "inspector", "wrong")
    for _ in range(6):
        page = sign_in(browser(), "inspector", "wrong").content.decode()
        waits.append(int(page.split(f"{ACCOUNT_WAIT} ", 1)[1].split(" ", 1)[0]))
        clock.forward(waits[-1])
        assert WRONG in sign_in(browser(), "inspector", "wrong").content.decode()
    assert waits == [30, 60, 120, 240, 480, 900]


def test_thirty_wrong_passwords_from_six_addresses_count_together_by_username_and_email(
    world: Any, checked: Checked, clock: Clock
) -> None:
    device = _own_device(world)
    checked.count = 0
    logins = ["inspector", "Inspector", "inspector@example.org", " INSPECTOR@example.org"]
    for n in range(30):
        sign_in(browser(), logins[n % 4], "wrong", f"203.0.113.{n % 6 + 1}")
    assert checked.count == 5
    assert LoginFailure.objects.filter(outcome=Outcome.FAILED).count() == 5
    assert signed_in(sign_in(device, "inspector", PASSWORD, OWN_ADDRESS))
    clock.forward(30)
    assert signed_in(sign_in(browser(), "inspector", PASSWORD, "192.0.2.44"))


def test_a_name_that_is_no_account_gets_the_same_answers_as_one_that_is(
    world: Any, checked: Checked, clock: Clock
) -> None:
    _inspector(world)
    for login in ("inspector", "nobody-by-this-name"):
        pages = [sign_in(browser(), login, "wrong").content.decode() for _ in range(6)]
        assert WRONG in pages[4] and f"{ACCOUNT_WAIT} 30 seconds" in pages[5]
    assert checked.count == 10


def test_one_password_against_thirty_usernames_from_one_address_has_twenty_checked(
    world: Any, checked: Checked
) -> None:
    device = _own_device(world)
    checked.count = 0
    attacker = browser()
    pages = [sign_in(attacker, f"user{n}", "Password1").content.decode() for n in range(30)]
    assert checked.count == 20
    assert all(WRONG in page for page in pages[:20])
    assert all(NETWORK_WAIT in page for page in pages[20:])
    # Another address is not affected, and the inspector's own browser is not, even from there.
    assert signed_in(sign_in(browser(), "viewer", PASSWORD, OWN_ADDRESS))
    assert signed_in(sign_in(device, "inspector", PASSWORD, ATTACKER))


@override_settings(LOGIN_FAILURE_LIMIT=3)
def test_a_known_device_that_itself_guesses_gets_its_own_limit_then_waits_like_any_other(
    world: Any, checked: Checked, clock: Clock
) -> None:
    device = _own_device(world)
    checked.count = 0
    for _ in range(4):
        sign_in(device, "inspector", "wrong", OWN_ADDRESS)
    assert checked.count == 3
    page = sign_in(device, "inspector", PASSWORD, OWN_ADDRESS).content.decode()
    assert f"{ACCOUNT_WAIT} 30 seconds" in page


def test_the_owner_is_emailed_once_an_episode_with_what_happened_and_what_to_do(
    world: Any, smtp_server: Any, clock: Clock
) -> None:
    _inspector(world)
    for n in range(12):
        sign_in(browser(), "inspector", "wrong", f"203.0.113.{n % 3 + 1}")
        clock.forward(31)
    (notice,) = smtp_server.to("inspector@example.org")
    assert notice["Subject"] == "Followup: repeated failed sign-ins to your account"
    body = smtp_server.body(notice)
    assert "with a wrong password 5 times in the last 15 minutes, from 3 different" in body
    assert "Your password still works from the devices you have signed in from before" in body
    assert "If it was not you, reset your password now: " in body
    assert smtp_server.links(notice) == ["http://testserver/accounts/password/reset/"]
    # A whole window without a failure ends the episode; the next one is told of again.
    clock.forward(16 * 60)
    for _ in range(5):
        sign_in(browser(), "inspector", "wrong")
    assert len(smtp_server.to("inspector@example.org")) == 2


def test_a_name_that_is_no_account_sends_no_email(world: Any, smtp_server: Any) -> None:
    for _ in range(6):
        sign_in(browser(), "nobody@example.org", "wrong")
    assert smtp_server.messages == []


def test_a_completed_password_reset_clears_the_accounts_failures(
    world: Any, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    inspector = _inspector(world)
    for _ in range(6):
        sign_in(browser(), "inspector", "wrong")
    assert ACCOUNT_WAIT in sign_in(browser(), "inspector", PASSWORD).content.decode()
    from allauth.account.signals import password_reset

    caplog.clear()
    with caplog.at_level(logging.INFO, logger="followup.security"):
        password_reset.send(sender=type(inspector), request=None, user=inspector)
    # The account by its id alone, as docs/deploy.md says of the log: never its name.
    assert [r.getMessage() for r in caplog.records if r.name == "followup.security"] == [
        f"sign-in failures cleared for user {inspector.pk} by a password reset"
    ]
    assert signed_in(sign_in(browser(), "inspector", PASSWORD))
    assert LoginFailure.objects.filter(outcome=Outcome.CLEARED).count() == 5


def test_a_success_releases_its_reservation(world: Any) -> None:
    _inspector(world)
    assert signed_in(sign_in(browser(), "inspector", PASSWORD))
    assert not LoginFailure.objects.exists()


def test_records_older_than_the_window_are_pruned_as_people_sign_in(
    world: Any, clock: Clock
) -> None:
    for _ in range(3):
        sign_in(browser(), "viewer", "wrong")
    assert LoginFailure.objects.count() == 3 and ThrottleKey.objects.count() == 2
    clock.forward(15 * 60 + 1)
    sign_in(browser(), "lead", "wrong", OWN_ADDRESS)
    assert list(LoginFailure.objects.values_list("username", flat=True)) == ["lead"]
    assert set(ThrottleKey.objects.values_list("key", flat=True)) == {
        f"account:{world.users['lead'].pk}",
        f"address:{OWN_ADDRESS}",
    }


def test_the_admin_sign_in_goes_through_the_same_door(world: Any, checked: Checked) -> None:
    response = Client().get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert Client().post("/admin/login/", {"username": "admin", "password": "x"}).status_code == 302
    assert checked.count == 0  # the admin's own form checks no password
    for _ in range(6):
        sign_in(browser(), "admin", "wrong")
    assert checked.count == 5


def test_a_forged_cookie_is_not_a_known_device(world: Any, checked: Checked, clock: Clock) -> None:
    inspector = _inspector(world)
    for _ in range(5):
        sign_in(browser(), "inspector", "wrong")
    forger = browser()
    forger.cookies[throttle.DEVICE_COOKIE] = f"{inspector.pk}:made-up"
    assert ACCOUNT_WAIT in sign_in(forger, "inspector", PASSWORD).content.decode()


def _guess_in_parallel(guesses: int) -> list[str]:
    start = threading.Barrier(guesses)
    pages: list[str] = []

    def guess(n: int) -> None:
        try:
            client = browser()
            client.get(reverse("account_login"), REMOTE_ADDR=f"203.0.113.{n}")
            start.wait(timeout=60)
            pages.append(
                sign_in(client, "inspector", f"guess {n}", f"203.0.113.{n}").content.decode()
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(guesses)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return pages


@pytest.mark.skipif(
    "connection.vendor != 'postgresql'",
    reason="SQLite's test database is in memory; tests/core/test_proxied_serve.py guesses in "
    "parallel against a served SQLite database",
)
def test_thirty_parallel_guesses_have_no_more_than_five_checked(
    transactional_db: Any, checked: Checked, clock: Clock
) -> None:
    f.UserFactory(username="inspector", email="inspector@example.org")
    device = browser()
    assert signed_in(sign_in(device, "inspector", PASSWORD, OWN_ADDRESS))
    sign_out(device, OWN_ADDRESS)
    checked.count = 0
    pages = _guess_in_parallel(30)
    assert len(pages) == 30
    assert checked.count == 5
    assert sum(WRONG in page for page in pages) == 5
    assert sum(ACCOUNT_WAIT in page for page in pages) == 25
    assert LoginFailure.objects.filter(outcome=Outcome.FAILED).count() == 5
    assert signed_in(sign_in(device, "inspector", PASSWORD, OWN_ADDRESS))
    clock.forward(30)
    assert signed_in(sign_in(browser(), "inspector", PASSWORD, "192.0.2.44"))


def test_a_pending_attempt_counts_before_its_password_is_checked(world: Any, clock: Clock) -> None:
    request = Client().get("/").wsgi_request
    attempts = [throttle.begin(request, "viewer") for _ in range(5)]
    with pytest.raises(throttle.Throttled, match="wait 30 seconds"):
        throttle.begin(request, "viewer")
    attempts[0].succeeded(world.users["viewer"])
    assert throttle.begin(request, "viewer")
    assert LoginFailure.objects.filter(at__lte=timezone.now() + datetime.timedelta(1)).count() == 6
