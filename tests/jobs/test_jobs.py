"""Jobs as people see them: publishing and large imports run as tasks, and the job's page
follows them (refreshing itself without JavaScript) to their result, or says why they failed and
that nothing changed. These run the tasks in the test process (the immediate backend, or the
dummy one, which queues without running); tests/jobs/test_worker.py runs a real worker."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks import default_task_backend

from followup.indicators import actions as indicator_actions
from followup.indicators.models import DataValue, ImportUpload
from followup.jobs import actions as job_actions
from followup.jobs.models import Job, WorkerHeartbeat
from followup.reports import render
from followup.reports.models import Publication
from tests.jobs.bigfile import big_csv

DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def cheap_files(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every format rendered as a few bytes (test_reports.py renders the real ones)."""
    monkeypatch.setattr(render, "render", lambda report, fmt: f"{fmt}:{report.title}".encode())


def publish(world: Any, who: str = "inspector") -> Any:
    url = reverse("reports:review_publish", args=["home", world.home.review.pk])
    return world.client_for(who).post(url, {"version": "1", "confirm": "on"})


def job_url(job: Job) -> str:
    return reverse("jobs:job", args=[job.partnership.slug, job.pk])


def new_job(world: Any) -> Job:
    """The one job started in the test (the world has a failed one in each partnership)."""
    return Job.objects.exclude(pk__in=[world.home.job.pk, world.away.job.pk]).get()


def run_queued(job: Job) -> None:
    """Run the job's task here, as a worker would."""
    result = default_task_backend.get_result(job.task_id) if job.task_id else None
    assert result is not None
    result.task.call(*result.args, **result.kwargs)


@override_settings(TASKS=DUMMY)
def test_publishing_runs_as_a_task_and_the_page_shows_its_progress(world, cheap_files):
    posted = publish(world)
    job = new_job(world)
    assert posted.status_code == 302
    assert posted["Location"] == job_url(job)
    assert (job.kind, job.state, job.started_by) == ("publish", "queued", world.users["inspector"])
    assert job.title == f"Publishing version 1 of “{world.home.review}”"
    assert not Publication.objects.exists()  # nothing yet: the worker has not run it

    client = world.client_for("viewer")  # any member may follow it
    response = client.get(job_url(job))
    page = response.content.decode()
    assert response["Refresh"] == "10"
    assert page.index('<a class="govuk-link" href="?refresh=off">Stop checking by itself</a>') < (
        page.index("<h1")
    )
    assert '<strong class="govuk-tag govuk-tag--grey">Queued</strong>' in page
    assert "Queued: Waiting for a worker." in page

    job_actions.report_progress(job, 3, 10, "Rendering")
    Job.objects.filter(pk=job.pk).update(state="running", done=3, total=10, stage="Rendering")
    page = client.get(job_url(job)).content.decode()
    assert '<p class="govuk-body" role="status">3 of 10 steps done: Rendering.</p>' in page
    assert '<strong class="govuk-tag govuk-tag--blue">Running</strong>' in page
    assert "<progress" not in page

    run_queued(job)
    job.refresh_from_db()
    assert (job.state, job.attempts, job.result_url) == ("done", 1, "/public/home/")
    publication = Publication.objects.get()
    assert (publication.version, publication.published_by) == (1, world.users["inspector"])
    done = client.get(job_url(job))
    assert done.status_code == 302 and done["Location"] == "/public/home/"
    assert [str(m) for m in get_messages(done.wsgi_request)] == [
        "Published version 1. It is on the public page and never changes."
    ]


def test_with_the_immediate_backend_the_publish_button_ends_on_the_public_page(world, cheap_files):
    followed = world.client_for("inspector").post(
        reverse("reports:review_publish", args=["home", world.home.review.pk]),
        {"version": "1", "confirm": "on"},
        follow=True,
    )
    assert [url for url, _ in followed.redirect_chain] == [
        job_url(new_job(world)),
        "/public/home/",
    ]
    assert "Published version 1." in followed.content.decode()
    assert Publication.objects.count() == 1


@override_settings(TASKS=DUMMY)
def test_a_publishing_job_rechecks_permission_as_the_person_who_started_it(world, cheap_files):
    publish(world)
    job = new_job(world)
    world.users["inspector"].memberships.all().delete()  # removed before the worker ran it
    run_queued(job)
    job.refresh_from_db()
    assert job.state == "failed"
    assert job.message == "You no longer have permission to do this. Nothing was changed."
    assert not Publication.objects.exists()
    response = world.client_for("lead").get(job_url(job))
    page = response.content.decode()
    assert "Refresh" not in response
    assert "refresh" not in page
    assert '<strong class="govuk-tag govuk-tag--red">Failed</strong>' in page
    assert "You no longer have permission to do this. Nothing was changed." in page


def test_a_job_that_fails_says_why_and_changes_nothing(world, monkeypatch):
    def broken(report: Any, fmt: str) -> bytes:
        if fmt == "docx":
            raise RuntimeError("the Word renderer broke")
        return b"rendered"

    monkeypatch.setattr(render, "render", broken)
    publish(world)
    job = new_job(world)
    assert job.state == "failed"
    assert job.message == (
        "An unexpected error stopped the job; it is in the worker's log for the operator. "
        "Nothing was changed."
    )
    assert not Publication.objects.exists()


def test_the_outsider_gets_404_from_another_partnerships_job_page(world):
    job = world.home.job
    assert world.client_for("outsider").get(job_url(job)).status_code == 404
    assert world.client_for("viewer").get(job_url(job)).status_code == 200
    away = world.away.job
    assert world.client_for("viewer").get(job_url(away)).status_code == 404
    wrong = reverse("jobs:job", args=["home", away.pk])  # another's job under one's own slug
    assert world.client_for("viewer").get(wrong).status_code == 404


def test_a_job_nobody_can_queue_fails_saying_so(world):
    class Unqueueable:
        def enqueue(self, **kwargs: Any) -> None:
            raise ConnectionError("queue unreachable")

    from followup.partnerships.access import Capability

    job = job_actions.start_job(
        world.users["lead"],
        world.home.partnership,
        kind=Job.Kind.IMPORT,
        title="Importing",
        capability=Capability.MANAGE_DATA,
        task=Unqueueable(),
        arguments={},
    )
    assert (job.state, job.message) == (
        "failed",
        "The job could not be queued. Nothing was changed.",
    )


def test_an_import_of_200000_rows_runs_as_a_task_with_progress(world, monkeypatch):
    """The web import of a staged file above FOLLOWUP_BACKGROUND_IMPORT_ROWS is a job; the
    importer reports the rows checked, every 10,000, and when it has checked the last.

    The issue's 200,000 rows on PostgreSQL; on SQLite 25,000, which make the same job with two
    reports of progress and a last one short of 10,000, in an eighth of the time (the SQLite
    run is the one held to five minutes)."""
    rows = 200_000 if connection.vendor == "postgresql" else 25_000
    lead = world.users["lead"]
    upload = indicator_actions.stage_upload(
        lead,
        world.home.partnership,
        filename="national.csv",
        data=big_csv(world.home.partnership.area.code, rows),
        release="Big return",
        create_elements=True,
    )
    seen: list[tuple[int, int]] = []
    real = job_actions.report_progress

    def spy(job: Job, done: int, total: int, stage: str) -> None:
        seen.append((done, total))
        real(job, done, total, stage)

    monkeypatch.setattr(job_actions, "report_progress", spy)
    url = reverse("indicators:upload_preview", args=["home", upload.pk])
    with override_settings(BACKGROUND_IMPORT_ROWS=rows - 1):
        posted = world.client_for("lead").post(url)
    job = new_job(world)
    assert posted["Location"] == job_url(job)
    assert job.title == f"Importing {rows:,} rows from national.csv"
    tens = [(n, rows) for n in range(10_000, rows + 1, 10_000)]
    assert seen == [(0, 0), *tens, *([(rows, rows)] if rows % 10_000 else [])]
    assert (job.state, job.done, job.total) == ("done", rows, rows)
    assert job.message == f"Imported {rows:,} figures from national.csv."
    assert DataValue.objects.filter(release__name="Big return").count() == rows
    assert ImportUpload.objects.get(pk=upload.pk).applied_at is not None


def test_a_small_import_stays_in_the_request(world):
    upload = world.home.upload
    url = reverse("indicators:upload_preview", args=["home", upload.pk])
    posted = world.client_for("lead").post(url)
    assert posted["Location"] == reverse("indicators:dashboard", args=["home"])
    assert not Job.objects.filter(kind="import", title__startswith="Importing 1 ").exists()
    assert DataValue.objects.filter(release__name="Homeshire return").count() == 1


def test_a_failed_import_job_changes_nothing_and_says_why(world):
    lead = world.users["lead"]
    data = big_csv(world.home.partnership.area.code, 50).replace(b",element_000,", b",,", 1)
    upload = indicator_actions.stage_upload(
        lead,
        world.home.partnership,
        filename="broken.csv",
        data=data,
        release="Broken return",
        create_elements=True,
    )
    with override_settings(BACKGROUND_IMPORT_ROWS=0):
        world.client_for("lead").post(
            reverse("indicators:upload_preview", args=["home", upload.pk])
        )
    job = Job.objects.get(title="Importing 50 rows from broken.csv")
    assert job.state == "failed"
    assert job.message == (
        "The file has problems; nothing was imported: line 2, column data_element: a data "
        "element code is required. Nothing was changed."
    )
    assert not DataValue.objects.filter(release__name="Broken return").exists()
    assert ImportUpload.objects.get(pk=upload.pk).applied_at is None
    page = world.client_for("lead").get(job_url(job)).content.decode()
    assert re.search(
        r"The file has problems; nothing was imported: line 2, column data_element: a data "
        r"element code is required\. Nothing was changed\.",
        page,
    )


def test_a_running_import_shows_the_rows_checked_so_far(world):
    job = world.home.job
    Job.objects.filter(pk=job.pk).update(
        state="running", done=40_000, total=200_000, stage="Checking and writing the rows"
    )
    response = world.client_for("viewer").get(job_url(job))
    page = response.content.decode()
    assert (
        '<p class="govuk-body" role="status">40,000 of 200,000 rows done: '
        "Checking and writing the rows.</p>"
    ) in page
    assert response["Refresh"] == "10"
    # The person may stop the page reloading itself (WCAG 2.2.1), and check when they choose.
    stopped = world.client_for("viewer").get(job_url(job) + "?refresh=off")
    assert "Refresh" not in stopped
    assert "Check progress now</a>" in stopped.content.decode()


def test_the_worker_refuses_to_start_when_jobs_run_in_the_request(capsys):
    from argparse import Namespace

    from followup.cli_worker import cmd_worker

    # The tests' settings: FOLLOWUP_TASKS_BACKEND=immediate.
    assert cmd_worker(Namespace(interval=1.0, worker_id="", batch=False)) == 1
    assert capsys.readouterr().err == (
        "FOLLOWUP_TASKS_BACKEND is 'immediate': jobs run where they are started, so there is "
        "nothing for a worker to do. Set it to 'database' to use one.\n"
    )


NO_WORKER = "No worker is running, so this job cannot go ahead."


@override_settings(TASKS_BACKEND_NAME="database", WORKER_STALE_SECONDS=60)
def test_a_waiting_job_says_when_no_worker_is_running_and_what_to_do(world):
    job = Job.objects.create(
        partnership=world.home.partnership, kind=Job.Kind.IMPORT, title="Importing", stage="x"
    )
    page = world.client_for("viewer").get(job_url(job)).content.decode()
    assert NO_WORKER in page
    assert (
        "Ask the service administrator to start one: the command <code>followup worker</code>, "
        "run beside the web server"
    ) in page
    # A worker heard from lately: nothing to say. One gone quiet: said again.
    job_actions.beat("w1", "")
    assert NO_WORKER not in world.client_for("viewer").get(job_url(job)).content.decode()
    WorkerHeartbeat.objects.update(last_seen=timezone.now() - datetime.timedelta(seconds=61))
    assert NO_WORKER in world.client_for("viewer").get(job_url(job)).content.decode()
    # A finished job waits for nothing.
    assert NO_WORKER not in world.client_for("viewer").get(job_url(world.home.job)).content.decode()


def test_with_jobs_run_in_the_request_no_worker_is_expected(world):
    job = Job.objects.create(partnership=world.home.partnership, kind=Job.Kind.IMPORT, title="I")
    assert NO_WORKER not in world.client_for("viewer").get(job_url(job)).content.decode()


@override_settings(TASKS=DUMMY, BACKGROUND_IMPORT_ROWS=0)
def test_pressing_import_again_while_the_import_waits_goes_to_the_same_job(world):
    upload = indicator_actions.stage_upload(
        world.users["lead"],
        world.home.partnership,
        filename="twice.csv",
        data=big_csv(world.home.partnership.area.code, 50),
        release="Twice return",
        create_elements=True,
    )
    url = reverse("indicators:upload_preview", args=["home", upload.pk])
    client = world.client_for("lead")
    first, second = client.post(url), client.post(url)
    job = new_job(world)  # one job: the second press found the first's
    assert first["Location"] == second["Location"] == job_url(job)
    assert ImportUpload.objects.get(pk=upload.pk).job == job
    page = client.get(url).content.decode()
    assert (
        "This file is being imported in the background (queued). "
        f'<a class="govuk-link" href="{job_url(job)}">Follow the import</a>.'
    ) in page
    assert "Import 50 figures</button>" not in page

    run_queued(job)
    job.refresh_from_db()
    assert (job.state, job.message) == ("done", "Imported 50 figures from twice.csv.")
    assert "This file has already been imported" in client.get(url).content.decode()


@override_settings(TASKS=DUMMY, BACKGROUND_IMPORT_ROWS=0)
def test_after_a_failed_import_job_import_starts_a_new_one(world):
    upload = world.home.upload
    url = reverse("indicators:upload_preview", args=["home", upload.pk])
    client = world.client_for("lead")
    first = Job.objects.get(pk=int(client.post(url)["Location"].rstrip("/").split("/")[-1]))
    job_actions.fail_job(first, "The worker stopped.")
    again = client.post(url)
    assert again["Location"] != job_url(first)
    assert ImportUpload.objects.get(pk=upload.pk).job_id != first.pk
    assert Job.objects.filter(kind="import", state="queued").count() == 1
