"""Date fields are GOV.UK's date input (#15): day, month and year in three fields, with GOV.UK's
messages ("Date of the update must include a month", "... must be a real date"), never the
browser's own picker. Every page with a date field is submitted as the browser renders it. A
single value (a script, an older page) is still read as people write it ("27 March 2024"), as
ISO (2024-03-27), and as 27/03/2024."""

from __future__ import annotations

import datetime
import re

import pytest
from django import forms

from followup.evidence.forms import CaseForm, SourceForm, SurveyDateForm
from followup.evidence.models import Case, Source
from followup.plans.forms import ActionUpdateForm
from followup.web.forms import DateInput, DayField, date_field
from tests.browserlike import change, page_form, post_forms, submit
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
    assert isinstance(field.widget, DateInput), (form, name)
    # GOV.UK's hint: day, month and year as they go in the three fields.
    example = re.search(r"For example, (\d{1,2}) (\d{1,2}) (\d{4})$", field.help_text)
    assert example is not None, field.help_text
    day, month, year = (int(part) for part in example.groups())
    assert field.clean(list(example.groups())) == datetime.date(year, month, day)
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


def test_a_source_and_a_case_submitted_from_their_pages_keep_the_date_in_three_fields(world):
    from django.urls import reverse

    client = world.client_for("contributor")
    url = reverse("evidence:source_create", args=["home"])
    form = page_form(client.get(url).content.decode())
    assert {"collected_on_day", "collected_on_month", "collected_on_year"} <= form.names()
    sent = change(
        form,
        {
            "title": "Focus group, March",
            "kind": "focus_group",
            "text": "Words.",
            **parts("collected_on", "1", "3", "2018"),
        },
    )
    assert submit(client, url, sent).status_code == 302
    assert Source.objects.get(title="Focus group, March").collected_on == datetime.date(2018, 3, 1)
    url = reverse("evidence:case_create", args=["home"])
    form = page_form(client.get(url).content.decode())
    sent = change(form, {"name": "Respondent 98", **parts("date", "27", "Mar", "2024")})
    assert submit(client, url, sent).status_code == 302
    assert Case.objects.get(name="Respondent 98").attributes["Date"] == "2024-03-27"


def parts(name: str, day: str, month: str, year: str) -> dict[str, str]:
    return {f"{name}_day": day, f"{name}_month": month, f"{name}_year": year}


@pytest.mark.parametrize(
    ("day", "month", "year", "message"),
    [
        ("", "3", "2024", "Date of the update must include a day"),
        ("27", "", "2024", "Date of the update must include a month"),
        ("27", "3", "", "Date of the update must include a year"),
        ("", "", "2024", "Date of the update must include a day and month"),
        ("", "3", "", "Date of the update must include a day and year"),
        ("27", "", "", "Date of the update must include a month and year"),
        ("31", "2", "2024", "Date of the update must be a real date, for example 27 March 2024"),
        ("27", "13", "2024", "Date of the update must be a real date, for example 27 March 2024"),
        ("x", "3", "2024", "Date of the update must be a real date, for example 27 March 2024"),
        (
            "27",
            "Marchember",
            "2024",
            "Date of the update must be a real date, for example 27 March 2024",
        ),
        ("27", "3", "24", "Date of the update must have a year with 4 numbers, for example 2024"),
        (
            "27",
            "3",
            "20245",
            "Date of the update must have a year with 4 numbers, for example 2024",
        ),
        (
            "99999999999999999999",
            "99999999999999999999",
            "2024",
            "Date of the update must be a real date, for example 27 March 2024",
        ),
    ],
)
def test_the_three_fields_give_govuks_messages(day, month, year, message):
    with pytest.raises(forms.ValidationError) as refused:
        date_field("Date of the update").clean([day, month, year])
    assert refused.value.messages == [message]


@pytest.mark.parametrize(
    ("day", "month", "year", "expected"),
    [
        ("27", "3", "2024", datetime.date(2024, 3, 27)),
        (" 07 ", "03", "2024", datetime.date(2024, 3, 27 - 20)),
        ("1", "February", "2018", datetime.date(2018, 2, 1)),
        ("1", "sept", "2018", datetime.date(2018, 9, 1)),
        ("29", "2", "2024", datetime.date(2024, 2, 29)),
    ],
)
def test_the_three_fields_read_a_real_date_with_the_month_as_a_number_or_a_name(
    day, month, year, expected
):
    assert date_field("Date").clean([day, month, year]) == expected


def test_three_empty_fields_are_no_date_or_the_field_is_required():
    assert date_field("Due date").clean(["", "", ""]) is None
    form = ActionUpdateForm({"on_day": "", "on_month": "", "on_year": "", "status": "x"})
    assert form.errors["on"] == ["Enter date of the update"]


# Every page with a date field, as who may use it: its form is read as the browser renders it.
DATE_PAGES = [
    ("plans:create", "lead", ["start_date", "due_date"]),
    ("plans:edit", "lead", ["start_date", "due_date"]),
    ("plans:update_create", "lead", ["on"]),
    ("inspections:create", "inspector", ["fieldwork_start", "fieldwork_end", "published_on"]),
    ("inspections:edit", "inspector", ["fieldwork_start", "fieldwork_end", "published_on"]),
    (
        "reviews:create",
        "inspector",
        ["fieldwork_start", "fieldwork_end", "published_on", "evidence_cutoff"],
    ),
    (
        "reviews:edit",
        "inspector",
        ["fieldwork_start", "fieldwork_end", "published_on", "evidence_cutoff"],
    ),
    ("evidence:source_create", "contributor", ["collected_on"]),
    ("evidence:case_create", "contributor", ["date"]),
    ("manage:inspector_assign", "service_admin", ["starts_on", "ends_on"]),
]


@pytest.mark.parametrize(("name", "who", "fields"), DATE_PAGES, ids=lambda v: str(v))
def test_every_date_field_on_every_page_is_three_fields_and_says_what_is_missing(
    world, name, who, fields
):
    from tests.partnerships.matrix import url_of

    url = url_of(world, name)
    client = world.client_for(who)
    html = client.get(url).content.decode()
    assert 'type="date"' not in html
    form = next((f for f in post_forms(html) if f.action == url), None) or page_form(html)
    for field in fields:
        assert {f"{field}_day", f"{field}_month", f"{field}_year"} <= form.names(), field
        assert (
            f'<input class="govuk-input govuk-date-input__input govuk-input--width-2" id="id_{field}" name="{field}_day"'
            in html
        )
    first, *others = fields
    sent = change(
        form,
        {
            **parts(first, "27", "", "2024"),
            **{k: v for f in others for k, v in parts(f, "1", "2", "2018").items()},
        },
    )
    response = submit(client, url, sent)
    assert response.status_code == 200
    page = response.content.decode()
    label = response.context["form"].fields[first].label
    message = f"{label} must include a month"
    assert f'<a href="#id_{first}_month">{message}</a>' in page  # the summary goes to the month
    assert f'<span class="govuk-visually-hidden">Error:</span> {message}' in page
    assert f'govuk-input--error" id="id_{first}_month"' in page
    assert 'value="27"' in page  # what was typed is kept
    for other in others:
        assert (
            f'id="id_{other}_year" name="{other}_year" type="text" inputmode="numeric" value="2018"'
            in page
        )
