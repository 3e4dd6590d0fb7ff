"""Staged uploads (a survey, a data file): read from the file once, discarded on request, purged
after FOLLOWUP_STAGED_UPLOAD_DAYS at the next upload of their kind or by `followup
purge-uploads`."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from followup.audit.models import AuditEntry
from followup.cli import build_parser
from followup.evidence import surveys
from followup.evidence.models import SurveyUpload
from followup.indicators import actions
from followup.indicators.models import ImportUpload
from followup.lib import storedfiles
from followup.lib.tabular import read_table
from tests.submissions import key

SURVEY = b"id,group,What helps?\n1,Staff,Good supervision\n2,Parent,Being listened to\n"
FIGURES = b"area_code,period,data_element,value\nS1HOME,2023,children_looked_after,40\n"


def counting(monkeypatch: Any, module: Any) -> list[str]:
    calls: list[str] = []

    def read(data: bytes, filename: str, **kwargs: Any) -> Any:
        calls.append(filename)
        return read_table(data, filename, **kwargs)

    monkeypatch.setattr(module, "read_table", read)
    return calls


def test_a_staged_survey_is_read_from_its_file_once_however_often_it_is_previewed(
    world, monkeypatch
):
    calls = counting(monkeypatch, surveys)
    client = world.client_for("lead")
    response = client.post(
        reverse("evidence:survey_upload", args=["home"]),
        {**key(client), "title": "Spring", "file": SimpleUploadedFile("s.csv", SURVEY)},
    )
    assert response.status_code == 302
    for _ in range(3):
        assert client.get(response["Location"]).status_code == 200
    roles = {"role-0": "respondent", "role-1": "attribute", "role-2": "question"}
    assert client.post(response["Location"], roles).status_code == 302
    assert calls == ["s.csv"]
    upload = SurveyUpload.objects.get(title="Spring")
    assert upload.imported_at is not None and upload.data.name == ""


def test_a_staged_data_file_is_read_from_its_file_once_however_often_it_is_previewed(
    world, monkeypatch
):
    calls = counting(monkeypatch, actions)
    client = world.client_for("editor")
    response = client.post(
        reverse("indicators:upload", args=["home"]),
        {"release": "R", "file": SimpleUploadedFile("f.csv", FIGURES)},
    )
    assert response.status_code == 302
    for _ in range(3):
        assert "Import 1 figure" in client.get(response["Location"]).content.decode()
    assert client.post(response["Location"]).status_code == 302
    assert calls == ["f.csv"]
    staged = ImportUpload.objects.get(release="R")
    assert staged.data.name == ""


def test_a_staged_survey_keeps_the_table_read_from_the_file_never_the_file(world):
    upload = surveys.stage_survey(
        world.users["lead"], world.home.partnership, title="S", filename="s.csv", data=SURVEY
    )
    assert storedfiles.read_bytes(upload.data).startswith(b"followup-table/1\n")
    table = surveys.read(upload)
    assert table.headers == ["id", "group", "What helps?"]
    assert table.rows == [
        (2, {"id": "1", "group": "Staff", "What helps?": "Good supervision"}),
        (3, {"id": "2", "group": "Parent", "What helps?": "Being listened to"}),
    ]


@pytest.mark.parametrize(
    ("page", "discard", "who", "attribute"),
    [
        ("evidence:survey_preview", "evidence:survey_discard", "contributor", "survey"),
        ("indicators:upload_preview", "indicators:upload_discard", "editor", "upload"),
    ],
)
def test_the_preview_offers_a_discard_button_that_forgets_the_file_with_an_audit_entry(
    world, page, discard, who, attribute
):
    staged = getattr(world.home, attribute)
    client = world.client_for(who)
    url = reverse(discard, args=["home", staged.pk])
    assert f'action="{url}"' in client.get(reverse(page, args=["home", staged.pk])).content.decode()
    followed = client.post(url, follow=True)
    assert f"{staged.filename} was discarded" in followed.content.decode()
    assert not type(staged).objects.filter(pk=staged.pk).exists()
    entry = AuditEntry.objects.filter(verb__endswith=".discard").get()
    assert (entry.actor_id, entry.actor_name) == (world.users[who].pk, who)


@pytest.mark.parametrize(
    ("discard", "who", "attribute"),
    [
        ("evidence:survey_discard", "viewer", "survey"),
        ("indicators:upload_discard", "contributor", "upload"),
    ],
)
def test_a_member_who_may_not_import_may_not_discard(world, discard, who, attribute):
    staged = getattr(world.home, attribute)
    assert world.client_for(who).post(reverse(discard, args=["home", staged.pk])).status_code == 403
    assert type(staged).objects.filter(pk=staged.pk).exists()


def test_outsider_gets_404_discarding_another_partnerships_staged_files(world):
    client = world.client_for("outsider")
    for name, staged in (
        ("evidence:survey_discard", world.home.survey),
        ("indicators:upload_discard", world.home.upload),
    ):
        assert client.post(reverse(name, args=["home", staged.pk])).status_code == 404
        assert type(staged).objects.filter(pk=staged.pk).exists()


def test_an_imported_survey_cannot_be_discarded(world):
    upload = world.home.survey
    SurveyUpload.objects.filter(pk=upload.pk).update(imported_at=timezone.now(), data="")
    client = world.client_for("lead")
    page = client.post(reverse("evidence:survey_discard", args=["home", upload.pk]), follow=True)
    assert "This survey has been imported, so there is nothing to discard" in page.content.decode()
    assert SurveyUpload.objects.filter(pk=upload.pk).exists()


def _age(model: Any, pk: int, days: int) -> None:
    model.objects.filter(pk=pk).update(created_at=timezone.now() - datetime.timedelta(days=days))


@override_settings(STAGED_UPLOAD_DAYS=2)
def test_a_new_survey_upload_purges_staged_surveys_older_than_the_setting(world):
    old, recent = world.home.survey, world.away.survey
    _age(SurveyUpload, old.pk, 3)
    _age(SurveyUpload, recent.pk, 1)
    imported = SurveyUpload.objects.create(
        partnership=world.home.partnership,
        title="Done",
        filename="d.csv",
        data="",
        imported_at=timezone.now(),
    )
    _age(SurveyUpload, imported.pk, 30)
    surveys.stage_survey(
        world.users["lead"], world.home.partnership, title="New", filename="n.csv", data=SURVEY
    )
    left = set(SurveyUpload.objects.values_list("title", flat=True))
    assert left == {recent.title, "Done", "New"}
    entry = AuditEntry.objects.get(verb="survey.purge")
    assert entry.actor_name == "lead"  # whose upload set the purge going


@override_settings(STAGED_UPLOAD_DAYS=2)
def test_a_new_data_upload_purges_staged_data_files_older_than_the_setting(world):
    old, recent = world.home.upload, world.away.upload
    _age(ImportUpload, old.pk, 3)
    _age(ImportUpload, recent.pk, 1)
    actions.stage_upload(
        world.users["lead"],
        world.home.partnership,
        filename="f.csv",
        data=FIGURES,
        release="New",
        create_elements=False,
    )
    assert set(ImportUpload.objects.values_list("release", flat=True)) == {recent.release, "New"}


def test_the_purge_uploads_command_purges_both_kinds_and_says_how_many(world, capsys):
    _age(SurveyUpload, world.home.survey.pk, 8)
    _age(ImportUpload, world.home.upload.pk, 8)
    _age(ImportUpload, world.away.upload.pk, 8)
    args = build_parser().parse_args(["purge-uploads"])
    assert args.handler(args) == 0
    assert capsys.readouterr().out == (
        "Purged 1 survey file and 2 data files staged more than 7 days ago and never imported.\n"
    )
    assert SurveyUpload.objects.count() == 1 and ImportUpload.objects.count() == 0
