"""The glossary: every statistical term the pages and reports use, in plain English.

Each term has an anchor (``/glossary/#common-cause``) that the pages link to wherever they use
the term."""

from __future__ import annotations

# (anchor, term, meaning), in the order a reader meets them; {threshold} is the disclosure
# threshold.
TERMS = [
    (
        "variation",
        "Variation",
        "Figures go up and down from one period to the next even when nothing has really "
        "changed. The statistics tell this ordinary variation apart from a real change.",
    ),
    (
        "common-cause",
        "Common cause variation (no signal)",
        "The ups and downs a process always shows: ordinary variation, not a real change. "
        "Reacting to it as if it were a change is a mistake.",
    ),
    (
        "special-cause",
        "Special cause variation (a signal)",
        "A change too large or too regular to be ordinary variation: something has really "
        "changed. Whether it is an improvement or a concern depends on which direction is "
        "better for the measure.",
    ),
    (
        "improvement-direction",
        "Better is higher, lower, or neither",
        "Each indicator says which direction counts as better. A real change that way is an "
        "improvement, the other way a concern; some measures have no better direction.",
    ),
    (
        "run-chart",
        "Run chart",
        "A line of the figures over time with their median (the middle value). Its rules "
        "look for runs on one side of the median and too few crossings of it, which show a "
        "real change.",
    ),
    (
        "control-chart",
        "Control chart (SPC chart)",
        "A line of the figures over time with their average and two limits worked out from "
        "how much the figures usually vary. Statistical process control (SPC) is the name "
        "for reading charts like this. A P chart is for proportions, a U chart for rates, a "
        "C chart for counts, an I chart (or XmR chart) for any other figure; P′ and U′ "
        "charts allow for overdispersion.",
    ),
    (
        "centre-line",
        "Centre line (average or median)",
        "The line through the middle of the figures on a chart: their average on a control "
        "chart, their median on a run chart.",
    ),
    (
        "limits",
        "Limits (control limits, process limits)",
        "The lines above and below the centre line within which nearly all figures fall when "
        "only ordinary variation is at work (about three standard deviations either side). "
        "They are worked out from the figures, not set as targets.",
    ),
    (
        "outside-limits",
        "Outside the limits",
        "A figure above the upper limit or below the lower one: too far from the usual level "
        "to be ordinary variation. When it is the latest figure, something has changed.",
    ),
    (
        "astronomical-point",
        "Astronomical point (a one-off)",
        "A single figure that stands out far beyond the others, often outside the limits, "
        "while the figures around it do not: worth finding out what happened in that period.",
    ),
    (
        "shift",
        "Shift",
        "Several figures in a row (seven, for Making Data Count) all above or all below the "
        "centre line: the usual level has moved.",
    ),
    (
        "trend",
        "Trend",
        "Several figures in a row (seven, for Making Data Count) each higher, or each lower, "
        "than the one before: a steady rise or fall.",
    ),
    (
        "two-in-three",
        "Two out of three near a limit",
        "Two of three figures in a row close to the same limit: an early sign of a change.",
    ),
    (
        "making-data-count",
        "Making Data Count",
        "NHS England's way of reading control charts, with rules for a real change (outside "
        "the limits, a shift, a trend, two out of three near a limit) and icons for what they "
        "show. The findings use its rules on every indicator, so all of them are judged the "
        "same way.",
    ),
    (
        "too-few",
        "Too few figures to judge",
        "The rules can tell a real change from ordinary variation only from about five "
        "figures on (ten for a run chart); with fewer, no finding says there is or is not a "
        "change.",
    ),
    (
        "target",
        "Target",
        "A level the partnership has set for an indicator. The finding says whether the "
        "latest figure meets it.",
    ),
    (
        "assurance",
        "Assurance against a target",
        "Whether, with the figures varying as they do, the target will be met every time, "
        "missed every time, or met only some of the time. A target inside the limits will "
        "sometimes be met and sometimes missed by chance alone.",
    ),
    (
        "funnel-plot",
        "Funnel plot",
        "A chart of every area's figure against the number of people it counts. Small areas "
        "vary more by chance, so the limits form a funnel: an area outside it differs from "
        "the others by more than chance would give for its size.",
    ),
    (
        "overdispersion",
        "Overdispersion",
        "When areas or periods differ from each other by more than chance alone would give, "
        "for reasons the figures do not show. Charts that allow for it (P′, U′ and Laney's "
        "funnel) widen their limits, so that ordinary differences are not mistaken for real "
        "ones.",
    ),
    (
        "benchmark",
        "Comparison with other areas",
        "An area's figure beside Scotland's and other councils' for the same period, "
        "ranked where every figure is shown.",
    ),
    (
        "disclosure-control",
        "Disclosure control",
        "The rules that keep small numbers from identifying people: a count from 1 to "
        "{threshold} is not shown, nor any figure from which it could be worked out.",
    ),
    (
        "withheld",
        "Withheld ([c])",
        "A figure not shown under disclosure control, marked [c] (confidential). A measure "
        "with a withheld figure has no chart and no statistical finding, because its average "
        "and limits could give the figure away.",
    ),
    (
        "release",
        "Release and revision",
        "The publication a figure comes from. Statistics are revised: a later release may "
        "give a new figure for the same period, and both are kept.",
    ),
]


def terms(threshold: int) -> list[tuple[str, str, str]]:
    """The glossary's terms, with the disclosure threshold in force."""
    return [
        (anchor, term, meaning.replace("{threshold}", str(threshold)))
        for anchor, term, meaning in TERMS
    ]
