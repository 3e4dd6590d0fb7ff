"""The examples in docs/api.md work as written against the demo: the Python example runs (its
requests answered by the application through Django's test client, not a network), and the
import example is taken by a dry run. A change to the API that breaks an example fails here."""

from __future__ import annotations

import contextlib
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
import requests
from django.test import Client
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

from followup.indicators.models import DataValue
from tests.api.conftest import make_token

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "api.md"
SITE = "https://followup.example"


def _block(language: str, containing: str) -> str:
    """The guide's one code block in ``language`` that contains ``containing``."""
    blocks = re.findall(rf"```{language}\n(.*?)```", GUIDE.read_text(encoding="utf-8"), re.S)
    found = [b for b in blocks if containing in b]
    assert len(found) == 1, f"{len(found)} {language} blocks in docs/api.md contain {containing!r}"
    return found[0]


class ThroughTheTestClient(BaseAdapter):
    """A ``requests`` transport that hands each request to the application in this process."""

    def __init__(self) -> None:
        super().__init__()
        self.client = Client()
        self.asked: list[str] = []

    def send(
        self, request: requests.PreparedRequest, *args: Any, **kwargs: Any
    ) -> requests.Response:
        assert request.url is not None and request.method is not None
        path = request.url.removeprefix(SITE)
        self.asked.append(f"{request.method} {path}")
        headers = {k: v for k, v in request.headers.items() if k.lower() == "authorization"}
        answer = self.client.generic(
            request.method,
            path,
            request.body or b"",
            content_type=str(request.headers.get("Content-Type", "")),
            headers=headers,
        )
        response = requests.Response()
        response.status_code = answer.status_code
        response.headers = CaseInsensitiveDict(dict(answer.items()))
        response._content = answer.content
        response.url = request.url
        response.request = request
        return response

    def close(self) -> None:
        pass


@pytest.fixture
def demo(demo_for_module: Any, db: None) -> None:
    return None


def test_the_python_example_runs_against_the_demo_and_prints_what_the_pages_show(demo, monkeypatch):
    from django.contrib.auth.models import User

    from followup.indicators.models import Indicator

    token = make_token(User.objects.get(username="lead"))
    monkeypatch.setenv("FOLLOWUP_TOKEN", token)
    adapter = ThroughTheTestClient()
    real_session = requests.Session

    def session() -> requests.Session:
        made = real_session()
        made.mount(SITE, adapter)
        return made

    monkeypatch.setattr(requests, "Session", session)
    code = _block("python", "import requests")
    # The example finds the indicator by its code, as any installation may.
    indicator = Indicator.objects.get(partnership__slug="south-ayrshire", code="residential-share")
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(code, "docs/api.md", "exec"), {"__name__": "example"})
    lines = printed.getvalue().splitlines()
    assert lines, "the example printed nothing"
    assert adapter.asked[0].startswith(
        "GET /api/v1/partnerships/south-ayrshire/actions/?limit=1000&status=in_progress"
    )
    assert adapter.asked[-1].startswith(
        f"GET /api/v1/partnerships/south-ayrshire/indicators/{indicator.pk}/figures/"
    )


def test_the_import_example_is_taken_by_a_dry_run_of_the_demos_editor(demo):
    from django.contrib.auth.models import User

    from tests.api.conftest import Api

    body = json.loads(_block("json", '"dataValues"'))
    editor = Api(make_token(User.objects.get(username="editor"), write=True))
    before = DataValue.objects.count()
    response = editor.client.post(
        "/api/v1/partnerships/south-ayrshire/dataValueSets/?dryRun=true",
        json.dumps(body),
        content_type="application/json",
        headers=editor.headers,
    )
    assert response.status_code == 200, response.content
    summary = json.loads(response.content)
    assert (summary["status"], summary["dryRun"], summary["importCount"]["imported"]) == (
        "SUCCESS",
        True,
        1,
    )
    assert DataValue.objects.count() == before
