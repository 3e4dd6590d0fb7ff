"""schemathesis runs every operation of the committed OpenAPI document (docs/openapi.yaml)
against the application, in this process (Django's WSGI application: no server), on the demo:
with a read token and a write token of South Ayrshire's lead, and with a token of the outsider
(Glenmorran's lead). Every response must be no server error, of a status the document gives for
the operation, of the content type it gives for that status, and valid against its schema; the
outsider gets no success for anything of South Ayrshire's.

Each operation is tried with ``EXAMPLES`` generated cases (valid and invalid parameters alike)
for the read token and the outsider's, and each that changes something for the write token too
(a read is answered to a write token as to a read one, so the write token is asked of a read
only the methods the document does not give it), with the demo's slugs and object ids mixed into the generated ones so that
requests reach real objects as well as missing ones; with the read token, also with schemathesis's
coverage phase: each query parameter's boundary values, one at a time, aimed at the lead's own
partnership. Every request of a test is in the test's transaction, rolled back after it, so
nothing a write did is seen by the next test. It runs on SQLite and on PostgreSQL, the database
production uses, like the rest of tests/api."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis import Case
from schemathesis.checks import not_a_server_error
from schemathesis.core.parameters import ParameterLocation
from schemathesis.generation.meta import CoveragePhaseData, CoverageScenario
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
)

from tests.api.conftest import make_token
from tests.api.kinds import OTHER, OUR, ids_by_kind, kind_of

DOC = Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml"
# Examples of each operation for each token: enough to reach the objects, the missing ones and
# the bad parameters; few enough that the whole module takes seconds.
EXAMPLES = 10

# The same examples on every run (a failure in CI is one anyone can run again), no example
# database, no deadline for a request (the machine may be busy), and no health check: the
# demo's transaction is shared by the examples of a test on purpose.
settings.register_profile(
    "api_contract",
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    unsupported_method,
    content_type_conformance,
    response_schema_conformance,
]

WHO = {
    "lead, read": ("lead", False),
    "lead, write": ("lead", True),
    "outsider": ("outsider", False),
}

# The token whose run includes the coverage phase's boundary values.
COVERED = "lead, read"

_application: list[WSGIHandler] = []


def application(environ: dict[str, Any], start_response: Any) -> Any:
    """Django's WSGI application (made when the first request comes, after the test settings),
    which leaves the test's database connection open as Django's test client does: a server
    closes it when a request ends, which on PostgreSQL ends the test's transaction."""
    if not _application:
        _application.append(WSGIHandler())
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        result = _application[0](environ, start_response)
        try:
            return list(result)
        finally:
            result.close()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


# The coverage phase: each parameter's boundary values, one at a time (for the read token), and
# each method the document does not give (for every token). Its other invalid values are left
# to the generated cases (half of them invalid) and to test_hostile.
CONFIG = schemathesis.Config.from_dict({"phases": {"coverage": {"generation": {"mode": "all"}}}})
schema = schemathesis.openapi.from_path(DOC, config=CONFIG)
schema.app = application

# The write token's own runs: every case of the operations that change something; of the
# others (reads), only the methods they do not take, from the coverage phase: their generated
# cases are answered to a write token as to the read token, which runs them.
WRITE = "lead, write"
UNSAFE = ["POST", "PUT", "PATCH", "DELETE"]
methods_not_given = schemathesis.openapi.from_path(
    DOC,
    config=schemathesis.Config.from_dict(
        {
            "phases": {
                "examples": {"enabled": False},
                "fuzzing": {"enabled": False},
                "coverage": {"generation": {"mode": "all"}},
            }
        }
    ),
).exclude(method=UNSAFE)
methods_not_given.app = application

# The demo's slugs and ids, by kind, read once the demo is loaded (``demo_ids``).
_DEMO: dict[str, list[Any]] = {}


@schema.hook
def flatmap_path_parameters(
    context: schemathesis.HookContext, path_parameters: dict[str, Any] | None
) -> st.SearchStrategy[dict[str, Any] | None]:
    """A generated slug or id, or one of the demo's (South Ayrshire's or Glenmorran's)."""
    assert context.operation is not None
    if not path_parameters:
        return st.just(path_parameters)
    kind = kind_of(context.operation.path)
    choices: dict[str, st.SearchStrategy[Any]] = {}
    for name, value in path_parameters.items():
        demo = _DEMO.get("slug" if name == "slug" else kind or "", [])
        choices[name] = st.sampled_from([value, *demo]) if demo else st.just(value)
    return st.fixed_dictionaries(choices)


@pytest.fixture(scope="module")
def demo_ids(
    demo_for_module: Any, django_db_blocker: Any
) -> Iterator[dict[str, dict[str, list[int]]]]:
    with django_db_blocker.unblock():
        _DEMO.clear()
        _DEMO["slug"] = [OUR, OTHER]
        ids = ids_by_kind()
        for kind, of_kind in ids.items():
            _DEMO[kind] = of_kind[OUR] + of_kind[OTHER]
    yield ids
    _DEMO.clear()


@pytest.fixture(scope="module")
def tokens(demo_ids: Any, django_db_blocker: Any) -> dict[str, str]:
    from django.contrib.auth.models import User

    with django_db_blocker.unblock():
        return {
            who: make_token(User.objects.get(username=name), write=write)
            for who, (name, write) in WHO.items()
        }


def south_ayrshire_shown(case: Case, status: int, body: bytes, ours: dict[str, list[int]]) -> str:
    """What a success answered to the outsider shows of South Ayrshire's: the answer to an
    address with its slug or one of its objects' ids, or an answer that names it; else ""."""
    if not 200 <= status < 300:
        return ""
    given = case.path_parameters or {}
    kind = kind_of(case.operation.path)
    if given.get("slug") == OUR:
        return f"{status} for South Ayrshire's {case.formatted_path}"
    if kind is not None and given.get("id") in ours[kind]:
        return f"{status} for South Ayrshire's {kind} {given['id']} at {case.formatted_path}"
    if OUR.encode() in body:
        return f"South Ayrshire's slug in the answer to {case.formatted_path}"
    return ""


def covering(case: Case) -> bool:
    """Whether the case is of schemathesis's coverage phase: each parameter's boundary and
    invalid values, one at a time, made when the tests are collected."""
    return case.meta is not None and isinstance(case.meta.phase.data, CoveragePhaseData)


def method_not_given(case: Case) -> bool:
    assert case.meta is not None and isinstance(case.meta.phase.data, CoveragePhaseData)
    return case.meta.phase.data.scenario == CoverageScenario.UNSPECIFIED_HTTP_METHOD


def wanted(case: Case, who: str) -> bool:
    """Whether a case of the coverage phase is asked with this token: a method the document
    does not give, with every token; a valid boundary value, with the read token."""
    assert case.meta is not None
    if method_not_given(case):
        return True
    return who == COVERED and case.meta.generation.mode == GenerationMode.POSITIVE


def aimed_at_own_partnership(case: Case, who: str, demo: dict[str, dict[str, list[int]]]) -> None:
    """A case of the coverage phase (made before the demo is loaded) aimed at the token's own
    partnership and its first object of the kind (the other's, where the demo gives it none),
    unless it is about a path parameter itself, so that the query parameters' boundary values
    meet real rows. The case is shared by the tokens' tests: each sets every value it uses."""
    assert case.meta is not None and isinstance(case.meta.phase.data, CoveragePhaseData)
    if case.meta.phase.data.parameter_location == ParameterLocation.PATH:
        return
    own, other = (OTHER, OUR) if WHO[who][0] == "outsider" else (OUR, OTHER)
    kind = kind_of(case.operation.path)
    given = dict(case.path_parameters or {})
    if "slug" in given:
        given["slug"] = own
    known = (demo[kind][own] or demo[kind][other]) if kind is not None else []
    if "id" in given and known:  # the demo may have none of a kind (jobs): the generated id stays
        given["id"] = known[0]
    if given:
        case.path_parameters = given


def answers_as_the_document_says(
    case: Case, who: str, tokens: dict[str, str], demo: dict[str, dict[str, list[int]]]
) -> None:
    """The case asked with ``who``'s token, answered as the document says; for the outsider, with
    nothing of South Ayrshire's."""
    if covering(case):
        if not wanted(case, who):
            return
        aimed_at_own_partnership(case, who, demo)
    response = case.call_and_validate(
        headers={"Authorization": f"Bearer {tokens[who]}"}, checks=CHECKS
    )
    if WHO[who][0] == "outsider":
        ours = {kind: ids[OUR] for kind, ids in demo.items()}
        assert south_ayrshire_shown(case, response.status_code, response.content, ours) == ""


@pytest.mark.parametrize("who", sorted(set(WHO) - {WRITE}))
@schema.parametrize()
@settings(settings.get_profile("api_contract"))
def test_every_operation_answers_as_the_document_says(case, who, tokens, demo_ids, db):
    answers_as_the_document_says(case, who, tokens, demo_ids)


@schema.include(method=UNSAFE).parametrize()
@settings(settings.get_profile("api_contract"))
def test_every_write_answers_a_write_token_as_the_document_says(case, tokens, demo_ids, db):
    answers_as_the_document_says(case, WRITE, tokens, demo_ids)


@methods_not_given.parametrize()
@settings(settings.get_profile("api_contract"))
def test_every_method_a_read_address_does_not_take_answers_a_write_token_as_the_document_says(
    case, tokens, demo_ids, db
):
    """A read-only address's generated cases are answered to a write token as to a read one
    (``api.permissions.TokenScope`` looks at the token's write only for a method that changes
    something), so its test asks only the methods the document does not give, which the write
    token may try to change something with."""
    assert covering(case)
    if method_not_given(case):  # the rest of the coverage phase is the read token's
        answers_as_the_document_says(case, WRITE, tokens, demo_ids)
