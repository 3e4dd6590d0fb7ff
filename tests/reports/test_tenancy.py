"""A report holds only official figures and the partnership's own (#10): never a figure or release
another partnership imported, in the draft, the published versions or the public page."""

from __future__ import annotations

import datetime

from django.test import Client
from django.urls import reverse

from followup.indicators.models import DataElement
from followup.reports import actions, render
from followup.reports.compose import review_report
from tests.indicators.figures import AWAY_OWN, HOME_OWN, OFFICIAL, lay_figures, put


def test_the_draft_report_lists_only_official_and_own_releases_and_figures(world):
    lay_figures(world)
    report = review_report(world.home.review)
    assert {name for name, _, _ in report.releases} == {OFFICIAL, HOME_OWN}
    [section] = [s for s in report.recommendations if s.indicators]
    assert section.indicators[0].table.rows == [["2022", "40"], ["2023", "38"], ["2024", "36"]]
    html = render.html(report)
    assert AWAY_OWN not in html and "999" not in html
    page = world.client_for("lead").get(
        reverse("reports:review", args=["home", world.home.review.pk])
    )
    assert AWAY_OWN not in page.content.decode()


def test_the_published_and_public_report_hold_no_other_partnerships_figures(world):
    lay_figures(world)
    publication = actions.publish(world.users["inspector"], review=world.home.review)
    frozen = publication.content("html").decode()
    assert HOME_OWN in frozen and AWAY_OWN not in frozen and "999" not in frozen
    public = (
        Client()
        .get(reverse("reports:public_file", args=["home", publication.pk, "html"]))
        .getvalue()
        .decode()
    )
    assert AWAY_OWN not in public and "999" not in public


def test_the_releases_behind_a_derived_denominator_are_listed(world):
    figures = lay_figures(world)
    parts = [
        DataElement.objects.create(code=code, name=code, period_kind="year")
        for code in ("community", "residential")
    ]
    total = DataElement.objects.create(
        code="total", name="Total", period_kind="year", formula="community + residential"
    )
    indicator = world.home.indicator
    indicator.numerator, indicator.denominator, indicator.factor = parts[1], total, 100
    indicator.save()
    put(figures.official, parts[0], figures.home, "2023", 24)
    put(figures.official, parts[1], figures.home, "2023", 6)
    put(figures.away_own, parts[1], figures.home, "2024", 5)  # Awayshire's: never Homeshire's
    report = review_report(world.home.review)
    assert [name for name, _, _ in report.releases] == [OFFICIAL]
    [section] = [s for s in report.recommendations if s.indicators]
    assert section.indicators[0].table.rows == [["2023", "20"]]
    assert report.releases[0][1] == datetime.date(2024, 3, 1)
