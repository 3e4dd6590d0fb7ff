"""Several ``followup serve`` processes share one cache (settings.CACHES, docs/deploy.md): allauth
keeps the one-use TOTP codes and the count of wrong second-factor codes there, so a code used in
one process must be refused in another, and wrong codes counted in one count in the other. Each
process here is a ``followup manage shell`` of its own, on a copy of one database made by
``followup migrate`` (tests/migrated.py), which makes the cache's table: without it, neither test
could pass."""

from __future__ import annotations

import importlib
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

from tests.core.test_cli import run
from tests.core.test_proxied_serve import _environment
from tests.migrated import copy_database

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
MAKE_USER = f"""
from django.contrib.auth.models import User
from allauth.mfa.totp.internal.auth import TOTP
TOTP.activate(User.objects.create_user('inspector', 'inspector@example.org', 'x'), '{SECRET}')
"""
# One process: its clock set to `at`, so that both see the code in its window whatever the time.
USE_CODE = """
import time
time.time = lambda: {at}
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
print("accepted" if TOTP(Authenticator.objects.get()).validate_code("{code}") else "refused")
"""
WRONG_CODES = """
from allauth.core import context, ratelimit
from django.test import RequestFactory
with context.request_context(RequestFactory().post("/")):
    for _ in range({count}):
        allowed = ratelimit.consume(context.request, action="mfa_code", key="mfa-code-user-1")
        print("counted" if allowed else "refused")
"""


@pytest.fixture(scope="module")
def environment(
    tmp_path_factory: pytest.TempPathFactory, migrated_sqlite: Path
) -> tuple[dict[str, str], Path]:
    folder = tmp_path_factory.mktemp("shared-cache")
    env = _environment(folder)
    copy_database(migrated_sqlite, folder / "followup.sqlite3")  # made by followup migrate
    made = run("manage", "shell", "-c", MAKE_USER, env=env, cwd=folder)
    assert made.returncode == 0, made.stderr
    return env, folder


def _shell(environment: tuple[dict[str, str], Path], script: str) -> list[str]:
    env, folder = environment
    result = run("manage", "shell", "--no-imports", "-c", script, env=env, cwd=folder)
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_a_code_used_in_one_process_is_refused_in_another(environment):
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    at = time.time()
    code = format_hotp_value(hotp_value(SECRET, int(at) // 30))
    assert _shell(environment, USE_CODE.format(at=at, code=code)) == ["accepted"]
    assert _shell(environment, USE_CODE.format(at=at, code=code)) == ["refused"]


def test_wrong_codes_counted_in_one_process_count_in_another(environment):
    # Five wrong codes in five minutes per account (ACCOUNT_RATE_LIMITS["mfa_code"]).
    assert _shell(environment, WRONG_CODES.format(count=3)) == ["counted"] * 3
    assert _shell(environment, WRONG_CODES.format(count=3)) == ["counted", "counted", "refused"]


def test_every_migrate_makes_the_cache_table_not_only_followup_migrate(db, settings):
    """``followup setup`` and the benchmarks migrate without ``followup migrate``'s
    ``createcachetable``: the migration makes the table, so a page that keeps an answer in the
    cache (the recommendation page's themes) works after any of them."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "followup_cache_made_by_migrate",
        }
    }
    applied = MigrationRecorder(connection).applied_migrations()
    assert ("core", "0002_cache_table") in applied  # part of every migrate
    migration = importlib.import_module("followup.web.migrations.0002_cache_table")
    assert "followup_cache_made_by_migrate" not in connection.introspection.table_names()
    migration.make_cache_table(None, SimpleNamespace(connection=connection))
    assert "followup_cache_made_by_migrate" in connection.introspection.table_names()
