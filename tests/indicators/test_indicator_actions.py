"""The indicator actions' own checks, whatever form or caller they come from: wellbeing
indicators by name, recommendations of the partnership's own, and staged uploads discarded once
and never after they were imported."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from followup.audit.models import AuditEntry
from followup.indicators import actions
from followup.indicators.models import ImportUpload, Indicator


def test_an_indicator_refuses_an_unknown_wellbeing_indicator_and_keeps_the_known_ones_in_order(
    world,
):
    lead, indicator = world.users["lead"], world.home.indicator
    with pytest.raises(ValidationError) as refused:
        actions.update_indicator(lead, indicator, {"wellbeing": ["Safe", "Wealthy"]})
    assert refused.value.message_dict == {
        "wellbeing": ["Choose from the eight wellbeing indicators, not Wealthy."]
    }
    actions.update_indicator(lead, indicator, {"wellbeing": ["Included", "Safe"]})
    assert Indicator.objects.get(pk=indicator.pk).wellbeing == ["Safe", "Included"]


def test_an_indicator_cannot_be_linked_to_another_partnerships_recommendation(world):
    lead = world.users["lead"]
    theirs = world.away.recommendation
    with pytest.raises(ValidationError) as refused:
        actions.update_indicator(lead, world.home.indicator, {"recommendations": [theirs]})
    assert refused.value.message_dict == {
        "recommendations": ["Choose recommendations made to this partnership."]
    }
    assert list(world.home.indicator.recommendations.all()) == [world.home.recommendation]
    with pytest.raises(ValidationError):
        actions.create_indicator(
            lead,
            world.home.partnership,
            {"code": "x", "name": "X", "recommendations": [theirs]},
        )
    assert not Indicator.objects.filter(code="x").exists()


def test_a_staged_upload_is_discarded_once_on_the_record_and_an_imported_one_is_kept(world):
    lead, upload = world.users["lead"], world.home.upload
    actions.discard_upload(lead, upload)
    assert not ImportUpload.objects.filter(pk=upload.pk).exists()
    assert AuditEntry.objects.filter(verb="upload.discard", object_id=str(upload.pk)).count() == 1
    actions.discard_upload(lead, upload)  # a second click: nothing more to do, nothing recorded
    assert AuditEntry.objects.filter(verb="upload.discard", object_id=str(upload.pk)).count() == 1

    imported = ImportUpload.objects.create(
        partnership=world.home.partnership,
        filename="done.csv",
        data="",
        release="Done",
        applied_at=timezone.now(),
    )
    with pytest.raises(ValidationError, match="This file has been imported"):
        actions.discard_upload(lead, imported)
    assert ImportUpload.objects.filter(pk=imported.pk).exists()
