"""The object-store configuration against a real S3-compatible server: moto's, started once for
this module in a process of its own on 127.0.0.1 (not a mock inside this process). The cases
every configuration passes are in stored_files.py; the ones here are the bucket's own."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3  # type: ignore[import-untyped]  # boto3 ships no type hints
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.test import override_settings
from django.views.debug import SafeExceptionReporterFilter

from followup.env import object_storage
from followup.lib import storedfiles
from followup.settings_registry import setting_storage
from tests.core.stored_files import *  # noqa: F403  # the cases every configuration passes
from tests.core.stored_files import Store

BUCKET, REGION, PREFIX = "followup-files", "eu-west-2", "followup"
KEYS = {"access_key": "test-access-key", "secret_key": "test-secret-key-never-logged"}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """moto's S3 server, in a subprocess on 127.0.0.1, for this module's tests."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = (tmp_path_factory.mktemp("moto") / "moto.log").open("wb")
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("moto_server")), "-H", "127.0.0.1", "-p", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(f"{url}/moto-api/", timeout=1)  # our own server
                break
            except (urllib.error.URLError, ConnectionError):
                if server.poll() is not None:
                    raise RuntimeError(
                        f"moto_server stopped with code {server.returncode}"
                    ) from None
                time.sleep(0.1)
        else:
            raise RuntimeError("moto_server did not answer within 30 seconds")
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


@pytest.fixture(scope="module")
def s3(endpoint: str) -> Any:
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id=KEYS["access_key"],
        aws_secret_access_key=KEYS["secret_key"],
    )
    client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
    return client


@pytest.fixture(scope="module", autouse=True)
def _files_in_the_bucket(endpoint: str, s3: Any) -> Iterator[None]:
    """Every test of this module, and the world it builds, stores its files in the bucket."""
    configured = object_storage(
        bucket=BUCKET, region=REGION, endpoint_url=endpoint, prefix=PREFIX, **KEYS
    )
    with override_settings(STORAGES={"default": configured, "staticfiles": _STATIC}):
        yield


_STATIC = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}


@pytest.fixture
def store(s3: Any) -> Store:
    def names() -> set[str]:
        found = set()
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET):
            for item in page.get("Contents", []):
                key = str(item["Key"])
                assert key.startswith(f"{PREFIX}/"), key  # everything under the prefix
                found.add(key.removeprefix(f"{PREFIX}/"))
        return found

    def read(name: str) -> bytes:
        return bytes(s3.get_object(Bucket=BUCKET, Key=f"{PREFIX}/{name}")["Body"].read())

    return Store(names=names, read=read)


def test_objects_are_private_their_links_signed_and_an_unsigned_request_refused(
    world: Any, s3: Any, endpoint: str
) -> None:
    storage = storedfiles.default()
    name = storage.save("reports/private/report.pdf", ContentFile(b"not for everyone"))
    grants = s3.get_object_acl(Bucket=BUCKET, Key=f"{PREFIX}/{name}")["Grants"]
    assert [g["Permission"] for g in grants] == ["FULL_CONTROL"]
    assert [g["Grantee"]["Type"] for g in grants] == ["CanonicalUser"]  # the owner, nobody else
    link = storage.url(name)
    assert "X-Amz-Signature=" in link and "X-Amz-Expires=300" in link
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{endpoint}/{BUCKET}/{PREFIX}/{name}")
    assert refused.value.code == 403


def test_the_object_store_is_configured_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    environment = {
        "FOLLOWUP_STORAGE": "s3",
        "FOLLOWUP_S3_BUCKET": BUCKET,
        "FOLLOWUP_S3_REGION": REGION,
        "FOLLOWUP_S3_ENDPOINT_URL": "https://s3.example.org",
        "FOLLOWUP_S3_PREFIX": "/followup/",
        "FOLLOWUP_S3_ACCESS_KEY_ID": "AKIAEXAMPLE",
    }
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    secret = tmp_path / "secret"
    secret.write_text("the-secret-access-key\n")
    monkeypatch.setenv("FOLLOWUP_S3_SECRET_ACCESS_KEY_FILE", str(secret))
    monkeypatch.delenv("FOLLOWUP_S3_SECRET_ACCESS_KEY", raising=False)
    assert setting_storage(tmp_path) == {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": BUCKET,
            "region_name": REGION,
            "endpoint_url": "https://s3.example.org",
            "location": "followup",
            "access_key": "AKIAEXAMPLE",
            "secret_key": "the-secret-access-key",
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": 300,
            "file_overwrite": False,
            "signature_version": "s3v4",
        },
    }


@pytest.mark.parametrize(
    ("unset", "message"),
    [
        (
            "FOLLOWUP_S3_BUCKET",
            "FOLLOWUP_STORAGE is s3, so FOLLOWUP_S3_BUCKET must be set (see docs/configuration.md).",
        ),
        (
            "FOLLOWUP_S3_REGION",
            "FOLLOWUP_STORAGE is s3, so FOLLOWUP_S3_REGION must be set (see docs/configuration.md).",
        ),
        (
            "FOLLOWUP_S3_ACCESS_KEY_ID",
            "FOLLOWUP_S3_ACCESS_KEY_ID or FOLLOWUP_S3_ACCESS_KEY_ID_FILE must be set "
            "(see docs/configuration.md).",
        ),
        (
            "FOLLOWUP_S3_SECRET_ACCESS_KEY",
            "FOLLOWUP_S3_SECRET_ACCESS_KEY or FOLLOWUP_S3_SECRET_ACCESS_KEY_FILE must be set "
            "(see docs/configuration.md).",
        ),
    ],
)
def test_a_missing_object_store_setting_stops_the_process_naming_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, unset: str, message: str
) -> None:
    environment = {
        "FOLLOWUP_STORAGE": "s3",
        "FOLLOWUP_S3_BUCKET": BUCKET,
        "FOLLOWUP_S3_REGION": REGION,
        "FOLLOWUP_S3_ACCESS_KEY_ID": "AKIAEXAMPLE",
        "FOLLOWUP_S3_SECRET_ACCESS_KEY": "the-secret-access-key",
    }
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    for name in (unset, f"{unset}_FILE"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(ImproperlyConfigured) as stopped:
        setting_storage(tmp_path)
    assert str(stopped.value) == message
    assert "the-secret-access-key" not in str(stopped.value)


def test_an_endpoint_that_is_not_a_web_address_stops_the_process(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with pytest.raises(ImproperlyConfigured, match="FOLLOWUP_S3_ENDPOINT_URL must be an http"):
        object_storage(
            bucket=BUCKET, region=REGION, endpoint_url="s3.example.org", prefix="", **KEYS
        )


def test_django_s_error_reports_never_show_the_bucket_s_keys() -> None:
    shown = SafeExceptionReporterFilter().get_safe_settings()["STORAGES"]["default"]["OPTIONS"]
    assert shown["access_key"] == shown["secret_key"] == "********************"
    assert KEYS["secret_key"] not in repr(SafeExceptionReporterFilter().get_safe_settings())
