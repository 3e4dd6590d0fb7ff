"""The test client's middleware, loaded once per process as a server loads it.

Django's test ``Client`` builds its own handler, and the handler loads every middleware on its
first request. WhiteNoise's middleware lists and stats every static file as it is made (about
130 files), so each new client cost a twentieth of a second, and the suite makes thousands of
clients. ``shared`` makes every client's handler use the middleware the first one loaded, as
one process of a server does for all its requests; a changed setting (``override_settings``,
pytest-django's ``settings``) makes the next client load it afresh, since middleware may read
settings when it is made (Django's ``SecurityMiddleware`` does).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.test.client import ClientHandler
from django.test.signals import setting_changed

# What BaseHandler.load_middleware sets on the handler.
LOADED = (
    "_view_middleware",
    "_template_response_middleware",
    "_exception_middleware",
    "_middleware_chain",
)
_loaded: dict[bool, tuple[Any, ...]] = {}
_load_middleware = ClientHandler.load_middleware


def _load_once(handler: ClientHandler, is_async: bool = False) -> None:
    if is_async not in _loaded:
        _load_middleware(handler, is_async)
        _loaded[is_async] = tuple(getattr(handler, name) for name in LOADED)
    for name, value in zip(LOADED, _loaded[is_async], strict=True):
        setattr(handler, name, value)


def _forget(**kwargs: Any) -> None:
    _loaded.clear()


@contextmanager
def shared() -> Iterator[None]:
    """Within the block, test clients share the middleware loaded since settings last changed."""
    setting_changed.connect(_forget, dispatch_uid="tests.middleware")
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(ClientHandler, "load_middleware", _load_once)
            yield
    finally:
        setting_changed.disconnect(dispatch_uid="tests.middleware")
        _loaded.clear()
