"""The coding screen for the demo's codebook (#15): the demo's codes as a tree in three groups,
headings shown but never applied, a filter that works without JavaScript, several codes at once,
and coded words highlighted with their codes named in text."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from followup.evidence import actions
from followup.evidence.models import Code, Coding, Source
from followup.frameworks.models import QualityIndicator
from tests.submissions import key

SHANARRI = "Wellbeing indicators (SHANARRI)"


@pytest.fixture
def demo(demo_for_module, db):
    from django.contrib.auth.models import User

    client = Client()
    client.force_login(User.objects.get(username="lead"))
    source = Source.objects.get(title="Focus group: parents and kinship carers (illustrative)")
    return client, source


def screen(client: Client, source: Source, query: str = "") -> str:
    url = reverse("evidence:source", args=[source.partnership.slug, source.pk]) + query
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def ticked_boxes(html: str) -> list[str]:
    """The labels of the code checkboxes, in the order of the page."""
    return re.findall(
        r'name="codes" type="checkbox" value="\d+"[^>]*><label[^>]*>([^<]*)</label>', html
    )


def headings(html: str) -> list[str]:
    return re.findall(r'<span class="govuk-body-s followup-code-heading">([^<]*)<', html)


def test_the_demo_codebook_is_a_tree_in_three_groups_with_its_headings_not_codable(demo):
    client, source = demo
    html = screen(client, source)
    groups = re.findall(r'<h3 class="govuk-heading-s">([^<]*)</h3>', html)
    assert groups == ["Wellbeing indicators", "Quality indicators", "Local themes"]
    framework = Code.objects.get(partnership=source.partnership, origin="qi", parent=None).name
    assert headings(html) == [
        SHANARRI,
        framework,
        "Q1 How well are the lives of children, young people and families improving?",
        "Q2 How well are partners working together to improve the lives of children, young "
        "people and families?",
        "Q3 How good is the leadership and direction of services for children and young people?",
    ]
    boxes = ticked_boxes(html)
    assert len(boxes) == Code.objects.filter(partnership=source.partnership).count() - 5 == 26
    # The eight wellbeing indicators sit in a list inside their heading's item.
    heading_item = re.search(
        rf'<li data-code-name="{re.escape(SHANARRI.lower())}">(.*?)</ul></li>', html, re.S
    )
    assert heading_item is not None
    assert ticked_boxes(heading_item.group(1)) == sorted(
        [
            "Safe",
            "Healthy",
            "Achieving",
            "Nurtured",
            "Active",
            "Respected",
            "Responsible",
            "Included",
        ],
        key=str.lower,
    )
    assert "Being listened to" in boxes and "1.1* Improvements" not in boxes


def test_a_filter_in_the_address_narrows_the_codes_without_javascript(demo):
    client, source = demo
    html = screen(client, source, "?filter=SAFE")
    assert ticked_boxes(html) == ["Safe"]
    assert headings(html) == [SHANARRI]  # the heading above it, for where it sits
    assert "Showing the codes whose names hold “SAFE”" in html
    # A matching heading brings the codes inside it.
    assert len(ticked_boxes(screen(client, source, "?filter=shanarri"))) == 8
    nothing = screen(client, source, "?filter=zzz")
    assert ticked_boxes(nothing) == [] and "No code’s name holds “zzz”." in nothing
    # The filter's box belongs to a form of its own, sent with GET.
    assert '<form method="get" id="code-filter"' in html
    assert 'name="filter" type="search" value="SAFE" form="code-filter"' in html


def test_posting_a_heading_as_a_code_is_a_form_error_and_codes_nothing(demo):
    client, source = demo
    heading = Code.objects.get(partnership=source.partnership, name=SHANARRI)
    safe = Code.objects.get(partnership=source.partnership, name="Safe")
    before = Coding.objects.count()
    url = reverse("evidence:source", args=[source.partnership.slug, source.pk])
    first = source.text.index("\n") + 1
    end = source.text.index(".", first) + 1
    response = client.post(
        url,
        {
            **key(client),
            "spans": [f"{first}-{end}"],
            "codes": [safe.pk, heading.pk],
            "apply": "sentences",
        },
    )
    assert response.status_code == 200
    assert re.findall(r"<li><a href=\"#id_codes_0\">(.*?)</a></li>", response.content.decode()) == [
        f"Choose codes from the list: “{heading.pk}” is not one of them (headings are not codes)"
    ]
    assert Coding.objects.count() == before
    # Words selected with the mouse are refused the heading too, at the field.
    selection = client.post(
        url,
        {**key(client), "start": "0", "end": "5", "codes": [heading.pk], "apply": "selection"},
    )
    assert selection.status_code == 200
    assert "is not one of them (headings are not codes)" in selection.content.decode()
    assert Coding.objects.count() == before


def test_the_action_refuses_a_heading_whoever_calls_it(demo):
    _, source = demo
    heading = Code.objects.get(partnership=source.partnership, name=SHANARRI)
    question = Code.objects.get(
        partnership=source.partnership, quality_indicator__assessable=False, name__startswith="Q1"
    )
    lead = source.partnership.memberships.get(user__username="lead").user
    for code in (heading, question):
        with pytest.raises(ValidationError, match="is a heading of the codebook"):
            actions.code_spans(lead, source, code, [(0, 5)])
    coding = Coding.objects.filter(source=source).first()
    with pytest.raises(ValidationError, match="is a heading of the codebook"):
        actions.update_coding(lead, coding, {"code": heading})
    assert QualityIndicator.objects.filter(codes=question, assessable=False).exists()


def test_a_codebook_exported_marks_its_headings_as_not_codable(demo):
    client, source = demo
    exported = client.get(reverse("evidence:export_qdc", args=[source.partnership.slug]))
    assert exported.status_code == 200
    xml = exported.content.decode()
    not_codable = re.findall(r'<(?:\w+:)?Code [^>]*name="([^"]*)" isCodable="false"', xml)
    framework = Code.objects.get(partnership=source.partnership, origin="qi", parent=None).name
    questions = Code.objects.filter(
        partnership=source.partnership, quality_indicator__assessable=False
    ).values_list("name", flat=True)
    assert sorted(not_codable) == sorted([SHANARRI, framework, *questions])
    assert len(not_codable) == 5
