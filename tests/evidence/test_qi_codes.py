"""Who may add an inspection framework's quality indicators to the codebook, and which
frameworks (tests/evidence/test_evidence_refusals.py has the lead adding them)."""

from __future__ import annotations

from django.urls import reverse

from followup.evidence.models import Code
from tests.conftest import World


def test_a_viewer_may_not_add_quality_indicator_codes(world: World):
    framework = world.home.inspection.framework
    codebook = world.client_for("viewer").get(reverse("evidence:codebook", args=["home"]))
    url = reverse("evidence:add_qi_codes", args=["home", framework.pk])
    assert url not in codebook.content.decode()
    assert world.client_for("viewer").post(url).status_code == 403
    assert not Code.objects.filter(partnership=world.home.partnership, origin="qi").exists()


def test_a_framework_none_of_the_partnerships_inspections_uses_is_not_found(world: World):
    framework = world.home.inspection.framework
    world.home.inspection.delete()
    response = world.client_for("lead").post(
        reverse("evidence:add_qi_codes", args=["home", framework.pk])
    )
    assert response.status_code == 404
    assert not Code.objects.filter(partnership=world.home.partnership, origin="qi").exists()
