"""followup.spc: run charts, Shewhart control charts and Making Data Count.

A library of numpy and the standard library only; it never imports Django. It agrees with the
R reference implementations, qicharts2 0.8.1 (Anhøj rules; run, I, MR, P, P′, U, U′ and C
charts) and NHSRplotthedots 0.2.2 (NHS England's Making Data Count rules and icons), to a
relative tolerance of 1e-9. Each module documents the formulas it implements:

- ``anhoej``: runs analysis (longest run, crossings and their limits);
- ``qic``: ``control_chart`` and its centre lines and limits;
- ``mdc``: ``making_data_count``, its rules and icons;
- ``batch``: many series at once;
- ``describe``: plain-language findings;
- ``request``: the JSON request and result of ``followup spc``;
- ``funnel``: funnel plots as FunnelPlotR 0.6.0 and PHEindicatormethods 2.0.0 compute them
  (``funnel_plotr``, ``funnel_phe``; exact quantiles in ``quantiles``), with Spiegelhalter's
  overdispersion adjustment; ``funnel_request``: the JSON of ``followup funnel``.
"""

from followup.spc.batch import control_charts, making_data_counts
from followup.spc.describe import describe_chart, describe_mdc
from followup.spc.errors import SignalInputError
from followup.spc.mdc import MakingDataCount, making_data_count
from followup.spc.qic import ChartPart, ChartPoints, ControlChart, control_chart
from followup.spc.serialise import chart_to_dict, mdc_to_dict

__all__ = [
    "ChartPart",
    "ChartPoints",
    "ControlChart",
    "MakingDataCount",
    "SignalInputError",
    "chart_to_dict",
    "control_chart",
    "control_charts",
    "describe_chart",
    "describe_mdc",
    "making_data_count",
    "making_data_counts",
    "mdc_to_dict",
]
