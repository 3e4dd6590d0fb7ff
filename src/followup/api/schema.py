"""What drf-spectacular cannot see for itself: that the token is sent as a bearer token, and
that every error is a problem document (``errors``)."""

from __future__ import annotations

from typing import Any, Literal

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent

from followup.web.problems import PROBLEM


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "followup.api.authentication.BearerTokenAuthentication"
    name = "personalAccessToken"

    def get_security_definition(self, auto_schema: AutoSchema) -> dict[str, Any]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal access token (fu_pat_…), made on your account page or "
            "with `followup createtoken`.",
        }


PROBLEM_SCHEMA = {
    "type": "object",
    "description": "An error, as RFC 9457 describes it.",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string", "description": "Always about:blank: the status says it."},
        "title": {"type": "string", "description": "The status's name, such as Not Found."},
        "status": {"type": "integer", "description": "The HTTP status code."},
        "detail": {"type": "string", "description": "What went wrong, and what to do."},
        "errors": {
            "type": "array",
            "description": "For a request with problems (400): each one, naming its field or "
            "query parameter (empty for the request as a whole).",
            "items": {
                "type": "object",
                "required": ["field", "detail"],
                "properties": {"field": {"type": "string"}, "detail": {"type": "string"}},
            },
        },
    },
}

ERRORS = {
    "400": "A parameter or field is wrong, or one the address does not take: `errors` names each.",
    "401": "No token, or one unknown, expired or revoked, or its owner's account deactivated.",
    "403": "The token's owner may not do this, the token is read-only, it is used from an "
    "address it does not allow, or its owner must set up a second factor first.",
    "404": "No such object, or one you may not see.",
    "429": "Too many requests from this token, or without a valid token from this address: wait "
    "the seconds Retry-After says.",
    "503": "Busy: other work held the database (try again after the seconds Retry-After "
    "says), or a read took longer than its time limit (ask for less).",
}
# And a write's, where its body is refused before it is read (``api.parsers``, ``requestsize``).
WRITE_ERRORS = {
    "413": "The body is larger than this address takes: `detail` says how large it may be.",
    "415": "The body is not JSON, or its charset is not UTF-8.",
}


class ProblemSchema(AutoSchema):
    """drf-spectacular's schema of each operation, with its error answers."""

    def _get_response_bodies(
        self, direction: Literal["request", "response"] = "response"
    ) -> dict[str, Any]:
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        component = ResolvedComponent(
            name="Problem", type=ResolvedComponent.SCHEMA, object="Problem", schema=PROBLEM_SCHEMA
        )
        self.registry.register_on_missing(component)
        errors = {**ERRORS, **WRITE_ERRORS} if self.method == "POST" else ERRORS
        for status, text in errors.items():
            responses.setdefault(
                status, {"description": text, "content": {PROBLEM: {"schema": component.ref}}}
            )
        return responses


# The largest whole numbers a database's integer columns hold: drf-spectacular reads a model's
# limits from the database in use (SQLite's are all 64-bit, PostgreSQL's 16, 32 or 64), so the
# document would differ between them. They say nothing about Followup's values and are left out.
DATABASE_LIMITS = frozenset({2**15 - 1, 2**31 - 1, 2**63 - 1})


def same_on_every_database(result: Any, **kwargs: Any) -> Any:
    """A postprocessing hook: the document without the database's integer limits."""

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "integer" and node.get("maximum") in DATABASE_LIMITS:
                del node["maximum"]
                if node.get("format") == "int64":
                    del node["format"]
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(result)
    return result
