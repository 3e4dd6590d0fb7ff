"""Published reports can be found (#15): from the sign-in page, a new user reaches a
partnership's published report in two clicks, on pages that pass axe; drafts are never shown."""

from __future__ import annotations

from followup.reports import actions
from tests.browser.conftest import Page
from tests.conftest import build_world


def click(page: Page, name: str) -> None:
    """Follow the link with this accessible name, and wait for the page it opens."""
    with page.page.expect_navigation():
        page.page.get_by_role("link", name=name, exact=True).click()


def test_a_new_user_finds_a_published_report_from_the_sign_in_page_in_two_clicks(
    page: Page, transactional_db: None, stand_in_documents: None
):
    world = build_world()
    publication = actions.publish(world.users["inspector"], review=world.home.review)
    # Awayshire has only drafts: it is listed nowhere.
    page.goto("/accounts/login/")
    page.assert_accessible()
    clicks = 0
    click(page, "Read published reports")
    clicks += 1
    assert page.page.url.endswith("/public/")
    page.assert_accessible()
    main = page.page.locator("main").inner_text()
    assert "Homeshire" in main and "Awayshire" not in main
    click(page, "Homeshire")
    clicks += 1
    assert page.page.url.endswith("/public/home/")
    page.assert_accessible()
    assert "Progress review of Homeshire, version 1" in page.page.locator("main").inner_text()
    assert clicks == 2  # the partnership's public page lists the report
    # Its header leads back to the list, and to signing in.
    nav = page.page.get_by_role("region", name="Published reports")
    assert nav.get_by_role("link", name="All partnerships").is_visible()
    assert nav.get_by_role("link", name="Sign in").is_visible()
    click(page, "Web page of Progress review of Homeshire, version 1")
    assert page.page.url.endswith(f"/public/home/reports/{publication.pk}.html")
    page.assert_accessible()
    # The report's contents are links, blue and underlined; its header links back to the list.
    first = page.page.locator(".followup-report__contents a").first
    style = first.evaluate(
        "a => [getComputedStyle(a).color, getComputedStyle(a).textDecorationLine]"
    )
    assert style == ["rgb(29, 112, 184)", "underline"]
    click(page, "Published reports of Homeshire")
    assert page.page.url.endswith("/public/home/")
    # From the list of partnerships, the report itself is also two clicks from signing in.
    page.goto("/accounts/login/")
    click(page, "Read published reports")
    click(page, "Progress review of Homeshire")
    assert page.page.url.endswith(f"/public/home/reports/{publication.pk}.html")


def test_a_wrapped_contents_entry_keeps_its_number_on_its_first_line(
    page: Page, transactional_db: None, stand_in_documents: None
):
    world = build_world()
    recommendation = world.home.recommendation
    recommendation.text = "Improve planning in Homeshire " + "so that every child has a plan " * 6
    recommendation.save()
    publication = actions.publish(world.users["inspector"], review=world.home.review)
    page.page.set_viewport_size({"width": 400, "height": 800})
    page.goto(f"/public/home/reports/{publication.pk}.html")
    entry = page.page.locator(".followup-report__contents li").nth(2)
    link = entry.locator("a")
    box, link_box = entry.bounding_box(), link.bounding_box()
    assert box is not None and link_box is not None
    assert link_box["height"] > 3 * 20  # the entry wraps onto several lines
    # The list item's first line is the link's first line: the number sits beside it.
    assert abs(box["y"] - link_box["y"]) < 2
    assert entry.evaluate("li => getComputedStyle(li.querySelector('a')).verticalAlign") == "top"
