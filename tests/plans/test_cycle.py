"""The update cycle run by ``followup tick`` (#17): rounds opened once, one request per open
action addressed to the right person, digests, reminders and escalations each sent once, and
each person's choice of how they are told respected. Mail goes to Django's test outbox here;
tests/plans/test_cycle_acceptance.py sends through a real SMTP server."""

from __future__ import annotations

import smtplib
from typing import Any

import pytest
from django.core import mail as django_mail
from django.test import override_settings

from followup.audit.models import AuditEntry
from followup.cli import build_parser
from followup.lib.types import CommandLine
from followup.mail import sending
from followup.mail.models import Message, Notifying
from followup.partnerships.models import Membership
from followup.plans import actions_cycle
from followup.plans.cycle_tick import NO_ADDRESS, run_cycle
from followup.plans.models import UpdateRequest, UpdateRound
from tests import factories as f
from tests.plans.cycling import DUE, OPENS, D, Move, Scene, tick

OPERATOR = CommandLine("tests")


def requests_by_title() -> dict[str, str | None]:
    return {
        r.action.title: (r.addressee.username if r.addressee else None)
        for r in UpdateRequest.objects.select_related("action", "addressee")
    }


def events() -> list[str]:
    return sorted(Message.objects.values_list("event", flat=True))


def test_nothing_opens_the_day_before_the_opening_day(scene: Scene, today: Move) -> None:
    today(D(2026, 3, 16))
    run_cycle(OPERATOR)
    assert not UpdateRound.objects.exists()
    assert django_mail.outbox == []


def test_opening_asks_each_open_action_once_its_lead_or_else_its_organisations_contact(
    scene: Scene, today: Move
) -> None:
    today(OPENS)
    done = run_cycle(OPERATOR)
    (round_,) = UpdateRound.objects.all()
    assert (round_.partnership, round_.due_on, done.rounds, done.requests) == (
        scene.world.home.partnership,
        DUE,
        1,
        3,
    )
    # The complete action is not asked; the action with neither is asked of no one.
    assert requests_by_title() == {
        "Plan action for Homeshire": "contributor",
        "Recruit foster carers": "editor",
        "Write the guidance": None,
    }
    assert set(UpdateRequest.objects.values_list("state", flat=True)) == {"pending"}
    # Nothing of the other partnership, whose plan has no cycle.
    assert not UpdateRequest.objects.filter(action=scene.world.away.action).exists()


def test_someone_who_may_not_add_updates_is_not_asked(scene: Scene, today: Move) -> None:
    """A lead person who is not a member (the outsider), or only a viewer, is passed over for
    the organisation's contact, and then for no one."""
    scene.led.lead_user = scene.user("outsider")
    scene.led.save(update_fields=["lead_user"])
    scene.contacted.lead_user = scene.user("viewer")
    scene.contacted.save(update_fields=["lead_user"])
    organisation = scene.world.home.organisation
    organisation.contact = scene.user("lead")
    organisation.save(update_fields=["contact"])
    today(OPENS)
    run_cycle(OPERATOR)
    assert requests_by_title() == {
        "Plan action for Homeshire": "lead",
        "Recruit foster carers": "editor",
        "Write the guidance": None,
    }


def test_running_the_cycle_again_and_again_makes_and_sends_nothing_new(
    scene: Scene, today: Move
) -> None:
    today(OPENS)
    run_cycle(OPERATOR)
    made = (list(UpdateRound.objects.values()), list(UpdateRequest.objects.values()))
    recorded, sent, audited = events(), len(django_mail.outbox), AuditEntry.objects.count()
    for _ in range(3):
        again = run_cycle(OPERATOR)
        assert again.counts() == {what: 0 for what in again.counts()}
    assert (list(UpdateRound.objects.values()), list(UpdateRequest.objects.values())) == made
    assert (events(), len(django_mail.outbox), AuditEntry.objects.count()) == (
        recorded,
        sent,
        audited,
    )


def test_opening_a_round_that_is_open_already_makes_nothing(scene: Scene, today: Move) -> None:
    today(OPENS)
    first = actions_cycle.open_round(OPERATOR, scene.cycle.partnership, DUE)
    assert first is not None
    assert actions_cycle.open_round(OPERATOR, scene.cycle.partnership, DUE) is None
    assert UpdateRound.objects.count() == 1
    assert UpdateRequest.objects.count() == 3
    (entry,) = AuditEntry.objects.filter(verb="update_round.open")
    assert (entry.actor_name, entry.changes) == (
        "cli:tests",
        {"due_on": [None, "2026-03-31"], "requests": [None, 3], "no_one_to_ask": [None, 1]},
    )


def test_a_digest_goes_to_each_person_asked_with_a_link_straight_to_each_update_form(
    scene: Scene, today: Move
) -> None:
    today(OPENS)
    run_cycle(OPERATOR)
    by_address = {m.to[0]: m for m in django_mail.outbox}
    # The lead officer is told of the action with no one to ask.
    assert sorted(by_address) == [
        "contributor@example.org",
        "editor@example.org",
        "lead@example.org",
    ]
    led = UpdateRequest.objects.get(action=scene.led)
    message = by_address["contributor@example.org"]
    assert message.subject == "Updates due by 31 March 2026: Homeshire"
    assert message.from_email == "followup@localhost"
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"
    link = f"http://127.0.0.1:8000/p/home/actions/{scene.led.pk}/updates/?request={led.pk}"
    assert message.body.startswith(
        "Hello contributor,\n\n"
        "Homeshire is asking you for an update on 1 action of its improvement plan by "
        "31 March 2026."
    )
    assert f"1. Plan action for Homeshire\n   Add the update: {link}\n" in message.body
    assert "Recruit foster carers" not in message.body
    assert message.body.endswith(
        "-- \nSent by Followup for Homeshire's improvement plan, on behalf of its lead officers "
        "(lead).\nTo choose which of these emails you get, go to your notification settings:\n"
        "http://127.0.0.1:8000/account/notifications/\n"
    )
    told = by_address["lead@example.org"].body
    assert "These actions have no one to ask for their update due by 31 March 2026" in told
    assert (
        f"- Write the guidance\n  http://127.0.0.1:8000/p/home/actions/{scene.unasked.pk}/" in told
    )
    assert events() == sorted(
        f"digest:round-{led.round_id}:user-{scene.user(name).pk}"
        for name in ("contributor", "editor", "lead")
    )
    assert set(Message.objects.values_list("state", "answer")) == {("sent", "locmem")}


def _to(name: str) -> list[Any]:
    return [m for m in django_mail.outbox if m.to == [f"{name}@example.org"]]


def test_reminders_go_on_their_days_to_those_still_waiting_once_each(
    scene: Scene, today: Move
) -> None:
    today(OPENS)
    run_cycle(OPERATOR)
    # The contributor sends their update (helper A's action sets the request's state).
    UpdateRequest.objects.filter(action=scene.led).update(state="submitted")
    django_mail.outbox.clear()
    today(D(2026, 3, 23))
    run_cycle(OPERATOR)
    assert django_mail.outbox == []
    today(D(2026, 3, 24))  # 7 days before
    for _ in range(2):
        run_cycle(OPERATOR)
    (reminder,) = django_mail.outbox
    assert reminder.to == ["editor@example.org"]
    assert reminder.subject == "Reminder: updates due by 31 March 2026"
    assert "still waiting for your update on 1 action" in reminder.body
    assert "is due by 31 March 2026" in reminder.body
    django_mail.outbox.clear()
    today(D(2026, 4, 3))  # 3 days after
    run_cycle(OPERATOR)
    (overdue,) = django_mail.outbox
    assert overdue.subject == "Overdue: updates that were due on 31 March 2026"
    assert "was due on 31 March 2026 and is now overdue" in overdue.body
    round_id = UpdateRound.objects.get().pk
    editor = scene.user("editor").pk
    assert [e for e in events() if e.startswith("reminder:")] == [
        f"reminder:round-{round_id}:user-{editor}:2026-03-24",
        f"reminder:round-{round_id}:user-{editor}:2026-04-03",
    ]


def test_a_returned_request_is_reminded_saying_it_came_back(scene: Scene, today: Move) -> None:
    today(OPENS)
    run_cycle(OPERATOR)
    UpdateRequest.objects.filter(action=scene.led).update(state="returned")
    today(D(2026, 3, 24))
    run_cycle(OPERATOR)
    (reminder,) = _to("contributor")[1:]
    assert "Plan action for Homeshire (returned to you: the reason is on the action's page)" in (
        reminder.body
    )


def test_on_the_escalation_day_what_is_still_waiting_goes_to_each_lead_officer(
    scene: Scene, today: Move
) -> None:
    second_lead = f.UserFactory(username="second_lead", email="second@example.org")
    f.MembershipFactory(user=second_lead, partnership=scene.cycle.partnership, role="lead")
    gone_lead: Any = f.UserFactory(username="gone_lead", email="gone@example.org")
    f.MembershipFactory(user=gone_lead, partnership=scene.cycle.partnership, role="lead")
    Membership.objects.filter(user=gone_lead).update(deactivated_at=scene.cycle.created_at)
    today(OPENS)
    run_cycle(OPERATOR)
    UpdateRequest.objects.filter(action=scene.led).update(state="accepted")
    UpdateRequest.objects.filter(action=scene.contacted).update(state="returned")
    django_mail.outbox.clear()
    today(D(2026, 4, 9))
    run_cycle(OPERATOR)  # the reminder of 3 April, missed, is sent now (to the editor)
    assert not UpdateRequest.objects.filter(escalated_at__isnull=False).exists()
    django_mail.outbox.clear()
    today(D(2026, 4, 10))  # 10 days after
    done = run_cycle(OPERATOR)
    assert done.escalated == 2
    escalated = UpdateRequest.objects.filter(escalated_at__isnull=False)
    assert sorted(r.action.title for r in escalated) == [
        "Recruit foster carers",
        "Write the guidance",
    ]
    assert sorted(m.to[0] for m in django_mail.outbox) == ["lead@example.org", "second@example.org"]
    body = _to("lead")[0].body
    assert _to("lead")[0].subject == "Overdue: 2 updates still missing for 31 March 2026: Homeshire"
    assert (
        "- Recruit foster carers\n  Asked: editor (editor@example.org)\n  Update returned\n" in body
    )
    assert "- Write the guidance\n  Asked: no one to ask\n  Waiting for an update\n" in body
    assert "Plan action for Homeshire" not in body
    round_id = UpdateRound.objects.get().pk
    assert f"http://127.0.0.1:8000/p/home/plan/requests/{round_id}/" in body
    assert AuditEntry.objects.filter(verb="update_request.escalate").count() == 2
    # Later ticks escalate nothing again and send nothing more.
    django_mail.outbox.clear()
    today(D(2026, 4, 12))
    assert run_cycle(OPERATOR).counts() == {what: 0 for what in done.counts()}
    assert django_mail.outbox == []


def test_someone_who_asked_for_no_email_gets_none_and_the_record_says_so(
    scene: Scene, today: Move
) -> None:
    Notifying.objects.create(user=scene.user("contributor"), how="nothing")
    today(OPENS)
    done = run_cycle(OPERATOR)
    assert _to("contributor") == []
    kept = Message.objects.get(to_user=scene.user("contributor"))
    assert (kept.kind, kept.state, kept.sent_at) == ("digest", "not_sent", None)
    assert kept.answer == "Not sent: they asked for no email (their notification settings)."
    assert "Hello contributor" in kept.body  # what would have been sent is on the record
    assert done.counts()["emails not sent, as their readers asked"] == 1
    today(D(2026, 3, 24))
    run_cycle(OPERATOR)
    assert _to("contributor") == []
    assert Message.objects.filter(to_user=scene.user("contributor"), kind="reminder").count() == 1


def test_someone_who_asked_for_digests_only_gets_the_digest_and_no_reminder(
    scene: Scene, today: Move
) -> None:
    Notifying.objects.create(user=scene.user("contributor"), how="digest_only")
    today(OPENS)
    run_cycle(OPERATOR)
    today(D(2026, 3, 24))
    run_cycle(OPERATOR)
    assert [m.subject for m in _to("contributor")] == ["Updates due by 31 March 2026: Homeshire"]
    assert [m.subject for m in _to("editor")] == [
        "Updates due by 31 March 2026: Homeshire",
        "Reminder: updates due by 31 March 2026",
    ]
    assert not Message.objects.filter(to_user=scene.user("contributor"), kind="reminder").exists()


def test_a_person_no_longer_a_member_is_not_reminded(scene: Scene, today: Move) -> None:
    today(OPENS)
    run_cycle(OPERATOR)
    Membership.objects.filter(user=scene.user("editor")).delete()
    today(D(2026, 3, 24))
    run_cycle(OPERATOR)
    assert [m.subject for m in _to("editor")] == ["Updates due by 31 March 2026: Homeshire"]


def test_a_send_that_fails_is_recorded_with_the_error_and_never_tried_again(
    scene: Scene, today: Move, monkeypatch: pytest.MonkeyPatch
) -> None:
    tries: list[str] = []

    def refuse(email: Any) -> str:
        tries.append(email.to[0])
        raise smtplib.SMTPDataError(554, b"5.7.1 Message rejected")

    monkeypatch.setattr(sending, "deliver", refuse)
    today(OPENS)
    done = run_cycle(OPERATOR)
    assert done.counts()["emails that failed"] == 3
    failed = Message.objects.get(to_user=scene.user("contributor"))
    assert (failed.state, failed.answer, failed.sent_at) == (
        "failed",
        "SMTPDataError: (554, b'5.7.1 Message rejected')",
        None,
    )
    run_cycle(OPERATOR)
    assert len(tries) == 3


def test_an_account_without_an_address_is_recorded_as_failed(scene: Scene, today: Move) -> None:
    contributor = scene.user("contributor")
    contributor.email = ""
    contributor.save(update_fields=["email"])
    today(OPENS)
    run_cycle(OPERATOR)
    failed = Message.objects.get(to_user=contributor)
    assert (failed.state, failed.answer) == (
        "failed",
        "Not sent: the account has no email address.",
    )


def test_a_schedule_turned_off_or_an_archived_partnership_opens_and_sends_nothing(
    scene: Scene, today: Move
) -> None:
    scene.cycle.is_active = False
    scene.cycle.save(update_fields=["is_active"])
    today(OPENS)
    run_cycle(OPERATOR)
    assert not UpdateRound.objects.exists()
    scene.cycle.is_active = True
    scene.cycle.save(update_fields=["is_active"])
    partnership = scene.cycle.partnership
    partnership.archived_at = scene.cycle.created_at
    partnership.save(update_fields=["archived_at"])
    run_cycle(OPERATOR)
    assert not UpdateRound.objects.exists()
    assert django_mail.outbox == []


def test_tick_prints_what_the_cycle_did(scene: Scene, today: Move, capsys: Any) -> None:
    today(OPENS)
    assert tick(capsys) == (
        "Update rounds opened: 1.\nUpdate requests made: 3.\nUpdate request emails sent: 3.\n"
    )
    assert tick(capsys) == "Nothing to do.\n"
    entry = AuditEntry.objects.filter(verb="command.tick").latest("id")
    assert entry.changes["update request emails sent"] == [None, 3]


def test_without_the_sites_address_tick_says_why_the_cycle_did_nothing(
    scene: Scene, today: Move, capsys: Any
) -> None:
    today(OPENS)
    with override_settings(BASE_URL=""):
        args = build_parser().parse_args(["tick"])
        assert args.handler(args) == 0
    assert capsys.readouterr() == ("Nothing to do.\n", NO_ADDRESS + "\n")
    assert not UpdateRound.objects.exists()


def test_a_round_due_the_day_it_opens_says_today_and_escalates_only_the_next_day(
    scene: Scene, today: Move
) -> None:
    """With no notice (requests go out on the due date) and escalation on the due date, the
    digest says the update is due today, and nobody is escalated the minute they were asked:
    the lead officers are told the next day, with the days since the due date as they are."""
    scene.cycle.opens_days_before = 0
    scene.cycle.remind_before, scene.cycle.remind_after = [], []
    scene.cycle.escalate_after = 0
    scene.cycle.save()
    today(DUE)
    done = run_cycle(OPERATOR)
    assert done.escalated == 0
    (digest,) = _to("contributor")
    assert "an update on 1 action of its improvement plan by today, 31 March 2026." in digest.body
    assert not UpdateRequest.objects.filter(escalated_at__isnull=False).exists()
    django_mail.outbox.clear()
    today(D(2026, 4, 1))
    assert run_cycle(OPERATOR).escalated == 3
    (escalation,) = [m for m in _to("lead") if m.subject.startswith("Overdue")]
    assert "were due on 31 March 2026 and are still missing 1 day later." in escalation.body


def test_a_digest_sent_after_the_due_date_says_the_update_is_overdue(
    scene: Scene, today: Move
) -> None:
    """A round opened on time whose digest could only go later (`followup tick` stopped after
    opening it) is not worded as if the due date were ahead."""
    today(OPENS)
    actions_cycle.open_round(OPERATOR, scene.cycle.partnership, DUE)  # opened, nothing sent
    today(D(2026, 4, 2))
    run_cycle(OPERATOR)
    (digest,) = [m for m in _to("contributor") if "asking you" in m.body]
    assert digest.subject == "Overdue: updates that were due on 31 March 2026: Homeshire"
    assert "that was due on 31 March 2026: it is overdue, so please add it as soon" in digest.body
