from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from followup.spc import control_chart, describe_chart, describe_mdc, making_data_count

SIGNALS = Path(__file__).resolve().parents[2] / "src" / "followup" / "spc"


def test_a_stable_process_has_no_signal():
    ys = [50, 52, 49, 51, 50, 48, 53, 50, 49, 51, 52, 50, 48, 51, 50, 49, 52, 50]
    assert (
        describe_chart(control_chart(ys, chart="i"))
        == "No signal: the variation is what this process usually shows."
    )


def test_a_long_run_below_the_average_at_the_end_is_a_shift_and_counts_as_improvement_when_lower_is_better():
    ys = [20, 22, 19, 21, 23, 20, 22, 21, 20, 22, 15, 14, 16, 15, 14, 15, 16, 14]
    text = describe_chart(
        control_chart(ys, chart="run"), measure="rate", improvement_direction="decrease"
    )
    assert (
        text
        == "The rate has been below its median for the last 8 points: a shift, and the direction counts as improvement."
    )


def test_a_latest_point_above_the_upper_limit_is_a_special_cause_of_concern_when_lower_is_better():
    ys = [10, 11, 9, 10, 12, 10, 11, 9, 10, 11, 10, 30]
    text = describe_chart(
        control_chart(ys, chart="i"),
        measure="number of re-registrations",
        improvement_direction="decrease",
    )
    assert text == (
        "The latest number of re-registrations is above the upper control limit: a special cause, "
        "not ordinary variation, and the direction counts as concern."
    )


def test_an_earlier_outlier_is_reported_as_past():
    ys = [10, 11, 9, 30, 10, 12, 10, 11, 9, 10, 11, 10]
    assert describe_chart(control_chart(ys, chart="i")) == (
        "1 point fell outside the control limits earlier in this period; the latest value is within them."
    )


def test_making_data_count_finding_reports_a_rising_trend_and_the_assurance():
    ys = [70, 75, 66, 72, 68, 74, 65, 71, 69, 70, 71, 72, 73, 74, 75, 76]
    result = making_data_count(ys, improvement_direction="increase", target=60)
    assert describe_mdc(result, measure="percentage seen within 4 hours") == (
        "The percentage seen within 4 hours has risen for 8 points in a row: a trend, and the "
        "direction counts as improvement. At this level of variation the target of 60 will be met every time."
    )


def test_empty_series_say_so():
    assert describe_chart(control_chart([], chart="i")) == "No data to chart yet."
    assert (
        describe_mdc(making_data_count([], improvement_direction="neutral"))
        == "No data to chart yet."
    )


def test_the_library_imports_only_numpy_and_the_standard_library():
    allowed = set(sys.stdlib_module_names) | {"numpy", "followup"}
    for path in SIGNALS.glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                assert top in allowed, f"{path.name} imports {name}"
                if top == "followup":  # itself, and the standard library's JSON request serving
                    assert name.startswith(("followup.spc", "followup.jsonrequest")), (
                        f"{path.name} imports {name}"
                    )


def test_importing_the_library_loads_no_django():
    code = (
        "import sys, followup.spc; print(sorted(m for m in sys.modules if m.startswith('django')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_too_few_crossings_of_the_median_say_once_for_one_and_times_for_more():
    once = describe_chart(control_chart([10, 11, 12, 13, 14, 15, 1, 2, 3, 4, 5, 6], chart="run"))
    assert once == (
        "The value crossed its median only once in 12 points (chance would give at least 3): "
        "the process has shifted or drifted."
    )
    thrice = describe_chart(
        control_chart(
            [10, 11, 12, 13, 14, 1, 2, 3, 4, 5, 15, 16, 17, 18, 19, 6, 7, 8, 9, 0], chart="run"
        )
    )
    assert thrice == (
        "The value crossed its median only 3 times in 20 points (chance would give at least 6): "
        "the process has shifted or drifted."
    )


def test_a_long_run_earlier_in_the_period_that_has_ended_is_a_shift_during_the_period():
    # Nine points above the median in the middle; the last points cross it again and again.
    ys = [10, 20, 9, 21, 11, 22, 10, 30, 31, 32, 30, 33, 31, 32, 30, 31]
    ys += [10, 20, 9, 21, 11, 22, 10, 20, 9, 21, 8, 22]
    text = describe_chart(
        control_chart(ys, chart="run"), measure="rate", improvement_direction="decrease"
    )
    assert text == (
        "A run of 9 points on one side of the median (more than the 8 chance allows) shows the "
        "process shifted during this period."
    )
