"""Issue #17, acceptance 1, through a real SMTP server on 127.0.0.1 (tests/mailserver.py):
opening a cycle sends one digest per owner; moving the clock forward sends reminders, then an
escalation to the lead officer; running ``followup tick`` five times more sends nothing new;
every message is on the record, with what the mail server said."""

from __future__ import annotations

from typing import Any

from followup.mail.models import Message
from followup.plans.models import UpdateRequest, UpdateRound
from tests.mailserver import Inbox
from tests.plans.cycling import OPENS, D, Move, Scene, tick

ACCEPTED = "250 Message accepted for delivery"


def subjects(inbox: Inbox) -> list[tuple[str, str]]:
    return sorted((str(m["To"]), str(m["Subject"])) for m in inbox.messages)


def test_the_cycle_asks_reminds_and_escalates_each_once_and_every_message_is_on_the_record(
    scene: Scene, today: Move, smtp_server: Inbox, capsys: Any
) -> None:
    # Every open action has an owner: the lead officer leads the guidance themselves.
    scene.unasked.lead_user = scene.user("lead")
    scene.unasked.save(update_fields=["lead_user"])

    today(OPENS)
    assert "Update request emails sent: 3." in tick(capsys)
    assert subjects(smtp_server) == [
        ("contributor@example.org", "Updates due by 31 March 2026: Homeshire"),
        ("editor@example.org", "Updates due by 31 March 2026: Homeshire"),
        ("lead@example.org", "Updates due by 31 March 2026: Homeshire"),
    ]
    # Each link goes straight to the update form of the owner's action, for their request.
    for message in smtp_server.messages:
        owner = str(message["To"]).split("@")[0]
        (request,) = UpdateRequest.objects.filter(addressee=scene.user(owner))
        assert smtp_server.links(message)[0] == (
            f"http://127.0.0.1:8000/p/home/actions/{request.action_id}/updates/"
            f"?request={request.pk}"
        )
    # The contributor answers; the others do not.
    UpdateRequest.objects.filter(addressee=scene.user("contributor")).update(state="submitted")

    today(D(2026, 3, 24))  # a week before the due date
    assert "Reminders sent: 2." in tick(capsys)
    today(D(2026, 4, 3))  # three days after it
    assert "Reminders sent: 2." in tick(capsys)
    today(D(2026, 4, 10))  # ten days after: the lead officer is told
    out = tick(capsys)
    assert "Update requests escalated: 2.\nEscalation emails sent: 1.\n" in out
    sent = subjects(smtp_server)
    assert sent == sorted(
        [
            *[
                (f"{who}@example.org", "Updates due by 31 March 2026: Homeshire")
                for who in ("contributor", "editor", "lead")
            ],
            ("editor@example.org", "Reminder: updates due by 31 March 2026"),
            ("lead@example.org", "Reminder: updates due by 31 March 2026"),
            ("editor@example.org", "Overdue: updates that were due on 31 March 2026"),
            ("lead@example.org", "Overdue: updates that were due on 31 March 2026"),
            ("lead@example.org", "Overdue: 2 updates still missing for 31 March 2026: Homeshire"),
        ]
    )

    # Five more runs, on that day and later ones, send nothing new.
    for day in (D(2026, 4, 10), D(2026, 4, 10), D(2026, 4, 11), D(2026, 4, 17), D(2026, 6, 1)):
        today(day)
        assert tick(capsys) == "Nothing to do.\n"
    assert subjects(smtp_server) == sent

    # Every message is on the record: to whom, what, when, and the server's answer.
    recorded = Message.objects.order_by("id")
    assert len(recorded) == len(smtp_server.messages) == 8
    for row, message in zip(
        recorded, sorted(smtp_server.messages, key=_order(recorded)), strict=True
    ):
        assert (row.to_address, row.subject, row.state, row.answer) == (
            str(message["To"]),
            str(message["Subject"]),
            "sent",
            ACCEPTED,
        )
        assert row.body.strip() == smtp_server.body(message).replace("\r\n", "\n").strip()
        assert row.sent_at is not None
    assert UpdateRound.objects.count() == 1
    # The lead officer sees the record on the round's page.
    page = scene.world.client_for("lead").get(
        f"/p/home/plan/requests/{UpdateRound.objects.get().pk}/"
    )
    assert page.content.decode().count(ACCEPTED) == 8


def _order(recorded: Any) -> Any:
    """Sort the received messages in the order of their records (by address and subject)."""
    position = {(r.to_address, r.subject): i for i, r in enumerate(recorded)}
    return lambda m: position[(str(m["To"]), str(m["Subject"]))]
