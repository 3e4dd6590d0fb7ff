"""Where the tests' stored files are: the default storage, a folder (``followup.env.folder_storage``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.files.storage import storages

from followup.env import folder_storage


def store_files_in(settings: Any, folder: Path) -> Path:
    """Make ``folder`` the default storage for this test (pytest-django's ``settings``)."""
    settings.STORAGES = {**settings.STORAGES, "default": folder_storage(folder)}
    return folder


def stored_files_folder() -> Path:
    """The folder of the default storage, as the settings in force configure it."""
    return Path(storages["default"].location)  # type: ignore[attr-defined]
