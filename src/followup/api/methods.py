"""The methods each API address answers, and so what its ``Allow`` header lists.

The API gives no ``OPTIONS`` answer (``DEFAULT_METADATA_CLASS`` is None in settings: DRF's
described any address, even one the token may not see, and the OpenAPI document gives none), so
no address lists ``OPTIONS`` in ``Allow``, and ``OPTIONS`` is 405 there as any other method an
address does not take. Every API view is made with :func:`served` (``urls.py``), so that its
``Allow`` (on every answer, 405 included) lists exactly the methods it has: ``GET`` and ``HEAD``
where it reads, ``POST`` where it writes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpResponseBase
from django.views import View
from rest_framework.views import APIView

METHODS = [method for method in View.http_method_names if method != "options"]


def served(view: type[APIView], **initkwargs: Any) -> Callable[..., HttpResponseBase]:
    """``view.as_view(**initkwargs)``, answering and listing only the methods it has."""
    return view.as_view(http_method_names=METHODS, **initkwargs)
