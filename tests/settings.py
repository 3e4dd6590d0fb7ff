"""Test settings: the one settings module, with a test environment set first."""

import os

os.environ.setdefault(
    "FOLLOWUP_SECRET_KEY", "test-only-secret-key-not-for-any-real-deployment-0123456789"
)
os.environ.setdefault("FOLLOWUP_HTTPS", "false")
# Jobs run inside the request that starts them; tests/jobs/test_worker.py runs a real worker.
os.environ.setdefault("FOLLOWUP_TASKS_BACKEND", "immediate")
os.environ.setdefault(
    "FOLLOWUP_DATA_DIR", os.path.join(os.path.dirname(__file__), "..", "var", "test")
)

from followup.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast, tests only
STATIC_ROOT = None  # type: ignore[assignment]  # served from the app folders; nothing is collected in tests
