"""Concerns raised while reading a child's record: either of the record's pair raises one, it
goes to the inspection team, who record once whether and when it was passed to the
partnership's named senior manager. Only the inspection team sees them; every write is
audited."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from followup.audit.models import AuditEntry
from followup.partnerships.access import Refused
from followup.records import actions_concerns, queries_concerns
from followup.records.models import Concern, SampledRecord
from tests import factories as f
from tests.browserlike import change, page_form, submit
from tests.records.test_reading import client_of, questions, reader_of

WHAT = "Bruising noted by the school nurse in March was not followed up by social work."


@pytest.fixture
def pair(world: Any) -> tuple[SampledRecord, Any, Any]:
    reader = reader_of(world)
    member = f.paired_record(world.home.inspection, world.users["inspector"], reader)
    return member, world.users["inspector"], reader


def raise_url(member: SampledRecord) -> str:
    return reverse("records:raise_concern", args=["home", member.pk])


def concerns_url(member: SampledRecord) -> str:
    return reverse("records:concerns", args=["home", member.sample_id])


def pass_on_url(concern: Concern) -> str:
    return reverse("records:pass_on", args=["home", concern.pk])


def raise_as(
    client: Client, member: SampledRecord, values: dict[str, str | list[str] | None]
) -> Any:
    """Open the form from the record's page and post it as a browser would."""
    page = client.get(raise_url(member))
    assert page.status_code == 200
    return submit(client, raise_url(member), change(page_form(page.content.decode()), values))


def concern_of(member: SampledRecord, user: Any) -> Concern:
    return actions_concerns.raise_concern(
        user, member, {"what": WHAT, "agency": "health", "urgency": "day"}
    )


def test_a_reader_raises_a_concern_from_their_records_page_and_is_told_where_it_went(pair):
    member, _, reader = pair
    client = client_of(reader)
    record_page = client.get(reverse("records:record", args=["home", member.pk]))
    assert raise_url(member) in record_page.content.decode()
    question = next(q for q in questions(member) if q.critical)
    done = raise_as(
        client,
        member,
        {
            "what": WHAT,
            "agency": "social_work",
            "urgency": "immediate",
            "question": str(question.pk),
        },
    )
    assert done.status_code == 302
    assert done.url == reverse("records:record", args=["home", member.pk])
    told = client.get(done.url).content.decode()
    assert "It has gone to the inspection team" in told
    concern = Concern.objects.get(member=member)
    assert (concern.raised_by, concern.agency, concern.urgency) == (
        reader,
        "social_work",
        "immediate",
    )
    assert concern.question == question
    assert AuditEntry.objects.filter(verb="concern.raise", object_id=str(concern.pk)).exists()


def test_the_concern_is_listed_for_the_inspector_and_not_for_the_reader_viewer_or_outsider(
    world, pair
):
    member, inspector, reader = pair
    concern_of(member, reader)
    listed = client_of(inspector).get(concerns_url(member))
    assert listed.status_code == 200
    assert "Bruising noted" in listed.content.decode()
    assert pass_on_url(Concern.objects.get(member=member)) in listed.content.decode()
    sample_page = client_of(inspector).get(
        reverse("records:sample", args=["home", member.sample_id])
    )
    assert "1 not yet passed on" in sample_page.content.decode()
    assert client_of(reader).get(concerns_url(member)).status_code == 403
    assert world.client_for("viewer").get(concerns_url(member)).status_code == 403
    assert world.client_for("outsider").get(concerns_url(member)).status_code == 404
    concern = Concern.objects.get(member=member)
    assert client_of(reader).get(pass_on_url(concern)).status_code == 403
    assert world.client_for("outsider").get(pass_on_url(concern)).status_code == 404


def test_the_inspector_records_the_passing_on_once_and_it_is_audited(pair):
    member, inspector, reader = pair
    concern = concern_of(member, reader)
    client = client_of(inspector)
    page = client.get(pass_on_url(concern))
    values = {
        "passed_on": "yes",
        "passed_date_day": "2",
        "passed_date_month": "3",
        "passed_date_year": "2026",
        "passed_time": "14:30",
        "passed_to": "Chief Social Work Officer",
        "note": "By telephone; they will ask the team to visit today.",
    }
    done = submit(
        client, pass_on_url(concern), change(page_form(page.content.decode()), dict(values))
    )
    assert done.status_code == 302
    concern.refresh_from_db()
    assert concern.passed_on is True
    assert timezone.localtime(concern.passed_at).replace(tzinfo=None) == datetime.datetime(
        2026, 3, 2, 14, 30
    )
    assert concern.passed_to == "Chief Social Work Officer"
    assert concern.recorded_by == inspector
    entry = AuditEntry.objects.get(verb="concern.pass_on", object_id=str(concern.pk))
    assert entry.actor_id == inspector.pk
    assert "passed_to" in entry.changes
    shown = client.get(pass_on_url(concern)).content.decode()
    assert "Passing on recorded" in shown and '<form method="post" novalidate>' not in shown
    with pytest.raises(ValidationError, match="was recorded on"):
        actions_concerns.record_passing_on(
            inspector, concern, {"passed_on": "no", "not_passed_reason": "A second try"}
        )
    assert AuditEntry.objects.filter(verb="concern.pass_on").count() == 1


def test_not_passing_on_needs_a_reason_and_passing_on_needs_when_and_to_whom(pair):
    member, inspector, reader = pair
    concern = concern_of(member, reader)
    client = client_of(inspector)
    form = page_form(client.get(pass_on_url(concern)).content.decode())
    refused = submit(client, pass_on_url(concern), change(form, {"passed_on": "no"}))
    assert refused.status_code == 200
    assert "Say why it was not passed on" in refused.content.decode()
    refused = submit(client, pass_on_url(concern), change(form, {"passed_on": "yes"}))
    page = refused.content.decode()
    assert "Give the date it was passed on" in page
    assert "Give the time as hours and minutes" in page
    concern.refresh_from_db()
    assert not concern.recorded


def test_a_concern_naming_a_childs_date_of_birth_or_postcode_is_refused(pair):
    member, _, reader = pair
    client = client_of(reader)
    for what in ("Child born 12/03/2015 was left alone", "Seen at KA7 1AB without an adult"):
        refused = raise_as(client, member, {"what": what, "agency": "police", "urgency": "week"})
        assert refused.status_code == 200
        assert "without naming the child" in refused.content.decode()
    assert not Concern.objects.filter(member=member).exists()


def test_a_reader_of_another_pair_cannot_raise_a_concern_about_a_record_not_theirs(world, pair):
    member, _, _ = pair
    other = reader_of(world, "other-reader")
    client = client_of(other)
    assert client.get(raise_url(member)).status_code == 404
    posted = client.post(raise_url(member), {"what": WHAT, "agency": "health", "urgency": "day"})
    assert posted.status_code == 404
    with pytest.raises(Http404):
        concern_of(member, other)
    assert not Concern.objects.filter(member=member).exists()


def test_members_who_read_no_records_may_not_raise_or_pass_on_a_concern(world, pair):
    member, _, reader = pair
    assert world.client_for("viewer").get(raise_url(member)).status_code == 403
    assert world.client_for("outsider").get(raise_url(member)).status_code == 404
    concern = concern_of(member, reader)
    with pytest.raises(Refused):
        actions_concerns.record_passing_on(
            reader, concern, {"passed_on": "no", "not_passed_reason": "Not needed"}
        )


def test_concerns_not_yet_passed_on_come_first_the_most_urgent_first(pair):
    member, inspector, reader = pair
    week = actions_concerns.raise_concern(
        reader, member, {"what": "Missed visits", "agency": "education", "urgency": "week"}
    )
    done = concern_of(member, reader)
    actions_concerns.record_passing_on(
        inspector, done, {"passed_on": "no", "not_passed_reason": "Already known to the team"}
    )
    today = actions_concerns.raise_concern(
        inspector,
        member,
        {"what": "No plan after the incident", "agency": "police", "urgency": "immediate"},
    )
    assert queries_concerns.sample_concerns(member.sample) == [today, week, done]
    assert queries_concerns.waiting_count(member.sample) == 2


@pytest.mark.parametrize(
    ("data", "field", "said"),
    [
        ({"what": "x" * 1001}, "what", "Write at most 1000 characters"),
        ({"agency": "council"}, "agency", "Choose the agency that should act"),
        ({"urgency": "someday"}, "urgency", "Choose how soon the agency should act"),
        ({"question": "plan-smart"}, "question", "Choose a question of this record's reading"),
    ],
)
def test_the_action_refuses_a_concern_the_form_would_not_send(pair, data, field, said):
    member, inspector, _ = pair
    good = {"what": WHAT, "agency": "health", "urgency": "day"}
    with pytest.raises(ValidationError) as refused:
        actions_concerns.raise_concern(inspector, member, good | data)
    assert said in " ".join(refused.value.message_dict[field])
    assert not Concern.objects.exists()


@pytest.mark.parametrize(
    ("data", "field", "said"),
    [
        ({}, "passed_on", "Say whether the concern was passed to the senior manager"),
        ({"passed_on": "yes"}, "passed_date", "Give the date and time it was passed on"),
        (
            {"passed_on": "yes", "passed_at": "yesterday"},
            "passed_date",
            "Give the date and time it was passed on",
        ),
        (
            {"passed_on": "yes", "passed_at": timezone.now() + datetime.timedelta(days=1)},
            "passed_date",
            "Give a date and time that is not in the future",
        ),
        ({"passed_on": "no"}, "not_passed_reason", "Say why it was not passed on"),
    ],
)
def test_the_action_refuses_a_passing_on_the_form_would_not_send(pair, data, field, said):
    member, inspector, _ = pair
    concern = concern_of(member, inspector)
    with pytest.raises(ValidationError) as refused:
        actions_concerns.record_passing_on(inspector, concern, data)
    assert said in " ".join(refused.value.message_dict[field])
    concern.refresh_from_db()
    assert concern.recorded_at is None
