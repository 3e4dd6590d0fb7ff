"""Large downloads prepared in the background (FOLLOWUP_BACKGROUND_EXPORT_ROWS): every excerpt
as CSV or XLSX, and the whole REFI-QDA project. Above the setting, the download's address shows
a page with a button; the button starts a job, whose page then gives the file to the person who
asked, and to nobody else: the same bytes the download would have sent them. `followup tick`
deletes the file after FOLLOWUP_EXPORT_DAYS. The tasks run in the test process (the immediate
backend, or the dummy one, which queues without running)."""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from followup.audit.models import AuditEntry
from followup.cli import build_parser
from followup.evidence import actions as evidence_actions
from followup.evidence.models import Code, Coding
from followup.jobs import actions as job_actions
from followup.jobs import exports
from followup.jobs.models import Job
from followup.lib.storedfiles import default as storage
from followup.partnerships.models import Membership
from tests.jobs.test_jobs import DUMMY, job_url, run_queued

PASSAGES = 30
SMALL = {"BACKGROUND_EXPORT_ROWS": 1_000}
LARGE = {"BACKGROUND_EXPORT_ROWS": PASSAGES - 1}


@pytest.fixture
def coded(world: Any) -> Code:
    """A source of the home partnership with ``PASSAGES`` coded passages, one of them a formula."""
    lead = world.users["lead"]
    text = "".join(f"=Passage {n:02d} said this. " for n in range(PASSAGES))
    source = evidence_actions.create_source(
        lead, world.home.partnership, {"title": "Many", "kind": "document", "text": text}
    )
    code = evidence_actions.create_code(lead, world.home.partnership, {"name": "Many said"})
    step = len(text) // PASSAGES
    evidence_actions.code_spans(
        lead, source, code, [(n * step, n * step + 20) for n in range(PASSAGES)]
    )
    return code


def excerpts_url(code: Code, fmt: str = "csv") -> str:
    return reverse("evidence:excerpts_download", args=["home", fmt]) + f"?code={code.pk}"


def export_jobs() -> Any:
    return Job.objects.filter(kind=Job.Kind.EXPORT)


def download_url(job: Job) -> str:
    return reverse("jobs:download", args=[job.partnership.slug, job.pk])


def job_from(response: Any) -> Job:
    return Job.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))


def through_a_job(client: Any, url: str) -> Job:
    """Press the button of a large download's page; the job's page is where it goes."""
    posted = client.post(url)
    assert posted.status_code == 302
    job = job_from(posted)
    assert (posted["Location"], job.kind) == (job_url(job), Job.Kind.EXPORT)
    return job


def test_a_small_export_is_sent_in_the_request_and_starts_no_job(world, coded):
    with override_settings(**SMALL):
        response = world.client_for("contributor").get(excerpts_url(coded))
    assert response.status_code == 200 and response.streaming
    assert response["Content-Disposition"] == 'attachment; filename="home-excerpts.csv"'
    assert response.getvalue().decode().count("\n") == PASSAGES + 1
    assert not export_jobs().exists()


def test_a_large_csv_export_goes_through_a_job_and_gives_the_same_bytes(world, coded):
    client = world.client_for("contributor")
    with override_settings(**SMALL):
        direct = client.get(excerpts_url(coded))
    excerpts = reverse("evidence:excerpts", args=["home"]) + f"?code={coded.pk}"
    with override_settings(**LARGE):
        listed = client.get(excerpts).content.decode()
        assert "(prepared in the background, then given to you" in listed
        page = client.get(excerpts_url(coded))
        assert not export_jobs().exists()  # a GET starts nothing
        html = page.content.decode()
        assert '<h1 class="govuk-heading-l">Download the excerpts as CSV</h1>' in html
        assert "This file holds 30 excerpts: too large to download at once." in html
        assert "kept for you for 7 days" in html
        assert ">Prepare the file</button>" in html
        job = through_a_job(client, excerpts_url(coded))
    assert (job.state, job.title, job.capability) == (
        "done",
        "Preparing 30 excerpts as CSV",
        "read_evidence",
    )
    assert job.message == "Prepared 30 excerpts as home-excerpts.csv."
    shown = client.get(job_url(job))
    assert shown.status_code == 200 and "Refresh" not in shown
    html = shown.content.decode()
    assert f'<a class="govuk-button" href="{download_url(job)}"' in html
    assert ">Download home-excerpts.csv</a>" in html
    kept = timezone.localtime(job.finished_at + datetime.timedelta(days=7))
    assert f"The file is kept for you until {kept:%-d %B %Y} at {kept:%H:%M}, then deleted." in html
    file = client.get(download_url(job))
    assert file.status_code == 200
    assert b"".join(file.streaming_content) == direct.getvalue()
    for header in ("Content-Type", "Content-Disposition"):
        assert file[header] == direct[header]


def test_a_large_xlsx_export_gives_the_same_cells(world, coded):
    client = world.client_for("contributor")
    with override_settings(**SMALL):
        direct = client.get(excerpts_url(coded, "xlsx")).getvalue()
    with override_settings(**LARGE):
        job = through_a_job(client, excerpts_url(coded, "xlsx"))
    prepared = b"".join(client.get(download_url(job)).streaming_content)

    def cells(data: bytes) -> dict[str, list[tuple[Any, ...]]]:
        book = load_workbook(io.BytesIO(data))
        return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book}

    assert cells(prepared) == cells(direct)
    assert cells(prepared)["Excerpts"][1][-1] == "'=Passage 00 said thi"  # made harmless


def test_a_large_project_export_gives_the_same_bytes(world, coded):
    client = world.client_for("editor")
    url = reverse("evidence:export_qdpx", args=["home"])
    exchange = reverse("evidence:exchange", args=["home"])
    with override_settings(**SMALL):
        direct = client.get(url)
        assert f'href="{url}" download>' in client.get(exchange).content.decode()
    with override_settings(**LARGE):
        # The page links to the page with the button, not to a file to save.
        assert f'href="{url}">Download the whole project' in client.get(exchange).content.decode()
        assert "This file holds 31 coded passages" in client.get(url).content.decode()
        job = through_a_job(client, url)
    assert job.title == "Preparing the whole project (31 coded passages)"
    file = client.get(download_url(job))
    assert b"".join(file.streaming_content) == direct.content
    assert file["Content-Disposition"] == direct["Content-Disposition"]
    assert file["Content-Type"] == "application/zip"


@override_settings(TASKS=DUMMY, **LARGE)
def test_the_job_shows_the_rows_written(world, coded, monkeypatch):
    monkeypatch.setattr(exports, "EVERY", 10)
    seen: list[tuple[int, int]] = []
    real = job_actions.report_progress

    def spy(job: Job, done: int, total: int, stage: str) -> None:
        seen.append((done, total))
        real(job, done, total, stage)

    monkeypatch.setattr(job_actions, "report_progress", spy)
    client = world.client_for("contributor")
    job = through_a_job(client, excerpts_url(coded))
    assert "gives you the file when the job is done" in client.get(job_url(job)).content.decode()
    run_queued(job)
    assert seen == [(0, 30), (10, 30), (20, 30), (30, 30), (30, 30)]


def test_only_the_person_who_asked_may_have_the_file(world, coded):
    with override_settings(**LARGE):
        job = through_a_job(world.client_for("contributor"), excerpts_url(coded))
    # Another partnership's member: no such job, no such file.
    outsider = world.client_for("outsider")
    assert outsider.get(job_url(job)).status_code == 404
    assert outsider.get(download_url(job)).status_code == 404
    wrong = reverse("jobs:download", args=["away", job.pk])  # under their own slug
    assert outsider.get(wrong).status_code == 404
    # A colleague who may read the same evidence sees the job, but the file is not theirs.
    colleague = world.client_for("editor")
    page = colleague.get(job_url(job)).content.decode()
    assert "The file is for the person who asked for it." in page
    assert download_url(job) not in page
    assert colleague.get(download_url(job)).status_code == 404
    assert world.client_for("viewer").get(download_url(job)).status_code == 404


def test_a_person_who_lost_the_right_no_longer_has_the_file(world, coded):
    with override_settings(**LARGE):
        job = through_a_job(world.client_for("contributor"), excerpts_url(coded))
    Membership.objects.filter(user=world.users["contributor"]).update(role="viewer")
    client = world.client_for("contributor")
    assert client.get(download_url(job)).status_code == 404
    assert download_url(job) not in client.get(job_url(job)).content.decode()


@override_settings(**LARGE)
def test_a_viewer_can_neither_see_the_page_nor_start_the_job(world, coded):
    client = world.client_for("viewer")
    assert client.get(excerpts_url(coded)).status_code == 403
    assert client.post(excerpts_url(coded)).status_code == 403
    assert client.post(reverse("evidence:export_qdpx", args=["home"])).status_code == 403
    assert not export_jobs().exists()


@override_settings(TASKS=DUMMY, **LARGE)
def test_the_job_checks_the_right_again_and_a_deleted_code_fails_it(world, coded):
    client = world.client_for("contributor")
    job = through_a_job(client, excerpts_url(coded))
    Membership.objects.filter(user=world.users["contributor"]).update(role="viewer")
    run_queued(job)
    job.refresh_from_db()
    assert (job.state, job.message, job.file.name) == (
        "failed",
        "You no longer have permission to do this. Nothing was changed.",
        "",
    )
    Membership.objects.filter(user=world.users["contributor"]).update(role="contributor")
    again = through_a_job(client, excerpts_url(coded))
    Coding.objects.filter(code=coded).delete()
    Code.objects.filter(pk=coded.pk).delete()
    run_queued(again)
    again.refresh_from_db()
    assert (again.state, again.message) == (
        "failed",
        "The code whose excerpts were asked for has been deleted. Nothing was changed.",
    )


def _tick(capsys: Any) -> str:
    args = build_parser().parse_args(["tick"])
    assert args.handler(args) == 0
    return str(capsys.readouterr().out)


def test_a_tick_deletes_export_files_older_than_the_setting(
    world, coded, capsys, django_capture_on_commit_callbacks
):
    client = world.client_for("contributor")
    with override_settings(**LARGE):
        old = through_a_job(client, excerpts_url(coded))
        recent = through_a_job(client, excerpts_url(coded, "xlsx"))
    old.refresh_from_db()
    stored = old.file.name
    assert storage().exists(stored)
    Job.objects.filter(pk=old.pk).update(finished_at=timezone.now() - datetime.timedelta(days=8))
    with override_settings(EXPORT_DAYS=7), django_capture_on_commit_callbacks(execute=True):
        said = _tick(capsys)
    assert "Exported files deleted: 1.\n" in said
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.file.name, old.state) == ("", "done")
    assert not storage().exists(stored)
    assert recent.file.name and storage().exists(recent.file.name)
    entry = AuditEntry.objects.get(verb="job.export_purge")
    assert entry.changes == {"file": ["home-excerpts.csv", None]}
    assert client.get(download_url(old)).status_code == 404
    page = client.get(job_url(old)).content.decode()
    assert "The file was deleted 7 days after it was made." in page
    assert "Exported files deleted" not in _tick(capsys)


def test_an_export_jobs_file_goes_with_its_row(world, coded, django_capture_on_commit_callbacks):
    """Deleted with its partnership, say: the row's file goes once the deletion commits (the
    world's other files are left alone, for the module's other tests)."""
    with override_settings(**LARGE):
        job = through_a_job(world.client_for("contributor"), excerpts_url(coded))
    job.refresh_from_db()
    stored = job.file.name
    with django_capture_on_commit_callbacks(execute=True):
        Job.objects.filter(pk=job.pk).delete()
    assert not storage().exists(stored)


def test_check_files_names_an_exported_file_missing_from_the_storage(world, coded, capsys):
    with override_settings(**LARGE):
        job = through_a_job(world.client_for("contributor"), excerpts_url(coded))
    job.refresh_from_db()
    args = build_parser().parse_args(["check-files"])
    assert args.handler(args) == 0
    capsys.readouterr()
    storage().delete(job.file.name)
    assert args.handler(args) == 1
    assert capsys.readouterr().out == (
        f"Export job {job.pk}: its file {job.file.name} is not in the storage\n"
    )
    # The page gives it out no more, and says so without a server error.
    assert world.client_for("contributor").get(download_url(job)).status_code == 404
