"""Published reports through the API: every version, the current one marked, with the
addresses of the public files."""

from __future__ import annotations

import datetime

from django.utils import timezone

from followup.reports.models import Publication
from tests.api.conftest import problem

REPORTS = "/api/v1/partnerships/home/reports/"


def _publish(site, version, replaces=None, at=None):
    return Publication.objects.create(
        partnership=site.partnership,
        kind=Publication.Kind.REVIEW,
        review=site.review,
        inspection=site.inspection,
        version=version,
        replaces=replaces,
        title=f"Progress review of {site.partnership.name}",
        correction_note="Corrects a date." if replaces else "",
        html="r.html",
        pdf="r.pdf",
        docx="r.docx",
        sha256_html="a" * 64,
        sha256_pdf="b" * 64,
        sha256_docx="c" * 64,
        published_at=at or timezone.now(),
    )


def test_every_version_is_listed_newest_first_with_its_public_files(api, world):
    site = world.home
    first = _publish(site, 1, at=timezone.now() - datetime.timedelta(days=2))
    second = _publish(site, 2, replaces=first)
    reports = api["viewer"].json(REPORTS)["results"]
    assert [(r["id"], r["version"], r["current"], r["replaces"]) for r in reports] == [
        (second.pk, 2, True, first.pk),
        (first.pk, 1, False, None),
    ]
    assert reports[0]["pdf_url"] == f"http://testserver/public/home/reports/{second.pk}.pdf"
    assert reports[0]["correction_note"] == "Corrects a date."


def test_outsider_token_gets_404_for_homeshires_reports_and_sees_only_their_own(api, world):
    _publish(world.home, 1)
    away = _publish(world.away, 1)
    problem(api["outsider"].get(REPORTS), 404)
    mine = api["outsider"].json("/api/v1/partnerships/away/reports/")["results"]
    assert [r["id"] for r in mine] == [away.pk]
