"""What the evidence pages say when a form is filled in wrongly, the framework's quality
indicators added to the codebook, and a quote approved a second time."""

from __future__ import annotations

from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from followup.evidence.models import Code, Coding, Quote, Source
from tests.conftest import World
from tests.submissions import key


def shown_messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_lead_adds_the_quality_indicator_codes_of_the_inspection_framework(world):
    partnership = world.home.partnership
    framework = world.home.inspection.framework
    url = reverse("evidence:add_qi_codes", args=["home", framework.pk])
    response = world.client_for("lead").post(url, follow=True)
    assert response.redirect_chain == [(reverse("evidence:codebook", args=["home"]), 302)]
    made = Code.objects.filter(partnership=partnership, quality_indicator__isnull=False)
    indicators = framework.indicators.count()
    assert made.count() == indicators > 1
    assert shown_messages(response) == [f"Added {indicators} quality indicator codes."]
    top = Code.objects.get(partnership=partnership, parent=None, origin="qi")
    assert top.name == framework.name[:200]
    # Again: the codes are there already, so none is added.
    again = world.client_for("lead").post(url, follow=True)
    assert shown_messages(again) == ["Added 0 quality indicator codes."]
    assert Code.objects.filter(partnership=partnership, origin="qi").count() == indicators + 1


def test_another_partnerships_lead_gets_404_adding_quality_indicator_codes(world):
    framework = world.home.inspection.framework
    response = world.client_for("outsider").post(
        reverse("evidence:add_qi_codes", args=["home", framework.pk])
    )
    assert response.status_code == 404
    assert not Code.objects.filter(partnership=world.home.partnership, origin="qi").exists()


def test_a_quote_approved_again_keeps_who_approved_it_and_when(world):
    quote = world.home.quote
    url = reverse("evidence:quote_approve", args=["home", quote.pk])
    assert world.client_for("inspector").post(url).status_code == 302
    first = Quote.objects.get(pk=quote.pk)
    assert (first.status, first.approved_by) == ("approved", world.users["inspector"])
    response = world.client_for("lead").post(url, follow=True)
    assert response.redirect_chain == [(reverse("evidence:quotes", args=["home"]), 302)]
    assert shown_messages(response) == ["Quote approved for publication."]
    second = Quote.objects.get(pk=quote.pk)
    assert (second.status, second.approved_by, second.approved_at) == (
        "approved",
        world.users["inspector"],
        first.approved_at,
    )


def test_another_partnerships_lead_gets_404_approving_a_quote(world):
    quote = world.home.quote
    response = world.client_for("outsider").post(
        reverse("evidence:quote_approve", args=["home", quote.pk])
    )
    assert response.status_code == 404
    assert Quote.objects.get(pk=quote.pk).status == "proposed"


def test_a_source_pasted_and_chosen_as_a_file_as_well_is_refused(world):
    client = world.client_for("contributor")
    before = Source.objects.count()
    response = client.post(
        reverse("evidence:source_create", args=["home"]),
        {
            **key(client),
            "title": "Both at once",
            "kind": "document",
            "text": "Pasted words.",
            "file": SimpleUploadedFile("notes.txt", b"Words from a file."),
            "collected_on": "",
        },
    )
    assert response.status_code == 200
    assert "Paste the text or choose a file, not both" in response.content.decode()
    assert Source.objects.count() == before


def test_coding_sentences_with_none_ticked_asks_for_the_sentences(world):
    client = world.client_for("contributor")
    source = world.home.source
    before = Coding.objects.filter(source=source).count()
    response = client.post(
        reverse("evidence:source", args=["home", source.pk]),
        {
            **key(client),
            "codes": [world.home.code.pk],
            "start": "",
            "end": "",
            "apply": "sentences",
        },
    )
    assert response.status_code == 200
    assert "Tick the sentences to code" in response.content.decode()
    assert Coding.objects.filter(source=source).count() == before


def test_an_exchange_file_that_is_not_qdc_or_qdpx_is_refused(world):
    client = world.client_for("contributor")
    before = Code.objects.filter(partnership=world.home.partnership).count()
    response = client.post(
        reverse("evidence:exchange", args=["home"]),
        {"file": SimpleUploadedFile("codebook.xml", b"<CodeBook/>")},
    )
    assert response.status_code == 200
    assert "The file must be a .qdc or .qdpx file" in response.content.decode()
    assert Code.objects.filter(partnership=world.home.partnership).count() == before


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
