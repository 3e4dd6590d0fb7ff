"""Test settings: the one settings module, with a test environment set first."""

import os
import tempfile
from pathlib import Path
from typing import Any, cast

os.environ.setdefault(
    "FOLLOWUP_SECRET_KEY", "test-only-secret-key-not-for-any-real-deployment-0123456789"
)
os.environ.setdefault("FOLLOWUP_HTTPS", "false")
# The key of the records' hashes (followup.records): a test key, never a real one.
os.environ.setdefault(
    "FOLLOWUP_RECORDS_KEY", "test-only-records-key-not-for-any-real-return-9876543210-qzx"
)
_REPOSITORY_DATA_DIR = "FOLLOWUP_DATA_DIR" not in os.environ
# Jobs run inside the request that starts them; tests/jobs/test_worker.py runs a real worker.
os.environ.setdefault("FOLLOWUP_TASKS_BACKEND", "immediate")
os.environ.setdefault(
    "FOLLOWUP_DATA_DIR", os.path.join(os.path.dirname(__file__), "..", "var", "test")
)

from followup.env import folder_storage  # noqa: E402
from followup.settings import *  # noqa: E402, F403

# Stored files: each test module has a folder of its own (tests/conftest.py). Anything stored
# outside a module's tests goes to a temporary folder of this process, never into the repository
# (a subprocess given its own FOLLOWUP_DATA_DIR keeps them in it, under files/).
if _REPOSITORY_DATA_DIR and not os.environ.get("FOLLOWUP_FILES_DIR"):
    STORAGES = {
        **STORAGES,  # noqa: F405
        "default": folder_storage(Path(tempfile.gettempdir()) / f"followup-test-{os.getpid()}"),
    }

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast, tests only
STATIC_ROOT = None  # type: ignore[assignment]  # served from the app folders; nothing is collected in tests
# One process runs the tests: the cache is its memory, cleared by the tests that count on it
# (tests/accounts/conftest.py). The cache shared by processes, a table in the database, is tested
# across processes in tests/core/test_shared_cache.py.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# The suite keeps warnings and errors only. At INFO, each request's access line (followup.access)
# was formatted and written to a stream pytest captures and nobody reads: about 2% of the suite's
# time. The tests of the log configure the level they read (tests/core/test_production_logging.py).
cast(dict[str, Any], LOGGING["root"])["level"] = "WARNING"  # noqa: F405
cast(dict[str, Any], LOGGING["loggers"])["followup.access"]["level"] = "WARNING"  # noqa: F405
