"""Publishing as the inspectorate does it: inspectors and administrators only, through a check
page, once per version however often the button is pressed.

Rendering a PDF costs seconds, so these tests publish with the formats replaced by cheap bytes
(``cheap_files``): what is published is tested in test_reports.py, with real files.
"""

from __future__ import annotations

import datetime
import html
import re
import threading

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from followup.reports import actions, queries, render
from followup.reports.models import Publication


@pytest.fixture
def cheap_files(monkeypatch):
    """Every format rendered as a few bytes that still differ by report and format."""

    def fake(report, fmt):
        edition = report.edition
        version = f"v{edition.version} of {edition.published_on}" if edition else "no version"
        return f"{fmt}:{report.title}:{report.draft}:{report.date}:{version}".encode()

    monkeypatch.setattr(render, "render", fake)


def publish_url(world, kind):
    site = world.home
    if kind == "review":
        return reverse("reports:review_publish", args=["home", site.review.pk])
    return reverse("reports:inspection_publish", args=["home", site.inspection.pk])


def target(world, kind):
    site = world.home
    return {"review": site.review} if kind == "review" else {"inspection": site.inspection}


def test_a_lead_officer_cannot_publish_the_inspectorates_documents(world, cheap_files):
    lead = world.users["lead"]
    with pytest.raises(PermissionDenied):
        actions.publish(lead, review=world.home.review)
    with pytest.raises(PermissionDenied):
        actions.publish(lead, inspection=world.home.inspection)
    client = world.client_for("lead")
    for kind in ("review", "inspection"):
        assert client.get(publish_url(world, kind)).status_code == 403
        posted = client.post(publish_url(world, kind), {"version": "1", "confirm": "on"})
        assert posted.status_code == 403
    refused = client.get(publish_url(world, "review")).content.decode()
    assert "Only inspectors and administrators can publish reports." in refused
    assert "lead officer" not in refused
    preview = client.get(reverse("reports:review", args=["home", world.home.review.pk]))
    assert "an inspector or an administrator publishes it" in preview.content.decode()
    assert "Check and publish" not in preview.content.decode()
    assert not Publication.objects.exists()


def test_the_outsider_cannot_publish_another_partnerships_report(world, cheap_files):
    client = world.client_for("outsider")
    for kind in ("review", "inspection"):
        response = client.post(publish_url(world, kind), {"version": "1", "confirm": "on"})
        assert response.status_code == 404
    with pytest.raises(Exception, match="No such page"):
        actions.publish(world.users["outsider"], review=world.home.review)
    assert not Publication.objects.exists()


@pytest.mark.parametrize("who", ["inspector", "admin"])
def test_the_check_page_lists_the_document_its_version_what_it_replaces_and_the_gaps(
    world, cheap_files, who
):
    site = world.home
    site.indicator.recommendations.clear()  # a gap the preview reports
    client = world.client_for(who)
    url = publish_url(world, "review")
    page = client.get(url).content.decode()
    assert "Check before publishing" in page
    assert f"Progress review report: {site.review.title}" in page
    assert "This will be version 1" in page
    assert "Nothing: this is the first version." in page
    assert "Recommendation 1 has no indicators linked." in page
    assert "Evidence cut-off" in page
    assert 'name="version" value="1"' in page and 'name="confirm"' in page
    assert "Publish version 1" in page
    assert client.post(url, {"version": "1", "confirm": "on"}).status_code == 302
    again = client.get(url).content.decode()
    assert "This will be version 2" in again
    assert "Version 1, published on" in again and f"by {who}" in again
    assert 'name="correction_note"' in again


def date_on_the_report(page: str) -> str:
    row = re.search(r"Date on the report</dt><dd[^>]*>(.*?)</dd>", page, re.S)
    assert row is not None
    return html.unescape(row.group(1))


def test_a_report_with_no_date_of_its_own_is_published_dated_and_the_check_page_says_so(
    world, cheap_files
):
    review = world.home.review
    assert review.published_on is None
    today = timezone.localdate()
    day = f"{today.day} {today:%B %Y}"
    client = world.client_for("inspector")
    url = publish_url(world, "review")
    assert date_on_the_report(client.get(url).content.decode()) == (
        f"{day}: today, the day it is published, because the review has no publication date "
        "of its own. To date it otherwise, set the publication date on the review's page first."
    )
    assert client.post(url, {"version": "1", "confirm": "on"}).status_code == 302
    first = Publication.objects.get(review=review, version=1)
    assert first.content("html") == f"html:{review.title}:False:{today}:v1 of {today}".encode()
    # A correction keeps the date of the version it corrects, and says when it was published.
    Publication.objects.filter(pk=first.pk).update(
        published_at=first.published_at - datetime.timedelta(days=3)
    )
    earlier = timezone.localdate(first.published_at - datetime.timedelta(days=3))
    assert date_on_the_report(client.get(url).content.decode()) == (
        f"{earlier.day} {earlier:%B %Y}, the day version 1 was published: the review has no "
        "publication date of its own, and a correction keeps the date of the report it corrects."
    )
    form = {"version": "2", "confirm": "on", "correction_note": "A figure"}
    assert client.post(url, form).status_code == 302
    second = Publication.objects.get(review=review, version=2)
    assert second.content("pdf") == f"pdf:{review.title}:False:{earlier}:v2 of {today}".encode()


def test_a_report_with_a_date_of_its_own_is_published_with_it(world, cheap_files):
    inspection = world.home.inspection
    assert inspection.published_on == datetime.date(2016, 10, 4)
    client = world.client_for("admin")
    url = publish_url(world, "inspection")
    assert date_on_the_report(client.get(url).content.decode()) == (
        "4 October 2016, the inspection's publication date."
    )
    assert client.post(url, {"version": "1", "confirm": "on"}).status_code == 302
    today = timezone.localdate()
    assert Publication.objects.get().content("docx") == (
        f"docx:{inspection.title}:False:2016-10-04:v1 of {today}".encode()
    )


def test_publishing_needs_the_confirmation_and_a_correction_says_what_it_corrects(
    world, cheap_files
):
    client = world.client_for("inspector")
    url = publish_url(world, "inspection")
    unconfirmed = client.post(url, {"version": "1"})
    assert unconfirmed.status_code == 200
    assert "Confirm that you have checked the report" in unconfirmed.content.decode()
    assert not Publication.objects.exists()
    assert client.post(url, {"version": "1", "confirm": "on"}).status_code == 302
    silent = client.post(url, {"version": "2", "confirm": "on", "correction_note": " "})
    assert silent.status_code == 200
    assert "Say what this version corrects" in silent.content.decode()
    out_of_turn = client.post(url, {"version": "7", "confirm": "on", "correction_note": "x"})
    assert "The next version is 2" in out_of_turn.content.decode()
    assert Publication.objects.count() == 1


def test_every_draft_output_says_draft_and_the_published_files_do_not(world):
    from followup.reports.compose import inspection_report

    report = inspection_report(world.home.inspection)
    assert report.draft
    html = render.html(report)
    assert 'class="govuk-notification-banner followup-report__draft"' in html
    assert '@top-center { content: "DRAFT: not published"' in html  # every PDF page
    report.draft = False
    published = render.html(report)
    assert "DRAFT" not in published
    preview = world.client_for("viewer").get(
        reverse("reports:inspection", args=["home", world.home.inspection.pk])
    )
    assert "DRAFT: not published" in preview.content.decode()


@pytest.mark.parametrize("kind", ["review", "inspection"])
def test_the_second_of_two_identical_submits_is_told_it_is_already_done(world, cheap_files, kind):
    client = world.client_for("inspector")
    url = publish_url(world, kind)
    form = {"version": "1", "confirm": "on"}
    assert client.post(url, form).status_code == 302
    second = client.post(url, form)
    assert second.status_code == 200
    page = second.content.decode()
    assert "Version 1 is already published" in page
    assert "Nothing more was published" in page
    assert Publication.objects.filter(version=1).count() == 1
    # The same for a correction pressed twice.
    correction = {"version": "2", "confirm": "on", "correction_note": "Corrected a date"}
    assert client.post(url, correction).status_code == 302
    assert "Version 2 is already published" in client.post(url, correction).content.decode()
    assert sorted(Publication.objects.values_list("version", flat=True)) == [1, 2]


@pytest.mark.parametrize("kind", ["review", "inspection"])
def test_the_database_refuses_two_version_ones_of_a_document(world, kind):
    site = world.home
    fields = {
        "partnership": site.partnership,
        "kind": kind,
        "inspection": site.inspection,
        "review": site.review if kind == "review" else None,
        "title": "A report",
        "html": "",
        "pdf": "",
        "docx": "",
        "published_at": timezone.now(),
    }
    Publication.objects.create(version=1, **fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        Publication.objects.create(version=1, **fields)


def test_a_version_that_loses_a_race_at_the_constraint_is_told_it_is_already_done(
    world, cheap_files, monkeypatch
):
    """The lock makes the second publisher wait; were it ever bypassed, the unique constraint
    still refuses the second version 1, and the publisher is told which version won."""
    inspector = world.users["inspector"]
    winner = actions.publish(inspector, inspection=world.home.inspection, version=1)
    real = queries.latest_publication
    calls = {"n": 0}

    def stale(inspection, review):  # the two reads before the insert miss the winner
        calls["n"] += 1
        return None if calls["n"] <= 2 else real(inspection, review)

    monkeypatch.setattr(queries, "latest_publication", stale)
    with pytest.raises(actions.AlreadyPublished) as lost:
        actions.publish(inspector, inspection=world.home.inspection, version=1)
    assert lost.value.publication == winner
    assert Publication.objects.count() == 1


def test_a_version_published_while_another_was_rendered_is_not_published_twice(
    world, cheap_files, monkeypatch
):
    """Each file names its version: a publisher whose files were rendered as version 1 while
    someone else published version 1 publishes nothing, and is told which version won."""
    inspector = world.users["inspector"]
    inspection = world.home.inspection
    cheap = render.render
    meanwhile: list[Publication] = []

    def render_while_another_publishes(report, fmt):
        if not meanwhile:
            meanwhile.append(Publication(pk=0))  # only once: the other publisher renders too
            monkeypatch.setattr(render, "render", cheap)
            meanwhile[0] = actions.publish(inspector, inspection=inspection)
        return cheap(report, fmt)

    monkeypatch.setattr(render, "render", render_while_another_publishes)
    with pytest.raises(actions.AlreadyPublished) as lost:
        actions.publish(inspector, inspection=inspection)
    assert lost.value.publication == meanwhile[0]
    assert list(Publication.objects.values_list("version", flat=True)) == [1]


@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="the in-memory SQLite test database cannot hold two sessions' transactions; "
    "test_sqlite_writers_take_turns covers SQLite's locking",
)
@pytest.mark.django_db(transaction=True)
def test_two_publishers_at_once_make_one_version_and_the_other_is_told(world, cheap_files):
    """Two sessions publish the same report at the same moment, on the real database."""
    inspector = world.users["inspector"]
    review = world.home.review
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def publish() -> None:
        try:
            start.wait()
            actions.publish(inspector, review=review, version=1)
            outcomes.append("published")
        except actions.AlreadyPublished as done:
            outcomes.append(f"already version {done.publication.version}")
        finally:
            connection.close()

    threads = [threading.Thread(target=publish) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(outcomes) == ["already version 1", "published"]
    assert Publication.objects.filter(review=review).count() == 1


def test_sqlite_writers_take_turns(tmp_path, django_db_blocker):
    """With the settings' SQLite options, two transactions that read and then write the same
    table take turns: neither fails with "database is locked", and the second sees the first's
    row (as the second of two publishers does)."""
    from django.conf import settings
    from django.db.backends.sqlite3.base import DatabaseWrapper

    path = tmp_path / "race.sqlite3"

    def wrapper() -> DatabaseWrapper:
        return DatabaseWrapper(
            {
                "NAME": str(path),
                "OPTIONS": dict(settings.SQLITE_OPTIONS),
                "TIME_ZONE": None,
                "CONN_MAX_AGE": 0,
                "CONN_HEALTH_CHECKS": False,
                "AUTOCOMMIT": True,
                "ATOMIC_REQUESTS": False,
                "TEST": {},
                "USER": "",
                "PASSWORD": "",
                "HOST": "",
                "PORT": "",
            },
            alias="race",
        )

    django_db_blocker.unblock()
    setup = wrapper()
    with setup.cursor() as cursor:
        cursor.execute("CREATE TABLE version (number INTEGER UNIQUE)")
    setup.close()
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def publish() -> None:
        from django.db import connections

        connections["race"] = wrapper()
        try:
            start.wait()
            with transaction.atomic(using="race"), connections["race"].cursor() as cursor:
                cursor.execute("SELECT COUNT(*) FROM version WHERE number = 1")
                taken = cursor.fetchone()[0]
                threading.Event().wait(0.2)  # widen the window in which the other one starts
                if taken:
                    outcomes.append("already")
                else:
                    cursor.execute("INSERT INTO version VALUES (1)")
                    outcomes.append("published")
        except Exception as error:
            outcomes.append(repr(error))
        finally:
            connections["race"].close()

    threads = [threading.Thread(target=publish) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    django_db_blocker.restore()
    assert sorted(outcomes) == ["already", "published"]


def test_a_review_without_a_cut_off_takes_the_end_of_its_fieldwork_or_its_date(world):
    review = world.home.review
    assert review.cutoff is None
    review.published_on = datetime.date(2018, 5, 1)
    assert review.cutoff == datetime.date(2018, 5, 1)
    review.fieldwork_end = datetime.date(2018, 2, 23)
    assert review.cutoff == datetime.date(2018, 2, 23)
    review.evidence_cutoff = datetime.date(2018, 2, 28)
    assert review.cutoff == datetime.date(2018, 2, 28)
