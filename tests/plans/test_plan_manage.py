"""The plan people can manage (#15): filters, sort, the latest rating, the stale marker and the
exports, each from the page as a browser renders it, and the outsider's side."""

from __future__ import annotations

import csv
import datetime
import io
from typing import Any

import pytest
from openpyxl import load_workbook

from followup.plans.queries import STALE_AFTER_DAYS, plan_filters, plan_rows
from tests import factories as f
from tests.browserlike import change, forms_in

TODAY = datetime.date.today()


@pytest.fixture
def plan(world: Any) -> dict[str, Any]:
    """Three more actions in home beside the world's own ("Plan action for Homeshire": owned by
    Homeshire Council, recommendation 1, in progress, due 1 January 2030, last updated on track
    on 1 June 2017)."""
    home = world.home
    nhs = f.OrganisationFactory(partnership=home.partnership, name="Homeshire NHS Board")
    second = f.RecommendationFactory(inspection=home.inspection, number=2, text="Recruit carers")
    carers: Any = f.ActionFactory(
        partnership=home.partnership,
        title="Recruit foster carers",
        owner_organisation=nhs,
        status="not_started",
        due_date=datetime.date(2029, 1, 1),
    )
    carers.recommendations.add(second)
    f.ActionUpdateFactory(
        action=carers,
        on=TODAY - datetime.timedelta(days=10),
        rating="at_risk",
        status="not_started",
    )
    unit = f.ActionFactory(
        partnership=home.partnership,
        title="=Close the old unit",
        owner_organisation=None,
        status="complete",
        due_date=datetime.date(2028, 6, 1),
    )
    f.ActionUpdateFactory(action=unit, on=datetime.date(2020, 1, 1), rating="off_track")
    fresh: Any = f.ActionFactory(
        partnership=home.partnership,
        title="Write the guidance",
        owner_organisation=home.organisation,
        status="not_started",
        due_date=None,
    )
    fresh.recommendations.add(second)
    return {"nhs": nhs, "second": second}


def titles(response: Any) -> list[str]:
    html = response.content.decode()
    start = html.index('<table class="govuk-table" id="plan-table">')
    rows = html[start : html.index("</table>", start)].split('<tr class="govuk-table__row">')[2:]
    return [row.split('">', 2)[2].split("</a>")[0] for row in rows]


def choose(client: Any, changes: dict[str, str | list[str] | None]) -> Any:
    """Open the plan, choose in its filter form as a user would, and press Show actions."""
    page = client.get("/p/home/plan/")
    form = next(form for form in forms_in(page.content.decode()) if form.method == "get")
    chosen = change(form, dict(changes))
    response = client.get(chosen.action, chosen.data())
    assert response.status_code == 200
    return response


def test_the_plan_lists_every_action_by_due_date_with_its_latest_rating(world, plan):
    response = world.client_for("viewer").get("/p/home/plan/")
    assert titles(response) == [
        "=Close the old unit",
        "Recruit foster carers",
        "Plan action for Homeshire",
        "Write the guidance",
    ]
    html = response.content.decode()
    assert '<th scope="col" class="govuk-table__header">Latest rating</th>' in html
    assert '<strong class="govuk-tag govuk-tag--yellow">At risk</strong>' in html
    assert '<strong class="govuk-tag govuk-tag--green">On track</strong>' in html
    assert "No accepted update yet" in html


def test_the_plan_filters_by_recommendation(world, plan):
    response = choose(world.client_for("viewer"), {"recommendation": str(plan["second"].pk)})
    assert titles(response) == ["Recruit foster carers", "Write the guidance"]
    assert "2 of 4 actions" in response.content.decode()


def test_the_plan_filters_by_owner_organisation(world, plan):
    response = choose(world.client_for("viewer"), {"owner": str(world.home.organisation.pk)})
    assert titles(response) == ["Plan action for Homeshire", "Write the guidance"]


def test_the_plan_filters_by_status(world, plan):
    response = choose(world.client_for("viewer"), {"status": "not_started"})
    assert titles(response) == ["Recruit foster carers", "Write the guidance"]


def test_the_plan_filters_by_latest_rating_and_by_having_no_update(world, plan):
    """The rating is the plan summary's: a complete action's is "Complete", whatever its last
    update said (the old unit's last was off track)."""
    client = world.client_for("viewer")
    assert titles(choose(client, {"rating": "at_risk"})) == ["Recruit foster carers"]
    assert titles(choose(client, {"rating": "complete"})) == ["=Close the old unit"]
    assert "No action matches" in choose(client, {"rating": "off_track"}).content.decode()
    assert titles(choose(client, {"rating": "none"})) == ["Write the guidance"]


def test_the_plan_combines_filters_and_keeps_them_chosen_in_the_form(world, plan):
    client = world.client_for("viewer")
    changes = {"owner": str(world.home.organisation.pk), "status": "not_started"}
    response = choose(client, changes)
    assert titles(response) == ["Write the guidance"]
    form = next(form for form in forms_in(response.content.decode()) if form.method == "get")
    assert form.data() == {
        "recommendation": [""],
        "owner": [str(world.home.organisation.pk)],
        "status": ["not_started"],
        "rating": [""],
        "sort": ["due"],
    }


def test_the_plan_sorts_by_each_column(world, plan):
    client = world.client_for("viewer")
    assert titles(choose(client, {"sort": "rating"})) == [
        "Recruit foster carers",
        "Write the guidance",
        "Plan action for Homeshire",
        "=Close the old unit",
    ]
    assert titles(choose(client, {"sort": "owner"})) == [
        "Plan action for Homeshire",
        "Write the guidance",
        "Recruit foster carers",
        "=Close the old unit",
    ]
    assert titles(choose(client, {"sort": "status"})) == [
        "Recruit foster carers",
        "Write the guidance",
        "Plan action for Homeshire",
        "=Close the old unit",
    ]
    assert titles(choose(client, {"sort": "recommendation"})) == [
        "Plan action for Homeshire",
        "Recruit foster carers",
        "Write the guidance",
        "=Close the old unit",
    ]
    assert titles(choose(client, {"sort": "updated"})) == [
        "Write the guidance",
        "Plan action for Homeshire",
        "=Close the old unit",
        "Recruit foster carers",
    ]


def test_filters_the_page_does_not_know_show_the_whole_plan_by_due_date(world, plan):
    response = world.client_for("viewer").get(
        "/p/home/plan/?recommendation=x&owner=abc&status=lost&rating=good&sort=pk"
    )
    assert response.status_code == 200
    assert len(titles(response)) == 4
    assert plan_filters({"owner": "²", "sort": "owner"}).owner is None


def test_the_stale_marker_shows_exactly_when_the_last_update_is_older_than_the_threshold(world):
    action = world.home.action
    page_says = f"An open action with no update for more than {STALE_AFTER_DAYS} days"
    for days, marked in ((STALE_AFTER_DAYS + 1, True), (STALE_AFTER_DAYS, False)):
        f.ActionUpdateFactory(action=action, on=TODAY - datetime.timedelta(days=days))
        html = world.client_for("viewer").get("/p/home/plan/").content.decode()
        assert page_says in html
        assert (f"No update for {days} days" in html) is marked
        assert ("plan-stale" in html) is marked
        rows = plan_rows(world.home.partnership, plan_filters({}), today=TODAY)
        assert [row.stale_days for row in rows] == [days if marked else None]


def test_a_closed_action_is_never_stale_and_a_new_action_is_not_stale_until_the_threshold(world):
    action = world.home.action
    action.status = "complete"
    action.save()
    fresh = f.ActionFactory(partnership=world.home.partnership, title="Fresh")
    rows = plan_rows(world.home.partnership, plan_filters({}), today=TODAY)
    assert [(row.action.title, row.stale_days) for row in rows] == [
        ("Plan action for Homeshire", None),
        ("Fresh", None),
    ]
    later = TODAY + datetime.timedelta(days=STALE_AFTER_DAYS + 5)
    assert plan_rows(world.home.partnership, plan_filters({}), today=later)[1].stale_days == (
        STALE_AFTER_DAYS + 5 + (TODAY - fresh.created_at.date()).days
    )


EXPORTED = [
    "Action",
    "Recommendations",
    "Owner",
    "Lead",
    "Start date",
    "Due date",
    "Status",
    "Latest rating",
    "Last update",
    "Days since last update, when stale",
    "Illustrative",
]


def export_links(client: Any, changes: dict[str, str | list[str] | None]) -> dict[str, str]:
    html = choose(client, changes).content.decode()
    return {
        kind: html.split(f'href="/p/home/plan/plan.{kind}', 1)[1].split('"', 1)[0]
        for kind in ("csv", "xlsx")
    }


def test_the_csv_export_holds_the_filtered_rows_exactly_with_formulas_neutralised(world, plan):
    client = world.client_for("viewer")
    query = export_links(client, {"status": "complete"})["csv"]
    response = client.get(f"/p/home/plan/plan.csv{query.replace('&amp;', '&')}")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="plan-home.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows == [
        EXPORTED,
        [
            "'=Close the old unit",
            "",
            "",
            "",
            "2017-01-01",
            "2028-06-01",
            "Complete",
            "Complete",
            "2020-01-01",
            "",
            "",
        ],
    ]


def test_the_xlsx_export_holds_the_sorted_plan_and_the_threshold(world, plan):
    client = world.client_for("viewer")
    query = export_links(client, {"sort": "rating", "rating": "at_risk"})["xlsx"]
    response = client.get(f"/p/home/plan/plan.xlsx{query.replace('&amp;', '&')}")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    rows = list(book["Plan"].iter_rows(values_only=True))
    assert rows == [
        tuple(EXPORTED),
        (
            "Recruit foster carers",
            "2",
            "Homeshire NHS Board",
            None,
            datetime.datetime(2017, 1, 1),
            datetime.datetime(2029, 1, 1),
            "Not started",
            "At risk",
            datetime.datetime.combine(TODAY - datetime.timedelta(days=10), datetime.time()),
            None,
            None,
        ),
    ]
    about = [row[0] for row in book["About"].iter_rows(values_only=True)]
    assert about[1] == (
        f"An open action is stale when it has had no update for more than {STALE_AFTER_DAYS} days."
    )


def test_the_whole_plan_exports_every_action_in_the_pages_order(world, plan):
    response = world.client_for("viewer").get("/p/home/plan/plan.csv?sort=owner")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert [row[0] for row in rows[1:]] == [
        "Plan action for Homeshire",
        "Write the guidance",
        "Recruit foster carers",
        "'=Close the old unit",
    ]
    stale = (TODAY - datetime.date(2017, 6, 1)).days
    assert rows[1][7:10] == ["On track", "2017-06-01", str(stale)]


@pytest.mark.parametrize(
    "path", ["/p/home/plan/", "/p/home/plan/plan.csv", "/p/home/plan/plan.xlsx"]
)
def test_outsider_gets_404_for_the_plan_and_its_exports(world, path):
    assert world.client_for("outsider").get(path).status_code == 404


def test_the_exports_ask_for_sign_in(world):
    response = world.client_for(None).get("/p/home/plan/plan.csv")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
