"""Test settings: the one settings module, with a test environment set first."""

import os

os.environ.setdefault(
    "FOLLOWUP_SECRET_KEY", "test-only-secret-key-not-for-any-real-deployment-0123456789"
)
os.environ.setdefault("FOLLOWUP_HTTPS", "false")
os.environ.setdefault(
    "FOLLOWUP_DATA_DIR", os.path.join(os.path.dirname(__file__), "..", "var", "test")
)

from followup.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast, tests only
STATIC_ROOT = None  # type: ignore[assignment]  # served from the app folders; nothing is collected in tests
# One process runs the tests: the cache is its memory, cleared by the tests that count on it
# (tests/accounts/conftest.py). The cache shared by processes, a table in the database, is tested
# across processes in tests/core/test_shared_cache.py.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
