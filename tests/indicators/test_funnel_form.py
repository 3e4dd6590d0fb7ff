"""Choosing an indicator's funnel plot limits on its form."""

from __future__ import annotations

from html import unescape

from django.urls import reverse

from followup.audit.models import AuditEntry
from followup.indicators.funnel import PHE
from tests.browserlike import edit


def test_an_editor_chooses_fingertips_limits_on_the_indicator_form_and_it_is_recorded(world):
    indicator = world.home.indicator
    url = reverse("indicators:edit", args=["home", indicator.pk])
    response = edit(world.client_for("admin"), url, {"funnel_method": PHE})
    assert response.status_code == 302, response.content.decode()[:500]
    indicator.refresh_from_db()
    assert indicator.funnel_method == PHE
    entry = AuditEntry.objects.get(verb="indicator.update", object_id=str(indicator.pk))
    assert entry.changes == {"funnel_method": ["", PHE]}


def test_the_indicator_form_refuses_a_funnel_method_it_does_not_offer(world):
    indicator = world.home.indicator
    url = reverse("indicators:edit", args=["home", indicator.pk])
    response = edit(world.client_for("admin"), url, {"funnel_method": "normal"})
    assert response.status_code == 200
    assert "Choose funnel plot limits from the list" in unescape(response.content.decode())
    indicator.refresh_from_db()
    assert indicator.funnel_method == ""


def test_the_funnel_limits_help_and_docstring_point_to_the_funnel_plots_section_that_exists():
    from pathlib import Path

    import followup.indicators.funnel as page_funnel
    from followup.indicators.forms import IndicatorForm

    root = Path(__file__).resolve().parents[2]
    help_text = str(IndicatorForm.base_fields["funnel_method"].help_text)
    assert "docs/spc.md#funnel-plots" in help_text
    assert "docs/spc.md#funnel-plots" in (page_funnel.__doc__ or "")
    assert "\n## Funnel plots\n" in (root / "docs" / "spc.md").read_text()
