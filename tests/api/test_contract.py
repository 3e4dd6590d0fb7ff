"""The committed OpenAPI document (docs/openapi.yaml) is the one the code generates, and the
one the application serves."""

from __future__ import annotations

from pathlib import Path

import yaml
from django.test import Client

from followup.api.contract import document

DOC = Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml"


def test_the_committed_openapi_document_is_the_one_the_code_generates():
    assert document() == DOC.read_text(encoding="utf-8"), "run make docs (scripts/openapi.py)"


def test_the_application_serves_the_committed_document(db):
    response = Client().get("/api/v1/schema/")
    assert response.status_code == 200
    assert response.content.decode() == DOC.read_text(encoding="utf-8")


def test_every_operation_asks_for_a_bearer_token_and_describes_its_errors_as_problems():
    schema = yaml.safe_load(DOC.read_text(encoding="utf-8"))
    assert schema["components"]["securitySchemes"] == {
        "personalAccessToken": {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal access token (fu_pat_…), made on your account page or "
            "with `followup createtoken`.",
        }
    }
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert operation["security"] == [{"personalAccessToken": []}], (path, method)
            for status in ("401", "404"):
                content = operation["responses"][status]["content"]
                assert list(content) == ["application/problem+json"], (path, method, status)


def test_the_document_is_generated_without_a_warning_or_an_error():
    """drf-spectacular warns of what it had to guess (a field's type, two sets of choices with
    one name): each must be said in the code instead (settings' ENUM_NAME_OVERRIDES,
    ``extend_schema_field``)."""
    from drf_spectacular.drainage import GENERATOR_STATS

    from followup.api.contract import schema

    GENERATOR_STATS.reset()
    schema()
    assert not GENERATOR_STATS, (
        dict(GENERATOR_STATS._warn_cache),
        dict(GENERATOR_STATS._error_cache),
    )
