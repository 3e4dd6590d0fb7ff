"""Fields are drawn as the GOV.UK component their kind needs: several choices as checkboxes,
one choice as radios that can be cleared when the answer is optional."""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Iterator

import pytest
from django import forms
from django.http import QueryDict
from django.template import Context, Template
from django.urls import reverse

import followup
from followup.web.forms import StrictForm
from followup.web.templatetags.govuk import _kind
from tests.browserlike import forms_in


def _project_forms() -> Iterator[type[forms.Form]]:
    for module in pkgutil.iter_modules(followup.__path__):
        try:
            importlib.import_module(f"followup.{module.name}.forms")
        except ModuleNotFoundError:
            continue

    def walk(cls: type[forms.Form]) -> Iterator[type[forms.Form]]:
        for sub in cls.__subclasses__():
            if sub.__module__.startswith("followup."):
                yield sub
            yield from walk(sub)

    yield from walk(forms.Form)


MULTIPLE = sorted(
    {
        (form.__name__, name)
        for form in _project_forms()
        for name, field in form.base_fields.items()
        if isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField)
    }
)


def test_the_project_has_the_multiple_choice_fields_the_issue_names():
    assert {
        ("ActionForm", "recommendations"),
        ("IndicatorForm", "recommendations"),
        ("IndicatorForm", "quality_indicators"),
        ("IndicatorForm", "wellbeing"),
        ("RecommendationForm", "quality_indicators"),
        ("QuoteForm", "recommendations"),
        ("CodingForm", "codes"),
    } <= set(MULTIPLE)


def _render(form: forms.BaseForm, name: str) -> str:
    return Template("{% govuk_field field %}").render(Context({"field": form[name]}))


@pytest.mark.parametrize(("form_name", "name"), MULTIPLE)
def test_every_multiple_choice_field_is_drawn_as_govuk_checkboxes(form_name, name):
    (cls,) = [c for c in _project_forms() if c.__name__ == form_name]
    field = cls.base_fields[name]
    # The same widget, with two choices to draw (the real ones come from the database).
    copy = forms.MultipleChoiceField(
        choices=[("1", "One"), ("2", "Two")], widget=type(field.widget)(), required=False
    )
    form = type("F", (forms.Form,), {name: copy})(initial={name: ["1", "2"]})
    assert _kind(form[name]) == "checkboxes"
    html = _render(form, name)
    assert 'class="govuk-checkboxes govuk-checkboxes--small"' in html
    assert html.count('type="checkbox"') == 2 and 'type="radio"' not in html
    (rendered,) = forms_in(f"<form method=post>{html}</form>")
    assert rendered.data() == {name: ["1", "2"]}  # both ticked boxes are sent


class Answer(StrictForm):
    colour = forms.ChoiceField(
        choices=[("red", "Red"), ("blue", "Blue")],
        required=False,
        widget=forms.RadioSelect,
        label="Colour",
    )


def test_an_optional_radio_group_without_an_empty_choice_offers_none_to_clear_it():
    html = _render(Answer(initial={"colour": "red"}), "colour")
    assert '<div class="govuk-radios__divider">or</div>' in html
    assert 'id="id_colour_none" name="colour" type="radio" value=""' in html
    (rendered,) = forms_in(f"<form method=post>{html}</form>")
    assert rendered.data() == {"colour": ["red"]}
    cleared = Answer({"colour": ""})
    assert cleared.is_valid() and cleared.cleaned_data["colour"] == ""
    blank = _render(Answer(), "colour")
    assert 'type="radio" value="" checked' in blank


def test_a_required_radio_group_has_no_none():
    class Required(StrictForm):
        colour = forms.ChoiceField(choices=[("red", "Red")], widget=forms.RadioSelect)

    assert "govuk-radios__divider" not in _render(Required(), "colour")


def test_line_breaks_are_stored_as_the_page_shows_them_whatever_the_browser_sends():
    class Note(StrictForm):
        note = forms.CharField(widget=forms.Textarea)

    form = Note(QueryDict("note=one%0D%0Atwo%0Dthree"))
    assert form.is_valid()
    assert form.cleaned_data["note"] == "one\ntwo\nthree"


def test_the_pages_the_issue_names_draw_their_several_choices_as_checkboxes(world):
    """The action, indicator, recommendation and quote forms, and coding selected words."""
    home = world.home
    pages = {
        reverse("plans:edit", args=["home", home.action.pk]): ["recommendations"],
        reverse("indicators:edit", args=["home", home.indicator.pk]): [
            "recommendations",
            "quality_indicators",
            "wellbeing",
        ],
        reverse("inspections:recommendation_edit", args=["home", home.recommendation.pk]): [
            "quality_indicators"
        ],
        reverse("evidence:quote_create", args=["home", home.coding.pk]): [
            "recommendations",
            "quality_indicators",
        ],
        reverse("evidence:source", args=["home", home.source.pk]): ["codes"],
    }
    for url, names in pages.items():
        html = world.client_for("admin").get(url).content.decode()
        for name in names:
            kinds = re.findall(rf'name="{name}" type="(\w+)"', html)
            assert kinds and set(kinds) == {"checkbox"}, (url, name, kinds)
