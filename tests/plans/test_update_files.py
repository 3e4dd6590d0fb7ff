"""The files an update carries: taken for what their contents are, within the size and number
limits, all or none; listed on the action; given out only to the partnership's members, always
as a download with the content type of their kind."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from followup.lib import storedfiles
from followup.lib.dates import day
from followup.lib.uploads import MB, UploadError
from followup.plans import actions, files
from followup.plans.models import ActionUpdate, UpdateFile, UpdateRequest, UpdateRound
from tests import factories as f
from tests.browserlike import change
from tests.plans.test_signoff import PDF, keyed, send, the_update


def archive(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as made:
        for name, data in entries.items():
            made.writestr(name, data)
    return buffer.getvalue()


DOCX = archive({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
XLSX = archive({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})
ODT = archive({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"})
ODS = archive({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"})
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 20
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 20


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("paper.pdf", PDF, "application/pdf"),
        (
            "minutes.docx",
            DOCX,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            "figures.XLSX",
            XLSX,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        ("minutes.odt", ODT, "application/vnd.oasis.opendocument.text"),
        ("figures.ods", ODS, "application/vnd.oasis.opendocument.spreadsheet"),
        ("figures.csv", "\ufeffarea,count\nAyr,12\n".encode(), "text/csv; charset=utf-8"),
        ("notes.txt", "Met on 3 March – agreed.".encode(), "text/plain; charset=utf-8"),
        ("chart.png", PNG, "image/png"),
        ("photo.jpeg", JPEG, "image/jpeg"),
        ("photo.jpg", JPEG, "image/jpeg"),
    ],
)
def test_each_kind_of_file_is_taken_by_its_contents_with_its_own_content_type(
    name, data, content_type
):
    checked = files.check(files.Upload(name, data))
    assert (checked.filename, checked.content_type) == (name, content_type)


@pytest.mark.parametrize(
    ("name", "data", "says"),
    [
        ("minutes.pdf", b"MZ\x90\x00 an executable", "“minutes.pdf” is not a PDF"),
        ("minutes.docx", XLSX, "“minutes.docx” is not a Word document"),
        ("minutes.docx", PDF, "“minutes.docx” is not a Word document"),
        ("figures.xlsx", archive({"a.txt": b"x"}), "“figures.xlsx” is not an Excel workbook"),
        ("minutes.odt", ODS, "“minutes.odt” is not an OpenDocument text document"),
        ("figures.csv", "área".encode("latin-1"), "“figures.csv” is not a CSV file"),
        ("notes.txt", b"text\x00with a null", "“notes.txt” is not a text file"),
        ("chart.png", JPEG, "“chart.png” is not a PNG image"),
        ("photo.jpg", PNG, "“photo.jpg” is not a JPEG image"),
        ("tool.exe", b"MZ", "Evidence files must be PDF, Word (.docx), Excel (.xlsx)"),
        ("no-suffix", PDF, "“no-suffix” is none of these"),
    ],
)
def test_a_file_that_is_not_what_its_name_says_is_refused_naming_the_field(name, data, says):
    with pytest.raises(UploadError) as refused:
        files.check(files.Upload(name, data))
    assert str(refused.value).startswith("Evidence files")
    assert says in str(refused.value)


def test_an_archive_that_unpacks_to_too_much_is_refused_before_it_is_read_whole():
    bomb = archive({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"\x00" * (11 * MB)})
    with pytest.raises(UploadError) as refused:
        files.check(files.Upload("minutes.docx", bomb))
    assert str(refused.value).startswith("Evidence files: “minutes.docx” cannot be taken.")
    assert "unpacks to more than Followup reads from one file" in str(refused.value)


def test_a_name_keeps_only_its_last_part_without_control_characters():
    assert files.clean_name("..\\..\\windows\\evil.pdf") == "evil.pdf"
    assert files.clean_name("../../etc/paper.pdf") == "paper.pdf"
    assert files.clean_name('a"\r\nSet-Cookie: x.pdf') == 'a"Set-Cookie: x.pdf'
    assert files.clean_name("\x00") == "file"
    long = files.clean_name("x" * 300 + ".pdf")
    assert (len(long), long[-6:]) == (255, "xx.pdf")


def stored(folder: Any) -> set[str]:
    """Every file kept under the plans' folder of the storage."""
    root = Path(storedfiles.default().path("")) / "plans"
    return {str(p) for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def opened(world: Any, who: str = "contributor") -> tuple[Any, Any]:
    client = world.client_for(who)
    url = reverse("plans:update_create", args=["home", world.home.action.pk])
    form = change(
        keyed(client.get(url).content.decode()),
        the_update({"status": "in_progress", "rating": "on_track", "note": "With papers."}),
    )
    return client, form


def refused_with(response: Any, message: str) -> None:
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<a href="#id_evidence">{message}' in html
    assert not ActionUpdate.objects.filter(note="With papers.").exists()


@pytest.mark.parametrize(
    ("name", "data", "says"),
    [
        (
            "minutes.pdf",
            b"<html>not a pdf</html>",
            "Evidence files must be what their names say: “minutes.pdf” is not a",
        ),
        ("blank.pdf", b"", "Evidence files: “blank.pdf” is empty"),
    ],
    ids=["named pdf but not one", "empty"],
)
def test_a_refused_file_is_named_and_nothing_is_kept(world, name, data, says):
    client, form = opened(world)
    before = stored(world)
    response = send(client, form, [SimpleUploadedFile(name, data)])
    refused_with(response, says)
    assert (UpdateFile.objects.count(), stored(world)) == (0, before)


def test_a_refused_file_beside_a_good_one_leaves_no_update_and_no_stored_file(world):
    client, form = opened(world)
    before = stored(world)
    sent = [SimpleUploadedFile("paper.pdf", PDF), SimpleUploadedFile("figures.xlsx", DOCX)]
    response = send(client, form, sent)
    refused_with(response, "Evidence files must be what their names say: “figures.xlsx”")
    assert (UpdateFile.objects.count(), stored(world)) == (0, before)


def test_an_oversized_file_is_refused_unread_and_nothing_is_kept(world, settings):
    settings.MAX_UPLOAD_BYTES = 1 * MB
    client, form = opened(world)
    response = send(client, form, [SimpleUploadedFile("big.pdf", PDF + b"0" * MB)])
    refused_with(response, "Evidence files must each be smaller than 1 MB: “big.pdf” is larger")
    assert UpdateFile.objects.count() == 0


def test_more_files_than_an_update_takes_are_refused(world):
    client, form = opened(world)
    sent = [SimpleUploadedFile(f"chart-{n}.png", PNG) for n in range(files.MAX_FILES + 1)]
    response = send(client, form, sent)
    refused_with(response, "Evidence files: choose at most 5 files for one update")
    assert UpdateFile.objects.count() == 0


def test_a_file_written_before_the_update_fails_is_deleted_from_the_storage(world, monkeypatch):
    """All or nothing when a write fails after a file is kept: no update, no row, no file."""
    before = stored(world)
    real = storedfiles.save_new
    calls: list[str] = []

    def keep_one_then_fail(*args: Any) -> str:
        if calls:
            raise OSError("the storage is full")
        calls.append(real(*args))
        return calls[0]

    monkeypatch.setattr(storedfiles, "save_new", keep_one_then_fail)
    uploads = [files.Upload("paper.pdf", PDF), files.Upload("chart.png", PNG)]
    data = {"on": world.home.update.on, "status": "complete", "rating": "on_track"}
    with pytest.raises(OSError):
        actions.add_update(
            world.users["contributor"],
            world.home.action,
            {**data, "note": "With papers.", "evidence": uploads},
        )
    assert calls and not storedfiles.default().exists(calls[0])
    assert stored(world) == before
    assert not ActionUpdate.objects.filter(note="With papers.").exists()
    assert UpdateFile.objects.count() == 0


def test_a_3_mb_paper_goes_through_the_request_size_limit_for_a_signed_in_member(world):
    client, form = opened(world)
    paper = PDF + b"%" + b"0" * (3 * MB)
    response = send(client, form, [SimpleUploadedFile("paper.pdf", paper)])
    assert response.status_code == 302
    (kept,) = UpdateFile.objects.all()
    assert kept.size == len(paper)


def with_a_file(world: Any, site: Any = None, name: str = "Audit report.pdf") -> UpdateFile:
    site = site or world.home
    update: Any = f.ActionUpdateFactory(action=site.action, decision=None)
    row = UpdateFile(
        update=update,
        filename=name,
        content_type="application/pdf",
        size=len(PDF),
        sha256="0" * 64,
        added_by_name="contributor",
    )
    storedfiles.save_new(row.file, name, PDF)
    row.save()
    return row


def test_the_action_page_lists_each_file_with_who_added_it_and_when(world):
    row = with_a_file(world)
    page = world.client_for("viewer").get(
        reverse("plans:detail", args=["home", world.home.action.pk])
    )
    url = reverse("plans:update_file", args=["home", row.pk])
    added = day(timezone.localdate(row.added_at))
    assert (
        f'<li><a class="govuk-link" href="{url}" download>Audit report.pdf</a> '
        f"({len(PDF)}\xa0bytes), added by contributor on {added}, "
    ) in page.content.decode()


def test_a_member_downloads_a_file_as_an_attachment_with_its_kinds_content_type(world):
    row = with_a_file(world, name='Report "final"\u00e9.pdf')
    response = world.client_for("viewer").get(reverse("plans:update_file", args=["home", row.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        "attachment; filename=\"Report-final-e.pdf\"; filename*=utf-8''Report-final-%C3%A9.pdf"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF


def test_an_outsider_and_a_stranger_cannot_reach_a_file(world):
    row = with_a_file(world)
    url = reverse("plans:update_file", args=["home", row.pk])
    assert world.client_for("outsider").get(url).status_code == 404
    response = world.client_for(None).get(url)
    assert (response.status_code, "/accounts/login/" in response["Location"]) == (302, True)
    away = with_a_file(world, world.away)
    mixed = reverse("plans:update_file", args=["home", away.pk])
    assert world.client_for("lead").get(mixed).status_code == 404


def a_request_for(action: Any) -> UpdateRequest:
    round_, _ = UpdateRound.objects.get_or_create(
        partnership=action.partnership, due_on="2030-03-31"
    )
    return UpdateRequest.objects.create(round=round_, action=action)


@pytest.mark.parametrize("which", ["another action's", "another partnership's", "no number"])
def test_the_update_page_refuses_a_request_that_is_not_this_actions(world, which):
    other = f.ActionFactory(partnership=world.home.partnership)
    asked = {
        "another action's": lambda: a_request_for(other).pk,
        "another partnership's": lambda: a_request_for(world.away.action).pk,
        "no number": lambda: "1x",
    }[which]()
    url = reverse("plans:update_create", args=["home", world.home.action.pk])
    client = world.client_for("contributor")
    assert client.get(f"{url}?request={asked}").status_code == 404
    assert client.post(url, {"request": asked}).status_code == 404


def test_only_a_returned_update_not_yet_revised_can_be_revised(world):
    url = reverse("plans:update_create", args=["home", world.home.action.pk])
    client = world.client_for("contributor")
    accepted = world.home.update
    assert client.get(f"{url}?revises={accepted.pk}").status_code == 404
    returned = f.ActionUpdateFactory(
        action=world.home.action, decision__outcome="returned", decision__reason="Why?"
    )
    assert client.get(f"{url}?revises={returned.pk}").status_code == 200
    f.ActionUpdateFactory(action=world.home.action, revises=returned, decision=None)
    assert client.get(f"{url}?revises={returned.pk}").status_code == 404


def test_the_security_page_states_the_limits_of_an_updates_files():
    from followup.lib.uploads import DOCX as DOCX_BUDGET

    root = Path(__file__).resolve().parents[2]
    section = (root / "docs" / "security.md").read_text().split("## Uploads", 1)[1]
    row = next(line for line in section.splitlines() if line.startswith("| An update's files"))
    assert f"{files.MAX_FILES} files on one update" in row
    assert "(`.odt` and `.ods` within the `.docx` one)" in row
    assert (files.ODF.entries, files.ODF.unpacked, files.ODF.entry) == (
        DOCX_BUDGET.entries,
        DOCX_BUDGET.unpacked,
        DOCX_BUDGET.entry,
    )


def test_check_files_names_an_update_file_missing_from_the_storage(world):
    from followup.cli_files import problems

    row = with_a_file(world)
    assert not [p for p in problems() if p.startswith("Update file")]
    storedfiles.default().delete(row.file.name)
    assert [p for p in problems() if p.startswith("Update file")] == [
        f"Update file {row.pk}: its file {row.file.name} is not in the storage"
    ]
