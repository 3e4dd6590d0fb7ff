"""Hostile statistics.gov.scot mappings: anchors and aliases, too many entries or columns.

Each hostile mapping is built here, and refused with the reason: by the reader within 2 seconds
of processor time and 200 MB (``hostile.measure``), on the upload page and on the command line.
Matching rows against a mapping looks each row up, so its cost grows with the rows, not with
rows × entries; the mappings the docs and the tests show still read and match as before.
"""

from __future__ import annotations

import html
import re
import time
from collections.abc import Callable
from itertools import combinations
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from followup.cli import build_parser
from followup.indicators import layouts
from followup.indicators.importer import load_mapping, plan_import
from followup.indicators.layouts import sgs_rows
from followup.indicators.models import DataElement, DataValue, ImportUpload
from followup.indicators.plan import ImportPlan
from followup.lib.tabular import read_table
from followup.lib.yamlfiles import MAX_YAML_DEPTH, MAX_YAML_NODES
from followup.partnerships.models import Area
from tests import hostile
from tests.core.test_upload_growth import RATIO, cpu

SECONDS = 2.0
MEGABYTES = 200.0
HEADER = "FeatureCode,DateCode,Measurement,Units,Value"
ALIASES = (
    "the mapping uses YAML anchors or aliases (&, *), which Followup does not read: "
    "write each entry out"
)


def alias_bomb(entries: int = 20_000, keys: int = 2_000) -> str:
    """The tester's file: one entry anchored and repeated through aliases, matching every row on
    ``keys`` columns a download does not have (read as empty) and failing on the last one."""
    match = ", ".join(f'c{i}: ""' for i in range(keys))
    return (
        "dataset: x\n"
        f"anchor: &e {{element: looked_after_total, match: {{{match}, Measurement: never}}}}\n"
        "elements: [" + ", ".join(["*e"] * entries) + "]\n"
    )


def plain(entries: int, keys: int = 1) -> str:
    """A mapping written out in full (the tester's second file): ``entries`` entries, each
    matching on ``keys`` columns, the same ones."""
    lines = ["dataset: x", "elements:"]
    for i in range(entries):
        pairs = "".join(f", c{k}: v{i}" for k in range(1, keys))
        lines.append(f"  - {{element: looked_after_total, match: {{Measurement: n{i}{pairs}}}}}")
    return "\n".join(lines) + "\n"


def shapes(count: int) -> str:
    """Entries each matching on a different pair of 7 columns."""
    pairs = list(combinations(range(7), 2))[:count]
    return "elements:\n" + "".join(
        f"  - {{element: looked_after_total, match: {{c{a}: x, c{b}: y}}}}\n" for a, b in pairs
    )


def nested(levels: int) -> str:
    return "elements:\n  - element: x\n    match: {A: b}\n    note: " + "[" * levels + "]" * levels


def many_values(count: int) -> str:
    return "elements:\n  - {element: x, match: {A: b}}\nfiller: [" + "1, " * count + "1]\n"


# name: (the mapping, what the refusal says)
HOSTILE: dict[str, tuple[Callable[[], str], str]] = {
    "an alias bomb": (alias_bomb, ALIASES),
    "an anchor on a single value": (
        lambda: "elements:\n  - {element: x, match: {A: &a b}}\n",
        ALIASES,
    ),
    "3,800 entries written out": (
        lambda: plain(3_800),
        "the mapping has 3,800 entries; Followup reads at most 500: split it into mappings for "
        "fewer data elements",
    ),
    "one entry matching on 2,000 columns": (
        lambda: plain(1, 2_000),
        "mapping entry 1: 'match' has 2,000 column: value pairs; Followup reads at most 20",
    ),
    "entries matching on 21 different sets of columns": (
        lambda: shapes(21),
        "mapping entry 21: the entries match on more than 20 different sets of columns; "
        "Followup reads at most 20: match on the same columns in most entries",
    ),
    "entries matching on 22 columns in all": (
        lambda: (
            "elements:\n"
            + "".join(f"  - {{element: x, match: {{a{i}: x, b{i}: y}}}}\n" for i in range(11))
        ),
        "mapping entry 11: the entries match on more than 20 columns in all; Followup reads at "
        "most 20",
    ),
    "lists nested 65 deep": (
        lambda: nested(MAX_YAML_DEPTH),
        "the mapping nests lists and mappings more than 64 levels deep; Followup reads at most 64",
    ),
    "50,001 values": (
        lambda: many_values(MAX_YAML_NODES),
        "the mapping holds more than 50,000 YAML values; Followup reads at most 50,000: split it",
    ),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_each_hostile_mapping_is_refused_by_the_reader_within_2_seconds_and_200_mb(name):
    text, message = HOSTILE[name][0](), HOSTILE[name][1]
    cost = hostile.measure(lambda: load_mapping(text))
    assert cost.outcome.split(": ", 1)[1] == message
    assert cost.cpu < SECONDS, cost
    assert cost.memory < MEGABYTES, cost


def test_the_hostile_mappings_fit_in_an_upload():
    assert {name: len(make().encode()) < 256 * 1024 for name, (make, _) in HOSTILE.items()} == {
        name: True for name in HOSTILE
    }


@pytest.fixture
def official(db):
    Area.objects.create(code="S12000028", name="South Ayrshire")
    DataElement.objects.create(code="looked_after_total", name="Looked after", period_kind="day")


def download(rows: int) -> str:
    return f"{HEADER}\n" + "".join(
        f"S12000028,{2000 + i % 20},Count,People,{i}\n" for i in range(rows)
    )


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_each_hostile_mapping_is_refused_on_the_upload_page_and_only_the_data_file_is_kept(
    world, name
):
    text, message = HOSTILE[name][0](), HOSTILE[name][1]
    client, url = world.client_for("lead"), reverse("indicators:upload", args=["home"])
    assert client.get(url).status_code == 200  # templates and URLs loaded: not the file's cost
    start = time.process_time()
    response = client.post(
        url,
        {
            "file": SimpleUploadedFile("sgs.csv", download(4_000).encode()),
            "mapping": SimpleUploadedFile("map.yaml", text.encode()),
            "release": "SGS",
        },
    )
    spent = time.process_time() - start
    assert response.status_code == 200
    assert f"The mapping cannot be used: {message}" in html.unescape(response.content.decode())
    assert spent < hostile.budget(SECONDS), spent
    # The data file is kept for the next check (#15), never the refused mapping.
    kept = ImportUpload.objects.get(release="SGS")
    assert (kept.filename, kept.mapping, kept.applied_at) == ("sgs.csv", "", None)
    assert "You chose sgs.csv. Choose another or check again." in response.content.decode()


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_each_hostile_mapping_is_refused_on_the_command_line_with_the_reason(
    official, name, tmp_path, capsys
):
    data, mapping = tmp_path / "sgs.csv", tmp_path / "map.yaml"
    data.write_text(download(4_000))
    mapping.write_text(HOSTILE[name][0]())
    args = build_parser().parse_args(
        ["import-data", str(data), "--mapping", str(mapping), "--release", "SGS"]
    )
    start = time.process_time()
    status = args.handler(args)
    spent = time.process_time() - start
    assert status == 1
    assert capsys.readouterr().err == f"import-data: {mapping}: {HOSTILE[name][1]}\n"
    assert spent < hostile.budget(SECONDS), spent
    assert DataValue.objects.count() == 0


def test_the_largest_mapping_matches_a_4000_row_download_within_2_seconds(official):
    table = read_table(download(4_000).encode(), "sgs.csv")
    mapping = load_mapping(plain(500, 20))
    start = time.process_time()
    rows = list(sgs_rows(table, "SGS", mapping, plan := ImportPlan(layout="statistics.gov.scot")))
    spent = time.process_time() - start
    assert (len(rows), plan.ignored, spent < hostile.budget(SECONDS)) == (0, 4_000, True)


def matching(size: int) -> Callable[[], Any]:
    """Size n: n rows and n / 10 entries, each on 19 columns; every row matches one entry."""
    entries = size // 10
    lines = ["elements:"] + [
        f"  - {{element: looked_after_total, match: {{Measurement: m{i}, "
        + ", ".join(f"c{k}: v{i}" for k in range(19))
        + "}}"
        for i in range(entries)
    ]
    mapping = load_mapping("\n".join(lines) + "\n")
    header = HEADER + "," + ",".join(f"c{k}" for k in range(19))
    body = "".join(
        f"S12000028,2019,m{i % entries},People,{i}," + ",".join([f"v{i % entries}"] * 19) + "\n"
        for i in range(size)
    )
    table = read_table(f"{header}\n{body}".encode(), "sgs.csv")

    def work() -> Any:
        plan = ImportPlan(layout="statistics.gov.scot")
        assert len(list(sgs_rows(table, "SGS", mapping, plan))) == size
        return plan

    return work


def test_matching_rows_against_a_mapping_grows_with_the_rows_not_rows_times_entries():
    small, large = cpu(matching(1_200)), cpu(matching(4_800))
    assert large / max(small, 1e-3) < RATIO, (small, large)


def test_the_mapping_the_docs_show_still_reads_and_matches(official):
    docs = (Path(__file__).resolve().parents[2] / "docs" / "data-import.md").read_text()
    block = re.search(r"```yaml\n(dataset: looked-after-children\n.*?)```", docs, re.S)
    assert block is not None
    mapping = load_mapping(block.group(1))
    text = (
        f"{HEADER},Residential Status\n"
        "S12000028,2019,Count,Children,298,All\n"
        "S12000028,2019,count,Children,200,In the community\n"
        "S12000028,2019,Ratio,Per 1000 Children,14.0,all\n"
    )
    plan = plan_import(read_table(text.encode(), "sgs.csv"), release="SGS", mapping=mapping)
    assert (plan.ok, plan.ignored, [c.value for c in plan.new]) == (True, 2, [298])


def test_a_row_matching_two_entries_names_both_in_the_order_of_the_mapping(official):
    mapping = load_mapping(
        "elements:\n"
        "  - {element: looked_after_total, match: {Measurement: count, Units: People}}\n"
        "  - {element: other, match: {Measurement: Count}}\n"
        "  - {element: looked_after_total, match: {Units: people}}\n"
    )
    plan = plan_import(read_table(download(1).encode(), "sgs.csv"), release="SGS", mapping=mapping)
    assert [p.message for p in plan.errors] == [
        "matches 3 mapping entries (looked_after_total, other, looked_after_total); make the "
        "matches exclusive"
    ]


def test_the_docs_state_the_limits_the_code_uses():
    root = Path(__file__).resolve().parents[2] / "docs"
    security = (root / "security.md").read_text().split("## Uploads", 1)[1]
    mapping = next(line for line in security.splitlines() if line.startswith("| Mapping"))
    yaml_row = next(line for line in security.splitlines() if line.startswith("| YAML"))
    guide = " ".join((root / "data-import.md").read_text().split())
    assert [
        f"{layouts.MAX_MAPPING_ENTRIES} entries" in mapping,
        f"at most {layouts.MAX_MATCH_KEYS} columns, {layouts.MAX_MATCH_KEYS} columns in all"
        in mapping,
        f"{layouts.MAX_MATCH_SHAPES} different sets of columns" in mapping,
        f"more than {MAX_YAML_NODES:,} values or nesting deeper than {MAX_YAML_DEPTH}" in yaml_row,
        f"at most {layouts.MAX_MAPPING_ENTRIES} entries, each matching on at most "
        f"{layouts.MAX_MATCH_KEYS} columns" in guide,
        ALIASES in guide,
    ] == [True] * 6
