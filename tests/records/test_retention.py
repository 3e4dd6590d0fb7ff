"""The retention rule: ``FOLLOWUP_RECORDS_RETENTION_MONTHS`` after an inspection is published,
``followup tick`` deletes its records reading (returns with the record keys' hashes, samples,
pairs, shared records, readings, answers, moderated answers and concerns), records that it did
with the counts, and the records reading page says so. Nothing sooner, nothing twice, never a
draft inspection's, and each inspection on its own."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from followup.audit.models import AuditEntry
from followup.cli import build_parser
from followup.inspections.models import Inspection
from followup.lib.types import CommandLine
from followup.records.actions_retention import delete_expired_readings, months_before
from followup.records.models import (
    Answer,
    Assignment,
    Concern,
    FrameRecord,
    Moderation,
    Reading,
    ReadingPair,
    RecordsDeletion,
    RecordsReturn,
    Sample,
    SampledRecord,
)
from followup.records.queries import template_questions
from followup.settings_registry import BY_NAME, setting_int
from tests import factories as f
from tests.conftest import World

MONTHS = 12
DELETED = "Inspections' records readings deleted (retention rule): "


@dataclass
class Held:
    """An inspection's records reading, written directly: one return of six children, a sample
    of three, one pair reading one record (both readings submitted, one answer moderated) and
    one concern about it."""

    inspection: Inspection
    frame: RecordsReturn
    member: SampledRecord
    questions: int


def reading_of(inspection: Inspection, inspector: Any) -> Held:
    member = f.paired_record(inspection, inspector)
    template = member.sample.template
    assert template is not None
    questions = template_questions(template)
    pair = ReadingPair.objects.get(sample=member.sample)
    for reader in (pair.inspector, pair.reader):
        reading = Reading.objects.create(
            member=member, reader=reader, status=Reading.Status.SUBMITTED
        )
        Answer.objects.bulk_create(
            Answer(reading=reading, question=question, value="4") for question in questions
        )
    Moderation.objects.create(member=member, question=questions[0], value="4")
    Concern.objects.create(
        member=member, raised_by=inspector, what="Chronology gap", agency="health", urgency="day"
    )
    return Held(inspection, member.sample.frame, member, len(questions))


def published(inspection: Inspection, on: datetime.date, status: str = "published") -> None:
    Inspection.objects.filter(pk=inspection.pk).update(published_on=on, status=status)


def due_today() -> datetime.date:
    """The latest publication date whose readings the rule deletes today."""
    return months_before(timezone.localdate(), MONTHS)


def rows_of(inspection: Inspection) -> dict[str, int]:
    """How many rows of each kind the inspection's records reading holds."""
    under = {"sample__frame__inspection": inspection}
    return {
        "returns": RecordsReturn.objects.filter(inspection=inspection).count(),
        "records": FrameRecord.objects.filter(frame__inspection=inspection).count(),
        "samples": Sample.objects.filter(frame__inspection=inspection).count(),
        "sampled": SampledRecord.objects.filter(**under).count(),
        "pairs": ReadingPair.objects.filter(**under).count(),
        "assignments": Assignment.objects.filter(
            member__sample__frame__inspection=inspection
        ).count(),
        "readings": Reading.objects.filter(member__sample__frame__inspection=inspection).count(),
        "answers": Answer.objects.filter(
            reading__member__sample__frame__inspection=inspection
        ).count(),
        "moderations": Moderation.objects.filter(
            member__sample__frame__inspection=inspection
        ).count(),
        "concerns": Concern.objects.filter(member__sample__frame__inspection=inspection).count(),
    }


def held(reading: Held) -> dict[str, int]:
    """What ``reading_of`` writes."""
    return {
        "returns": 1,
        "records": 6,
        "samples": 1,
        "sampled": 3,
        "pairs": 1,
        "assignments": 1,
        "readings": 2,
        "answers": 2 * reading.questions,
        "moderations": 1,
        "concerns": 1,
    }


NONE = dict.fromkeys(
    [
        "returns",
        "records",
        "samples",
        "sampled",
        "pairs",
        "assignments",
        "readings",
        "answers",
        "moderations",
        "concerns",
    ],
    0,
)


def tick(capsys: Any) -> str:
    args = build_parser().parse_args(["tick"])
    with override_settings(RECORDS_RETENTION_MONTHS=MONTHS):
        assert args.handler(args) == 0
    return str(capsys.readouterr().out)


@pytest.fixture
def home(world: World) -> Held:
    return reading_of(world.home.inspection, world.users["inspector"])


@pytest.fixture
def away(world: World) -> Held:
    return reading_of(world.away.inspection, f.UserFactory(username="away-inspector"))


def test_a_day_short_of_the_months_a_tick_deletes_nothing(home: Held, capsys: Any) -> None:
    published(home.inspection, due_today() + datetime.timedelta(days=1))
    assert tick(capsys) == "Nothing to do.\n"
    assert rows_of(home.inspection) == held(home)
    assert not RecordsDeletion.objects.exists()
    assert not AuditEntry.objects.filter(verb__startswith="records").exists()


def test_on_the_day_the_months_have_passed_a_tick_deletes_everything_the_reading_held(
    home: Held, capsys: Any
) -> None:
    published(home.inspection, due_today())
    digests = list(FrameRecord.objects.filter(frame=home.frame).values_list("digest", flat=True))
    assert tick(capsys) == DELETED + "1.\n"
    assert rows_of(home.inspection) == NONE
    assert not FrameRecord.objects.filter(digest__in=digests).exists()  # the key mapping
    home.inspection.refresh_from_db()  # the inspection itself stays


def test_the_deletion_is_recorded_with_the_counts_the_rule_and_the_date(
    world: World, home: Held, capsys: Any
) -> None:
    published(home.inspection, due_today())
    tick(capsys)
    deletion = RecordsDeletion.objects.get()
    assert deletion.inspection_id == home.inspection.pk
    assert (deletion.published_on, deletion.retention_months) == (due_today(), MONTHS)
    assert timezone.localdate(deletion.deleted_at) == timezone.localdate()
    counts = held(home)
    del counts["assignments"]
    assert {name: getattr(deletion, name) for name in counts} == counts

    (gone,) = AuditEntry.objects.filter(verb="records_return.delete")
    assert (gone.object_type, gone.object_id) == ("records.recordsreturn", str(home.frame.pk))
    assert gone.partnership_id == world.home.partnership.pk
    assert gone.actor_name.startswith("cli:")
    assert gone.changes["reason"] == [None, f"retention rule, {MONTHS} months"]
    (made,) = AuditEntry.objects.filter(verb="records.retention_delete")
    assert (made.object_type, made.object_id) == ("records.recordsdeletion", str(deletion.pk))
    assert made.changes["readings"] == [None, 2] and made.changes["concerns"] == [None, 1]
    tick_entry = AuditEntry.objects.get(verb="command.tick")
    assert tick_entry.changes == {
        "inspections' records readings deleted (retention rule)": [None, 1]
    }


def test_a_second_tick_changes_nothing(home: Held, capsys: Any) -> None:
    published(home.inspection, due_today())
    tick(capsys)
    entries = AuditEntry.objects.count()
    assert tick(capsys) == "Nothing to do.\n"
    assert RecordsDeletion.objects.count() == 1
    assert AuditEntry.objects.count() == entries


@pytest.mark.parametrize(
    ("status", "on"),
    [("draft", datetime.date(2016, 10, 4)), ("draft", None), ("published", None)],
)
def test_an_inspection_not_published_or_without_its_date_is_never_touched(
    home: Held, capsys: Any, status: str, on: datetime.date | None
) -> None:
    Inspection.objects.filter(pk=home.inspection.pk).update(status=status, published_on=on)
    assert tick(capsys) == "Nothing to do.\n"
    assert rows_of(home.inspection) == held(home)
    assert not RecordsDeletion.objects.exists()


def test_another_partnership_s_inspection_published_the_same_day_is_deleted_on_its_own(
    world: World, home: Held, away: Held, capsys: Any
) -> None:
    for reading in (home, away):
        published(reading.inspection, due_today())
    Concern.objects.filter(member=away.member).delete()  # so that the counts differ
    assert tick(capsys) == DELETED + "2.\n"
    assert rows_of(home.inspection) == rows_of(away.inspection) == NONE
    by_inspection = {d.inspection_id: d for d in RecordsDeletion.objects.all()}
    assert set(by_inspection) == {home.inspection.pk, away.inspection.pk}
    assert (
        by_inspection[home.inspection.pk].concerns,
        by_inspection[away.inspection.pk].concerns,
    ) == (1, 0)
    entries = AuditEntry.objects.filter(verb="records.retention_delete")
    assert {(e.partnership_id, e.object_id) for e in entries} == {
        (world.home.partnership.pk, str(by_inspection[home.inspection.pk].pk)),
        (world.away.partnership.pk, str(by_inspection[away.inspection.pk].pk)),
    }


def test_an_inspection_published_later_keeps_its_reading_while_another_s_is_deleted(
    home: Held, away: Held, capsys: Any
) -> None:
    published(home.inspection, due_today())
    published(away.inspection, due_today() + datetime.timedelta(days=1))
    assert tick(capsys) == DELETED + "1.\n"
    assert rows_of(home.inspection) == NONE
    assert rows_of(away.inspection) == held(away)
    assert list(RecordsDeletion.objects.values_list("inspection_id", flat=True)) == [
        home.inspection.pk
    ]


def test_an_illustrative_return_the_demo_s_is_kept(home: Held, capsys: Any) -> None:
    published(home.inspection, due_today())
    RecordsReturn.objects.filter(pk=home.frame.pk).update(is_illustrative=True)
    assert tick(capsys) == "Nothing to do.\n"
    assert rows_of(home.inspection) == held(home)


def test_the_records_reading_page_says_when_the_reading_was_deleted_and_under_which_rule(
    world: World, home: Held, capsys: Any
) -> None:
    published(home.inspection, datetime.date(2016, 10, 4))
    url = reverse("records:reading", args=["home", home.inspection.pk])
    client = world.client_for("inspector")
    before = client.get(url).content.decode()
    assert 'id="records-deleted"' not in before and "return.csv" in before
    tick(capsys)
    page = client.get(url).content.decode()
    today = timezone.localdate()
    assert (
        f"This inspection's records reading was deleted on {today.day} "
        f"{today:%B %Y} under the retention rule: Followup keeps a records reading for "
        "12 months after the inspection is published, and this one was published on "
        "4 October 2016." in page
    )
    assert "1 pre-inspection return, listing 6 children" in page
    assert "2 readings (" in page and "1 moderated answer and 1 concern" in page
    assert "No return has been uploaded yet" not in page
    assert "Upload the pre-inspection return" not in page


def test_a_deleted_record_s_page_is_not_found_and_its_view_is_not_recorded(
    world: World, home: Held, capsys: Any
) -> None:
    published(home.inspection, due_today())
    url = reverse("records:record", args=["home", home.member.pk])
    tick(capsys)
    assert world.client_for("inspector").get(url).status_code == 404
    assert not AuditEntry.objects.filter(verb="record.view").exists()


def test_the_months_are_counted_as_calendar_months_to_the_shorter_month_s_last_day() -> None:
    assert months_before(datetime.date(2026, 3, 31), 1) == datetime.date(2026, 2, 28)
    assert months_before(datetime.date(2028, 3, 31), 1) == datetime.date(2028, 2, 29)
    assert months_before(datetime.date(2026, 1, 15), 12) == datetime.date(2025, 1, 15)
    assert months_before(datetime.date(2026, 1, 15), 13) == datetime.date(2024, 12, 15)


def test_the_rule_counts_from_the_date_given_so_a_run_on_an_earlier_day_deletes_nothing(
    home: Held,
) -> None:
    published(home.inspection, datetime.date(2025, 3, 31))
    actor = CommandLine("tests")
    assert delete_expired_readings(actor, today=datetime.date(2026, 3, 30), months=12) == []
    assert rows_of(home.inspection) == held(home)
    (deletion,) = delete_expired_readings(actor, today=datetime.date(2026, 3, 31), months=12)
    assert deletion.inspection_id == home.inspection.pk


def test_the_setting_is_a_whole_number_of_months_from_1_to_120_twelve_unless_set(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    name = "FOLLOWUP_RECORDS_RETENTION_MONTHS"
    monkeypatch.delenv(name, raising=False)
    assert setting_int(name) == BY_NAME[name].default == 12
    monkeypatch.setenv(name, "0")
    with pytest.raises(ImproperlyConfigured, match="must be at least 1; got 0"):
        setting_int(name)
    monkeypatch.setenv(name, "121")
    with pytest.raises(ImproperlyConfigured, match="must be at most 120; got 121"):
        setting_int(name)
    monkeypatch.setenv(name, "six")
    with pytest.raises(ImproperlyConfigured):
        setting_int(name)
