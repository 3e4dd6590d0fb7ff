from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def fresh_cache() -> Iterator[None]:
    """allauth keeps used TOTP codes and rate-limit counts in the cache: each test starts clean."""
    cache.clear()
    yield
    cache.clear()
