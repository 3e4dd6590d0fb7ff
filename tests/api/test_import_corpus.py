"""The importer's bad-file corpus (tests/indicators: the hostile cells, the columns the tidy layout
does not read and the numbers it refuses, and the bad rows of the import's own tests) sent through
the API gives the command line's messages, word for word, and imports nothing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from followup.api.datavalues import COLUMNS
from followup.cli import build_parser
from followup.cli_data import cmd_import_data
from followup.indicators.models import DataValue
from followup.lib.tabular import read_table
from tests.api.conftest import Api, make_token, problem
from tests.conftest import World
from tests.indicators.test_hostile_cells import CASES, HEADER
from tests.indicators.test_import_columns import FILES
from tests.indicators.test_import_numbers import NUMBERS, number_file

URL = "/api/v1/partnerships/home/dataValueSets/"

# test_import.py's bad rows, in Homeshire's area and its yearly data element, with a release.
BAD_ROWS = """\
area_code,period,data_element,value
S1HOME,2018,children_looked_after,312
S99999999,2018,children_looked_after,10
S1HOME,2018-13,children_looked_after,10
S1HOME,2017,children_looked_after,many
S1HOME,2016,children_looked_after,-4
S1HOME,2015,children_looked_after,2.5
S1HOME,2018,children_looked_after,312
S1HOME,2018,no_such_element,3
S1HOME,2018-07-31,children_looked_after,3
"""

# (what, the file, create data elements, the release for the whole file)
CORPUS = [
    *[(what, f"{HEADER}\n{row}\n", create, "") for what, row, create, _ in CASES],
    *[(what, text, False, "") for what, text, _ in FILES],
    *[(what, number_file(value), False, "") for what, value, _ in NUMBERS],
    ("the import's bad rows", BAD_ROWS, False, "Return"),
    ("no release anywhere", BAD_ROWS.replace(",many", ",7"), False, ""),
]


def command_line(tmp_path: Path, capsys: Any, text: str, create: bool, release: str) -> list[str]:
    """The problems ``followup import-data --dry-run`` prints, without the file's name."""
    path = tmp_path / "figures.csv"
    path.write_bytes(text.encode())
    args = ["import-data", str(path), "--partnership", "home", "--dry-run"]
    args += ["--create-elements"] if create else []
    args += ["--release", release] if release else []
    assert cmd_import_data(build_parser().parse_args(args)) == 1
    lines = capsys.readouterr().err.splitlines()
    assert lines[-1].startswith("Nothing was imported (")
    return [line.removeprefix(f"{path}: ") for line in lines[:-1]] + [lines[-1]]


def through_api(api: Api, body: bytes, kind: str, create: bool, release: str, dry: str) -> Any:
    query = f"?dryRun={dry}&createElements={str(create).lower()}&release={release}"
    response: Any = api.client.post(URL + query, body, content_type=kind, headers=api.headers)
    return problem(response, 409)["importSummary"]


@pytest.mark.parametrize(
    ("what", "text", "create", "release"), CORPUS, ids=[case[0] for case in CORPUS]
)
def test_each_bad_file_gives_the_command_lines_messages_through_the_api(
    world: World, tmp_path: Path, capsys: Any, what: str, text: str, create: bool, release: str
) -> None:
    expected = command_line(tmp_path, capsys, text, create, release)
    api = Api(make_token(world.users["lead"], write=True))
    for dry in ("true", "false"):
        found = through_api(api, text.encode(), "text/csv", create, release, dry)
        assert [c["message"] for c in found["conflicts"]] + [found["description"]] == expected
    # The same rows as JSON: the same reasons, each at its data value's place; but a JSON data
    # value has fields, not columns, and one it does not know is refused before any is read.
    table = read_table(text.encode(), "figures.csv")
    values = json.dumps({"dataValues": [cells for _, cells in table.rows]}).encode()
    unknown = [name for name in table.headers if name not in COLUMNS]
    if unknown:
        query = f"?dryRun=true&release={release}"
        response: Any = api.client.post(
            URL + query, values, content_type="application/json", headers=api.headers
        )
        fields = {error["field"] for error in problem(response, 400)["errors"]}
        assert {name.rsplit(".", 1)[-1] for name in fields} == set(unknown)
        assert DataValue.objects.count() == 0
        return
    found = through_api(api, values, "application/json", create, release, "true")
    if what != "the import's bad rows":  # where a reason names another line, lines differ
        reasons = [c["reason"] for c in found["conflicts"]]
        assert reasons == [line.split(": ", 1)[-1] for line in expected[:-1]]
    assert DataValue.objects.count() == 0
