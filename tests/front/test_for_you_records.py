"""Children's records on the "For you" page: the records assigned to a person's reading pairs
that they have still to read, then those they are to moderate as the pair's inspector; never
another pair's, never another partnership's."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from followup.front.foryou import for_you, for_you_count
from followup.records.models import Moderation, Reading, SampledRecord, TemplateQuestion
from tests import factories as f
from tests.conftest import World

pytestmark = pytest.mark.django_db


def records(world: World, name: str) -> list[tuple[str, str]]:
    user = world.users[name]
    return [(item.title, item.url) for group in for_you(user).groups for item in group.records]


def submit(member: SampledRecord, reader: Any) -> None:
    Reading.objects.create(
        member=member, reader=reader, status=Reading.Status.SUBMITTED, submitted_at=timezone.now()
    )


def test_a_record_waits_for_each_of_its_pair_until_they_submit_their_reading(
    world: World,
) -> None:
    member = f.paired_record(world.home.inspection, world.users["inspector"])
    pair = member.assignment.pair
    url = reverse("records:record", args=["home", member.pk])
    title = f"Read the record at row {member.record.row}"
    assert records(world, "inspector") == [(title, url)]
    assert [(i.title, i.url) for g in for_you(pair.reader).groups for i in g.records] == [
        (title, url)
    ]
    assert for_you_count(pair.reader) == 1
    submit(member, pair.reader)
    assert for_you_count(pair.reader) == 0
    assert records(world, "inspector") == [(title, url)]


def test_the_pairs_inspector_is_asked_to_moderate_once_both_have_submitted(
    world: World,
) -> None:
    member = f.paired_record(world.home.inspection, world.users["inspector"])
    pair = member.assignment.pair
    submit(member, pair.reader)
    submit(member, world.users["inspector"])
    moderate = reverse("records:moderate", args=["home", member.pk])
    assert records(world, "inspector") == [
        (f"Moderate the record at row {member.record.row}", moderate)
    ]
    assert for_you_count(pair.reader) == 0
    question = TemplateQuestion.objects.filter(template=member.sample.template).first()
    assert question is not None
    Moderation.objects.create(member=member, question=question, value="4")
    assert records(world, "inspector") == []


def test_nobody_outside_the_pair_is_asked_to_read_its_records(world: World) -> None:
    f.paired_record(world.home.inspection, world.users["inspector"])
    for name in ("lead", "editor", "contributor", "viewer", "admin", "outsider"):
        assert records(world, name) == [], name
    # Made a viewer here too, the outsider still reads nothing: only the pair reads.
    f.MembershipFactory(
        user=world.users["outsider"], partnership=world.home.partnership, role="viewer"
    )
    assert records(world, "outsider") == []


def test_the_page_lists_the_records_and_links_to_the_reading_queue(world: World) -> None:
    member = f.paired_record(world.home.inspection, world.users["inspector"])
    client = world.client_for("inspector")
    html = client.get(reverse("front:for_you")).content.decode()
    assert "Children&#x27;s records for you to read or moderate (1)" in html or (
        "Children's records for you to read or moderate (1)" in html
    )
    assert reverse("records:record", args=["home", member.pk]) in html
    assert reverse("records:queue", args=["home"]) in html
