"""Updates with evidence and sign-off (#17): an owner answers a request with an update and a
file, the lead returns it with a reason, the owner revises it, the lead accepts it; only then
does the action's status change, and the audit log shows each step. Every form is sent as the
browser renders it."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from followup.audit.models import AuditEntry
from followup.lib import storedfiles
from followup.lib.dates import day
from followup.partnerships.access import Refused
from followup.partnerships.models import Membership
from followup.plans import actions
from followup.plans.models import ActionUpdate, UpdateDecision, UpdateRequest, UpdateRound
from followup.web import submissions
from tests import factories as f
from tests.browserlike import Form, change, edit, forms_in, submit

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
TODAY = datetime.date.today()


def keyed(html: str) -> Form:
    """The page's create form: the one carrying a one-time key."""
    (found,) = [f for f in forms_in(html) if submissions.FIELD in f.names()]
    return found


def send(client: Client, form: Form, files: list[SimpleUploadedFile] | None = None) -> Any:
    """Post a form as rendered, with files chosen in its file input."""
    data: dict[str, Any] = form.data()
    if files:
        data["evidence"] = files
    return client.post(form.action, data)


def the_update(changes: dict[str, str]) -> dict[str, str | list[str] | None]:
    return {
        "on_day": str(TODAY.day),
        "on_month": str(TODAY.month),
        "on_year": str(TODAY.year),
        **changes,
    }


def a_request(world: Any, to: str = "contributor") -> UpdateRequest:
    round_ = UpdateRound.objects.create(
        partnership=world.home.partnership, due_on=datetime.date(2030, 3, 31)
    )
    return UpdateRequest.objects.create(
        round=round_, action=world.home.action, addressee=world.users[to]
    )


def mark() -> int:
    """The last audit entry so far (building the world writes some)."""
    return AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0


def action_url(world: Any) -> str:
    return reverse("plans:detail", args=["home", world.home.action.pk])


def test_the_update_cycle_walk_from_request_to_acceptance_is_audited_step_by_step(world):
    request = a_request(world)
    before = mark()
    owner, lead = world.client_for("contributor"), world.client_for("lead")
    add = reverse("plans:update_create", args=["home", world.home.action.pk])
    page = owner.get(f"{add}?request={request.pk}")
    assert "This update answers the request for updates due 31 March 2030." in (
        page.content.decode()
    )
    form = change(
        keyed(page.content.decode()),
        the_update({"status": "complete", "rating": "on_track", "note": "Paper agreed."}),
    )
    assert form.data()["request"] == [str(request.pk)]
    response = send(owner, form, [SimpleUploadedFile("Committee paper.pdf", PDF)])
    assert (response.status_code, response["Location"]) == (302, action_url(world))
    first = ActionUpdate.objects.get(note="Paper agreed.")
    (paper,) = first.files.all()
    assert (paper.filename, paper.content_type, paper.size) == (
        "Committee paper.pdf",
        "application/pdf",
        len(PDF),
    )
    assert storedfiles.read_bytes(paper.file) == PDF
    request.refresh_from_db()
    assert request.state == "submitted"
    world.home.action.refresh_from_db()
    assert world.home.action.status == "in_progress"

    # The lead returns it, with a reason.
    html = lead.get(action_url(world)).content.decode()
    assert "Waiting for acceptance" in html
    returning = reverse("plans:update_return", args=["home", first.pk])
    assert f'href="{returning}"' in html
    page = lead.get(returning)
    form = change(keyed(page.content.decode()), {"reason": "Say what the paper decided."})
    assert submit(lead, returning, form).status_code == 302
    request.refresh_from_db()
    assert request.state == "returned"
    world.home.action.refresh_from_db()
    assert world.home.action.status == "in_progress"

    # The owner sees why, and revises it from a form filled from the returned update.
    html = owner.get(action_url(world)).content.decode()
    assert "Returned: Say what the paper decided." in html
    revising = f"{add}?revises={first.pk}"
    assert f'href="{revising}"' in html
    page = owner.get(revising)
    form = keyed(page.content.decode())
    assert form.data()["note"] == ["Paper agreed."]
    assert (form.data()["revises"], form.data()["request"]) == ([str(first.pk)], [str(request.pk)])
    form = change(form, {"note": "Paper agreed: the new pathway starts in April."})
    assert send(owner, form).status_code == 302
    second = ActionUpdate.objects.get(revises=first)
    assert second.request == request
    request.refresh_from_db()
    assert request.state == "submitted"

    # The lead accepts the revision: only now does the action's status change.
    html = lead.get(action_url(world)).content.decode()
    accepting = reverse("plans:update_accept", args=["home", second.pk])
    (accept,) = [form for form in forms_in(html) if form.action == accepting]
    response = submit(lead, action_url(world), accept)
    assert (response.status_code, response["Location"]) == (302, action_url(world))
    world.home.action.refresh_from_db()
    assert world.home.action.status == "complete"
    request.refresh_from_db()
    assert request.state == "accepted"

    entries = AuditEntry.objects.filter(id__gt=before).order_by("id")
    steps = [(e.actor_name, e.verb, e.object_type, e.object_id) for e in entries]
    assert steps == [
        ("contributor", "action_update.create", "plans.actionupdate", str(first.pk)),
        ("contributor", "update_file.create", "plans.updatefile", str(paper.pk)),
        ("contributor", "update_request.update", "plans.updaterequest", str(request.pk)),
        ("lead", "action_update.return", "plans.updatedecision", str(first.decision.pk)),
        ("lead", "update_request.update", "plans.updaterequest", str(request.pk)),
        ("contributor", "action_update.create", "plans.actionupdate", str(second.pk)),
        ("contributor", "update_request.update", "plans.updaterequest", str(request.pk)),
        ("lead", "action_update.accept", "plans.updatedecision", str(second.decision.pk)),
        ("lead", "update_request.update", "plans.updaterequest", str(request.pk)),
        ("lead", "action.update", "plans.action", str(world.home.action.pk)),
    ]
    changes = [e.changes for e in entries]
    assert changes[1]["filename"] == [None, "Committee paper.pdf"]
    assert changes[1]["sha256"] == [None, paper.sha256]
    assert [changes[i]["state"] for i in (2, 4, 6, 8)] == [
        ["pending", "submitted"],
        ["submitted", "returned"],
        ["returned", "submitted"],
        ["submitted", "accepted"],
    ]
    assert (changes[3]["outcome"], changes[3]["reason"]) == (
        [None, "returned"],
        [None, "Say what the paper decided."],
    )
    assert changes[5]["revises"] == [None, str(first)]
    assert changes[7]["outcome"] == [None, "accepted"]
    assert changes[9] == {"status": ["in_progress", "complete"]}


def test_an_update_by_someone_who_accepts_updates_is_accepted_as_written_and_says_by_whom(world):
    client = world.client_for("lead")
    before = mark()
    add = reverse("plans:update_create", args=["home", world.home.action.pk])
    form = change(
        keyed(client.get(add).content.decode()),
        the_update({"status": "on_hold", "rating": "at_risk", "note": "Paused for the audit."}),
    )
    assert send(client, form).status_code == 302
    update = ActionUpdate.objects.get(note="Paused for the audit.")
    assert (update.decision.outcome, update.decision.by_name) == ("accepted", "lead")
    world.home.action.refresh_from_db()
    assert world.home.action.status == "on_hold"
    html = world.client_for("viewer").get(action_url(world)).content.decode()
    assert f"Accepted by lead, {day(timezone.localdate(update.decision.made_at))}, " in html
    assert [e.verb for e in AuditEntry.objects.filter(id__gt=before).order_by("id")] == [
        "action_update.create",
        "action_update.accept",
        "action.update",
    ]


def test_an_older_update_accepted_later_does_not_change_the_status(world):
    older = f.ActionUpdateFactory(
        action=world.home.action, on=datetime.date(2016, 1, 1), status="on_hold", decision=None
    )
    actions.decide_update(world.users["lead"], older, UpdateDecision.Outcome.ACCEPTED)
    world.home.action.refresh_from_db()
    assert world.home.action.status == "in_progress"


def test_returning_asks_for_a_reason_and_names_the_field(world):
    waiting = f.ActionUpdateFactory(action=world.home.action, decision=None)
    client = world.client_for("lead")
    url = reverse("plans:update_return", args=["home", waiting.pk])
    response = submit(client, url, keyed(client.get(url).content.decode()))
    assert response.status_code == 200
    assert '<a href="#id_reason">Enter why it is returned</a>' in response.content.decode()
    assert not UpdateDecision.objects.filter(update=waiting).exists()
    with pytest.raises(ValidationError) as refused:
        actions.decide_update(world.users["lead"], waiting, "returned", "   ")
    assert refused.value.message_dict == {"reason": ["Enter why the update is returned"]}


def test_only_pending_and_returned_updates_say_so_and_only_accepted_ones_are_progress(world):
    action = world.home.action
    f.ActionUpdateFactory(action=action, on=TODAY, rating="off_track", decision=None)
    f.ActionUpdateFactory(
        action=action,
        on=TODAY,
        rating="at_risk",
        decision__outcome="returned",
        decision__reason="Which meeting?",
    )
    html = world.client_for("viewer").get(action_url(world)).content.decode()
    assert html.count("Waiting for acceptance") == 1
    assert "Returned: Which meeting?" in html
    plan = world.client_for("viewer").get("/p/home/plan/").content.decode()
    assert '<strong class="govuk-tag govuk-tag--green">On track</strong>' in plan
    assert "Off track" not in plan.split('id="plan-table"')[1]
    page = reverse("front:recommendation", args=["home", world.home.recommendation.pk])
    shown = world.client_for("viewer").get(page).content.decode()
    assert "1 Jun 2017 · On track" in shown
    assert "At risk" not in shown


def test_the_waiting_list_shows_each_waiting_update_with_its_buttons_and_accepts_from_there(
    world,
):
    waiting = f.ActionUpdateFactory(action=world.home.action, note="Waits.", decision=None)
    client = world.client_for("lead")
    url = reverse("plans:updates_waiting", args=["home"])
    html = client.get(url).content.decode()
    assert "Waits." in html
    assert "Update about Homeshire" not in html
    accepting = reverse("plans:update_accept", args=["home", waiting.pk])
    (accept,) = [form for form in forms_in(html) if form.action == accepting]
    assert accept.data()["from"] == ["waiting"]
    response = submit(client, url, accept)
    assert (response.status_code, response["Location"]) == (302, url)
    assert "No updates are waiting for acceptance." in client.get(url).content.decode()


def test_a_contributor_without_delegation_is_refused_acceptance(world):
    waiting = f.ActionUpdateFactory(action=world.home.action, decision=None)
    url = reverse("plans:update_accept", args=["home", waiting.pk])
    assert world.client_for("contributor").post(url).status_code == 403
    with pytest.raises(Refused):
        actions.decide_update(world.users["editor"], waiting, "accepted")
    assert not UpdateDecision.objects.filter(update=waiting).exists()


def test_a_lead_delegates_acceptance_on_the_members_page_and_the_contributor_then_accepts(world):
    membership = Membership.objects.get(user=world.users["contributor"])
    url = reverse("members:role_edit", args=["home", membership.pk])
    response = edit(world.client_for("lead"), url, {"accepts_updates": "on"})
    assert response.status_code == 302
    entry = AuditEntry.objects.get(verb="membership.update")
    assert entry.changes == {"accepts_updates": [False, True]}
    members = world.client_for("lead").get(reverse("members:list", args=["home"]))
    assert "Accepts updates" in members.content.decode()
    waiting = f.ActionUpdateFactory(action=world.home.action, status="on_hold", decision=None)
    accepting = reverse("plans:update_accept", args=["home", waiting.pk])
    assert world.client_for("contributor").post(accepting).status_code == 302
    waiting.refresh_from_db()
    assert (waiting.decision.outcome, waiting.decision.by_name) == ("accepted", "contributor")


def test_making_a_delegate_a_viewer_ends_the_delegation(world):
    membership = Membership.objects.get(user=world.users["editor"])
    url = reverse("members:role_edit", args=["home", membership.pk])
    edit(world.client_for("lead"), url, {"accepts_updates": "on"})
    edit(world.client_for("lead"), url, {"role": "viewer"})
    membership.refresh_from_db()
    assert (membership.role, membership.accepts_updates) == ("viewer", False)


def test_a_second_decision_on_a_decided_update_is_told_who_decided_it(world):
    waiting = f.ActionUpdateFactory(action=world.home.action, decision=None)
    url = reverse("plans:update_accept", args=["home", waiting.pk])
    assert world.client_for("lead").post(url).status_code == 302
    admin = world.client_for("admin")
    response = admin.post(url)
    assert response.status_code == 302
    page = admin.get(response["Location"]).content.decode()
    assert "This update was already accepted by lead (" in page
    assert UpdateDecision.objects.filter(update=waiting).count() == 1


def test_two_sessions_deciding_at_once_one_wins_and_the_other_is_told_not_a_server_error(
    world, monkeypatch
):
    """The other session's decision was not there when this one looked, and is by the time
    it writes: the database refuses the second decision (one per update), and the person is
    told who decided, not shown a server error."""
    waiting = f.ActionUpdateFactory(action=world.home.action, decision=None)
    UpdateDecision.objects.create(update=waiting, outcome="returned", reason="x", by_name="lead")
    monkeypatch.setattr(actions, "_decided", lambda update: False)
    client = world.client_for("admin")
    response = client.post(reverse("plans:update_accept", args=["home", waiting.pk]))
    assert (response.status_code, response["Location"]) == (302, action_url(world))
    page = client.get(response["Location"]).content.decode()
    assert "This update was already returned by lead (" in page
    assert list(UpdateDecision.objects.filter(update=waiting).values_list("outcome")) == [
        ("returned",)
    ]
    assert not AuditEntry.objects.filter(verb="action_update.accept").exists()
    world.home.action.refresh_from_db()
    assert world.home.action.status == "in_progress"


def test_the_decision_is_one_per_update_in_the_database(world):
    waiting = f.ActionUpdateFactory(action=world.home.action, decision=None)
    UpdateDecision.objects.create(update=waiting, outcome="accepted")
    with pytest.raises(IntegrityError):
        UpdateDecision.objects.create(update=waiting, outcome="returned", reason="x")


def test_a_revision_sent_twice_is_saved_once_and_the_second_is_told(world):
    returned = f.ActionUpdateFactory(
        action=world.home.action, decision__outcome="returned", decision__reason="Which?"
    )
    client = world.client_for("contributor")
    url = reverse("plans:update_create", args=["home", world.home.action.pk])
    form = keyed(client.get(f"{url}?revises={returned.pk}").content.decode())
    assert send(client, form).status_code == 302
    again = send(client, form)
    assert (again.status_code, again["Location"]) == (302, action_url(world))
    assert "This was already saved" in client.get(again["Location"]).content.decode()
    assert ActionUpdate.objects.filter(revises=returned).count() == 1


def test_a_second_revision_of_one_returned_update_is_refused(world):
    returned = f.ActionUpdateFactory(
        action=world.home.action, decision__outcome="returned", decision__reason="Which?"
    )
    client = world.client_for("contributor")
    url = reverse("plans:update_create", args=["home", world.home.action.pk])
    first = keyed(client.get(f"{url}?revises={returned.pk}").content.decode())
    second = keyed(client.get(f"{url}?revises={returned.pk}").content.decode())
    assert send(client, first).status_code == 302
    response = send(client, second)
    assert response.status_code == 200
    assert "This returned update has been revised already" in response.content.decode()
    assert ActionUpdate.objects.filter(revises=returned).count() == 1
