"""A review's evidence cut-off: evidence dated after it stays out of the review's report.

What counts is the date the evidence belongs to, not when it was typed in: a source's date
gathered, a data release's publication date, an action update's date.
"""

from __future__ import annotations

import datetime

import pytest

from followup.evidence.models import Case, Code, Coding, Quote, Source
from followup.indicators.models import DataValue, Period, Release
from followup.plans.models import Action, ActionUpdate, UpdateDecision
from followup.reports import render
from followup.reports.compose import review_report
from tests.browserlike import edit
from tests.submissions import key

CUTOFF = datetime.date(2018, 2, 28)


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


@pytest.fixture
def evidence(world):
    """The home review with a cut-off of 28 February 2018 and evidence on both sides of it."""
    site = world.home
    review = site.review
    review.evidence_cutoff = CUTOFF
    review.save()
    partnership = site.partnership
    theme = Code.objects.create(partnership=partnership, name="Help came sooner")
    theme.recommendations.add(site.recommendation)
    gathered = [("2018-01-10", 6), ("2018-03-05", 3), (None, 2)]
    for collected, count in gathered:
        for n in range(count):
            case = Case.objects.create(
                partnership=partnership,
                name=f"Respondent {collected} {n}",
                attributes={"Respondent group": "Parent or carer"},
            )
            source = Source.objects.create(
                partnership=partnership,
                title=f"Answer {collected} {n}",
                text=f"Help came sooner ({collected} {n}).",
                collected_on=day(collected) if collected else None,
                case=case,
            )
            coding = Coding.objects.create(source=source, code=theme, start=0, end=16)
            if n == 0:
                quote = Quote.objects.create(coding=coding, status=Quote.Status.APPROVED)
                quote.recommendations.add(site.recommendation)
    indicator = site.indicator
    releases = [
        ("Homeshire return 2016-17", day("2017-03-28"), {2014: 10, 2015: 12, 2016: 14}),
        ("Homeshire return 2017-18", day("2018-03-27"), {2016: 15, 2017: 16}),
        ("Homeshire return, undated", None, {2018: 18}),
    ]
    for name, published, values in releases:
        release = Release.objects.create(name=name, published_on=published)
        for year, value in values.items():
            period, _ = Period.objects.get_or_create(
                id=str(year),
                defaults={
                    "kind": "year",
                    "start": datetime.date(year, 1, 1),
                    "end": datetime.date(year, 12, 31),
                },
            )
            DataValue.objects.create(
                element=indicator.numerator,
                area=indicator.area,
                period=period,
                release=release,
                value=value,
            )
    # The plan: the world's action had an update in June 2017; it is completed after the cut-off.
    # An update still waiting for acceptance is no progress, and is not counted as left out.
    ActionUpdate.objects.create(
        action=site.action, on=day("2018-04-01"), status="complete", rating="on_track", note="Done"
    )
    UpdateDecision.objects.create(update=site.action.updates.get(note="Done"), outcome="accepted")
    ActionUpdate.objects.create(
        action=site.action, on=day("2018-05-01"), status="on_hold", rating="at_risk", note="Wait"
    )
    Action.objects.filter(pk=site.action.pk).update(status="complete")
    later = Action.objects.create(
        partnership=partnership, title="Begun after the cut-off", start_date=day("2018-06-01")
    )
    later.recommendations.add(site.recommendation)
    quiet = Action.objects.create(
        partnership=partnership, title="Begun, no update yet", start_date=day("2017-09-01")
    )
    quiet.recommendations.add(site.recommendation)
    return review


def test_sources_gathered_after_the_cut_off_stay_out_of_the_report(evidence):
    report = review_report(evidence)
    section = report.recommendations[0]
    assert section.themes is not None
    assert section.themes.rows == [["Help came sooner", "6", "6"]]  # not 9, not 11
    assert [text for text, _ in section.quotes] == ["Help came sooner"]
    heard = report.heard_from
    assert heard is not None
    assert heard.rows == [["Parent or carer", "6", "6"]]
    assert any(
        "It was gathered between 10 January 2018 and 10 January 2018." in m for m in report.method
    )


def test_figures_released_after_the_cut_off_stay_out_and_so_do_their_revisions(evidence):
    report = review_report(evidence)
    figures = report.recommendations[0].indicators[0].table.rows
    assert figures == [["2014", "10"], ["2015", "12"], ["2016", "14"]]  # 2016 not yet revised
    assert [name for name, _, _ in report.releases] == ["Homeshire return 2016-17"]


def test_the_plan_is_shown_as_it_stood_at_the_cut_off(evidence):
    report = review_report(evidence)
    actions = {title: status for title, status, _, _ in report.recommendations[0].actions}
    assert actions == {
        "Plan action for Homeshire": "In progress",
        "Begun, no update yet": "No update by 28 February 2018",
    }


def test_the_report_states_its_cut_off_and_the_preview_lists_what_it_left_out(evidence):
    report = review_report(evidence)
    assert report.evidence_cutoff == CUTOFF
    html = render.html(report)
    assert "Evidence up to</dt>" in html and "28 February 2018" in html
    assert any(
        "what was dated on or before 28 February 2018, the review's evidence cut-off" in m
        for m in report.method
    )
    assert "3 sources gathered after the cut-off (28 February 2018) left out." in report.warnings
    # Two undated answers, and the world's own staff survey source, all recorded today.
    assert (
        "3 sources with no date gathered, recorded after the cut-off (28 February 2018), left "
        "out: give each the date it was gathered if it belongs before it."
    ) in report.warnings
    assert (
        "Figures from 2 data releases published after the cut-off (28 February 2018) left out."
        in report.warnings
    )
    assert "1 action update dated after the cut-off (28 February 2018) left out." in report.warnings


def test_without_a_cut_off_the_report_takes_everything_dated_up_to_today(evidence):
    evidence.evidence_cutoff = None
    report = review_report(evidence)
    assert report.evidence_cutoff == datetime.date.today()
    assert report.recommendations[0].themes.rows == [["Help came sooner", "11", "11"]]
    figures = dict(report.recommendations[0].indicators[0].table.rows)
    assert figures["2016"] == "15" and figures["2018"] == "18"
    assert report.warnings[-1].startswith("The review has no evidence cut-off")


def test_the_review_form_sets_the_cut_off(world):
    from django.urls import reverse

    review = world.home.review
    url = reverse("reviews:edit", args=["home", review.pk])
    client = world.client_for("inspector")
    page = client.get(url).content.decode()
    assert 'name="evidence_cutoff_day"' in page
    response = edit(
        client,
        url,
        {"evidence_cutoff_day": "28", "evidence_cutoff_month": "2", "evidence_cutoff_year": "2018"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    review.refresh_from_db()
    assert review.evidence_cutoff == CUTOFF
    detail = client.get(reverse("reviews:detail", args=["home", review.pk])).content.decode()
    assert "28 February 2018: evidence dated after it stays out of the report" in detail


def test_a_survey_is_imported_with_the_date_it_closed_and_a_bad_date_imports_nothing(world):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    client = world.client_for("contributor")
    csv = b"respondent,What helps?\nr1,Being asked first\nr2,The same worker\n"
    staged = client.post(
        reverse("evidence:survey_upload", args=["home"]),
        {**key(client), "title": "Winter survey", "file": SimpleUploadedFile("survey.csv", csv)},
    )
    roles = {"role-0": "respondent", "role-1": "question"}
    page = client.get(staged["Location"]).content.decode()
    assert 'name="collected_on_day"' in page and 'type="date"' not in page
    closed = {"collected_on_day": "30", "collected_on_month": "2", "collected_on_year": "2018"}
    refused = client.post(staged["Location"], {**roles, **closed})
    assert "When the survey closed must be a real date" in refused.content.decode()
    assert not Source.objects.filter(title__startswith="Winter survey").exists()
    closed = {"collected_on_day": "19", "collected_on_month": "1", "collected_on_year": "2018"}
    done = client.post(staged["Location"], {**roles, **closed})
    assert done.status_code == 302
    dates = Source.objects.filter(title__startswith="Winter survey").values_list(
        "collected_on", flat=True
    )
    assert list(dates) == [day("2018-01-19")] * 2
