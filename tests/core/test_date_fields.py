"""Date fields take a date as their hint writes it ("27 March 2024"), as a date picker sends it
(2024-03-27), and as 27/03/2024; and refuse, with the field named, what is not a real date."""

from __future__ import annotations

import datetime
import re

import pytest
from django import forms

from followup.evidence.forms import CaseForm, SourceForm, SurveyDateForm
from followup.evidence.models import Case, Source
from followup.web.forms import DayField, date_field
from tests.browserlike import change, page_form, submit
from tests.core.test_govuk_fields import _project_forms

DATE_FIELDS = sorted(
    (form.__name__, name, form)
    for form in _project_forms()
    for name, field in form.base_fields.items()
    if isinstance(field, forms.DateField)
)


def test_the_project_has_the_date_fields_the_tester_named():
    assert {
        ("SurveyDateForm", "collected_on"),
        ("SourceForm", "collected_on"),
        ("CaseForm", "date"),
        ("ActionUpdateForm", "on"),
        ("ReviewForm", "published_on"),
    } <= {(form, name) for form, name, _ in DATE_FIELDS}


@pytest.mark.parametrize(("form", "name", "cls"), DATE_FIELDS, ids=lambda v: str(v))
def test_every_date_field_accepts_the_date_its_own_hint_and_error_give(form, name, cls):
    field = cls.base_fields[name]
    assert isinstance(field, DayField), (form, name)
    example = re.search(r"[Ff]or example,? (\d{1,2} [A-Z][a-z]+ \d{4})", field.help_text)
    assert example is not None, field.help_text
    day = datetime.datetime.strptime(example.group(1), "%d %B %Y").date()
    assert field.clean(example.group(1)) == day
    error = field.error_messages["invalid"]
    shown = re.search(r"for example (\d{1,2} [A-Z][a-z]+ \d{4})", error)
    assert shown is not None and field.clean(shown.group(1)) is not None


@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("27 March 2024", datetime.date(2024, 3, 27)),
        ("1 February 2018", datetime.date(2018, 2, 1)),
        ("27 Mar 2024", datetime.date(2024, 3, 27)),
        ("1 feb 2018", datetime.date(2018, 2, 1)),
        ("1 Sept 2018", datetime.date(2018, 9, 1)),
        ("  19  JANUARY  2018 ", datetime.date(2018, 1, 19)),
        ("2nd May 2018", datetime.date(2018, 5, 2)),
        ("2 May, 2018", datetime.date(2018, 5, 2)),
        ("31/12/2018", datetime.date(2018, 12, 31)),
        ("2024-03-27", datetime.date(2024, 3, 27)),
    ],
)
def test_a_date_is_read_as_people_write_it(typed, day):
    assert date_field("Date").clean(typed) == day


@pytest.mark.parametrize(
    "typed",
    [
        "31 February 2018",
        "27 Ma 2024",
        "27 Marchember 2024",
        "March 27 2024",
        "27 March",
        "12/31/2018",
        "27 März 2024",
        "27 March 2024 " + "9" * 10_000,
        "1 January 2018" * 1000,
    ],
)
def test_what_is_not_a_real_date_is_refused_with_the_field_named(typed):
    with pytest.raises(forms.ValidationError) as refused:
        date_field("When the survey closed").clean(typed)
    assert refused.value.messages == [
        "When the survey closed must be a real date, for example 27 March 2024"
    ]


def test_the_survey_source_and_case_forms_take_the_date_as_the_hint_writes_it():
    survey = SurveyDateForm({"collected_on": "19 January 2018"})
    assert survey.is_valid(), survey.errors
    assert survey.cleaned_data["collected_on"] == datetime.date(2018, 1, 19)
    source = SourceForm(
        {
            "title": "Notes",
            "kind": "focus_group",
            "text": "Words.",
            "collected_on": "1 February 2018",
        }
    )
    assert source.is_valid(), source.errors
    assert source.cleaned_data["collected_on"] == datetime.date(2018, 2, 1)
    case = CaseForm({"name": "Respondent 12", "date": "27 Mar 2024"})
    assert case.is_valid(), case.errors
    assert case.cleaned_data["date"] == datetime.date(2024, 3, 27)


def test_a_source_and_a_case_submitted_from_their_pages_keep_the_date_typed(world):
    from django.urls import reverse

    client = world.client_for("contributor")
    url = reverse("evidence:source_create", args=["home"])
    form = page_form(client.get(url).content.decode())
    sent = change(
        form,
        {
            "title": "Focus group, February",
            "kind": "focus_group",
            "text": "Words.",
            "collected_on": "1 February 2018",
        },
    )
    assert submit(client, url, sent).status_code == 302
    assert Source.objects.get(title="Focus group, February").collected_on == datetime.date(
        2018, 2, 1
    )
    url = reverse("evidence:case_create", args=["home"])
    form = page_form(client.get(url).content.decode())
    sent = change(form, {"name": "Respondent 99", "date": "27 March 2024"})
    assert submit(client, url, sent).status_code == 302
    assert Case.objects.get(name="Respondent 99").attributes["Date"] == "2024-03-27"
