"""The caller's partnerships, and the API's answers to what it does not have."""

from __future__ import annotations

from tests.api.conftest import problem

LIST = "/api/v1/partnerships/"


def test_a_member_lists_exactly_their_own_partnership_with_their_role(api, world):
    page = api["viewer"].json(LIST)
    assert page == {
        "next": None,
        "previous": None,
        "results": [
            {
                "slug": "home",
                "name": "Homeshire",
                "description": world.home.partnership.description,
                "area": {"code": "S1HOME", "name": "Homeshire", "kind": "council"},
                "archived": False,
                "role": "viewer",
                "capabilities": ["view"],
            }
        ],
    }


def test_the_outsiders_token_lists_only_their_own_partnership(api):
    assert [p["slug"] for p in api["outsider"].json(LIST)["results"]] == ["away"]


def test_a_service_administrator_who_is_a_member_of_nothing_lists_nothing(api):
    assert api["service_admin"].json(LIST)["results"] == []


def test_a_partnership_is_read_by_its_slug(api):
    body = api["lead"].json("/api/v1/partnerships/home/")
    assert (body["slug"], body["role"]) == ("home", "lead")


def test_outsider_token_gets_404_for_the_home_partnership_as_for_one_that_does_not_exist(api):
    for slug in ("home", "nowhere"):
        body = problem(api["outsider"].get(f"/api/v1/partnerships/{slug}/"), 404)
        assert body == {
            "type": "about:blank",
            "title": "Not Found",
            "status": 404,
            "detail": "Not found: there is no such object, or you may not see it.",
        }


def test_an_address_the_api_does_not_have_is_404_as_a_problem_whatever_the_method(api):
    for path in ("/api/v1/nothing/", "/api/", "/api/v2/partnerships/"):
        for method in ("GET", "POST", "DELETE"):
            problem(api["viewer"].request(method, path, {}), 404)


def test_the_count_is_given_only_when_asked_for(api):
    assert "count" not in api["lead"].json(LIST)
    assert api["lead"].json(LIST, count="true")["count"] == 1


def test_paging_parameters_out_of_range_are_400_naming_each(api):
    body = problem(api["lead"].get(LIST, limit="1001", offset="-1", count="maybe"), 400)
    assert body["errors"] == [
        {"field": "limit", "detail": "Ensure this value is less than or equal to 1000."},
        {"field": "offset", "detail": "Ensure this value is greater than or equal to 0."},
        {"field": "count", "detail": "Must be a valid boolean."},
    ]
    assert problem(api["lead"].get(LIST, limit="ten"), 400)["errors"] == [
        {"field": "limit", "detail": "A valid integer is required."}
    ]


def test_an_address_without_its_final_slash_is_404_saying_so(api):
    body = problem(api["viewer"].get("/api/v1/partnerships/home"), 404)
    assert body["detail"] == (
        "Not found: the API's addresses end with a slash (/api/v1/partnerships/home/)."
    )
