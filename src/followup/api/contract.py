"""The API's contract: its OpenAPI document, generated from the code by drf-spectacular.
docs/openapi.yaml is the same document, committed (``scripts/openapi.py`` writes it, and
tests/api/test_contract.py fails when the two differ)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiYamlRenderer
from drf_spectacular.validation import validate_schema


def schema() -> dict[str, Any]:
    """The OpenAPI document as data, checked against the OpenAPI 3 schema."""
    found: dict[str, Any] = SchemaGenerator().get_schema(request=None, public=True)
    validate_schema(found)
    return found


def document() -> str:
    """The OpenAPI document as YAML, as served at /api/v1/schema/."""
    rendered: bytes = OpenApiYamlRenderer().render(schema(), renderer_context={})
    return rendered.decode()
