"""Print every row of every table and every stored file of an installation, as JSON.

    python -m tests.backup.rows   (with DATABASE_URL and FOLLOWUP_DATA_DIR set)

The round-trip tests compare two installations with it. It reads through the models'
``values_list``, in primary-key order, and the files folder directly: nothing of
``followup.backup`` is used, so a fault there cannot hide itself.
"""

from __future__ import annotations

import datetime
import decimal
import hashlib
import json
import os
import sys
import uuid
from pathlib import Path
from typing import Any

from tests.backup.folders import stored_files_folder


def canonical(value: Any) -> Any:
    """A value as JSON can hold it, the same whichever database it came from."""
    if isinstance(value, memoryview):
        value = bytes(value)
    if isinstance(value, bytes):
        return {"bytes": value.hex()}
    if isinstance(value, datetime.datetime):
        return {"datetime": value.astimezone(datetime.UTC).isoformat()}
    if isinstance(value, datetime.date | datetime.time):
        return {type(value).__name__: value.isoformat()}
    if isinstance(value, datetime.timedelta):
        return {"timedelta": value.total_seconds()}
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return {type(value).__name__: str(value)}
    return value


def tables() -> dict[str, Any]:
    from django.apps import apps

    result = {}
    for model in apps.get_models(include_auto_created=True):
        if not model._meta.managed or model._meta.proxy:
            continue
        names = [field.attname for field in model._meta.local_concrete_fields]
        rows = model._base_manager.order_by("pk").values_list(*names)
        result[model._meta.label_lower] = {
            "columns": names,
            "rows": [[canonical(value) for value in row] for row in rows],
        }
    return result


def files(root: Path) -> dict[str, str]:
    """Every file under ``root``, by its path there, with its bytes' SHA-256."""
    found = {}
    for folder, _, names in os.walk(root):
        for name in names:
            path = Path(folder, name)
            found[path.relative_to(root).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    import django

    django.setup()
    json.dump(
        {"tables": tables(), "files": files(stored_files_folder())},
        sys.stdout,
        sort_keys=True,
    )


if __name__ == "__main__":
    main()
