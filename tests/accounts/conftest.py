from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def fresh_rate_limits() -> Iterator[None]:
    """django-allauth counts requests (reset links per address, confirmation emails) in the
    cache, which outlives a test: each test starts with none counted."""
    cache.clear()
    yield
    cache.clear()
