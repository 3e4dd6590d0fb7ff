"""Browser tests: Playwright drives Debian's Chromium (never a downloaded browser), and axe-core
(from npm, pinned in package-lock.json) checks each page against WCAG 2.2 AA."""

from __future__ import annotations

import functools
import hashlib
import os
import re
import threading
import weakref
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.servers.basehttp import ThreadedWSGIServer
from django.db import DatabaseError
from django.test.testcases import LiveServerThread
from pytest_django.live_server_helper import LiveServer

from followup.demo.loader import load_demo
from tests.conftest import enrol_demo_inspector
from tests.demo_snapshot import demo_loaded
from tests.factories import TOTP_SECRET, totp_code

# Debian's Chromium as its headless shell (package chromium-headless-shell): the same engine and
# version as /usr/bin/chromium without the whole browser around it, as Playwright's own headless
# mode runs it. Measured on 30 November 2026 over the lead's and inspector's pages: 68 CPU-seconds
# for the browser tests against 93 with the whole browser in its headless mode.
# The program itself, not /usr/bin/chromium-headless-shell, the shell script that starts it and
# would stand between Playwright and the browser it stops.
CHROMIUM = Path("/usr/lib/chromium/chromium-headless-shell")
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

# Playwright's sync API runs an event loop in the test thread; the test's own database work is
# synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


class OneRequestAtATime(ThreadedWSGIServer):
    """The live server answers one request at a time. On SQLite its threads share the test's one
    in-memory connection, and every signed-in request now writes (the session's last activity,
    allauth's session list): a browser's parallel requests then met "cannot start a transaction
    within a transaction". A real server has a connection per thread."""

    lock = threading.Lock()

    def set_app(self, application: Any) -> None:
        lock = self.lock

        def one_at_a_time(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
            with lock:
                result = application(environ, start_response)
                try:
                    return list(result)
                finally:
                    close = getattr(result, "close", None)
                    if close is not None:
                        close()

        super().set_app(one_at_a_time)

    def close_request(self, request: Any) -> None:
        """A request's thread closes its database connections when it is done. On SQLite that is
        the test's shared connection, which the server stops sharing when it stops: a thread
        still closing a browser's last connection then met "DatabaseWrapper objects created in a
        thread can only be used in that same thread", reported as a warning on a later test.
        Closing the shared in-memory database does nothing, so that refusal is let pass."""
        try:
            super().close_request(request)
        except DatabaseError as error:
            if "can only be used in that same thread" not in str(error):
                raise


setattr(LiveServerThread, "server_class", OneRequestAtATime)  # noqa: B010 - django-stubs lacks it


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    shared = _server_shares_the_test_connection()
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            if "demo_site" in getattr(item, "fixturenames", ()):
                # In a transaction of the test's own connection, which the live server shares;
                # elsewhere outside any transaction, the database emptied after the test.
                item.add_marker(pytest.mark.django_db(transaction=not shared))


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(
            f"browser tests skipped: no Chromium at {CHROMIUM} "
            "(apt-get install chromium-headless-shell)"
        )
    if not AXE.exists():
        pytest.fail("axe-core is missing from node_modules: run make install")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield chromium
        chromium.close()


class Page:
    """A page with helpers for signing in and for axe checks; console errors fail the test."""

    def __init__(self, page: Any, base_url: str) -> None:
        self.page = page
        self.base_url = base_url
        self.errors: list[str] = []
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))

    def goto(self, path: str) -> None:
        response = self.page.goto(self.base_url + path)
        assert response is not None and response.status < 400, path

    def sign_in(self, username: str, password: str) -> None:
        self.goto("/accounts/login/")
        self.page.fill("#id_login", username)
        self.page.fill("#id_password", password)
        with self.page.expect_navigation():
            self.page.click("button[type=submit]")
        self.enter_code_if_asked()

    def enter_code_if_asked(self, secret: str = TOTP_SECRET) -> None:
        """At the "Enter your code" stage, the code an authenticator app with ``secret`` shows."""
        if "/accounts/2fa/authenticate/" in self.page.url:
            self.page.fill("#id_code", totp_code(secret))
            with self.page.expect_navigation():
                self.page.click("main button[type=submit]")

    def assert_accessible(self) -> None:
        # A click that navigates returns once the navigation has started: wait for the new
        # document, or axe runs while the old one is being torn down.
        self.page.wait_for_load_state("load")
        assert self.errors == [], f"{self.page.url}: console errors {self.errors}"
        document = _document(self.page)
        if document in _PASSED:
            return
        _with_axe(self.page)
        # Every rule of the tags runs, and every violation comes back whole; the passes are not
        # gathered node by node (resultTypes), which took most of axe's time on long pages.
        # Colour contrast checks only the text whose look this process has not checked before
        # at this width (_CONTRAST_PASSED): its selector is narrowed to the elements marked.
        width = document[0]
        looks = self.page.evaluate(_MARK_LOOKS)
        new = [look for look in looks if (width, look) not in _CONTRAST_PASSED]
        result = self.page.evaluate(_CHECK, [AXE_TAGS, new])
        problems = [
            f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
            for v in result
        ]
        assert problems == [], f"{self.page.url}: " + "; ".join(problems)
        assert self.errors == [], f"{self.page.url}: console errors {self.errors}"
        _CONTRAST_PASSED.update((width, look) for look in new)
        _PASSED.add(document)


# The documents axe has passed in this test process, as (viewport width, digest of the document).
# Axe's answer depends only on the document, its styles and the viewport, so a document met
# again (the sign-in page, which most walks meet, or a page a test opens before and after a
# change that left it as it was) is not checked again: a third of a second of Chromium's time
# each, for an answer already known.
_PASSED: set[tuple[int, str]] = set()

# The looks of text that axe's colour contrast rule has passed in this test process, as (viewport
# width, look). A text's colours, size and weight, and the background behind it, come from the
# stylesheet through the classes and attributes of its element and the element's ancestors:
# its look (_MARK_LOOKS) is that chain. Most of a page's text has looks met on earlier pages
# (the header, the navigation, the footer, table cells, the same component on another record),
# and the rule took two thirds of axe's time: it checks only text whose look is new. A look
# includes the states that change colours (focus, hover, active). What it no longer sees twice
# is a look whose colours change with what lies behind it on one page and not another: text over
# a positioned element. Followup's positioned elements (the sticky autosave bar of the reading
# form, the sticky code column) carry the page's own background. Nor does it see again a look
# whose first check axe could not decide (an "incomplete" result, never a failure here).
_CONTRAST_PASSED: set[tuple[int, str]] = set()

# Each visible element with text of its own (or a form control), by its look; the looks are
# returned, and the elements kept in the page for the contrast check that follows. An
# attribute's value is part of the look unless it names or points at content (an id, an
# address, a label's target), which no style of the service's reads; so is each state of focus,
# hover or activity an element or its ancestor is in as it is checked.
_MARK_LOOKS = """() => {
  const content = new Set(['id', 'href', 'name', 'value', 'for', 'action', 'src', 'alt', 'title',
    'datetime', 'nonce', 'aria-describedby', 'aria-labelledby', 'aria-controls', 'aria-label',
    'placeholder', 'autocomplete', 'content', 'headers', 'list', 'form', 'minlength',
    'maxlength', 'rows', 'cols', 'size', 'min', 'max', 'step', 'pattern']);
  const states = [':focus', ':hover', ':active'];
  const describe = element => element.tagName + [...element.attributes]
    .filter(a => !a.name.startsWith('data-') || a.name.startsWith('data-module'))
    .map(a => content.has(a.name) ? `[${a.name}]` : `[${a.name}=${a.value}]`)
    .sort().join('') + states.filter(state => element.matches(state)).join('');
  const controls = new Set(['INPUT', 'SELECT', 'TEXTAREA', 'BUTTON']);
  const looks = new Map();
  for (const element of document.body.querySelectorAll('*')) {
    const text = controls.has(element.tagName) || [...element.childNodes].some(
      n => n.nodeType === Node.TEXT_NODE && n.textContent.trim() !== '');
    if (!text || !element.checkVisibility({opacityProperty: true, visibilityProperty: true})) {
      continue;
    }
    const chain = [];
    for (let e = element; e !== null; e = e.parentElement) chain.push(describe(e));
    const look = chain.join(' < ');
    if (!looks.has(look)) looks.set(look, []);
    looks.get(look).push(element);
  }
  window.__followupLooks = looks;
  return [...looks.keys()];
}"""

# Axe over the document, with colour contrast on the elements of the new looks only (marked with
# an attribute for the while, which no style of the service's reads).
_CHECK = """async ([tags, fresh]) => {
  for (const look of fresh) {
    for (const element of window.__followupLooks.get(look)) {
      element.setAttribute('data-followup-contrast', '');
    }
  }
  axe.configure({rules: [{id: 'color-contrast', selector: '[data-followup-contrast]'}]});
  const found = await axe.run(document, {runOnly: {type: 'tag', values: tags},
    resultTypes: ['violations']});
  for (const element of document.querySelectorAll('[data-followup-contrast]')) {
    element.removeAttribute('data-followup-contrast');
  }
  delete window.__followupLooks;
  return found.violations;
}"""

# What differs between two renderings of one document: the form's token and the scripts' nonce.
_VOLATILE = re.compile(r'((?:name="csrfmiddlewaretoken" value|nonce)=")[^"]*(")')


def _document(page: Any) -> tuple[int, str]:
    html = _VOLATILE.sub(r"\1\2", page.evaluate("() => document.documentElement.outerHTML"))
    width = page.viewport_size["width"] if page.viewport_size else 0
    return (width, hashlib.blake2b(html.encode(), digest_size=16).hexdigest())


@functools.cache
def _axe_source() -> str:
    return AXE.read_text(encoding="utf-8")


# The browser contexts that bring axe into each new page themselves (see _with_axe).
_CONTEXTS_WITH_AXE: weakref.WeakSet[Any] = weakref.WeakSet()


def _with_axe(page: Any) -> None:
    """Axe in the page, evaluated through Playwright rather than added as a <script>: the pages'
    Content Security Policy forbids inline scripts, and must stay in force for the rest of the
    test. From the first check in a browser context on, the context brings axe into each new page
    as it opens (an init script, compiled once and cached by Chromium): sending its 560 KB
    afresh for every check cost about 50 ms each."""
    if page.evaluate("() => typeof window.axe === 'object'"):
        return
    page.evaluate("source => { (0, eval)(source); }", _axe_source())
    if page.context not in _CONTEXTS_WITH_AXE:
        page.context.add_init_script(script=_axe_source())
        _CONTEXTS_WITH_AXE.add(page.context)


def _open(browser: Any, base_url: str) -> Iterator[Page]:
    cache.clear()  # codes used and rate limits counted by earlier tests
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield Page(context.new_page(), base_url)
    context.close()


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Page]:
    yield from _open(browser, live_server.url)


def _server_shares_the_test_connection() -> bool:
    """Whether a live server's threads use the test's own database connection: on SQLite the
    test database is in memory (unless a file is named for it), and pytest-django passes the
    test's connection to them, so they see the test's transaction. Known from the settings alone,
    before the test database exists."""
    database: dict[str, Any] = settings.DATABASES["default"]
    test: dict[str, Any] = database.get("TEST", {})
    return database["ENGINE"] == "django.db.backends.sqlite3" and not test.get("NAME")


@pytest.fixture(scope="module")
def demo_site_for_module(
    request: pytest.FixtureRequest, django_db_setup: Any, django_db_blocker: Any
) -> Iterator[str | None]:
    """A live server of the module's own with the demo loaded once for the module (or copied in,
    tests/demo_snapshot.py) and undone after its last test; yields its address. The demo's
    passwords are the module's ``PASSWORD``; its inspector has a second factor unless the module
    sets ``ENROL_DEMO_INSPECTOR = False``. Loading the demo and emptying the database again cost
    seconds a test under coverage. Where the server has a connection of its own (PostgreSQL) it
    cannot see the test's transaction: yields None, and each test loads the demo itself
    (``demo_site``)."""
    if not _server_shares_the_test_connection():
        yield None
        return
    with django_db_blocker.unblock(), demo_loaded(request.module.PASSWORD):
        if getattr(request.module, "ENROL_DEMO_INSPECTOR", True):
            enrol_demo_inspector()
        server = LiveServer("localhost")
        server._live_server_modified_settings.enable()  # the server's host is allowed
        try:
            yield server.url
        finally:
            server._live_server_modified_settings.disable()
            server.stop()


@pytest.fixture
def demo_site(request: pytest.FixtureRequest, demo_site_for_module: str | None) -> str:
    """The address of a live server with the demo loaded; what a test writes, in the browser or
    directly, is gone before the next test. On SQLite each test runs in a transaction of the
    connection the server shares (marked ``django_db`` by ``pytest_collection_modifyitems``),
    rolled back after it; elsewhere the test loads the demo into an empty database, emptied again after it
    (marked ``django_db(transaction=True)``)."""
    if demo_site_for_module is not None:
        return demo_site_for_module
    server = request.getfixturevalue("live_server")
    server._live_server_modified_settings.enable()
    request.addfinalizer(server._live_server_modified_settings.disable)
    load_demo(request.module.PASSWORD)
    if getattr(request.module, "ENROL_DEMO_INSPECTOR", True):
        enrol_demo_inspector()
    return str(server.url)


@pytest.fixture
def demo_page(browser: Any, demo_site: str) -> Iterator[Page]:
    """A page on the live server of ``demo_site``."""
    yield from _open(browser, demo_site)


@pytest.fixture
def stand_in_documents(monkeypatch: pytest.MonkeyPatch) -> None:
    """Published reports' PDF and Word files as stand-ins, for tests that read only the pages:
    rendering the real ones takes seconds, and tests/reports reads those."""
    from followup.reports import render

    monkeypatch.setattr(render, "pdf", lambda report: b"%PDF-1.7 stand-in\n%%EOF")
    monkeypatch.setattr(render, "docx", lambda report: b"PK stand-in")
