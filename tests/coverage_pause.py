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
import os
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
    """No measurement in this block (nothing changes where coverage is not running).

    Every running measurement is stopped, not only the current one. In a pytest-xdist worker,
    pytest-cov starts two: one as it reads the command line, which asks for workers, as if this
    process were the controller, and then the worker's own, whose data is kept. Stopping only
    the worker's handed the tracer back to the other, which went on measuring (more slowly, and
    into data nobody keeps): a paused test was slower than a measured one, and a function
    ``measured`` inside a pause was measured into the data thrown away."""
    stopped: list[coverage.Coverage] = []
    while (running := coverage.Coverage.current()) is not None:
        running.stop()
        stopped.append(running)
    if not stopped:
        yield
        return
    _STOPPED.append(stopped[0])  # the measurement whose data is kept
    try:
        yield
    finally:
        _STOPPED.pop()
        for running in reversed(stopped):
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


# The sweeps: tests that make the same kind of request for every address, member or field, to
# check one property of them all (an access rule, no server error, dates as people write them).
# They run unmeasured: what they reach is measured by the tests of each app, and under the
# measurement they took about a third again as long, for lines already counted. A line only a
# sweep reached has a test of its own. A line that only a sweep reaches shows as not covered,
# and a critical module below its bar fails the run (scripts/coverage_check.py); to find such
# lines, measure the sweeps (below) and compare.
SWEEPS = frozenset(
    {
        "tests/partnerships/test_access_matrix.py",
        "tests/api/test_matrix.py",
        "tests/api/test_tenancy.py",
        "tests/api/test_allow.py",
        "tests/api/test_schemathesis.py",
        "tests/api/test_hostile.py",
        "tests/core/test_no_server_errors.py",
        "tests/core/test_edit_pages.py",
        "tests/core/test_dates_as_people_write_them.py",
    }
)


def _unmeasured(item: pytest.Item) -> bool:
    """Browser tests and sweeps run with the measurement paused. With FOLLOWUP_MEASURE_SWEEPS
    set, the sweeps are measured: to find what only a sweep reaches, measure one alone and
    compare with a run of the whole suite."""
    if item.get_closest_marker("browser") is not None:
        return True
    return item.nodeid.split("::")[0] in SWEEPS and not os.environ.get("FOLLOWUP_MEASURE_SWEEPS")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Any:
    """Browser tests run unmeasured: the server code they reach is measured by the tests of each
    app through Django's test client, and under the measurement the live server's work in this
    process took a tenth of the browser tests' time again, for lines already counted. Measured on 29 November 2026 with and without them: the total and
    every critical module's figure were the same, once the four lines of ``front/search.py`` and
    the one branch of ``front/queries_records.py`` that only a browser test reached had tests of
    their own (tests/front/test_snippets_and_note_text.py)."""
    if not _unmeasured(item):
        return (yield)
    with paused():
        return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Any:
    """A property test (Hypothesis) is measured only while its own body runs. Hypothesis is
    pure Python, and drawing and shrinking the examples, none of it Followup's code, took as long
    again under the measurement as the body itself. Hypothesis calls the body through its
    ``inner_test``, which it lets a plugin wrap; the strategies that draw the examples are the
    tests' own (tests/*/strategies and the tests), not Followup's."""
    hypothesis = getattr(getattr(item, "obj", None), "hypothesis", None)
    if hypothesis is None or coverage.Coverage.current() is None:
        return (yield)
    inner = hypothesis.inner_test
    hypothesis.inner_test = measured(inner)
    try:
        with paused():
            return (yield)
    finally:
        hypothesis.inner_test = inner
