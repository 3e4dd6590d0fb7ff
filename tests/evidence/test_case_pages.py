"""The cases page shows 200 cases at a time (#11): 1,500 cases made a page of 2.3 MB."""

from __future__ import annotations

from django.urls import reverse

from followup.evidence.models import Case
from followup.evidence.views_coding import CASES_PER_PAGE


def test_1500_cases_are_shown_200_to_a_page_with_links_to_the_others(world):
    partnership = world.home.partnership
    Case.objects.filter(partnership=partnership).delete()
    Case.objects.bulk_create(
        Case(partnership=partnership, name=f"Respondent {n:04}", attributes={"Group": "Staff"})
        for n in range(1_500)
    )
    client = world.client_for("lead")
    url = reverse("evidence:cases", args=["home"])
    first = client.get(url).content.decode()
    assert CASES_PER_PAGE == 200
    assert first.count("Respondent ") == 200
    assert "1500 cases: 1 to 200" in first
    assert "Respondent 0000" in first and "Respondent 0199" in first
    assert "Respondent 0200" not in first
    assert 'aria-label="Pages of cases"' in first
    assert 'href="?page=8"' in first
    assert len(first) < 200_000
    last = client.get(url + "?page=8").content.decode()
    assert last.count("Respondent ") == 100
    assert "1500 cases: 1401 to 1500" in last
    assert "Respondent 1499" in last


def test_a_page_past_the_last_shows_the_last_and_a_few_cases_need_no_page_links(world):
    partnership = world.home.partnership
    Case.objects.filter(partnership=partnership).delete()
    Case.objects.bulk_create(Case(partnership=partnership, name=f"Family {n}") for n in range(3))
    page = world.client_for("lead").get(reverse("evidence:cases", args=["home"]) + "?page=99")
    text = page.content.decode()
    assert page.status_code == 200
    assert "3 cases</caption>" in text
    assert "Pages of cases" not in text
