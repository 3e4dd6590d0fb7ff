"""The progress pack's page: who reads the packs and the draft, who makes a pack, and what a
second press of the button does. Files are rendered as cheap stand-ins here (``cheap_files``):
what a pack holds is tested with real files in test_progress_pack.py."""

from __future__ import annotations

import hashlib
import io
import re
from pathlib import Path

import docx
import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.http import Http404
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from followup import cli
from followup.audit.models import AuditEntry
from followup.jobs.models import Job
from followup.lib import storedfiles
from followup.reports import actions, packrender, packs
from followup.reports.models import PACK_FORMATS, ProgressPack
from tests import factories as f
from tests.browserlike import page_form, submit
from tests.jobs.test_jobs import DUMMY, run_queued

PAGE = reverse("reports:pack", args=["home"])


@pytest.fixture
def cheap_files(monkeypatch):
    """Every format of a pack as a few bytes naming the pack, its number and whether a draft."""

    def fake(pack, fmt):
        return f"{fmt}:{pack.number}:{'draft' if pack.draft else 'issued'}".encode()

    monkeypatch.setattr(packrender, "render_pack", fake)


def urls(number: int = 1) -> list[str]:
    return [
        PAGE,
        *(reverse("reports:pack_draft", args=["home", fmt]) for fmt in PACK_FORMATS),
        *(reverse("reports:pack_file", args=["home", number, fmt]) for fmt in PACK_FORMATS),
    ]


def test_the_outsider_gets_404_from_every_progress_pack_url_and_cannot_make_one(world, cheap_files):
    actions.make_pack(world.users["lead"], world.home.partnership, number=1)
    client = world.client_for("outsider")
    for url in urls():
        assert client.get(url).status_code == 404, url
    assert client.post(PAGE, {"number": "2"}).status_code == 404
    with pytest.raises(Http404):
        actions.make_pack(world.users["outsider"], world.home.partnership, number=2)
    assert ProgressPack.objects.count() == 1


def test_a_viewer_reads_the_packs_and_the_draft_but_cannot_make_one(world, cheap_files):
    actions.make_pack(world.users["editor"], world.home.partnership, number=1)
    client = world.client_for("viewer")
    page = client.get(PAGE).content.decode()
    assert "The plan's editors, lead officers and administrators make the pack." in page
    assert 'name="number"' not in page and "Make pack 2" not in page
    assert "The draft of pack 2" in page
    for fmt in PACK_FORMATS:
        assert client.get(reverse("reports:pack_draft", args=["home", fmt])).content == (
            f"{fmt}:2:draft".encode()
        )
        assert client.get(reverse("reports:pack_file", args=["home", 1, fmt])).content == (
            f"{fmt}:1:issued".encode()
        )
    for who in ("viewer", "contributor", "inspector"):
        refused = world.client_for(who).post(PAGE, {"number": "2"})
        assert refused.status_code == 403
        assert (
            "Only editors, lead officers and administrators can change the improvement plan."
            in (refused.content.decode())
        )
        with pytest.raises(PermissionDenied):
            actions.make_pack(world.users[who], world.home.partnership, number=2)
    assert list(ProgressPack.objects.values_list("number", flat=True)) == [1]


def test_an_editor_makes_a_pack_from_the_page_as_the_browser_sends_it(world, cheap_files):
    client = world.client_for("editor")
    page = client.get(PAGE)
    assert "No pack has been made yet." in page.content.decode()
    response = submit(client, PAGE, page_form(page.content.decode()))
    job = re.fullmatch(r"/p/home/jobs/(\d+)/", response["Location"])
    assert job, response["Location"]
    assert Job.objects.get(pk=job.group(1)).get_kind_display() == "Making a progress pack"
    made = ProgressPack.objects.get()
    assert (made.number, made.made_by_name) == (1, "editor")
    for fmt in PACK_FORMATS:
        assert storedfiles.read_bytes(made.file(fmt)) == f"{fmt}:1:issued".encode()
    listed = client.get(PAGE).content.decode()
    assert "Pack 1" in listed and "Make pack 2" in listed
    for fmt in PACK_FORMATS:
        assert reverse("reports:pack_file", args=["home", 1, fmt]) in listed
    assert AuditEntry.objects.filter(verb="pack.make", actor_name="editor").count() == 1


def test_a_second_press_of_the_button_makes_nothing_more_and_says_so(world, cheap_files):
    client = world.client_for("lead")
    assert client.post(PAGE, {"number": "1"}).status_code == 302
    again = client.post(PAGE, {"number": "1"})
    assert again.status_code == 200
    assert "Pack 1 is already made" in again.content.decode()
    assert "Nothing more was made." in again.content.decode()
    with pytest.raises(actions.PackAlreadyMade):
        actions.make_pack(world.users["lead"], world.home.partnership, number=1)
    assert ProgressPack.objects.count() == 1


@pytest.mark.parametrize("sent", [{}, {"number": "7"}, {"number": "two"}])
def test_a_pack_number_out_of_turn_or_missing_is_refused_with_a_message(world, cheap_files, sent):
    response = world.client_for("lead").post(PAGE, sent)
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert "This page is out of date" in page and "open the progress pack page again" in page
    assert not ProgressPack.objects.exists()


def test_an_unknown_format_a_missing_pack_and_a_changed_file_are_not_found(
    world, cheap_files, capsys
):
    actions.make_pack(world.users["lead"], world.home.partnership, number=1)
    client = world.client_for("lead")
    assert client.get(reverse("reports:pack_draft", args=["home", "html"])).status_code == 404
    assert client.get(reverse("reports:pack_file", args=["home", 1, "html"])).status_code == 404
    assert client.get(reverse("reports:pack_file", args=["home", 2, "pdf"])).status_code == 404
    made = ProgressPack.objects.get()
    stored = made.file("pdf")
    stored.storage.delete(stored.name)
    stored.storage.save(stored.name, ContentFile(b"changed"))
    assert client.get(reverse("reports:pack_file", args=["home", 1, "pdf"])).status_code == 404
    args = cli.build_parser().parse_args(["check-files"])
    assert args.handler(args) == 1
    assert capsys.readouterr().out.splitlines() == [
        f"Progress pack 1 of Homeshire: its pdf file {stored.name} has the SHA-256 digest "
        f"{hashlib.sha256(b'changed').hexdigest()}, not the {made.sha256_pdf} recorded when it "
        "was made"
    ]


def test_an_archived_partnerships_lead_reads_its_packs_but_makes_none(world, cheap_files):
    actions.make_pack(world.users["lead"], world.home.partnership, number=1)
    partnership = world.home.partnership
    partnership.archived_at = timezone.now()
    partnership.save(update_fields=["archived_at"])
    client = world.client_for("lead")
    assert client.get(PAGE).status_code == 200
    assert client.get(reverse("reports:pack_file", args=["home", 1, "xlsx"])).status_code == 200
    refused = client.post(PAGE, {"number": "2"})
    assert refused.status_code == 403
    assert "archived" in refused.content.decode()


def test_the_plan_links_to_its_progress_pack(world):
    page = world.client_for("viewer").get(reverse("plans:list", args=["home"])).content.decode()
    assert f'href="{PAGE}"' in page


def test_a_pack_number_too_large_for_the_database_is_not_found(world):
    url = reverse("reports:pack_file", args=["home", 10**30, "pdf"])
    assert world.client_for("lead").get(url).status_code == 404


def test_a_plan_without_actions_gets_a_first_pack_that_says_so(world):
    partnership = f.PartnershipFactory(slug="empty", name="Emptyshire")
    pack = packs.progress_pack(partnership)
    assert (pack.number, pack.groups, pack.earlier, pack.draft) == (1, [], None, True)
    assert [chart.finding for chart in pack.charts] == ["The plan has no actions yet."] * 2
    document = docx.Document(io.BytesIO(packrender.docx(pack)))
    texts = [p.text for p in document.paragraphs]
    assert "This is the first pack: there is no earlier pack to compare with." in texts
    book = openpyxl.load_workbook(io.BytesIO(packrender.xlsx(pack)))
    assert book.sheetnames == ["About", "Summary", "Actions", "Measures"]


def test_a_title_a_spreadsheet_would_run_as_a_formula_is_text_in_the_workbook(world):
    f.ActionFactory(partnership=world.home.partnership, title='=HYPERLINK("http://x","y")')
    pack = packs.progress_pack(world.home.partnership)
    book = openpyxl.load_workbook(io.BytesIO(packrender.xlsx(pack)))
    titles = [row[1] for row in book["Actions"].iter_rows(values_only=True)]
    assert '\'=HYPERLINK("http://x","y")' in titles
    assert all(not str(t).startswith("=") for t in titles)


@override_settings(TASKS=DUMMY)
def test_two_presses_queued_before_a_worker_runs_them_make_one_pack(world, cheap_files):
    client = world.client_for("lead")
    for _ in range(2):
        assert client.post(PAGE, {"number": "1"}).status_code == 302
    jobs = list(Job.objects.filter(title="Making progress pack 1").order_by("pk"))
    assert len(jobs) == 2
    for job in jobs:
        run_queued(job)
    first, second = (Job.objects.get(pk=job.pk) for job in jobs)
    assert (first.state, first.message) == (
        "done",
        "Made progress pack 1. Download it from the progress pack page.",
    )
    assert (second.state, second.message) == (
        "done",
        "Progress pack 1 is already made; nothing more was made.",
    )
    assert second.result_url == PAGE
    assert ProgressPack.objects.count() == 1


def test_a_pack_made_by_someone_else_while_rendering_is_not_made_twice(world, monkeypatch):
    lead, partnership = world.users["lead"], world.home.partnership

    def render_while_another_makes_it(pack, fmt):
        if not ProgressPack.objects.exists():
            monkeypatch.setattr(packrender, "render_pack", lambda pack, fmt: b"theirs")
            actions.make_pack(world.users["editor"], partnership, number=1)
        return b"mine"

    monkeypatch.setattr(packrender, "render_pack", render_while_another_makes_it)
    with pytest.raises(actions.PackAlreadyMade) as made:
        actions.make_pack(lead, partnership, number=1)
    assert made.value.pack.made_by_name == "editor"
    kept = ProgressPack.objects.get()
    assert storedfiles.read_bytes(kept.file("pdf")) == b"theirs"


def test_a_pack_whose_audit_entry_fails_keeps_no_file(world, cheap_files, monkeypatch):
    def refuse(*args, **kwargs):
        raise RuntimeError("the audit log is full")

    folder = Path(storedfiles.default().location)
    before = set(folder.rglob("*"))
    monkeypatch.setattr(actions, "record", refuse)
    with pytest.raises(RuntimeError):
        actions.make_pack(world.users["lead"], world.home.partnership, number=1)
    assert not ProgressPack.objects.exists()
    assert {p for p in folder.rglob("*") if p.is_file()} - before == set()
