"""An update request is answered by whatever update its action gets, and stops being asked when
it is moot (#17): an update added from the action's page answers the action's request still
waiting; the link in a returned request's email opens the revision; a new round closes the
older round's request still waiting, and a complete or cancelled action is asked no more.
Every form is sent as the browser renders it."""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.urls import reverse

from followup.audit.models import AuditEntry
from followup.lib import clock
from followup.plans import actions, actions_cycle, health
from followup.plans.cycle_mail import update_link
from followup.plans.models import ActionUpdate, UpdateDecision, UpdateRequest, UpdateRound
from tests import factories as f
from tests.browserlike import change, forms_in, submit
from tests.plans.test_signoff import a_request, keyed, mark, send, the_update

DUE = datetime.date(2030, 3, 31)
TODAY = datetime.date.today()


def add(
    world: Any,
    note: str,
    *,
    by: str = "contributor",
    request: UpdateRequest | None = None,
    status: str = "in_progress",
    rating: str = "at_risk",
) -> ActionUpdate:
    """An update of the world's action added through the action, as of today."""
    data = {"on": TODAY, "status": status, "rating": rating, "note": note}
    return actions.add_update(world.users[by], world.home.action, data, request=request)


def add_page(world: Any, query: str = "") -> str:
    url = reverse("plans:update_create", args=["home", world.home.action.pk])
    return url + query


def test_an_update_added_from_the_actions_page_answers_its_request_still_waiting(world):
    request = a_request(world)
    owner = world.client_for("contributor")
    html = owner.get(add_page(world)).content.decode()
    assert "This update answers the request for updates due 31 March 2030." in html
    form = change(keyed(html), the_update({"rating": "on_track", "note": "From the action."}))
    assert form.data()["request"] == [str(request.pk)]
    assert send(owner, form).status_code == 302
    request.refresh_from_db()
    assert request.state == "submitted"
    assert ActionUpdate.objects.get(note="From the action.").request == request


def test_an_update_added_without_the_form_answers_the_request_too(world):
    """``actions.add_update`` decides it, so the API and the command line answer it alike."""
    request = a_request(world)
    update = add(world, "By hand.")
    request.refresh_from_db()
    assert (update.request, request.state) == (request, "submitted")


def returned(world: Any) -> tuple[UpdateRequest, ActionUpdate]:
    request = a_request(world)
    first = add(world, "First go.", request=request)
    actions.decide_update(world.users["lead"], first, UpdateDecision.Outcome.RETURNED, "Why?")
    request.refresh_from_db()
    assert request.state == "returned"
    return request, first


def test_the_link_in_a_returned_requests_email_opens_the_revision_of_the_returned_update(world):
    request, first = returned(world)
    link = update_link(request)
    assert link.endswith(f"?request={request.pk}")
    owner = world.client_for("contributor")
    html = owner.get(link.split("testserver", 1)[-1]).content.decode()
    assert "Revise a returned update" in html
    assert "Why?" in html
    form = keyed(html)
    assert (form.data()["revises"], form.data()["note"]) == ([str(first.pk)], ["First go."])
    assert send(owner, change(form, {"note": "Second go."})).status_code == 302
    second = ActionUpdate.objects.get(note="Second go.")
    assert (second.revises, second.request) == (first, request)
    request.refresh_from_db()
    assert request.state == "submitted"


def test_an_update_from_the_actions_page_revises_the_returned_update_of_its_request(world):
    _, first = returned(world)
    owner = world.client_for("contributor")
    html = owner.get(add_page(world)).content.decode()
    assert "Revise a returned update" in html
    assert send(owner, change(keyed(html), {"note": "Again."})).status_code == 302
    assert ActionUpdate.objects.get(note="Again.").revises == first


def test_a_new_round_closes_the_earlier_rounds_request_still_waiting(world):
    partnership = world.home.partnership
    first = a_request(world)
    other = f.ActionFactory(partnership=partnership, title="Answered already")
    answered = UpdateRequest.objects.create(
        round=first.round, action=other, state=UpdateRequest.State.ACCEPTED
    )
    before = mark()
    later = actions_cycle.open_round(world.users["lead"], partnership, datetime.date(2030, 6, 30))
    assert later is not None
    first.refresh_from_db()
    answered.refresh_from_db()
    assert (first.state, answered.state) == ("closed", "accepted")
    assert first.get_state_display() == "No longer asked"
    (entry,) = AuditEntry.objects.filter(id__gt=before, verb="update_request.close")
    assert (entry.object_id, entry.changes) == (
        str(first.pk),
        {
            "state": ["pending", "closed"],
            "why": [None, "asked again in the round due 30 June 2030"],
        },
    )
    waiting = UpdateRequest.objects.filter(action=world.home.action, state="pending")
    assert [r.round for r in waiting] == [later]
    # Once both rounds are past their due dates, only the new round's request is overdue.
    assert health.plan_health(partnership, DUE.replace(year=2031)).overdue_requests == 2


def edit_form(html: str) -> Any:
    (form,) = [f for f in forms_in(html) if f.method == "post" and "status" in f.names()]
    return form


def test_an_action_made_complete_on_its_page_is_asked_no_more(world):
    request = a_request(world)
    lead = world.client_for("lead")
    edit_url = reverse("plans:edit", args=["home", world.home.action.pk])
    form = change(edit_form(lead.get(edit_url).content.decode()), {"status": "complete"})
    response = submit(lead, edit_url, form)
    assert response.status_code == 302, response.content.decode()[-3000:]
    world.home.action.refresh_from_db()
    assert world.home.action.status == "complete"
    request.refresh_from_db()
    assert request.state == "closed"
    entry = AuditEntry.objects.filter(verb="update_request.close").latest("id")
    assert entry.changes["why"] == [None, "the action is complete"]


def test_an_accepted_update_that_cancels_the_action_closes_its_other_request(world):
    """Named for the earlier round's request, the update answers the later round's (which asks
    again); cancelling the action closes the earlier one."""
    partnership = world.home.partnership
    first = a_request(world)
    second_round = UpdateRound.objects.create(
        partnership=partnership, due_on=datetime.date(2030, 6, 30)
    )
    second = UpdateRequest.objects.create(round=second_round, action=world.home.action)
    add(world, "Stopped.", by="lead", request=first, status="cancelled", rating="off_track")
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, second.state) == ("closed", "accepted")


def test_an_outsider_cannot_answer_or_close_another_partnerships_request(world):
    request = a_request(world)
    outsider = world.client_for("outsider")
    assert outsider.get(add_page(world, f"?request={request.pk}")).status_code == 404
    request.refresh_from_db()
    assert request.state == "pending"


def later_round(world: Any) -> UpdateRequest:
    """A new round for the action, due 30 June 2030: it closes the earlier request still
    waiting."""
    user, partnership = world.users["lead"], world.home.partnership
    round_ = actions_cycle.open_round(user, partnership, datetime.date(2030, 6, 30))
    assert round_ is not None
    return UpdateRequest.objects.get(round=round_, action=world.home.action)


def test_a_form_opened_on_a_request_closed_meanwhile_answers_the_request_now_waiting(world):
    old = a_request(world)
    owner = world.client_for("contributor")
    html = owner.get(add_page(world, f"?request={old.pk}")).content.decode()
    form = change(keyed(html), the_update({"rating": "on_track", "note": "Stale form."}))
    new = later_round(world)  # meanwhile, in another session
    assert send(owner, form).status_code == 302
    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.state, new.state) == ("closed", "submitted")
    assert ActionUpdate.objects.get(note="Stale form.").request == new
    # The old link, followed now, says so and offers the request now waiting.
    html = owner.get(add_page(world, f"?request={old.pk}")).content.decode()
    assert (
        "The request for updates due 31 March 2030 is no longer asked. This update answers no "
        "request." in html  # the new request has its update, waiting for acceptance
    )


def test_an_accepted_request_is_never_reopened_by_its_old_link(world):
    request = a_request(world)
    add(world, "Accepted.", by="lead", request=request, rating="on_track")
    request.refresh_from_db()
    assert request.state == "accepted"
    owner = world.client_for("contributor")
    html = owner.get(add_page(world, f"?request={request.pk}")).content.decode()
    assert "is answered already: its update was accepted. This update answers no request." in html
    form = change(keyed(html), the_update({"rating": "at_risk", "note": "Later."}))
    assert send(owner, form).status_code == 302
    request.refresh_from_db()
    assert request.state == "accepted"
    assert ActionUpdate.objects.get(note="Later.").request is None


def test_revising_an_update_of_a_closed_request_answers_the_new_rounds_request(world):
    old, first = returned(world)
    new = later_round(world)
    old.refresh_from_db()
    assert old.state == "closed"
    owner = world.client_for("contributor")
    html = owner.get(add_page(world, f"?revises={first.pk}")).content.decode()
    assert "This update answers the request for updates due 30 June 2030." in html
    assert send(owner, change(keyed(html), {"note": "Revised late."})).status_code == 302
    revision = ActionUpdate.objects.get(note="Revised late.")
    assert (revision.revises, revision.request) == (first, new)
    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.state, new.state) == ("closed", "submitted")


def test_an_update_returned_after_a_new_round_closes_its_request_rather_than_wait_twice(world):
    request = a_request(world)
    update = add(world, "Waiting.", request=request)
    new = later_round(world)
    request.refresh_from_db()
    assert request.state == "submitted"  # answered: the new round leaves it be
    actions.decide_update(world.users["lead"], update, UpdateDecision.Outcome.RETURNED, "More.")
    request.refresh_from_db()
    new.refresh_from_db()
    assert (request.state, new.state) == ("closed", "pending")
    waiting = UpdateRequest.objects.filter(
        action=world.home.action, state__in=["pending", "returned"]
    )
    assert list(waiting) == [new]


def test_a_revision_form_made_stale_by_another_session_can_be_sent_again_as_a_new_update(world):
    _, first = returned(world)
    owner, lead = world.client_for("contributor"), world.client_for("lead")
    stale = keyed(lead.get(add_page(world)).content.decode())
    assert stale.data()["revises"] == [str(first.pk)]
    html = owner.get(add_page(world)).content.decode()
    assert send(owner, change(keyed(html), {"note": "Owner's revision."})).status_code == 302
    page = send(lead, change(stale, {"note": "Lead's update.", "status": "complete"}))
    assert page.status_code == 200
    html = page.content.decode()
    assert "revised already: see the action&#x27;s updates. Send the form again" in html
    again = keyed(html)
    assert "revises" not in again.names()
    assert send(lead, again).status_code == 302
    update = ActionUpdate.objects.get(note="Lead's update.")
    assert update.revises is None
    world.home.action.refresh_from_db()
    assert world.home.action.status == "complete"


def test_the_requests_page_counts_closed_requests_apart_from_those_waiting(world):
    old = a_request(world)
    UpdateRequest.objects.filter(pk=old.pk).update(escalated_at=old.created_at)
    later_round(world)
    html = world.client_for("lead").get(reverse("plans:requests", args=["home"])).content.decode()
    assert ">No longer asked</th>" in html
    rows = html.split('<tr class="govuk-table__row">')[2:]
    cells = [re.findall(r'numeric">(\d+)</td>', row) for row in rows]
    # Requests, updated, waiting, escalated and still waiting, no longer asked, no one to ask:
    # the later round (the world's open action, with no one to ask), then the first.
    assert cells == [["1", "0", "1", "0", "0", "1"], ["1", "0", "0", "0", "1", "0"]]


def test_for_you_says_due_today_on_the_due_date(world, monkeypatch):
    request = a_request(world)
    monkeypatch.setattr(clock, "today", lambda: DUE)
    html = world.client_for("contributor").get(reverse("front:for_you")).content.decode()
    assert "Due today" in html
    assert f"?request={request.pk}" in html


def test_an_old_link_to_a_request_a_later_round_asked_again_answers_the_new_request(world):
    """The old request's update still waits for acceptance (so it is not closed), but the later
    round asks again: an update from the old link answers the new request."""
    old = a_request(world)
    add(world, "Round one.", request=old)
    new = later_round(world)
    old.refresh_from_db()
    assert old.state == "submitted"
    owner = world.client_for("contributor")
    html = owner.get(add_page(world, f"?request={old.pk}")).content.decode()
    assert "The request for updates due 31 March 2030 is no longer asked." in html
    assert "This update answers the request for updates due 30 June 2030." in html
    form = change(keyed(html), the_update({"rating": "on_track", "note": "Round two."}))
    assert send(owner, form).status_code == 302
    assert ActionUpdate.objects.get(note="Round two.").request == new
    new.refresh_from_db()
    assert new.state == "submitted"


def test_a_stale_form_shown_again_with_an_error_says_what_it_now_answers(world):
    old = a_request(world)
    owner = world.client_for("contributor")
    html = owner.get(add_page(world, f"?request={old.pk}")).content.decode()
    form = change(keyed(html), the_update({"note": "No rating chosen."}))
    later_round(world)  # meanwhile, in another session
    page = send(owner, form)
    assert page.status_code == 200
    html = page.content.decode()
    assert "The request for updates due 31 March 2030 is no longer asked." in html
    assert "This update answers the request for updates due 30 June 2030." in html
