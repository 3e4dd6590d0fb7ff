"""A page showing a form's errors is titled "Error: " once: the base template adds it (for a
form with errors, or where a page says so in its ``error_prefix`` block), and no page's title
adds it again."""

from __future__ import annotations

import re
from pathlib import Path

from django.urls import reverse

import followup

TEMPLATES = Path(followup.__file__).parent / "templates"
TITLE = re.compile(r"\{% block title %\}(.*?)\{% endblock %\}", re.S)


def _title(html: str) -> str:
    found = re.search(r"<title>(.*?)</title>", html, re.S)
    assert found is not None
    return found.group(1)


def test_no_page_adds_error_to_its_own_title_so_the_base_adds_it_once():
    adding = sorted(
        str(path.relative_to(TEMPLATES))
        for path in TEMPLATES.rglob("*.html")
        for title in TITLE.findall(path.read_text(encoding="utf-8"))
        if "Error" in title
    )
    assert adding == []


def test_the_codebook_with_a_form_error_is_titled_error_once(world):
    client = world.client_for("contributor")
    response = client.post(reverse("evidence:codebook", args=["home"]), {"name": ""})
    assert response.status_code == 200
    title = _title(response.content.decode())
    assert title.startswith("Error: Codebook – ")
    assert title.count("Error") == 1
