"""Each person's notification settings (#17): their choice, changed through the form with an
audit entry, and the messages sent to them, theirs only."""

from __future__ import annotations

from typing import Any

import pytest

from followup.audit.models import AuditEntry
from followup.mail.models import Message, Notifying
from tests.browserlike import change, edit, page_form, submit
from tests.conftest import World

URL = "/account/notifications/"


def a_message(world: World, who: str, subject: str, **values: Any) -> Message:
    return Message.objects.create(
        event=f"digest:round-1:user-{world.users[who].pk}:{subject}",
        kind=Message.Kind.DIGEST,
        partnership=world.home.partnership,
        to_user=world.users[who],
        to_address=f"{who}@example.org",
        subject=subject,
        body=f"Hello {who},\n\nThe body of {subject}.",
        **{"state": Message.State.SENT, "answer": "250 2.0.0 Ok: queued as ABC123", **values},
    )


def test_everyone_starts_told_of_everything_and_may_ask_for_less(world: World) -> None:
    client = world.client_for("contributor")
    form = page_form(client.get(URL).content.decode())
    assert form.data()["how"] == ["everything"]
    response = edit(client, URL, {"how": "digest_only"})
    assert (response.status_code, response["Location"]) == (302, URL)
    assert Notifying.objects.get(user=world.users["contributor"]).how == "digest_only"
    (entry,) = AuditEntry.objects.filter(verb="notifying.update")
    assert (entry.actor_name, entry.changes) == (
        "contributor",
        {"how": ["everything", "digest_only"]},
    )
    page = client.get(URL).content.decode()
    assert "Your notification settings are saved." in page
    assert page_form(page).data()["how"] == ["digest_only"]


def test_saving_the_same_choice_again_records_nothing(world: World) -> None:
    client = world.client_for("lead")
    edit(client, URL, {"how": "nothing"})
    edit(client, URL, {"how": "nothing"})
    assert AuditEntry.objects.filter(verb="notifying.update").count() == 1


@pytest.mark.parametrize("how", [None, "", "sometimes", "nothing\x00", "x" * 10_000])
def test_a_choice_not_offered_is_refused_naming_the_question(world: World, how: str | None) -> None:
    client = world.client_for("viewer")
    form = page_form(client.get(URL).content.decode())
    response = submit(client, URL, change(form, {"how": how}))
    assert response.status_code == 200
    page = response.content.decode()
    assert (
        '<a href="#id_how_0">Choose how Followup should tell you about update requests</a>' in page
    )
    assert not Notifying.objects.exists()


def test_each_person_sees_the_messages_sent_to_them_and_no_one_elses(world: World) -> None:
    a_message(world, "contributor", "Updates due by 31 March 2026: Homeshire")
    a_message(world, "editor", "The editor's own digest")
    a_message(
        world,
        "contributor",
        "Reminder: updates due by 31 March 2026",
        state=Message.State.NOT_SENT,
        answer="Not sent: they asked for no email (their notification settings).",
    )
    page = world.client_for("contributor").get(URL).content.decode()
    assert "Updates due by 31 March 2026: Homeshire" in page
    assert "250 2.0.0 Ok: queued as ABC123" in page
    assert "Not sent (the person asked for no email)" in page
    assert "The editor&#x27;s own digest" not in page
    outsider = world.client_for("outsider").get(URL).content.decode()
    assert "Followup has not sent you any messages about update requests yet." in outsider
    assert "Homeshire" not in outsider


def test_signed_out_the_page_asks_for_a_sign_in(world: World) -> None:
    response = world.client_for(None).get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert world.client_for(None).post(URL, {"how": "nothing"}).status_code == 302
    assert not Notifying.objects.exists()


def test_the_account_page_links_to_the_notification_settings(world: World) -> None:
    assert f'href="{URL}"' in world.client_for("viewer").get("/account/").content.decode()
