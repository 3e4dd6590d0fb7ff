"""The synthetic national data's inspections and improvement plans (``followup.demo.national``):
a published inspection of each partnership with an evaluation of every quality indicator and
its recommendations, and a plan of actions answering them, with their updates."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import TYPE_CHECKING

from followup.demo.synthetic import rng_for
from followup.frameworks.models import Framework
from followup.inspections.models import Evaluation, Inspection, Recommendation
from followup.partnerships.models import Organisation, Partnership
from followup.plans.models import Action, ActionUpdate, UpdateDecision

if TYPE_CHECKING:
    from followup.demo.national import Scale

Progress = Callable[[str, int, int], None]


RECOMMENDATION_THEMES = [
    "strengthen the strategic oversight of services for children in need of protection",
    "make sure help reaches families earlier, before problems grow",
    "improve the quality and consistency of assessment and planning",
    "reduce the time children and young people wait for mental health support",
    "involve children, young people and families in planning and improving services",
    "show, with evidence, the difference services make to outcomes",
    "reduce the number of moves children looked after experience",
    "improve the transitions of young people leaving care",
]


def create_inspections(
    seed: int,
    scale: Scale,
    partnerships: list[Partnership],
    framework: Framework,
    progress: Progress,
) -> dict[int, list[Recommendation]]:
    qis = list(framework.assessable_indicators())
    levels = [int(level["value"]) for level in framework.scale.levels]
    inspections = []
    for i, p in enumerate(partnerships):
        start = datetime.date(scale.first_year + scale.years - 4, 1 + i % 9, 1 + i % 20)
        inspections.append(
            Inspection(
                partnership=p,
                framework=framework,
                title=f"Joint inspection of services for children in {p.name}",
                scope="Synthetic: all services for children, young people and families.",
                fieldwork_start=start,
                fieldwork_end=start + datetime.timedelta(days=42),
                published_on=start + datetime.timedelta(days=120),
                status=Inspection.Status.PUBLISHED,
                key_messages="Synthetic: children were generally safe.\nSynthetic: leadership needed impetus.",
                source_note="Synthetic data for measuring Followup; not a real inspection.",
                scale=list(framework.scale.levels),
                scale_name=framework.scale.name,
            )
        )
    Inspection.objects.bulk_create(inspections)
    evaluations = []
    recommendations = []
    links = []
    for inspection in inspections:
        rng = rng_for(seed, "inspection", inspection.partnership.slug)
        for qi in qis:
            evaluations.append(
                Evaluation(
                    inspection=inspection,
                    quality_indicator=qi,
                    grade=rng.choice(levels[1:-1] or levels),
                    basis="stated",
                    source_note="Synthetic.",
                )
            )
        for n in range(1, scale.recommendations + 1):
            theme = RECOMMENDATION_THEMES[(n - 1) % len(RECOMMENDATION_THEMES)]
            recommendations.append(
                Recommendation(
                    inspection=inspection,
                    number=n,
                    text=f"Synthetic: partners should {theme}.",
                    source_note="Synthetic.",
                )
            )
    Evaluation.objects.bulk_create(evaluations, batch_size=2000)
    Recommendation.objects.bulk_create(recommendations, batch_size=2000)
    by_partnership: dict[int, list[Recommendation]] = {}
    for r in recommendations:
        by_partnership.setdefault(r.inspection.partnership_id, []).append(r)
        rng = rng_for(seed, "recommendation", r.inspection.partnership.slug, r.number)
        for qi in rng.sample(qis, min(2, len(qis))):
            links.append(
                Recommendation.quality_indicators.through(
                    recommendation_id=r.pk, qualityindicator_id=qi.pk
                )
            )
    Recommendation.quality_indicators.through.objects.bulk_create(links, batch_size=5000)
    progress("inspections", 1, 1)
    return by_partnership


UPDATE_NOTES = [
    "Synthetic: the working group met and agreed its terms of reference.",
    "Synthetic: the new process was piloted in two teams.",
    "Synthetic: staff training was delivered to most teams.",
    "Synthetic: the audit of case files found early improvement.",
    "Synthetic: a delay in recruitment held the work back.",
    "Synthetic: the change was rolled out across the partnership.",
]


def create_plans(
    seed: int,
    scale: Scale,
    partnerships: list[Partnership],
    recommendations: dict[int, list[Recommendation]],
    progress: Progress,
) -> None:
    organisations: dict[int, list[Organisation]] = {}
    for o in Organisation.objects.filter(partnership__in=partnerships).order_by("name"):
        organisations.setdefault(o.partnership_id, []).append(o)
    actions: list[Action] = []
    chosen: list[list[Recommendation]] = []
    updates: list[list[tuple[datetime.date, str, str, str]]] = []
    for p in partnerships:
        recs = recommendations[p.pk]
        for n in range(scale.actions):
            rng = rng_for(seed, "action", p.slug, n)
            start = datetime.date(scale.first_year + scale.years - 3, 1 + n % 12, 1)
            history = []
            status = "not_started"
            for k in range(rng.randint(2, 6)):
                status = "complete" if k == 5 else "in_progress"
                history.append(
                    (
                        start + datetime.timedelta(days=91 * (k + 1)),
                        status,
                        rng.choice(["on_track", "on_track", "at_risk", "off_track"]),
                        rng.choice(UPDATE_NOTES),
                    )
                )
            actions.append(
                Action(
                    partnership=p,
                    title=f"Synthetic action {n + 1}: {RECOMMENDATION_THEMES[n % len(RECOMMENDATION_THEMES)]}",
                    owner_organisation=organisations[p.pk][n % len(organisations[p.pk])],
                    lead_person="Synthetic lead officer",
                    start_date=start,
                    due_date=start + datetime.timedelta(days=730),
                    status=status,
                    is_illustrative=True,
                )
            )
            chosen.append(
                [recs[n % len(recs)]] + ([recs[(n + 1) % len(recs)]] if n % 3 == 0 else [])
            )
            updates.append(history)
    Action.objects.bulk_create(actions, batch_size=2000)
    Action.recommendations.through.objects.bulk_create(
        [
            Action.recommendations.through(action_id=a.pk, recommendation_id=r.pk)
            for a, recs in zip(actions, chosen, strict=True)
            for r in {r.pk: r for r in recs}.values()
        ],
        batch_size=5000,
    )
    ActionUpdate.objects.bulk_create(
        [
            ActionUpdate(
                action=a, on=on, status=status, rating=rating, note=note, author_name="synthetic"
            )
            for a, history in zip(actions, updates, strict=True)
            for on, status, rating, note in history
        ],
        batch_size=5000,
    )
    # Accepted, as the lead officers would have: only accepted updates are an action's progress.
    written = ActionUpdate.objects.filter(action__partnership__in=partnerships).values_list(
        "pk", flat=True
    )
    UpdateDecision.objects.bulk_create(
        [
            UpdateDecision(update_id=pk, outcome="accepted", by_name="synthetic")
            for pk in written.iterator()
        ],
        batch_size=5000,
    )
    progress("plans", 1, 1)
