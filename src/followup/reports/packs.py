"""A progress pack for the chief officers' group: what it says, gathered once from the plan and
shared by the Word, PDF and XLSX writers (``packrender``).

Every action of the partnership's plan, grouped by the recommendations it answers (an action
answering two is in both groups; actions answering none have a group of their own), each with its
owner, lead, due date, status, the rating of its latest accepted update, that update, and what
changed since the last pack: its status and rating then and now, and the updates accepted since.
Only accepted updates count (``plans.models.UpdateDecision``): an update waiting for acceptance,
or returned, is in no pack. The plan's summary is two counts, of actions by status and by rating,
each a table and a chart drawn by ``indicators.svgchart`` as every chart is.

Each recommendation's linked measures show their latest figure as the progress review report
shows it, through the same disclosure control (``compose.indicator_section`` with
``withheld_figures``): a withheld figure is ``[c]`` in every format.

The pack's ``snapshot`` is what the next pack compares with: each action's title, status,
rating, latest accepted update and every accepted update's id.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F, Prefetch, QuerySet
from django.utils import timezone

from followup.indicators.disclosed import Withheld, steady, withheld_figures
from followup.indicators.models import Indicator
from followup.indicators.queries import analyse
from followup.indicators.svgchart import Chart, Mark
from followup.inspections.models import Recommendation
from followup.lib import clock, disclosure
from followup.lib.dates import day
from followup.partnerships.models import Partnership
from followup.plans import ratings
from followup.plans.models import Action, ActionStatus, ActionUpdate
from followup.plans.queries import accepted_updates
from followup.reports.compose import indicator_section
from followup.reports.imprint import Imprint, reference
from followup.reports.models import ProgressPack
from followup.reports.tables import Table

TITLE = "Progress pack for the chief officers' group"
PACK_DRAFT_MARK = "DRAFT: not issued"
NO_RECOMMENDATION = "Actions answering no recommendation"
NO_RATING = ratings.LABELS[ratings.NO_ACCEPTED_UPDATE]
NOT_SET = "Not set"


@dataclass(frozen=True)
class PackUpdate:
    """An accepted update as the pack shows it."""

    id: int
    on: datetime.date
    note: str
    author: str
    status: str
    rating: str

    @property
    def words(self) -> str:
        return f"{day(self.on)}, by {self.author or 'unknown'}: {self.note}"


@dataclass
class Change:
    """What the last pack said of an action: nothing (``is_new``), or its status and rating
    then, and the updates accepted since."""

    is_new: bool
    status_before: str = ""
    rating_before: str = ""
    new_updates: list[PackUpdate] = field(default_factory=list)


@dataclass
class PackAction:
    id: int
    title: str
    owner: str
    lead: str
    due: datetime.date | None
    status: str
    rating: str
    latest: PackUpdate | None
    change: Change | None  # None when there is no earlier pack to compare with

    @property
    def changes(self) -> list[str]:
        """What changed since the last pack, in words: "Status: In progress → Complete"."""
        change = self.change
        if change is None:
            return []
        if change.is_new:
            return ["New since the last pack."]
        lines = []
        if change.status_before != self.status:
            lines.append(f"Status: {change.status_before} → {self.status}.")
        # A closed action's rating is its status (``plans.ratings``): said once, as its status.
        closed = self.rating == self.status and change.status_before != self.status
        if change.rating_before != self.rating and not closed:
            lines.append(f"Rating: {change.rating_before} → {self.rating}.")
        if change.new_updates:
            count = len(change.new_updates)
            days = ", ".join(day(u.on) for u in change.new_updates)
            lines.append(f"{count} update{'s' if count != 1 else ''} accepted since: {days}.")
        return lines or ["No change since the last pack."]

    @property
    def details(self) -> list[tuple[str, str]]:
        """The action's lines in the pack, label and value."""
        rows = [
            ("Owner", self.owner),
            ("Lead", self.lead),
            ("Due", day(self.due) or NOT_SET),
            ("Status", self.status),
            ("Latest rating", self.rating),
            ("Latest accepted update", self.latest.words if self.latest else "None yet"),
        ]
        if self.change is not None:
            rows.append(("Since the last pack", " ".join(self.changes)))
        return rows


@dataclass(frozen=True)
class PackMeasure:
    """A measure's latest figure as the review report shows it: ``shown`` is ``[c]`` when it is
    withheld, and ``value`` then None."""

    name: str
    area: str
    unit: str
    period: str
    shown: str
    value: float | None


@dataclass
class PackGroup:
    key: str  # the section's id
    heading: str
    inspection: str  # the inspection it comes from, when the partnership has had several
    actions: list[PackAction]
    measures: list[PackMeasure]
    number: int | None = None

    @property
    def measures_table(self) -> Table:
        return Table(
            caption=f"Latest figure of each measure linked to recommendation {self.number}",
            header=["Measure", "Latest period", "Figure"],
            rows=[
                [f"{m.name}, {m.area}" + (f" ({m.unit})" if m.unit else ""), m.period, m.shown]
                for m in self.measures
            ],
            widths=[60, 22, 18],
        )


@dataclass(frozen=True)
class Earlier:
    """The pack this one is compared with."""

    number: int
    made_on: datetime.date
    made_by: str


@dataclass
class Pack:
    partnership: str
    number: int
    date: datetime.date
    reference: str
    imprint: Imprint
    by_status: list[tuple[str, int]]
    by_rating: list[tuple[str, int]]
    groups: list[PackGroup]
    earlier: Earlier | None
    removed: list[str]  # titles of actions in the last pack and no longer in the plan
    snapshot: dict[str, Any]
    illustrative: bool = False
    draft: bool = True
    made_by: str = ""
    # What the cover, the running header and the standalone HTML read (``wordparts.Cover``).
    kind: str = "pack"
    title: str = TITLE
    language: str = "en-GB"
    publisher_label: str = "Prepared by"
    evidence_cutoff: datetime.date | None = None
    edition: None = None
    public_list: str = ""

    @property
    def author(self) -> str:
        return self.partnership

    @property
    def draft_mark(self) -> str:
        return PACK_DRAFT_MARK

    @property
    def draft_notice(self) -> str:
        return f"{PACK_DRAFT_MARK}. This pack may still change; do not share it as final."

    @property
    def issue_notice(self) -> str:
        if self.draft:
            return (
                f"Not yet issued: a draft of what would be pack {self.number}. It changes as the "
                "plan changes, until the pack is made."
            )
        return f"Pack {self.number}, made on {day(self.date)} by {self.made_by or 'unknown'}."

    @property
    def compared_notice(self) -> str:
        if self.earlier is None:
            return "This is the first pack: there is no earlier pack to compare with."
        earlier = self.earlier
        return (
            f"What changed is measured from pack {earlier.number}, made on "
            f"{day(earlier.made_on)} by {earlier.made_by or 'unknown'}."
        )

    @property
    def about(self) -> list[str]:
        """What the pack holds, and what its figures mean."""
        text = [
            f"This pack sets out every action of the improvement plan of {self.partnership}, "
            "grouped by the recommendation it answers, with its status, the rating of its "
            "latest accepted update and what changed since the last pack. Only accepted updates "
            "count: an update waiting for acceptance, or returned, is left out.",
            "Each recommendation's measures show their latest figure as the progress review "
            "report shows it. " + disclosure.meaning(),
        ]
        if self.illustrative:
            text.append(
                "Some actions in this pack are illustrative: made up for a demonstration, not a "
                "real partnership's."
            )
        return text

    @property
    def charts(self) -> list[Chart]:
        """The plan's summary as charts, each with its caption, finding and data table."""
        return [
            _count_chart("pack-status", "Actions by status", "Status", self.by_status),
            _count_chart(
                "pack-rating", "Actions by latest rating", "Latest rating", self.by_rating
            ),
        ]

    @property
    def actions(self) -> list[PackAction]:
        """Each action once, in the order of the groups."""
        seen: dict[int, PackAction] = {}
        for group in self.groups:
            for action in group.actions:
                seen.setdefault(action.id, action)
        return list(seen.values())


@dataclass(frozen=True)
class Issued:
    """The pack being made: its number, when, and by whom."""

    number: int
    made_at: datetime.datetime
    made_by: str


def _listed(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _finding(heading: str, counts: list[tuple[str, int]]) -> str:
    """The one-line finding of a count of actions: "Of 12 actions: 3 complete and 9 in progress"."""
    total = sum(n for _, n in counts)
    if not total:
        return "The plan has no actions yet."
    parts = [
        f"{n} {'with ' if label == NO_RATING else ''}{label.lower()}" for label, n in counts if n
    ]
    what = "by status" if heading == "Status" else "by latest rating"
    return f"Of {total} action{'s' if total != 1 else ''}, {what}: {_listed(parts)}."


def _count_chart(key: str, title: str, heading: str, counts: list[tuple[str, int]]) -> Chart:
    total = sum(n for _, n in counts)
    return Chart(
        key=key,
        title=title,
        caption=(
            f"A bar chart: one bar for each {heading.lower()}, as tall as the number of "
            "actions with it, the number above it."
        ),
        finding=_finding(heading, counts),
        x_label=heading,
        y_label="Actions",
        marks=tuple(Mark(x=i, y=n, label=label) for i, (label, n) in enumerate(counts)),
        joined=False,
        bars=True,
        x_ticks=tuple((i, label) for i, (label, _) in enumerate(counts)),
        header=(heading, "Actions"),
        rows=(*((label, str(n)) for label, n in counts), ("All actions", str(total))),
    )


def progress_pack(partnership: Partnership, issued: Issued | None = None) -> Pack:
    """The pack as it stands: a draft, or with ``issued`` the pack being made. Read while no
    import moved the figures under it (``steady``), as a report is."""
    return steady(partnership, lambda: _pack(partnership, issued))


def _pack(partnership: Partnership, issued: Issued | None) -> Pack:
    last = ProgressPack.objects.filter(partnership=partnership).order_by("-number").first()
    before = _snapshot_of(last)
    actions = list(_actions(partnership))
    accepted = _accepted(partnership)
    items = [_item(a, accepted.get(a.pk, []), before) for a in actions]
    groups = _groups(partnership, actions, {i.id: i for i in items})
    current = {a.pk for a in actions}
    removed = sorted(
        str(then.get("title", ""))
        for key, then in (before or {}).items()
        if int(key) not in current
    )
    number = issued.number if issued else (last.number + 1 if last else 1)
    when = timezone.localdate(issued.made_at) if issued else clock.today()
    return Pack(
        partnership=partnership.name,
        number=number,
        date=when,
        reference=reference(partnership.slug, "pack", number),
        imprint=Imprint(name=partnership.name),
        by_status=_by(items, [s.label for s in ActionStatus], lambda i: i.status),
        by_rating=_by(items, [label for _, label in ratings.RATINGS], lambda i: i.rating),
        groups=groups,
        earlier=_earlier(last),
        removed=removed,
        snapshot={"actions": {str(a.pk): _entry(a, accepted.get(a.pk, [])) for a in actions}},
        illustrative=any(a.is_illustrative for a in actions),
        draft=issued is None,
        made_by=issued.made_by if issued else "",
    )


def _by(
    items: list[PackAction], labels: list[str], of: Callable[[PackAction], str]
) -> list[tuple[str, int]]:
    counts = Counter(of(i) for i in items)
    return [(label, counts.get(label, 0)) for label in labels]


def _snapshot_of(pack: ProgressPack | None) -> dict[str, Any] | None:
    if pack is None:
        return None
    actions = pack.snapshot.get("actions", {}) if isinstance(pack.snapshot, dict) else {}
    return actions if isinstance(actions, dict) else {}


def _earlier(pack: ProgressPack | None) -> Earlier | None:
    if pack is None:
        return None
    return Earlier(pack.number, timezone.localdate(pack.made_at), pack.made_by_name)


def _actions(partnership: Partnership) -> QuerySet[Action]:
    return (
        Action.objects.filter(partnership=partnership)
        .select_related("owner_organisation", "lead_user")
        .prefetch_related(Prefetch("recommendations", Recommendation.objects.order_by("pk")))
        .order_by(F("due_date").asc(nulls_last=True), "pk")
    )


def _accepted(partnership: Partnership) -> dict[int, list[ActionUpdate]]:
    """Each action's accepted updates, the latest first (by the day it describes, then as
    added): the only updates a pack counts."""
    found: dict[int, list[ActionUpdate]] = {}
    for update in accepted_updates().filter(action__partnership=partnership):
        found.setdefault(update.action_id, []).append(update)
    return found


def _status(value: Any) -> str:
    return ActionStatus(value).label if value in ActionStatus.values else str(value or NOT_SET)


def _rating(value: Any) -> str:
    if value in ActionUpdate.Rating.values:
        return str(ActionUpdate.Rating(value).label)
    return NO_RATING


def _shown(update: ActionUpdate) -> PackUpdate:
    return PackUpdate(
        id=update.pk,
        on=update.on,
        note=update.note,
        author=update.author_name,
        status=_status(update.status),
        rating=_rating(update.rating),
    )


def _lead(action: Action) -> str:
    if action.lead_person:
        return action.lead_person
    user = action.lead_user
    if user is not None:
        return user.get_full_name() or user.get_username()
    return NOT_SET


def _item(action: Action, updates: list[ActionUpdate], before: dict[str, Any] | None) -> PackAction:
    latest = _shown(updates[0]) if updates else None
    item = PackAction(
        id=action.pk,
        title=action.title,
        owner=action.owner_organisation.name if action.owner_organisation else NOT_SET,
        lead=_lead(action),
        due=action.due_date,
        status=_status(action.status),
        rating=ratings.label_of(action.status, updates[0].rating if updates else None),
        latest=latest,
        change=None,
    )
    if before is not None:
        then = before.get(str(action.pk))
        if not isinstance(then, dict):
            item.change = Change(is_new=True)
        else:
            seen = set(then.get("accepted", []))
            item.change = Change(
                is_new=False,
                status_before=_status(then.get("status")),
                rating_before=ratings.label_of(str(then.get("status")), then.get("rating")),
                new_updates=[_shown(u) for u in reversed(updates) if u.pk not in seen],
            )
    return item


def _entry(action: Action, updates: list[ActionUpdate]) -> dict[str, Any]:
    """What the next pack compares this action with."""
    latest = updates[0] if updates else None
    return {
        "title": action.title,
        "status": action.status,
        "rating": latest.rating if latest else None,
        "update": latest.pk if latest else None,
        "accepted": sorted(u.pk for u in updates),
    }


def _groups(
    partnership: Partnership, actions: list[Action], items: dict[int, PackAction]
) -> list[PackGroup]:
    """A group for each of the partnership's recommendations, and one for the actions
    answering none."""
    recommendations = list(
        Recommendation.objects.filter(inspection__partnership=partnership)
        .select_related("inspection")
        .prefetch_related(
            Prefetch(
                "indicators",
                Indicator.objects.select_related("area", "numerator", "denominator").order_by(
                    "name", "pk"
                ),
            )
        )
        .order_by("inspection__pk", "number", "pk")
    )
    several = len({r.inspection_id for r in recommendations}) > 1
    answering: dict[int, list[PackAction]] = {}
    unanswered = []
    for action in actions:
        linked = list(action.recommendations.all())
        for recommendation in linked:
            answering.setdefault(recommendation.pk, []).append(items[action.pk])
        if not linked:
            unanswered.append(items[action.pk])
    hidden = withheld_figures(partnership)
    figures: dict[int, PackMeasure] = {}
    groups = [
        PackGroup(
            key=f"recommendation-{r.pk}",
            heading=f"Recommendation {r.number}: {r.text}",
            inspection=f"the inspection “{r.inspection.title}”" if several else "",
            actions=answering.get(r.pk, []),
            measures=[_measure(i, hidden, figures) for i in r.indicators.all()],
            number=r.number,
        )
        for r in recommendations
    ]
    if unanswered:
        groups.append(PackGroup("no-recommendation", NO_RECOMMENDATION, "", unanswered, []))
    return groups


def _measure(indicator: Indicator, hidden: Withheld, known: dict[int, PackMeasure]) -> PackMeasure:
    """The measure's latest figure, shown as the review report's table of it shows it."""
    if indicator.pk in known:
        return known[indicator.pk]
    analysis = analyse(indicator, with_chart=False)
    section = indicator_section(analysis, with_chart=False, hidden=hidden)
    period, shown, value = "", "No figure yet", None
    if section.table.rows and analysis.known:
        period, shown = section.table.rows[-1]
        if shown != disclosure.SUPPRESSED:
            value = analysis.known[-1].value
    measure = PackMeasure(
        name=indicator.name,
        area=indicator.area.name,
        unit=indicator.unit,
        period=period,
        shown=shown,
        value=value,
    )
    known[indicator.pk] = measure
    return measure
