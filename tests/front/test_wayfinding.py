"""Finding the way: the navigation, the person in the header, back links and the list pages."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from followup.web.tablescroll import wrap_tables
from followup.web.templatetags.wayfinding import safe_back
from tests import factories as f


def back_link(world, path: str, **headers: str) -> str:
    page = world.client_for("viewer").get(path, headers=headers).content.decode()
    start = page.index('class="govuk-back-link"')
    return page[page.rindex("<a ", 0, start) : page.index("</a>", start) + 4]


def test_the_back_link_follows_the_page_the_person_came_from(world):
    action = f"/p/home/actions/{world.home.action.pk}/"
    came_from = "http://testserver/p/home/search/?q=planning"
    assert back_link(world, action, referer=came_from) == (
        '<a href="/p/home/search/?q=planning" class="govuk-back-link">Back</a>'
    )
    assert back_link(world, action, referer="http://testserver/p/home/recommendations/") == (
        '<a href="/p/home/recommendations/" class="govuk-back-link">Back</a>'
    )


def test_the_back_link_takes_a_back_parameter_that_is_a_page_of_ours(world):
    recommendation = f"/p/home/recommendations/{world.home.recommendation.pk}/"
    assert back_link(world, f"{recommendation}?back=/p/home/plan/") == (
        '<a href="/p/home/plan/" class="govuk-back-link">Back</a>'
    )


@pytest.mark.parametrize(
    "hostile",
    [
        "https://evil.example/p/home/plan/",
        "//evil.example/p/home/plan/",
        "/\\evil.example/",
        "javascript:alert(1)",
        "http://testserver@evil.example/",
        "ftp://testserver/p/home/plan/",
    ],
)
def test_a_hostile_back_parameter_or_referrer_gives_the_pages_own_back_link(world, hostile):
    recommendation = f"/p/home/recommendations/{world.home.recommendation.pk}/"
    expected = (
        f'<a href="/p/home/inspections/{world.home.inspection.pk}/" '
        'class="govuk-back-link">Back to the inspection</a>'
    )
    assert back_link(world, recommendation, referer=hostile) == expected
    assert back_link(world, f"{recommendation}?back={hostile}") == expected


def test_the_back_link_skips_the_page_itself_its_forms_and_the_sign_in_pages(world):
    action = f"/p/home/actions/{world.home.action.pk}/"
    default = '<a href="/p/home/plan/" class="govuk-back-link">Back to the improvement plan</a>'
    for referer in (action, f"{action}edit/", "/p/home/actions/new/", "/accounts/login/"):
        assert back_link(world, action, referer=f"http://testserver{referer}") == default


def test_safe_back_refuses_another_host_even_with_our_path():
    request = RequestFactory().get("/p/home/plan/", HTTP_REFERER="http://other.example/p/home/")
    assert safe_back(request) == ""


def test_the_header_names_the_person_and_their_role_and_the_navigation_marks_the_page(world):
    page = world.client_for("lead").get("/p/home/plan/").content.decode()
    assert "</span>lead (Lead officer)</a>" in page
    assert 'aria-current="page"><strong class="govuk-service-navigation__active-fallback">Plan' in (
        page
    )
    for label in ("Inspections", "Recommendations", "Indicators", "Evidence", "Reviews", "Search"):
        assert f">{label}</a>" in page
    assert 'aria-controls="navigation" hidden>Menu</button>' in page


def test_a_member_of_one_partnership_has_no_list_of_partnerships_in_the_navigation(world):
    page = world.client_for("lead").get("/p/home/").content.decode()
    assert "All your partnerships" not in page
    assert ">Overview</strong>" in page
    f.MembershipFactory(user=world.users["lead"], partnership=world.away.partnership, role="viewer")
    page = world.client_for("lead").get("/p/home/").content.decode()
    assert "All your partnerships" in page


def test_the_list_pages_show_the_partnerships_own_things_only(world):
    client = world.client_for("viewer")
    inspections = client.get("/p/home/inspections/").content.decode()
    assert "Inspection of Homeshire" in inspections and "Awayshire" not in inspections
    recommendations = client.get("/p/home/recommendations/").content.decode()
    assert "1. Improve planning in Homeshire" in recommendations
    assert "Awayshire" not in recommendations
    reviews = client.get("/p/home/reviews/").content.decode()
    assert "Progress review of Homeshire" in reviews and "Awayshire" not in reviews
    for path in ("inspections", "recommendations", "reviews", "search"):
        assert world.client_for("outsider").get(f"/p/home/{path}/").status_code == 404


def test_every_table_is_put_in_a_scroll_region_named_by_its_caption_once():
    html = (
        '<table class="govuk-table"><caption class="x">Actions &amp; <b>updates</b></caption>'
        "</table><p>between</p>"
        '<div class="followup-scroll" tabindex="0" role="region" aria-label="Mine">\n'
        '<table class="govuk-table"></table></div><table class="govuk-table"></table>'
    )
    assert wrap_tables(html) == (
        '<div class="followup-scroll" tabindex="0" role="region" aria-label="Actions &amp; '
        'updates"><table class="govuk-table"><caption class="x">Actions &amp; <b>updates</b>'
        "</caption></table></div><p>between</p>"
        '<div class="followup-scroll" tabindex="0" role="region" aria-label="Mine">\n'
        '<table class="govuk-table"></table></div>'
        '<div class="followup-scroll" tabindex="0" role="region" aria-label="Table">'
        '<table class="govuk-table"></table></div>'
    )


def test_a_page_with_a_table_serves_it_inside_a_scroll_region(world):
    page = world.client_for("viewer").get("/p/home/inspections/").content.decode()
    assert (
        '<div class="followup-scroll" tabindex="0" role="region" '
        'aria-label="Inspections of Homeshire, newest first"><table class="govuk-table">'
    ) in page
