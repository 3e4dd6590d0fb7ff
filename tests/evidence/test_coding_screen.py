"""The coding screen for a real codebook (#15): the demo's codes as a tree in three groups,
headings shown but never applied, a filter that works without JavaScript, several codes at once,
and coded words highlighted with their codes named in text."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from followup.evidence import actions
from followup.evidence.codetree import Run, cut, runs
from followup.evidence.models import Coding, Source
from followup.frameworks.models import QualityIndicator
from tests.submissions import key

SHANARRI = "Wellbeing indicators (SHANARRI)"


def screen(client: Client, source: Source, query: str = "") -> str:
    url = reverse("evidence:source", args=[source.partnership.slug, source.pk]) + query
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_a_passage_coded_with_two_codes_at_once_names_both_after_its_highlight(world):
    client = world.client_for("contributor")
    source = world.home.source  # "Staff in Homeshire feel supported. Waiting lists are long."
    waiting = actions.create_code(world.users["lead"], source.partnership, {"name": "Waiting"})
    access = actions.create_code(world.users["lead"], source.partnership, {"name": "Access"})
    url = reverse("evidence:source", args=["home", source.pk])
    response = client.post(
        url,
        {
            **key(client),
            "spans": ["35-58"],
            "codes": [waiting.pk, access.pk],
            "apply": "sentences",
        },
    )
    assert response.status_code == 302 and response["Location"] == url
    coded = Coding.objects.filter(source=source, start=35).order_by("code__name")
    assert [(c.code.name, c.start, c.end, c.excerpt) for c in coded] == [
        ("Access", 35, 58, "Waiting lists are long."),
        ("Waiting", 35, 58, "Waiting lists are long."),
    ]
    html = screen(client, source)
    assert (
        '<mark>Waiting lists are long.</mark> <span class="followup-coded-as">[Access, Waiting]'
        "</span>" in html
    )
    assert (
        '<mark>Staff in Homeshire feel supported.</mark> <span class="followup-coded-as">'
        "[Support in Homeshire]</span>" in html
    )


def test_words_coded_inside_a_sentence_are_highlighted_alone_with_their_code(world):
    source = world.home.source
    lists = actions.create_code(world.users["lead"], source.partnership, {"name": "Lists"})
    actions.code_spans(world.users["lead"], source, lists, [(43, 48)])  # "lists"
    html = screen(world.client_for("lead"), source)
    assert (
        'Waiting <mark>lists</mark> <span class="followup-coded-as">[Lists]</span> are long.'
        in html
    )


def test_the_selected_words_are_coded_with_several_codes_in_one_submit(world):
    client = world.client_for("contributor")
    source = world.home.source
    one = actions.create_code(world.users["lead"], source.partnership, {"name": "One"})
    two = actions.create_code(world.users["lead"], source.partnership, {"name": "Two"})
    url = reverse("evidence:source", args=["home", source.pk])
    response = client.post(
        url,
        {
            **key(client),
            "start": "43",
            "end": "48",
            "codes": [one.pk, two.pk],
            "apply": "selection",
        },
    )
    assert response.status_code == 302
    assert sorted(
        Coding.objects.filter(source=source, start=43).values_list("code__name", "end")
    ) == [
        ("One", 48),
        ("Two", 48),
    ]


def test_another_partnerships_user_gets_404_on_the_coding_screen_and_cannot_code(world):
    outsider = world.client_for("outsider")
    source = world.home.source
    url = reverse("evidence:source", args=["home", source.pk])
    before = Coding.objects.count()
    assert outsider.get(url).status_code == 404
    assert outsider.get(url + "?filter=support").status_code == 404
    posted = outsider.post(
        url,
        {**key(outsider), "spans": ["35-58"], "codes": [world.home.code.pk], "apply": "sentences"},
    )
    assert posted.status_code == 404
    # Nor words selected, with the codes of their own partnership.
    assert (
        outsider.post(
            url,
            {
                **key(outsider),
                "start": "0",
                "end": "5",
                "codes": [world.away.code.pk],
                "apply": "selection",
            },
        ).status_code
        == 404
    )
    assert Coding.objects.count() == before


def test_a_quote_card_shows_its_code_quality_indicators_and_recommendations(world):
    quote = world.home.quote
    qi = QualityIndicator.objects.filter(assessable=True).order_by("pk").first()
    quote.quality_indicators.add(qi)
    quote.recommendations.add(world.home.recommendation)
    html = world.client_for("lead").get(reverse("evidence:quotes", args=["home"])).content.decode()
    card = html[html.index("govuk-summary-card") :]
    assert (
        f'<dt class="govuk-summary-list__key">Code</dt><dd class="govuk-summary-list__value">{world.home.code.name}</dd>'
        in card
    )
    assert f"{qi.label}</dd>" in card
    assert "Recommendation 1</dd>" in card


def test_runs_cut_text_where_codings_begin_and_end_and_name_every_code_on_each_run():
    text = "Waiting lists are long here."
    found = runs(text, 0, len(text), [(0, 13, "Waiting"), (8, 22, "Lists"), (8, 13, "Access")])
    assert found == [
        Run("Waiting ", ("Waiting",)),
        Run("lists", ("Access", "Lists", "Waiting")),
        Run(" are long", ("Lists",)),
        Run(" here.", ()),
    ]
    assert cut(found, 0, [(0, 7), (8, 17)]) == [
        [Run("Waiting", ("Waiting",))],
        [Run("lists", ("Access", "Lists", "Waiting")), Run(" are", ("Lists",))],
    ]
    # A window later in the text: codings clipped to it, places counted from its start.
    assert runs(text, 8, 13, [(0, 22, "Lists")]) == [Run("lists", ("Lists",))]
    assert cut([Run("lists", ("Lists",))], 8, [(10, 12)]) == [[Run("st", ("Lists",))]]
