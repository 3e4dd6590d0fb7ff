"""What a report says, gathered once from Followup and shared by the HTML, PDF and Word writers.

Everything here is what may be published: counts of people, sources and passages have already
passed through ``followup.lib.disclosure`` (withheld cells carry the symbol ``[c]``), quotes are
approved and redacted, and no user name, case name or source title reaches it. ``warnings`` are
for the draft preview only.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from followup.evidence.analysis import NOT_RECORDED
from followup.evidence.disclosed import Evidence, evidence_for
from followup.evidence.forms import RESPONDENT_GROUPS
from followup.evidence.models import Quote, Source
from followup.evidence.queries import themes_for
from followup.front.cutoff import nothing_by
from followup.indicators.charts import indicator_chart
from followup.indicators.disclosed import Withheld, steady, withheld_figures
from followup.indicators.models import Indicator
from followup.indicators.queries import Analysis, analyse, benchmark, releases_behind
from followup.indicators.svgchart import Chart
from followup.indicators.values import series
from followup.inspections.models import Inspection, Recommendation
from followup.lib import disclosure
from followup.lib.dates import period as period_words
from followup.records.results import published_results
from followup.reports.compose_records import RecordsSection, records_section, records_warnings
from followup.reports.cutoff import Cutoff, actions_by, cutoff_of, left_out
from followup.reports.imprint import Imprint, imprint_for, public_address, reference
from followup.reports.tables import Table
from followup.reviews.models import ProgressReview

GLOSSARY = [
    (
        "Area for improvement",
        "What the joint inspection asked the partnership to improve; here, a recommendation.",
    ),
    (
        "Quality indicator (QI)",
        "One part of the inspection framework, evaluated on a six-point scale.",
    ),
    (
        "Progress review",
        "The inspectors' return visit, judging progress on each area for improvement.",
    ),
    (
        "Wellbeing indicators",
        "Safe, Healthy, Achieving, Nurtured, Active, Respected, Responsible and Included (SHANARRI), from Getting it right for every child.",
    ),
    (
        "Run chart and control chart",
        "A chart of a measure over time with its centre line and, for a control chart, the limits within which usual variation falls.",
    ),
    (
        "Signal",
        "A pattern in a measure that usual variation is unlikely to produce: a sign of real change.",
    ),
    ("Theme", "A code of the qualitative evidence: what people said, grouped by meaning."),
    ("[c]", disclosure.GLOSSARY),
]

# What every page of a report not yet published says.
DRAFT_MARK = "DRAFT: not published"

GROUP_ORDER = [value for value, _ in RESPONDENT_GROUPS if value] + [NOT_RECORDED]


def _group_key(group: str) -> tuple[int, str]:
    """Respondent groups in their usual order, then any others alphabetically."""
    return (GROUP_ORDER.index(group) if group in GROUP_ORDER else len(GROUP_ORDER), group)


@dataclass
class IndicatorSection:
    name: str
    area: str
    unit: str
    finding: str
    table: Table
    chart: Chart | None  # None when withheld, without data, or left out
    withheld: bool
    shown_under: int | None = (
        None  # set when the chart and figures are under an earlier recommendation
    )
    # The funnel plot's finding against the other councils, with which limits, in words.
    comparison: str = ""


@dataclass
class RecommendationSection:
    number: int
    text: str
    detail: str
    level: str
    level_meaning: str
    narrative: str
    evidence: str
    next_steps: str
    actions: list[tuple[str, str, str, str]]  # title, status, owner, due
    indicators: list[IndicatorSection]
    themes: Table | None
    quotes: list[tuple[str, str]]  # published text, attribution
    warnings: list[str] = field(default_factory=list)


@dataclass
class Edition:
    """What a published version says about itself, on its cover: which version it is, the day
    it was published, and, for a correction, the version it replaces and what it corrects."""

    version: int
    published_on: datetime.date
    replaces: int | None = None
    replaces_published_on: datetime.date | None = None
    correction_note: str = ""

    @property
    def notice(self) -> str:
        """The cover's one paragraph about this version."""
        text = f"Version {self.version}, published on {_day(self.published_on)}."
        if self.replaces is not None and self.replaces_published_on is not None:
            text += (
                f" This version corrects version {self.replaces}, published on "
                f"{_day(self.replaces_published_on)}, which it replaces."
            )
        return text


def _day(day: datetime.date) -> str:
    return f"{day.day} {day:%B %Y}"


@dataclass
class Report:
    kind: str  # "review" or "inspection"
    title: str
    partnership: str
    author: str
    date: datetime.date | None
    language: str
    introduction: list[str]
    method: list[str]
    heard_from: Table | None
    evaluations: Table
    key_messages: list[str]
    recommendations: list[RecommendationSection]
    conclusion: str
    further_review: str
    releases: list[tuple[str, datetime.date | None, str]]  # name, published on, where
    evaluation_scale: list[tuple[str, str, str]]
    progress_scale: list[tuple[str, str, str]]
    glossary: list[tuple[str, str]]
    with_charts: bool = True
    warnings: list[str] = field(default_factory=list)
    # Evidence dated after this day is left out (a review report; None for an inspection summary).
    evidence_cutoff: datetime.date | None = None
    # Every output of a report not yet published says DRAFT; publishing sets this to False.
    draft: bool = True
    # Set by publishing: the version, when it was published and what it corrects.
    edition: Edition | None = None
    # Who publishes it (cover, imprint and contact), and the document's reference.
    imprint: Imprint = field(default_factory=lambda: Imprint(name="The inspection team"))
    reference: str = ""
    # The partnership's list of published reports (an address, or a path on this site).
    public_path: str = ""
    # The cover's line naming who issues it.
    publisher_label: str = "Published by"
    # The inspection summary's account of the children's records read, if any were.
    records: RecordsSection | None = None

    @property
    def draft_mark(self) -> str:
        """What every page of a draft says, at its head."""
        return DRAFT_MARK

    @property
    def draft_notice(self) -> str:
        """The draft's warning on its cover."""
        return f"{DRAFT_MARK}. This report may still change; do not share it as final."

    @property
    def public_list(self) -> str:
        """Where the published report is listed: nothing for a draft, whose partnership may have
        no public page yet."""
        return "" if self.draft else self.public_path

    def publish_as(self, edition: Edition, dated: datetime.date) -> None:
        """Make this the published version ``edition``: no DRAFT marks, the version on the
        cover, and a date, ``dated`` when the review or inspection has none of its own."""
        self.draft = False
        self.edition = edition
        self.reference = f"{self.reference}/v{edition.version}"
        if self.date is None:
            self.date = dated


def _shown_table(
    caption: str,
    columns: list[str],
    labels: list[str],
    cells: list[list[disclosure.Figure]],
    totals: list[disclosure.Figure],
) -> Table:
    """A table of counts with a total for each row, as ``disclosure.protect`` decided it is
    shown. A column is left out only when every row shows it as 0, so that leaving it out gives
    away nothing the full table would not."""
    keep = [j for j in range(len(columns)) if any(row[j].withheld or row[j].value for row in cells)]
    rows = [
        [label, *[str(row[j]) for j in keep], str(total)]
        for label, row, total in zip(labels, cells, totals, strict=True)
    ]
    return Table(caption=caption, header=["", *[columns[j] for j in keep], "All"], rows=rows)


def _figure(value: float | None) -> str:
    """A figure as a report prints it: whole numbers with thousands separators, others to 2 places."""
    if value is None:
        return "No figure"
    return f"{int(value):,}" if float(value).is_integer() else f"{value:,.2f}"


def indicator_section(
    analysis: Analysis, *, with_chart: bool, hidden: Withheld | None = None
) -> IndicatorSection:
    """The measure as the report shows it; ``hidden`` is ``withheld_figures`` of the
    partnership at the report's cut-off (worked out here when not given)."""
    indicator = analysis.indicator
    if hidden is None:
        hidden = withheld_figures(indicator.partnership)
    withheld = any(hidden.point(indicator, p) for p in analysis.known)
    rows = []
    for point in analysis.known:
        value = disclosure.SUPPRESSED if hidden.point(indicator, point) else _figure(point.value)
        rows.append([period_words(point.period), value])
    chart = None
    finding = analysis.finding
    if withheld:
        finding = (
            "Some figures are small counts and are withheld ([c]), so no chart or statistical "
            "finding is given for this measure."
        )
    elif with_chart and analysis.chart is not None:
        chart = indicator_chart(analysis, explain=False)  # the glossary explains the charts
    return IndicatorSection(
        name=indicator.name,
        area=indicator.area.name,
        unit=indicator.unit,
        finding=finding,
        table=Table(
            caption=f"{indicator.name}, {indicator.area.name}",
            header=["Period", indicator.unit or "Value"],
            rows=rows,
        ),
        chart=chart,
        withheld=withheld,
    )


def _comparison(indicator: Indicator, cutoff: Cutoff | None, hidden: Withheld | None) -> str:
    """The funnel's finding and its limits in words, from the figures published by the cut-off;
    withheld figures are left out as on the indicator's page."""
    hidden = hidden if hidden is not None else withheld_figures(indicator.partnership)
    compared = benchmark(
        indicator,
        withheld=partial(hidden.point_of, indicator),
        releases=cutoff.releases if cutoff is not None else None,
    )
    if compared is None or compared.funnel is None or not compared.funnel_finding:
        return ""
    return (
        f"Compared with other councils, {compared.period}: {compared.funnel_finding} "
        f"{compared.funnel_method_text}"
    )


def _themes_table(recommendation: Recommendation, evidence: Evidence) -> Table | None:
    """The themes' rows of the one protected table of codes by respondent group."""
    matrix = evidence.groups
    rows = [(t, matrix.row_for(t.code)) for t in themes_for(recommendation)]
    themes = [(t, row) for t, row in rows if row is not None and row.total.value]
    if not themes:
        return None
    order = sorted(range(len(matrix.values)), key=lambda j: _group_key(matrix.values[j]))
    return _shown_table(
        "Themes in what people said: the sources (respondents or groups) that raised each, by respondent group",
        [matrix.values[j] for j in order],
        [t.code.name for t, _ in themes],
        [[row.sources[j] for j in order] for _, row in themes],
        [row.total for _, row in themes],
    )


def _attribution(quote: Quote) -> str:
    source = quote.coding.source
    group = (source.case.attributes.get("Respondent group") if source.case else "") or "Respondent"
    return f"{group}, {source.get_kind_display().lower()}"


def _scale(levels: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
    return [
        (str(level["value"]), str(level["word"]), str(level.get("meaning", ""))) for level in levels
    ]


def _releases(
    partnership: Any, indicators: list[Indicator], cutoff: Cutoff | None = None
) -> list[tuple[str, datetime.date | None, str]]:
    return [
        (r.name, r.published_on, r.source_url or "")
        for r in _behind(partnership, indicators, cutoff).order_by("published_on", "name")
    ]


def _behind(partnership: Any, indicators: list[Indicator], cutoff: Cutoff | None) -> Any:
    releases = releases_behind(partnership, indicators)
    return releases.filter(pk__in=cutoff.releases) if cutoff is not None else releases


def _heard_from(evidence: Evidence) -> Table | None:
    heard = evidence.heard_from
    if heard is None:
        return None
    kinds = dict(Source.Kind.choices)
    order = sorted(range(len(heard.groups)), key=lambda i: _group_key(heard.groups[i]))
    return _shown_table(
        "Who we heard from: sources by respondent group and kind (a survey answer is one respondent; a focus group is one source)",
        [kinds[k] for k in heard.kinds],
        [heard.groups[i] for i in order],
        [heard.cells[i] for i in order],
        [heard.totals[i] for i in order],
    )


def _evaluations(inspection: Inspection) -> Table:
    rows = []
    for evaluation in inspection.evaluations.select_related("quality_indicator").order_by(
        "quality_indicator__ref_id"
    ):
        level = evaluation.level
        qi = evaluation.quality_indicator
        rows.append([qi.ref_id, qi.name, level["word"] if level else "Not evaluated"])
    return Table(
        caption="The inspection's evaluations of quality indicators",
        header=["QI", "Quality indicator", "Evaluation"],
        rows=rows,
        widths=[10, 66, 24],
    )


def _approved_quotes(
    recommendation: Recommendation, cutoff: Cutoff | None
) -> list[tuple[str, str]]:
    """The recommendation's approved quotes (from sources by the cut-off), with attributions."""
    approved = Quote.objects.filter(recommendations=recommendation, status=Quote.Status.APPROVED)
    if cutoff is not None:
        approved = approved.filter(coding__source__in=cutoff.sources)
    return [
        (q.published_text, _attribution(q))
        for q in approved.select_related("coding__source__case").order_by("pk")
    ]


def _recommendation(
    recommendation: Recommendation,
    review: ProgressReview | None,
    *,
    with_charts: bool,
    shown: dict[int, int] | None = None,
    cutoff: Cutoff | None = None,
    evidence: Evidence | None = None,
    hidden: Withheld | None = None,
) -> RecommendationSection:
    judgement = review.judgements.filter(recommendation=recommendation).first() if review else None
    level = judgement.level_info if judgement else None
    actions = actions_by(recommendation, cutoff)
    inspection = recommendation.inspection
    indicators = []
    shown = {} if shown is None else shown
    linked = recommendation.indicators.select_related("area", "numerator", "denominator")
    for indicator in linked.order_by("name"):
        points = series(indicator, releases=cutoff.releases) if cutoff else None
        analysis = analyse(
            indicator,
            split_on=inspection.published_on,
            points=points,
            inspected_on=inspection.published_on,
        )
        repeat = indicator.pk in shown  # each measure's chart and figures appear once
        section_of = indicator_section(
            analysis, with_chart=with_charts and not repeat, hidden=hidden
        )
        if repeat:
            section_of.shown_under = shown[indicator.pk]
        else:
            shown[indicator.pk] = recommendation.number
            if with_charts and not section_of.withheld and analysis.known:
                section_of.comparison = _comparison(indicator, cutoff, hidden)
        if cutoff is not None and not analysis.known:
            section_of.finding = nothing_by(cutoff)
        indicators.append(section_of)
    if evidence is None:
        evidence = evidence_for(inspection.partnership, exact=False)
    themes = _themes_table(recommendation, evidence)
    quotes = _approved_quotes(recommendation, cutoff)
    section = RecommendationSection(
        number=recommendation.number,
        text=recommendation.text,
        detail=recommendation.detail,
        level=level["word"] if level else "Not judged",
        level_meaning=str(level.get("meaning", "")) if level else "",
        narrative=judgement.narrative if judgement else "",
        evidence=judgement.evidence if judgement else "",
        next_steps=judgement.next_steps if judgement else "",
        actions=actions,
        indicators=indicators,
        themes=themes,
        quotes=quotes,
    )
    has_evidence = bool(indicators or themes or quotes)
    if review is not None and level and not has_evidence:
        section.warnings.append(
            f"Recommendation {recommendation.number} is judged “{level['word']}” but no indicator, theme or approved quote is linked to it."
        )
    if review is not None and not level:
        section.warnings.append(
            f"Recommendation {recommendation.number} has no progress judgement yet."
        )
    if not indicators:
        section.warnings.append(f"Recommendation {recommendation.number} has no indicators linked.")
    if not themes and not quotes:
        section.warnings.append(
            f"Recommendation {recommendation.number} has no qualitative evidence linked."
        )
    return section


def review_report(review: ProgressReview, *, with_charts: bool = True) -> Report:
    """The progress review report, read while no import or change moved the figures under it
    (``disclosed.steady``: what is withheld and the figures shown must agree)."""
    return steady(
        review.inspection.partnership, lambda: _review_report(review, with_charts=with_charts)
    )


def _review_report(review: ProgressReview, *, with_charts: bool) -> Report:
    inspection = review.inspection
    partnership = inspection.partnership
    recommendations = list(inspection.recommendations.order_by("number"))
    cutoff = cutoff_of(review)
    shown: dict[int, int] = {}
    evidence = evidence_for(
        partnership, exact=False, source_ids=cutoff.sources.values_list("pk", flat=True)
    )
    hidden = withheld_figures(partnership, releases=cutoff.releases)
    sections = [
        _recommendation(
            r,
            review,
            with_charts=with_charts,
            shown=shown,
            cutoff=cutoff,
            evidence=evidence,
            hidden=hidden,
        )
        for r in recommendations
    ]
    indicators = list(Indicator.objects.filter(recommendations__in=recommendations).distinct())
    sources = cutoff.sources
    dates = [d for d in sources.values_list("collected_on", flat=True) if d]
    method = [
        f"This report follows up the joint inspection “{inspection.title}”"
        + (f", published on {inspection.published_on:%-d %B %Y}" if inspection.published_on else "")
        + ". For each area for improvement it sets out the original finding, the progress judged, the actions taken, and the evidence of change.",
        "Quantitative evidence: the measures linked to each area for improvement, charted over time with the statistical rules explained in the glossary, from the data releases listed in the appendix.",
        "Qualitative evidence: survey answers, focus-group and interview notes, coded to the wellbeing indicators, the quality indicators and the partnership's own themes. Quotes are published only once approved, with identifying words hidden."
        + (
            f" It was gathered between {min(dates):%-d %B %Y} and {max(dates):%-d %B %Y}."
            if dates
            else ""
        ),
        f"The evidence is what was dated on or before {cutoff.day:%-d %B %Y}, the review's evidence cut-off: survey answers and notes by the date they were gathered, figures by the date their release was published, and the improvement plan by the date of each update. Anything dated later is left out.",
        disclosure.meaning(),
    ]
    if sources.filter(is_illustrative=True).exists() or any(i.is_illustrative for i in indicators):
        method.append(
            "Some evidence in this report is illustrative: written or assembled for a demonstration, not gathered from real people."
        )
    further = {
        True: "Further review is required.",
        False: "No further review is required.",
        None: "Whether further review is required has not been decided.",
    }[review.further_review_required]
    if review.further_review_note:
        further += " " + review.further_review_note
    report = Report(
        kind="review",
        title=review.title,
        partnership=partnership.name,
        author=inspection.framework.provider or "The inspection team",
        date=review.published_on,
        language="en-GB",
        introduction=[partnership.description] if partnership.description else [],
        method=method,
        heard_from=_heard_from(evidence),
        evaluations=_evaluations(inspection),
        key_messages=inspection.key_message_list(),
        recommendations=sections,
        conclusion=review.overall_conclusion,
        further_review=further,
        releases=_releases(partnership, indicators, cutoff),
        evaluation_scale=_scale(inspection.scale),
        progress_scale=_scale(review.progress_scale),
        glossary=GLOSSARY,
        with_charts=with_charts,
        evidence_cutoff=cutoff.day,
        imprint=imprint_for(inspection.framework),
        reference=reference(partnership.slug, "review", review.pk),
        public_path=public_address(partnership.slug),
    )
    report.warnings = [w for s in sections for w in s.warnings] + left_out(
        cutoff, review, indicators
    )
    return report


def inspection_report(inspection: Inspection) -> Report:
    """The inspection summary: evaluations, key messages and recommendations (read as
    ``review_report`` is)."""
    return steady(inspection.partnership, lambda: _inspection_report(inspection))


def _inspection_report(inspection: Inspection) -> Report:
    released = published_results(inspection)  # the records reading's findings, as released
    evidence = evidence_for(inspection.partnership, exact=False)
    hidden = withheld_figures(inspection.partnership)
    sections = [
        _recommendation(r, None, with_charts=False, evidence=evidence, hidden=hidden)
        for r in inspection.recommendations.order_by("number")
    ]
    for section in sections:
        section.indicators, section.themes, section.quotes, section.actions, section.warnings = (
            [],
            None,
            [],
            [],
            [],
        )
    return Report(
        kind="inspection",
        title=inspection.title,
        partnership=inspection.partnership.name,
        author=inspection.framework.provider or "The inspection team",
        date=inspection.published_on,
        language="en-GB",
        introduction=[inspection.scope] if inspection.scope else [],
        method=[f"Quality indicators were evaluated on the {inspection.scale_name}."],
        heard_from=None,
        evaluations=_evaluations(inspection),
        records=records_section(released),
        warnings=records_warnings(inspection, released),
        key_messages=inspection.key_message_list(),
        recommendations=sections,
        conclusion="",
        further_review="",
        releases=[],
        evaluation_scale=_scale(inspection.scale),
        progress_scale=[],
        glossary=GLOSSARY[:3],
        with_charts=False,
        imprint=imprint_for(inspection.framework),
        reference=reference(inspection.partnership.slug, "inspection", inspection.pk),
        public_path=public_address(inspection.partnership.slug),
    )
