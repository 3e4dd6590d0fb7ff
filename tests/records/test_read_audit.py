"""Read access to a record's readings is audited as writes are: each time the record's page or
its moderation form is shown, the audit log names who saw it, in which partnership, and which
sampled record (by its row and reference, nothing of the child's). A refused view leaves no
entry."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from followup.audit.log import history
from followup.audit.models import AuditEntry
from followup.records import actions_reading
from followup.records.models import SampledRecord
from followup.records.queries import template_questions
from tests import factories as f
from tests.conftest import World

Pair = tuple[SampledRecord, Any, Any]


def views() -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(verb="record.view").order_by("id"))


def client_of(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def record_url(member: SampledRecord) -> str:
    return reverse("records:record", args=["home", member.pk])


def moderate_url(member: SampledRecord) -> str:
    return reverse("records:moderate", args=["home", member.pk])


def submit_both(member: SampledRecord, inspector: Any, reader: Any) -> None:
    """Both of the pair submit a reading with every question answered."""
    assert member.sample.template is not None
    by_type = {"six_point": "4", "yes_no_na": "yes", "free_text": ""}
    values = {f"q-{q.key}": by_type[q.answer] for q in template_questions(member.sample.template)}
    for user in (inspector, reader):
        actions_reading.save_reading(user, member, values, submit=True)


@pytest.fixture
def pair(world: World) -> Pair:
    reader = f.UserFactory(username="reader")
    f.MembershipFactory(user=reader, partnership=world.home.partnership, role="reader")
    member = f.paired_record(world.home.inspection, world.users["inspector"], reader)
    return member, world.users["inspector"], reader


def test_the_inspector_viewing_the_record_page_adds_one_entry_naming_them_and_the_record(
    world: World, pair: Pair
) -> None:
    member, inspector, _reader = pair
    assert views() == []
    assert client_of(inspector).get(record_url(member)).status_code == 200
    (entry,) = views()
    assert (entry.actor_id, entry.actor_name) == (inspector.pk, "inspector")
    assert (entry.partnership_id, entry.partnership_name) == (
        world.home.partnership.pk,
        "Homeshire",
    )
    assert (entry.object_type, entry.object_id) == ("records.sampledrecord", str(member.pk))
    assert entry.changes == {"page": [None, "the record's page"]}


def test_the_entry_names_the_record_by_its_row_and_reference_only(pair: Pair) -> None:
    member, inspector, _reader = pair
    client_of(inspector).get(record_url(member))
    (entry,) = views()
    record = member.record
    assert entry.object_repr == f"Row {record.row} ({record.reference}) in sample 1 (random)"
    assert record.digest not in str(entry.changes) + entry.object_repr


def test_each_view_is_recorded_and_the_reader_s_view_names_the_reader(pair: Pair) -> None:
    member, inspector, reader = pair
    client_of(inspector).get(record_url(member))
    client_of(inspector).get(record_url(member))
    client_of(reader).get(record_url(member))
    assert [entry.actor_name for entry in views()] == ["inspector", "inspector", "reader"]


def test_the_views_are_in_the_record_s_history_and_read_as_the_page_shown(pair: Pair) -> None:
    member, inspector, _reader = pair
    client_of(inspector).get(record_url(member))
    (entry,) = views()
    assert list(history([member])) == [entry]
    (line,) = entry.lines()
    assert (line.label, line.new) == ("Page", "the record's page")


def test_a_draft_saved_is_recorded_as_a_save_and_the_page_shown_after_it_as_a_view(
    pair: Pair,
) -> None:
    member, _inspector, reader = pair
    client = client_of(reader)
    response = client.post(record_url(member), {"action": "draft", "saved": ""})
    assert response.status_code == 302
    assert views() == []
    assert AuditEntry.objects.filter(verb="reading.save").count() == 1
    client.get(response["Location"])
    assert [entry.actor_name for entry in views()] == ["reader"]


@pytest.mark.parametrize(
    ("who", "status"),
    [("outsider", 404), ("viewer", 403), ("lead", 403), ("other reader", 404), (None, 302)],
)
def test_a_refused_view_of_the_record_page_adds_no_entry(
    world: World, pair: Pair, who: str | None, status: int
) -> None:
    member, _inspector, _reader = pair
    if who == "other reader":  # a local reader of the partnership, not of this record's pair
        other = f.UserFactory(username="other-reader")
        f.MembershipFactory(user=other, partnership=world.home.partnership, role="reader")
        client = client_of(other)
    else:
        client = world.client_for(who)
    assert client.get(record_url(member)).status_code == status
    assert views() == []


def test_the_moderation_form_showing_both_readings_adds_one_entry_naming_that_page(
    pair: Pair,
) -> None:
    member, inspector, reader = pair
    submit_both(member, inspector, reader)
    assert client_of(inspector).get(moderate_url(member)).status_code == 200
    (entry,) = views()
    assert (entry.actor_name, entry.object_id) == ("inspector", str(member.pk))
    assert entry.changes == {"page": [None, "the moderation page"]}


def test_the_moderation_page_before_both_submit_shows_no_answer_and_adds_no_entry(
    pair: Pair,
) -> None:
    member, inspector, _reader = pair
    response = client_of(inspector).get(moderate_url(member))
    assert response.status_code == 200
    assert "The readings are moderated once both are submitted" in response.content.decode()
    assert views() == []


def test_the_reader_refused_the_moderation_page_adds_no_entry(pair: Pair) -> None:
    member, inspector, reader = pair
    submit_both(member, inspector, reader)
    assert client_of(reader).get(moderate_url(member)).status_code == 403
    assert views() == []
