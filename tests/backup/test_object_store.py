"""Backup and restore through an S3-compatible object store (django-storages), as a national
service would keep its files: a local ``moto`` server on 127.0.0.1, started for this module."""

from __future__ import annotations

import argparse
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from followup.backup.make import stored_files
from followup.cli_backup import cmd_backup, cmd_restore

FILES = {"reports/2024/one.pdf": b"%PDF " + bytes(range(256)) * 10, "naïve.txt": b"ok"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    port = free_port()
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        else:
            pytest.fail("moto_server did not start")
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=10)


def use_bucket(settings: Any, endpoint: str, bucket: str) -> None:
    """Make the default storage a new bucket of the local server."""
    from django.core.files.storage import storages

    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": bucket,
                "endpoint_url": endpoint,
                "region_name": "us-east-1",
                "access_key": "test",
                "secret_key": "test",
            },
        },
    }
    storages["default"].bucket.create()  # type: ignore[attr-defined]  # S3Storage's boto3 bucket


def test_files_in_an_object_store_are_backed_up_and_restored_into_another(
    endpoint, db, settings, tmp_path, capsys
):
    from django.core.files.base import ContentFile
    from django.core.files.storage import storages

    use_bucket(settings, endpoint, "source")
    for name, data in FILES.items():
        storages["default"].save(name, ContentFile(data))
    archive = tmp_path / "backup.zip"
    assert cmd_backup(argparse.Namespace(output=str(archive))) == 0

    use_bucket(settings, endpoint, "target")
    assert stored_files(storages["default"]) == []
    assert cmd_restore(argparse.Namespace(file=str(archive))) == 0, capsys.readouterr().err
    storage = storages["default"]
    assert stored_files(storage) == sorted(FILES)
    for name, data in FILES.items():
        with storage.open(name, "rb") as handle:
            assert handle.read() == data
