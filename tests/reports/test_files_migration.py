"""The migrations that move files out of database blobs into the storage (reports 0004-0005,
indicators 0008-0009, evidence 0006-0007): every published file keeps its bytes and its digest,
a file whose digest does not match stops the migration naming the publication, and the reverse
brings the blobs back."""

from __future__ import annotations

import hashlib
import importlib
import re
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from followup.env import folder_storage
from followup.evidence.models import SurveyUpload
from followup.frameworks.library import load_library
from followup.indicators.models import ImportUpload
from followup.lib import storedfiles
from followup.lib.blobmigration import DigestMismatch
from followup.lib.types import CommandLine
from followup.reports.models import Publication
from tests import factories as f
from tests.coverage_pause import measured
from tests.migrate_to import migrate_to

BEFORE = [
    ("reports", "0003_publication_one_version_each"),
    ("indicators", "0007_rename_partnership_releases_named_like_official"),
    ("evidence", "0005_delete_with_partnership"),
]
FILES = {
    "html": b'<!doctype html><html lang="en-GB"><p>Version 1</p></html>',
    "pdf": b"%PDF-1.7\n\x00\xff binary \x80 bytes\n%%EOF",
    "docx": b"PK\x03\x04 a Word file\x00\x01\x02",
}
TABLE = b"followup-table/1\n" + b'{"headers":["area_code"],"rows":[[2,{"area_code":"S1"}]]}'
SURVEY = b"id,group,What helps?\n1,Staff,Good supervision\n"


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# The data migrations' own helpers, measured while Django's migration machinery is not
# (tests/coverage_pause.py): they are looked up in the migrations' modules when called.
DATA_MIGRATIONS = [
    "followup.reports.migrations.0004_publication_files_in_storage",
    "followup.indicators.migrations.0008_importupload_file_in_storage",
    "followup.evidence.migrations.0006_surveyupload_file_in_storage",
]


@pytest.fixture(autouse=True)
def _blob_moves_measured(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in DATA_MIGRATIONS:
        module = importlib.import_module(name)
        for helper in ("blobs_to_files", "files_to_blobs"):
            monkeypatch.setattr(module, helper, measured(getattr(module, helper)))


def _columns(table: str) -> set[str]:
    with connection.cursor() as cursor:
        return {c.name for c in connection.introspection.get_table_description(cursor, table)}


def _stored(folder: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.fixture
def folder(settings: Any, tmp_path: Path) -> Path:
    """This test's own storage folder, and the framework library reviews are made with."""
    load_library(CommandLine("tests"))
    settings.STORAGES = {**settings.STORAGES, "default": folder_storage(tmp_path / "files")}
    return tmp_path / "files"


def _publication(old: Any, review: Any, files: dict[str, bytes], digests: dict[str, str]) -> Any:
    return old.get_model("reports", "Publication").objects.create(
        partnership_id=review.inspection.partnership_id,
        kind="review",
        review_id=review.pk,
        inspection_id=review.inspection_id,
        version=1,
        title="Progress review of Westshire",
        published_at=timezone.now(),
        **files,
        **{f"sha256_{fmt}": digest for fmt, digest in digests.items()},
    )


@pytest.mark.django_db(transaction=True)
def test_a_mismatched_digest_stops_the_migration_then_blobs_move_with_their_digests_and_back(
    folder: Path,
) -> None:
    """One journey, as an administrator would take it, because each trip down and up the
    migrations costs seconds: a file whose digest does not match stops the migration, naming it,
    and nothing moves; once it is dealt with, every blob moves with its bytes and digest, and
    the reverse brings them back."""
    old = migrate_to(BEFORE)
    try:
        review: Any = f.ReviewFactory()
        partnership = review.inspection.partnership
        digests = {k: _sha(v) for k, v in FILES.items()}
        published = _publication(old, review, FILES, digests)
        other: Any = f.ReviewFactory(inspection=review.inspection)
        bad = _publication(old, other, {**FILES, "pdf": b"%PDF altered"}, digests)
        uploads = old.get_model("indicators", "ImportUpload").objects
        staged = uploads.create(
            partnership_id=partnership.pk, filename="../../etc/passwd", data=TABLE, release="R"
        )
        emptied = uploads.create(
            partnership_id=partnership.pk,
            filename="done.csv",
            data=b"",
            release="Done",
            applied_at=timezone.now(),
        )
        survey = old.get_model("evidence", "SurveyUpload").objects.create(
            partnership_id=partnership.pk, title="Spring", filename="s.csv", data=SURVEY
        )
        with pytest.raises(DigestMismatch) as refused:
            migrate_to()
        assert str(refused.value) == (
            f"Publication {bad.pk} (version 1 of “Progress review of Westshire”): its pdf file, "
            "written to the storage as "
            f"reports/partnership-{partnership.pk}/review-{other.pk}/v1/"
            f"report.pdf, has the SHA-256 digest {_sha(b'%PDF altered')}, but the digest "
            f"recorded when it was published is {digests['pdf']}. Nothing was moved: find out "
            "why the stored bytes differ before migrating again."
        )
        # Nothing of the reports moved: no report file is left in the storage, and the blobs
        # are where they were. (The staged tables' migrations, in other apps, went ahead.)
        assert [name for name in _stored(folder) if name.startswith("reports/")] == []
        rows = old.get_model("reports", "Publication").objects
        assert bytes(rows.get(pk=published.pk).pdf) == FILES["pdf"]
        assert bytes(rows.get(pk=bad.pk).pdf) == b"%PDF altered"
        rows.filter(pk=bad.pk).delete()
    finally:
        migrate_to()

    publication = Publication.objects.get(pk=published.pk)
    where = f"reports/partnership-{partnership.pk}/review-{review.pk}/v1"
    for fmt, data in FILES.items():
        assert publication.file(fmt).name == f"{where}/report.{fmt}"
        assert (folder / where / f"report.{fmt}").read_bytes() == data
        assert publication.content(fmt) == data
        assert publication.digest(fmt) == _sha(data) == _sha(publication.content(fmt))
    upload = ImportUpload.objects.get(pk=staged.pk)
    assert re.fullmatch(
        rf"uploads/indicators/partnership-{partnership.pk}/[0-9a-f]{{32}}\.table", upload.data.name
    )
    assert storedfiles.read_bytes(upload.data) == TABLE
    assert ImportUpload.objects.get(pk=emptied.pk).data.name == ""
    moved = SurveyUpload.objects.get(pk=survey.pk)
    assert re.fullmatch(
        rf"uploads/surveys/partnership-{partnership.pk}/[0-9a-f]{{32}}\.table", moved.data.name
    )
    assert storedfiles.read_bytes(moved.data) == SURVEY
    assert len(_stored(folder)) == 5  # three published files, two staged tables
    assert {oct(p.stat().st_mode & 0o777) for p in folder.rglob("*") if p.is_file()} == {"0o600"}
    assert {oct(p.stat().st_mode & 0o777) for p in folder.rglob("*") if p.is_dir()} == {"0o700"}
    assert not {"html_blob", "pdf_blob", "docx_blob"} & _columns("reports_publication")
    assert "data_blob" not in _columns("indicators_importupload")

    # And back: the blobs return with the same bytes (the files stay in the storage).
    old = migrate_to(BEFORE)
    try:
        row = old.get_model("reports", "Publication").objects.get(pk=published.pk)
        assert {fmt: bytes(getattr(row, fmt)) for fmt in FILES} == FILES
        staged_again = old.get_model("indicators", "ImportUpload").objects.get(pk=staged.pk)
        assert bytes(staged_again.data) == TABLE
        survey_again = old.get_model("evidence", "SurveyUpload").objects.get(pk=survey.pk)
        assert bytes(survey_again.data) == SURVEY
    finally:
        migrate_to()
