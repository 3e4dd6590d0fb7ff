"""``lib.prepared``: a read compiled once for each shape of its arguments gives exactly the rows
the ORM gives for the same values, on SQLite and on PostgreSQL, and refuses a definition whose
values would not be parameters."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db.models import Count, Q, QuerySet
from django.db.models.expressions import RawSQL

from followup.jobs.models import Job
from followup.lib import prepared as prepared_module
from followup.lib.prepared import Prepared
from tests import factories as f

pytestmark = pytest.mark.django_db

NOON = datetime.datetime(2026, 3, 1, 12, 0, tzinfo=datetime.UTC)
built: list[dict[str, Any]] = []


def jobs(done: int, partnerships: list[int], since: datetime.datetime) -> QuerySet[Any]:
    """How many jobs that far along, queued or failed, there are since then in those
    partnerships: an id, a list of ids, a datetime and constants (the states) in one query."""
    built.append({"done": done, "partnerships": partnerships, "since": since})
    return (
        Job.objects.filter(
            done=done,
            partnership_id__in=partnerships,
            created_at__gte=since,
            state__in=[Job.State.QUEUED, Job.State.FAILED],
        )
        .values("done")
        .annotate(n=Count("pk"))
        .values_list("n")
    )


@pytest.fixture
def ids() -> list[int]:
    """Three partnerships, each with jobs 1 and 2 done, an hour apart, in three states; and the
    id of a partnership that does not exist."""
    partnerships: list[Any] = [f.PartnershipFactory() for _ in range(3)]
    for hour in range(6):
        for done in (1, 2):
            for partnership in partnerships:
                for state in (Job.State.QUEUED, Job.State.FAILED, Job.State.DONE):
                    job = Job.objects.create(
                        partnership=partnership, kind=Job.Kind.IMPORT, state=state, done=done
                    )
                    Job.objects.filter(pk=job.pk).update(
                        created_at=NOON + datetime.timedelta(hours=hour)
                    )
    return [p.pk for p in partnerships] + [partnerships[-1].pk + 100]


HOURS = datetime.timedelta(hours=1)
# (done, which partnerships (indexes into ``ids``), since, how many)
CASES = [
    (1, [0], NOON, 12),
    (1, [0, 1], NOON, 24),
    (2, [0, 1], NOON + 3 * HOURS, 12),  # the same shape as the one before
    (2, [2, 0, 1], NOON + 5 * HOURS, 6),  # exactly on the last hour: counted
    (1, [1, 1], NOON + 5 * HOURS + datetime.timedelta(microseconds=1), None),  # none as late
    (1, [3], NOON, None),  # no such partnership: no row
]


@pytest.mark.parametrize(("done", "which", "since", "count"), CASES)
def test_a_prepared_read_gives_the_orms_rows_for_every_value(ids, done, which, since, count):
    prepared = Prepared(jobs)
    partnerships = [ids[i] for i in which]
    for _ in range(2):  # compiled, then run from what was compiled
        expected = list(jobs(done, partnerships, since)[:1])
        row = prepared.first_row(done=done, partnerships=partnerships, since=since)
        assert row == (expected[0] if expected else None)
        assert (row[0] if row else None) == count


def test_each_shape_is_built_once_and_run_again_with_new_values(ids):
    prepared = Prepared(jobs)
    built.clear()
    counts = [
        prepared.first_row(done=done, partnerships=[ids[i] for i in which], since=since)
        for done, which, since, _ in CASES
    ]
    # Shapes: one id (twice); two ids (three times); three ids.
    assert len(built) == 3
    assert [c[0] if c else None for c in counts] == [count for *_, count in CASES]


def written_in(done: int) -> QuerySet[Any]:
    return Job.objects.annotate(mine=RawSQL(f"done = {done}", ())).values_list("pk", "mine")


def left_out(done: int) -> QuerySet[Any]:
    return Job.objects.filter(state=Job.State.QUEUED).order_by("pk").values_list("pk")


def test_a_value_written_into_the_sql_is_refused_when_first_compiled():
    with pytest.raises(ValueError, match="done is written into the SQL"):
        Prepared(written_in).first_row(done=5)


def test_an_argument_a_shape_does_not_use_is_left_out(ids):
    assert Prepared(left_out).first_row(done=5) == left_out(5).first()


def since_day(day: datetime.date, partnerships: list[int]) -> QuerySet[Any]:
    """Rows with a datetime, a boolean, a text and a number: what converters turn from SQLite's
    text and integers into Python's values."""
    return (
        Job.objects.filter(created_at__date__gte=day, partnership_id__in=partnerships)
        .annotate(failed=Q(state=Job.State.FAILED))
        .order_by("created_at", "pk")
        .values_list("created_at", "failed", "state", "done")
    )


@pytest.mark.parametrize("day", [NOON.date(), NOON.date() + datetime.timedelta(days=1)])
def test_rows_come_back_as_the_orm_gives_them_dates_and_booleans_converted(ids, day):
    prepared = Prepared(since_day)
    rows = prepared.rows(day=day, partnerships=ids[:2])
    assert rows == list(since_day(day, ids[:2]))
    assert len(rows) == (72 if day == NOON.date() else 0)
    if rows:
        assert isinstance(rows[0][0], datetime.datetime) and rows[0][0].tzinfo is not None
        assert {type(row[1]) for row in rows} == {bool}


def test_only_ids_lists_of_ids_dates_and_datetimes_are_taken():
    with pytest.raises(TypeError, match="ids, lists of ids, dates and datetimes"):
        Prepared(left_out).first_row(done="5")


def test_the_shapes_kept_are_bounded_and_a_forgotten_one_is_compiled_again(ids, monkeypatch):
    monkeypatch.setattr(prepared_module, "MAX_SHAPES", 2)
    prepared = Prepared(jobs)
    for n in (1, 2, 3, 1):
        row = prepared.first_row(done=1, partnerships=ids[:n], since=NOON)
        assert row == next(iter(jobs(1, ids[:n], NOON)), None)
        assert len(prepared._compiled) <= 2
