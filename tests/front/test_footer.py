"""The footer says a partnership's data is made up only on a fictional partnership's pages: a
real service's pages never call its data a demonstration."""

from __future__ import annotations

from django.urls import reverse

from followup.partnerships.models import Partnership

MADE_UP = "is fictional: its data is made up for demonstrations and tests"


def test_a_real_partnerships_pages_and_the_pages_of_no_partnership_say_nothing_of_a_demo(world):
    lead = world.client_for("lead")
    for url in (reverse("front:partnership", args=["home"]), reverse("front:for_you"), "/"):
        page = lead.get(url, follow=True).content.decode()
        assert MADE_UP not in page and "demo" not in page.lower(), url


def test_a_fictional_partnerships_pages_say_its_data_is_made_up(world):
    Partnership.objects.filter(pk=world.home.partnership.pk).update(is_fictional=True)
    page = world.client_for("lead").get(reverse("plans:list", args=["home"])).content.decode()
    assert f"Homeshire {MADE_UP}" in page
