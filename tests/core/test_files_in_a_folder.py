"""The default storage: a folder under FOLLOWUP_DATA_DIR (here, a temporary folder of this test
module's own, tests/conftest.py). The cases every configuration passes are in stored_files.py."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile

from followup import cli
from followup.lib import storedfiles
from followup.reports import actions
from followup.settings_registry import setting_storage
from tests.core.stored_files import *  # noqa: F403  # the cases every configuration passes
from tests.core.stored_files import Store, cheap_render

REPOSITORY = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def folder() -> Path:
    return Path(storedfiles.default().location)  # type: ignore[attr-defined]  # FileSystemStorage


@pytest.fixture
def store(folder: Path) -> Iterator[Store]:
    def names() -> set[str]:
        return {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()}

    yield Store(names=names, read=lambda name: (folder / name).read_bytes())


def test_the_default_storage_is_a_folder_under_the_data_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for name in ("FOLLOWUP_STORAGE", "FOLLOWUP_FILES_DIR"):
        monkeypatch.delenv(name, raising=False)
    assert setting_storage(tmp_path) == {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": str(tmp_path / "files"),
            "file_permissions_mode": 0o600,
            "directory_permissions_mode": 0o700,
            "allow_overwrite": False,
        },
    }
    monkeypatch.setenv("FOLLOWUP_FILES_DIR", str(tmp_path / "elsewhere"))
    assert setting_storage(tmp_path)["OPTIONS"]["location"] == str(tmp_path / "elsewhere")  # type: ignore[index]


def test_stored_files_are_for_followup_s_user_only_and_never_in_the_repository(
    world: Any, folder: Path
) -> None:
    name = storedfiles.default().save("reports/a/b/report.pdf", ContentFile(b"x"))
    assert oct((folder / name).stat().st_mode & 0o777) == "0o600"
    assert oct((folder / "reports" / "a").stat().st_mode & 0o777) == "0o700"
    assert not folder.resolve().is_relative_to(REPOSITORY)


def test_check_files_names_a_published_file_altered_or_missing_and_a_staged_file_missing(
    world: Any, folder: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    cheap_render(monkeypatch)
    review = world.home.review
    publication = actions.publish(world.users["inspector"], review=review)
    args = cli.build_parser().parse_args(["check-files"])
    assert args.handler(args) == 0
    assert capsys.readouterr().out == (
        "Every stored file is in the storage, and every published file has its digest.\n"
    )
    (folder / publication.pdf.name).write_bytes(b"%PDF altered")
    (folder / publication.docx.name).unlink()
    (folder / world.home.upload.data.name).unlink()
    assert args.handler(args) == 1
    described = f"Publication {publication.pk} (version 1 of “{publication.title}”)"
    out, err = capsys.readouterr()
    assert out.splitlines() == [
        f"{described}: its pdf file {publication.pdf.name} has the SHA-256 digest "
        f"{hashlib.sha256(b'%PDF altered').hexdigest()}, not the {publication.sha256_pdf} "
        "recorded when it was published",
        f"{described}: its docx file {publication.docx.name} is not in the storage",
        f"Staged data file {world.home.upload.pk}: its file {world.home.upload.data.name} is "
        "not in the storage",
    ]
    assert err == "3 problems with stored files.\n"
    # Put back what this test took away from the module's world.
    (folder / world.home.upload.data.name).write_bytes(b"")
