"""After the figures change, what viewers may not see is worked out by one process, not by every
viewer's page at once (``withheld_memo``: claims in ``WithheldWork``). The others wait for its
answer, then say "busy, try again"; a claim left by a process that died is taken over."""

from __future__ import annotations

import datetime
import threading
import time
from typing import Any

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from followup.indicators import disclosed, withheld_memo
from followup.indicators.models import WithheldMemo, WithheldWork
from followup.indicators.tasks_withheld import work_out_withheld


def _fingerprint(partnership: Any) -> str:
    return withheld_memo.fingerprint(partnership, disclosed._published_cutoffs)


WORK_OUT = disclosed._work_out  # not the counting one of the fixture below


def _fresh(partnership: Any) -> withheld_memo.Answer:
    return WORK_OUT(partnership, releases=None, published=True)


def _claimed_by_another(partnership: Any, *, ago: datetime.timedelta | None = None) -> str:
    """Claim the work as another process would, ``ago`` (now by default); its fingerprint."""
    before = _fingerprint(partnership)
    WithheldWork.objects.create(
        partnership=partnership,
        fingerprint=before,
        since=timezone.now() - (ago or datetime.timedelta()),
    )
    return before


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many times this process worked the figures out."""
    calls: list[int] = []
    work_out = disclosed._work_out

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return work_out(*args, **kwargs)

    monkeypatch.setattr(disclosed, "_work_out", counting)
    return calls


def test_a_page_waits_for_the_answer_another_process_is_working_out(world, monkeypatch, counted):
    partnership = world.home.partnership
    before = _claimed_by_another(partnership)
    answer = _fresh(partnership)
    naps: list[float] = []

    def the_other_finishes_while_we_wait(seconds: float) -> None:
        naps.append(seconds)
        withheld_memo._keep(partnership, before, answer)  # as the other process does
        withheld_memo._release(partnership, before)

    monkeypatch.setattr(withheld_memo.time, "sleep", the_other_finishes_while_we_wait)
    withheld = disclosed.withheld_figures(partnership)
    assert (withheld.figures, withheld.linked) == answer
    assert counted == []
    assert naps == [withheld_memo.POLL]


def test_a_page_still_waiting_after_twenty_seconds_says_the_service_is_busy(
    world, monkeypatch, counted
):
    _claimed_by_another(world.home.partnership)
    monkeypatch.setattr(withheld_memo, "WAIT", 0.0)
    response = world.client_for("viewer").get(reverse("indicators:dashboard", args=["home"]))
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "being worked out after the figures changed" in response.content.decode()
    assert counted == []


def test_those_who_see_exact_figures_never_wait(world, monkeypatch, counted):
    _claimed_by_another(world.home.partnership)
    monkeypatch.setattr(withheld_memo, "WAIT", 0.0)
    response = world.client_for("lead").get(reverse("indicators:dashboard", args=["home"]))
    assert response.status_code == 200
    assert counted == []


def test_a_claim_older_than_five_minutes_is_taken_over(world, counted):
    partnership = world.home.partnership
    before = _claimed_by_another(partnership, ago=datetime.timedelta(minutes=5, seconds=1))
    withheld = disclosed.withheld_figures(partnership)
    assert (withheld.figures, withheld.linked) == _fresh(partnership)
    assert counted == [1]
    assert WithheldMemo.objects.get(partnership=partnership).fingerprint == before
    assert WithheldWork.objects.get(partnership=partnership).fingerprint == ""  # released


def test_a_claim_for_figures_that_have_since_changed_does_not_hold_anyone_up(world, counted):
    partnership = world.home.partnership
    WithheldWork.objects.create(partnership=partnership, fingerprint="0" * 64, since=timezone.now())
    disclosed.withheld_figures(partnership)
    assert counted == [1]
    assert WithheldWork.objects.get(partnership=partnership).fingerprint == ""


def test_the_claim_is_released_when_working_out_fails(world, monkeypatch):
    partnership = world.home.partnership

    def failing(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(disclosed, "_work_out", failing)
    with pytest.raises(RuntimeError):
        disclosed.withheld_figures(partnership)
    assert WithheldWork.objects.get(partnership=partnership).fingerprint == ""
    assert not WithheldMemo.objects.filter(partnership=partnership).exists()


def test_the_task_leaves_a_partnership_a_page_is_working_out_and_does_the_others(
    world, monkeypatch
):
    home, away = world.home.partnership, world.away.partnership
    _claimed_by_another(home)

    def no_waiting(seconds: float) -> None:
        pytest.fail("the task waited for a page")

    monkeypatch.setattr(withheld_memo.time, "sleep", no_waiting)
    work_out_withheld.call([home.pk, away.pk])
    assert not WithheldMemo.objects.filter(partnership=home).exists()
    assert WithheldMemo.objects.get(partnership=away).fingerprint == _fingerprint(away)


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="eight sessions at once need PostgreSQL (the SQLite test database is in memory)",
)
@pytest.mark.django_db(transaction=True)
def test_of_eight_pages_asking_at_once_one_works_the_figures_out_and_all_agree(
    world, monkeypatch, counted
):
    partnership = world.home.partnership
    work_out = disclosed._work_out  # the counting one

    def slow(*args: Any, **kwargs: Any) -> Any:
        time.sleep(0.5)  # long enough for the others to arrive while it works
        return work_out(*args, **kwargs)

    monkeypatch.setattr(disclosed, "_work_out", slow)
    answers: list[Any] = []
    failures: list[BaseException] = []

    def page() -> None:
        try:
            withheld = disclosed.withheld_figures(partnership)
            answers.append((withheld.figures, withheld.linked))
        except BaseException as error:  # reported by the assertion below
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=page) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []
    assert counted == [1]
    assert len(answers) == 8 and all(a == answers[0] for a in answers)


def test_a_page_that_wins_the_claim_after_another_kept_its_answer_takes_that_answer(
    world, monkeypatch, counted
):
    """Between this page's look at the memo and its claim, another process kept its answer and
    let the claim go: the page takes the kept answer rather than work it out again."""
    partnership = world.home.partnership
    before = _fingerprint(partnership)
    answer = _fresh(partnership)
    claim = withheld_memo._claim

    def the_other_finished_just_before(partnership_: Any, fingerprint: str) -> bool:
        withheld_memo._keep(partnership, before, answer)
        return claim(partnership_, fingerprint)

    monkeypatch.setattr(withheld_memo, "_claim", the_other_finished_just_before)
    withheld = disclosed.withheld_figures(partnership)
    assert (withheld.figures, withheld.linked) == answer
    assert counted == []
    assert WithheldWork.objects.get(partnership=partnership).fingerprint == ""
