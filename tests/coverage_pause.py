"""Coverage measured only where it measures Followup: paused while Django works out migration
states, which is most of a migration test's time and none of Followup's code.

Under coverage, Python 3.11 calls the tracer on every function call, Django's included, so
Django's migration machinery (rendering a model state for each step, again for each data
migration) ran about twice as slowly as without it, while measuring nothing: Followup's
migrations are left out of the measurement (``omit`` in pyproject.toml). ``paused`` stops the
measurement for a block; ``measured`` measures a function called inside one, such as the
helpers the data migrations call (``followup.lib.blobmigration``), so that their coverage is
what it was. As a plugin (``pytest_plugins`` in tests/conftest.py), it makes the test database
with the measurement paused: a hook in a conftest file is not called for session fixtures.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import coverage
import pytest

F = TypeVar("F", bound=Callable[..., Any])


# The measurement ``paused`` stopped, which ``measured`` starts again for a while: a stopped
# Coverage is no longer ``Coverage.current()``.
_STOPPED: list[coverage.Coverage] = []


@contextmanager
def paused() -> Iterator[None]:
    """No measurement in this block (nothing changes where coverage is not running)."""
    running = coverage.Coverage.current()
    if running is None:
        yield
        return
    running.stop()
    _STOPPED.append(running)
    try:
        yield
    finally:
        _STOPPED.pop()
        running.start()


def measured(function: F) -> F:
    """``function``, measured even when called inside ``paused``."""

    @functools.wraps(function)
    def inside(*args: Any, **kwargs: Any) -> Any:
        if not _STOPPED or coverage.Coverage.current() is not None:
            return function(*args, **kwargs)
        stopped = _STOPPED[-1]
        stopped.start()
        try:
            return function(*args, **kwargs)
        finally:
            stopped.stop()

    return inside  # type: ignore[return-value]  # functools.wraps keeps the signature


@pytest.hookimpl(wrapper=True)
def pytest_fixture_setup(fixturedef: pytest.FixtureDef[Any], request: pytest.FixtureRequest) -> Any:
    """The test database is made by running every migration, once a pytest-xdist process: with
    the measurement paused, since Followup's migrations are not measured and Django's machinery,
    measuring nothing, took half as long again under it."""
    if fixturedef.argname != "django_db_setup":
        return (yield)
    with paused():
        return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Any:
    """Browser tests run unmeasured: the server code they reach is measured by the tests of each
    app through Django's test client, and under the measurement the live server's work in this
    process took a tenth of the browser tests' time again, for lines already counted. Measured on 29 November 2026 with and without them: the total and
    every critical module's figure were the same, once the four lines of ``front/search.py`` and
    the one branch of ``front/queries_records.py`` that only a browser test reached had tests of
    their own (tests/front/test_snippets_and_note_text.py)."""
    if item.get_closest_marker("browser") is None:
        return (yield)
    with paused():
        return (yield)
