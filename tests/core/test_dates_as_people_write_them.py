"""Dates as people write them (#15): no page or report of the demo shows an ISO date
(``2020-07-31``) in the words people read, whoever reads it; machine formats (CSV, XLSX, JSON,
``datetime`` attributes) keep ISO 8601."""

from __future__ import annotations

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.template import Context, Template
from django.test import Client

from followup.lib import dates
from tests.crawl import crawl

ISO = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
# Each role whose pages differ: the service administrator's, the lead's (every page of the
# partnership's own; an editor's and a contributor's pages are among them), the viewer's (the
# protected counts), the inspector's (the inspection and review forms) and the outsider's.
ROLES = ["admin", "lead", "viewer", "inspector", "outsider"]
# Whose crawl reads the draft reports' PDF and Word files. Each is rendered afresh when asked for
# (seconds a file), and its dates are written by the same code whoever asks; the published files
# are read by the publication test below.
READS_DOCUMENTS = "lead"


@pytest.fixture
def demo(demo_for_module, db):
    return demo_for_module


@pytest.mark.parametrize("role", ROLES)
def test_no_page_or_report_of_the_demo_shows_an_iso_date_to_the(demo, role):
    client = Client()
    client.force_login(get_user_model().objects.get(username=role))
    found: dict[str, list[str]] = {}
    read: list[str] = []
    # Up to three pages of each kind (three actions, three sources, ...): an ISO date comes from
    # a template or the code behind it, which every page of a kind shares.
    start = ["/", "/glossary/"]
    for url, words in crawl(client, start, per_shape=3, documents=role == READS_DOCUMENTS):
        read.append(url)
        hits = ISO.findall(words)
        if hits:
            found[url] = sorted(set(hits))[:5]
    assert len(read) > 5
    assert found == {}
    assert any(url.endswith(".pdf") for url in read) == (role == READS_DOCUMENTS)


def test_a_published_report_and_the_public_pages_show_no_iso_date(demo):
    from followup.reports.actions import publish
    from followup.reviews.models import ProgressReview

    inspector = get_user_model().objects.get(username="inspector")
    publish(
        inspector, review=ProgressReview.objects.get(inspection__partnership__slug="south-ayrshire")
    )
    lead = Client()
    lead.force_login(get_user_model().objects.get(username="lead"))
    read = dict(crawl(Client(), ["/public/", "/public/south-ayrshire/", "/glossary/"]))
    assert any(url.endswith(".pdf") for url in read) and any(url.endswith(".docx") for url in read)
    assert "Glossary of statistical terms" in read["/glossary/"]
    read.update(crawl(lead, ["/"], per_shape=3))
    assert {url: ISO.findall(words) for url, words in read.items() if ISO.search(words)} == {}


def test_periods_and_days_are_written_as_people_write_them():
    assert dates.day(datetime.date(2020, 7, 31)) == "31 July 2020"
    assert dates.period("2020-07-31") == "31 July 2020"
    assert dates.period("2020-07") == "July 2020"
    assert dates.period("2020Q3") == "July to September 2020"
    assert dates.period("2019-20") == "2019-20"
    assert dates.period("SY2019-20") == "2019-20"
    assert dates.period("2020") == "2020"
    assert dates.period("not a period") == "not a period"
    assert dates.in_words("Published 2020-07-31.") == "Published 31 July 2020."


def test_templates_write_dates_through_the_shared_filters_and_django_s_format():
    rendered = Template(
        "{{ day|day }} | {{ day }} | {{ moment|day }} | {{ '2019-20'|period }} | "
        "{{ '2020-07-31'|period }}"
    ).render(
        Context(
            {
                "day": datetime.date(2020, 7, 31),
                "moment": datetime.datetime(2020, 7, 31, 14, 5, tzinfo=datetime.UTC),
            }
        )
    )
    assert rendered == (
        "31 July 2020 | 31 July 2020 | 31 July 2020, 15:05 | 2019-20 | 31 July 2020"
    )
