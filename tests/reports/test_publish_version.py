"""The publish page's hidden version, altered or missing: a clear message that the page is out
of date, at the top of the page, and nothing published."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse

from followup.reports.models import Publication
from tests.browserlike import change, page_form, submit
from tests.conftest import World

OUT_OF_DATE = (
    "This page is out of date: open the publish page again, check the report, then publish"
)


@pytest.mark.parametrize("version", ["0", "abc", "100001", "9" * 30, None])
def test_an_altered_or_missing_version_says_the_page_is_out_of_date(
    world: World, version: str | None
) -> None:
    client = world.client_for("inspector")
    url = reverse("reports:review_publish", args=["home", world.home.review.pk])
    form = change(page_form(client.get(url).content.decode()), {"confirm": "on"})
    response = submit(client, url, change(form, {"version": version}))
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert f"<li>{OUT_OF_DATE}</li>" in page
    assert "Ensure this value" not in page and "whole number" not in page
    assert not Publication.objects.exists()


def test_a_version_out_of_sequence_is_named_without_a_link_to_a_hidden_field(world: World) -> None:
    client = world.client_for("inspector")
    url = reverse("reports:review_publish", args=["home", world.home.review.pk])
    form = change(page_form(client.get(url).content.decode()), {"confirm": "on", "version": "5"})
    page = html.unescape(submit(client, url, form).content.decode())
    assert "<li>The next version is 1: check the report again</li>" in page
    assert 'href="#id_version"' not in page
    assert not Publication.objects.exists()
