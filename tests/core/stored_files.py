"""What every storage configuration must do, run by test_files_in_a_folder.py (the default) and
test_files_in_an_object_store.py (an S3-compatible server on 127.0.0.1). Each module gives a
``store`` fixture that sees the storage directly (the folder, or the bucket through boto3), not
through Django, so that a test sees what is really kept.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from followup import cli
from followup.evidence import surveys
from followup.evidence.models import SurveyUpload
from followup.indicators import actions as indicators
from followup.indicators.models import DataValue, ImportUpload
from followup.lib import storedfiles
from followup.partnerships.models import Partnership
from followup.reports import actions, render
from followup.reports.models import Publication
from tests.factories import PartnershipFactory

SURVEY = b"id,group,What helps?\n1,Staff,Good supervision\n"
FIGURES = b"area_code,period,data_element,value\nS1HOME,2023,children_looked_after,40\n"
# What a published report's files hold in these tests: bytes of every kind, differing by format
# and version (rendering the real ones takes seconds).
RENDERED = {
    "html": b'<!doctype html><html lang="en-GB"><p>%s</p></html>',
    "pdf": b"%%PDF-1.7\n\x00\xff\x80 %s\n%%%%EOF",
    "docx": b"PK\x03\x04\x00\x01 %s",
}


@dataclass
class Store:
    """The storage seen directly: every stored name, and the bytes kept under one."""

    names: Callable[[], set[str]]
    read: Callable[[str], bytes]


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def cheap_render(monkeypatch: Any) -> None:
    def fake(report: Any, fmt: str) -> bytes:
        version = report.edition.version if report.edition else 0
        return RENDERED[fmt] % f"{report.title} v{version}".encode()

    monkeypatch.setattr(render, "render", fake)


def test_a_data_file_is_stored_previewed_from_the_storage_imported_and_then_deleted(
    world: Any, store: Store, django_capture_on_commit_callbacks: Any
) -> None:
    client = world.client_for("editor")
    response = client.post(
        reverse("indicators:upload", args=["home"]),
        {"release": "Spring return", "file": ContentFile(FIGURES, name="../figures.csv")},
    )
    assert response.status_code == 302
    upload = ImportUpload.objects.get(release="Spring return")
    name = upload.data.name
    assert name.startswith(f"uploads/indicators/partnership-{world.home.partnership.pk}/")
    assert "figures" not in name  # never the name the person gave the file
    assert name in store.names()
    assert store.read(name).startswith(b"followup-table/1\n")
    assert "Import 1 figure" in client.get(response["Location"]).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(response["Location"]).status_code == 302
    upload.refresh_from_db()
    assert upload.applied_at is not None and upload.data.name == ""
    assert name not in store.names()
    assert DataValue.objects.filter(release__name="Spring return").count() == 1


def test_a_published_report_is_stored_and_its_three_files_download_with_their_digests(
    world: Any, store: Store, monkeypatch: Any
) -> None:
    cheap_render(monkeypatch)
    review = world.home.review
    publication = actions.publish(world.users["inspector"], review=review)
    where = f"reports/partnership-{world.home.partnership.pk}/review-{review.pk}/v1"
    public = Client().get(reverse("reports:public", args=["home"])).content.decode()
    for fmt, pattern in RENDERED.items():
        published = pattern % f"{review.title} v1".encode()
        assert publication.file(fmt).name == f"{where}/report.{fmt}"
        assert store.read(f"{where}/report.{fmt}") == published
        response = Client().get(reverse("reports:public_file", args=["home", publication.pk, fmt]))
        downloaded = response.getvalue()  # streamed from the storage
        assert downloaded == published
        assert _sha(downloaded) == publication.digest(fmt) == response["X-Content-SHA256"]
        assert f"<code>{publication.digest(fmt)}</code>" in public
    assert Publication.objects.get(pk=publication.pk).sha256_pdf == _sha(
        RENDERED["pdf"] % f"{review.title} v1".encode()
    )


def test_a_published_file_gone_or_changed_in_the_storage_is_never_given_out(
    world: Any, store: Store, monkeypatch: Any, caplog: Any
) -> None:
    cheap_render(monkeypatch)
    publication = actions.publish(world.users["inspector"], review=world.home.review)
    url = reverse("reports:public_file", args=["home", publication.pk, "pdf"])
    storage, name = publication.pdf.storage, str(publication.pdf.name)
    storage.delete(name)
    storage.save(name, ContentFile(b"%PDF- not what was published"))
    assert storage.exists(name)
    response = Client().get(url)
    assert response.status_code == 404
    assert "not the file that was published" in caplog.text
    storage.delete(name)
    assert Client().get(url).status_code == 404  # gone: a page, not a server error
    assert "is not in the storage" in caplog.text


def _staged(world: Any, site: Any) -> tuple[ImportUpload, SurveyUpload]:
    """A data file and a survey staged now, in the site's partnership, by its lead."""
    lead = world.users["lead" if site is world.home else "outsider"]
    upload = indicators.stage_upload(
        lead,
        site.partnership,
        filename="figures.csv",
        data=FIGURES,
        release=f"Return of {site.partnership.slug}",
        create_elements=False,
    )
    survey = surveys.stage_survey(
        lead,
        site.partnership,
        title=f"Survey of {site.partnership.slug}",
        filename="s.csv",
        data=SURVEY,
    )
    return upload, survey


def test_purging_staged_uploads_deletes_their_stored_files_and_keeps_the_rest(
    world: Any, store: Store, django_capture_on_commit_callbacks: Any, capsys: Any
) -> None:
    expired, recent = _staged(world, world.home), _staged(world, world.away)
    old = timezone.now() - datetime.timedelta(days=30)
    ImportUpload.objects.filter(pk=expired[0].pk).update(created_at=old)
    SurveyUpload.objects.filter(pk=expired[1].pk).update(created_at=old)
    purged = {staged.data.name for staged in expired}
    kept = {staged.data.name for staged in recent}
    assert purged | kept <= store.names()
    args = cli.build_parser().parse_args(["purge-uploads"])
    with django_capture_on_commit_callbacks(execute=True):
        assert args.handler(args) == 0
    assert "Purged 1 survey file and 1 data file" in capsys.readouterr().out
    assert not purged & store.names()
    assert kept <= store.names()


def test_a_discarded_upload_s_stored_file_is_deleted(
    world: Any, store: Store, django_capture_on_commit_callbacks: Any
) -> None:
    staged, _ = _staged(world, world.home)
    assert staged.data.name in store.names()
    client = world.client_for("lead")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("indicators:upload_discard", args=["home", staged.pk]))
    assert not ImportUpload.objects.filter(pk=staged.pk).exists()
    assert staged.data.name not in store.names()


def test_a_stored_file_is_never_overwritten_not_even_by_a_publication_of_its_version(
    world: Any, store: Store, monkeypatch: Any
) -> None:
    storage = storedfiles.default()
    name = storage.save("reports/kept/report.pdf", ContentFile(b"first"))
    again = storage.save(name, ContentFile(b"second"))
    assert again != name and store.read(name) == b"first" and store.read(again) == b"second"
    # A file left where version 1's PDF goes (by a publication rolled back after writing it,
    # say) stays as it is; the publication's own file gets a name of its own.
    inspection = world.home.inspection
    left = (
        f"reports/partnership-{world.home.partnership.pk}/inspection-{inspection.pk}/v1/report.pdf"
    )
    assert storage.save(left, ContentFile(b"left behind")) == left
    cheap_render(monkeypatch)
    publication = actions.publish(world.users["inspector"], inspection=inspection)
    assert store.read(left) == b"left behind"
    assert publication.pdf.name != left
    assert _sha(store.read(publication.pdf.name)) == publication.digest("pdf")


def test_a_partnership_s_staged_files_go_from_the_storage_with_it(
    world: Any, store: Store, django_capture_on_commit_callbacks: Any
) -> None:
    leaving: Any = PartnershipFactory(slug="leaving")
    staged: list[Any] = [
        ImportUpload.objects.create(
            partnership=leaving, filename="f.csv", data=ContentFile(FIGURES, "f.csv"), release="R"
        ),
        SurveyUpload.objects.create(
            partnership=leaving, title="S", filename="s.csv", data=ContentFile(SURVEY, "s.csv")
        ),
    ]
    names = {item.data.name for item in staged}
    assert names <= store.names()
    others = store.names() - names
    with django_capture_on_commit_callbacks(execute=True):
        Partnership.objects.filter(pk=leaving.pk).delete()
    assert not names & store.names()
    assert others <= store.names()


def test_a_report_that_is_not_published_after_all_leaves_no_file(
    world: Any, store: Store, monkeypatch: Any
) -> None:
    cheap_render(monkeypatch)
    inspection = world.home.inspection
    before = store.names()

    def refused(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the audit entry could not be written")

    monkeypatch.setattr(actions, "record", refused)
    with pytest.raises(RuntimeError):
        actions.publish(world.users["inspector"], inspection=inspection)
    assert not Publication.objects.filter(inspection=inspection).exists()
    assert store.names() == before


def test_an_imported_survey_s_stored_file_is_deleted_once_the_import_commits(
    world: Any, store: Store, django_capture_on_commit_callbacks: Any
) -> None:
    _, survey = _staged(world, world.home)
    name = survey.data.name
    assert name.startswith(f"uploads/surveys/partnership-{world.home.partnership.pk}/")
    assert name in store.names()
    roles = {"id": "respondent", "group": "attribute", "What helps?": "question"}
    with django_capture_on_commit_callbacks(execute=True):
        assert surveys.import_survey(world.users["lead"], survey, roles) == 1
    assert SurveyUpload.objects.get(pk=survey.pk).data.name == ""
    assert name not in store.names()


def test_a_staged_file_missing_from_the_storage_is_a_problem_to_upload_again_not_an_error(
    world: Any, store: Store
) -> None:
    upload, survey = _staged(world, world.home)
    storage = storedfiles.default()
    storage.delete(upload.data.name)
    storage.delete(survey.data.name)
    again = "The staged file is no longer in Followup&#x27;s storage: upload the file again"
    page = world.client_for("lead").get(
        reverse("indicators:upload_preview", args=["home", upload.pk])
    )
    assert page.status_code == 200 and again in page.content.decode()
    page = world.client_for("lead").get(
        reverse("evidence:survey_preview", args=["home", survey.pk])
    )
    assert page.status_code == 200 and again in page.content.decode()
