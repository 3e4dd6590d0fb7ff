"""What the API shows of an indicator's statistical analysis: its control chart, point by
point (the centre line, the limits and which points signal), the chart's run rules, Making Data
Count's summary and the findings in words, as the indicator's page shows them (docs/spc.md)."""

from __future__ import annotations

import math
from typing import Any

from rest_framework import serializers

from followup.indicators.disclosed import Shown
from followup.indicators.queries import ASSURANCE_TEXT, VARIATION_TEXT


class ChartPointSerializer(serializers.Serializer[dict[str, Any]]):
    period = serializers.CharField(help_text="The period's id.")
    value = serializers.FloatField(help_text="The figure plotted (scaled by the factor).")
    centre = serializers.FloatField(allow_null=True, help_text="The centre line.")
    lower = serializers.FloatField(
        allow_null=True, help_text="The lower control limit (3 sigma); null where none."
    )
    upper = serializers.FloatField(allow_null=True, help_text="The upper control limit.")
    part = serializers.IntegerField(help_text="The part of the chart (1, or 2 after a split).")
    outside_limits = serializers.BooleanField(
        help_text="The point is outside the control limits (a special cause)."
    )
    runs_signal = serializers.BooleanField(
        help_text="The point's part has an unusually long run or too few crossings of the "
        "centre line (Anhøj's rules)."
    )


class ChartPartSerializer(serializers.Serializer[dict[str, Any]]):
    part = serializers.IntegerField()
    figures = serializers.IntegerField(help_text="Points in the part.")
    useful = serializers.IntegerField(help_text="Points not on the centre line.")
    longest_run = serializers.IntegerField(allow_null=True)
    longest_run_max = serializers.IntegerField(
        allow_null=True, help_text="The longest run chance alone would give."
    )
    crossings = serializers.IntegerField(allow_null=True)
    crossings_min = serializers.IntegerField(
        allow_null=True, help_text="The fewest crossings chance alone would give."
    )
    runs_signal = serializers.BooleanField()
    outside_limits = serializers.IntegerField(help_text="Points outside the limits.")


class ChartSerializer(serializers.Serializer[dict[str, Any]]):
    type = serializers.CharField(help_text="run, i, mr, c, p, u, pp (P′) or up (U′).")
    explanation = serializers.CharField(help_text="What the chart is, in words.")
    finding = serializers.CharField(help_text="The chart's finding, in statistical terms.")
    points = ChartPointSerializer(many=True)
    parts = ChartPartSerializer(many=True)


class MdcPointSerializer(serializers.Serializer[dict[str, Any]]):
    period = serializers.CharField()
    mean = serializers.FloatField(allow_null=True)
    lower = serializers.FloatField(allow_null=True, help_text="The lower process limit.")
    upper = serializers.FloatField(allow_null=True, help_text="The upper process limit.")
    special_cause = serializers.CharField(
        allow_null=True, help_text="The rule the point breaks (such as Above UCL), if any."
    )
    point_type = serializers.CharField(
        allow_null=True, help_text="Common cause, or the special cause's kind."
    )


class MdcSerializer(serializers.Serializer[dict[str, Any]]):
    variation = serializers.CharField(allow_null=True, help_text="The variation icon's key.")
    variation_text = serializers.CharField(allow_null=True)
    assurance = serializers.CharField(allow_null=True, help_text="The assurance icon's key.")
    assurance_text = serializers.CharField(allow_null=True)
    finding = serializers.CharField()
    target = serializers.FloatField(allow_null=True)
    points = MdcPointSerializer(many=True)


class AnalysisSerializer(serializers.Serializer[dict[str, Any]]):
    """An indicator's analysis as its page shows it."""

    finding = serializers.CharField(help_text="The one sentence a lead officer reads.")
    withheld = serializers.BooleanField(
        help_text="Some figures are withheld from you (small counts), so no chart, Making "
        "Data Count result or statistical finding is given: their lines could give the "
        "figures away."
    )
    chart = ChartSerializer(allow_null=True, help_text="Null when withheld or without figures.")
    making_data_count = MdcSerializer(allow_null=True)


def _number(value: Any) -> float | None:
    """A float of the charts' arrays as JSON has it: NaN (undefined) as null."""
    number = float(value)
    return None if math.isnan(number) else number


def _chart(shown: Shown) -> dict[str, Any] | None:
    chart = shown.chart
    if chart is None:
        return None
    each = chart.per_point
    points = [
        {
            "period": point.period,
            "value": _number(each.y_plotted[i]),
            "centre": _number(each.cl[i]),
            "lower": _number(each.lcl[i]),
            "upper": _number(each.ucl[i]),
            "part": int(each.part[i]),
            "outside_limits": bool(each.sigma_signal[i]),
            "runs_signal": bool(each.runs_signal[i]),
        }
        for i, point in enumerate(shown.known)
    ]
    parts = [
        {
            "part": part.part,
            "figures": part.n_obs,
            "useful": part.n_useful,
            "longest_run": part.longest_run,
            "longest_run_max": part.longest_run_max,
            "crossings": part.n_crossings,
            "crossings_min": part.n_crossings_min,
            "runs_signal": part.runs_signal,
            "outside_limits": part.sigma_signal_count,
        }
        for part in chart.parts
    ]
    return {
        "type": shown.chart_type,
        "explanation": shown.explanation,
        "finding": shown.chart_finding,
        "points": points,
        "parts": parts,
    }


def _mdc(shown: Shown) -> dict[str, Any] | None:
    mdc = shown.mdc
    if mdc is None:
        return None
    each = mdc.per_point
    return {
        "variation": shown.variation,
        "variation_text": VARIATION_TEXT.get(shown.variation or ""),
        "assurance": shown.assurance,
        "assurance_text": ASSURANCE_TEXT.get(shown.assurance or ""),
        "finding": shown.mdc_finding,
        "target": mdc.target,
        "points": [
            {
                "period": point.period,
                "mean": _number(each.mean[i]),
                "lower": _number(each.lpl[i]),
                "upper": _number(each.upl[i]),
                "special_cause": each.special_cause_type[i],
                "point_type": each.point_type[i],
            }
            for i, point in enumerate(shown.known)
        ],
    }


def analysis(shown: Shown) -> dict[str, Any]:
    """The analysis as the indicator's page shows it to its audience."""
    return {
        "finding": shown.finding,
        "withheld": bool(shown.withheld),
        "chart": _chart(shown),
        "making_data_count": _mdc(shown),
    }
