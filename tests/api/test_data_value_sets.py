"""Importing data values through the API (DHIS2's dataValueSets): the import page's actions, a
dry run that keeps nothing, an import summary, conflicts by row, large imports as jobs."""

from __future__ import annotations

import json

import pytest
from django.test import override_settings

from followup.audit.models import AuditEntry
from followup.indicators.models import DataValue, ImportUpload
from followup.jobs.models import Job
from tests.api.conftest import (
    PROBLEM,
    SMALL_FORM_BYTES,
    Api,
    a_small_form_limit,
    make_token,
    problem,
)
from tests.conftest import World

URL = "/api/v1/partnerships/home/dataValueSets/"
HEADER = "area_code,period,data_element,value"
VALUES = [
    {"area_code": "S1HOME", "period": "2022", "data_element": "children_looked_after", "value": 40},
    {
        "area_code": "S1HOME",
        "period": "2023",
        "data_element": "children_looked_after",
        "value": "38",
    },
]
CSV = f"{HEADER}\nS1HOME,2022,children_looked_after,40\nS1HOME,2023,children_looked_after,38\n"


def writer(world: World, name: str = "editor") -> Api:
    return Api(make_token(world.users[name], write=True))


def send(api: Api, body: object, url: str = URL, **query: str) -> object:
    """POST the data values, as JSON (a dict) or as CSV (text)."""
    address = url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")
    if isinstance(body, str):
        data, kind = body.encode(), "text/csv"
    else:
        data, kind = json.dumps(body).encode(), "application/json"
    return api.client.post(address, data, content_type=kind, headers=api.headers)


def counts() -> tuple[int, int, int]:
    return DataValue.objects.count(), ImportUpload.objects.count(), AuditEntry.objects.count()


def test_an_editors_json_data_values_are_imported_with_a_summary_audited_by_the_editor(world):
    response = send(writer(world), {"dataValues": VALUES}, release="Quarterly return")
    assert response.status_code == 200, response.content
    assert json.loads(response.content) == {
        "status": "SUCCESS",
        "dryRun": False,
        "description": "2 new, 0 revised, 0 confirmed by another release, 0 unchanged",
        "importCount": {"imported": 2, "updated": 0, "unchanged": 0, "ignored": 0},
        "conflicts": [],
        "warnings": [],
        "releases": ["Quarterly return"],
        "newReleases": ["Quarterly return"],
        "createdElements": [],
    }
    assert (
        DataValue.objects.filter(area__code="S1HOME", release__name="Quarterly return").count() == 2
    )
    verbs = AuditEntry.objects.filter(actor_name="editor").values_list("verb", flat=True)
    assert sorted(verbs) == ["data.import", "upload.create"]
    upload = ImportUpload.objects.get(filename="dataValues.json")
    assert upload.applied_at is not None and upload.data.name == ""


def test_csv_with_the_import_files_columns_imports_the_same_and_again_changes_nothing(world):
    editor = writer(world)
    first = json.loads(send(editor, CSV, release="Quarterly return").content)
    assert first["importCount"] == {"imported": 2, "updated": 0, "unchanged": 0, "ignored": 0}
    again = json.loads(send(editor, CSV, release="Quarterly return").content)
    assert again["importCount"] == {"imported": 0, "updated": 0, "unchanged": 2, "ignored": 0}
    revised = CSV.replace(",38", ",39")
    later = json.loads(send(editor, revised, release="Later return").content)
    assert later["importCount"] == {"imported": 0, "updated": 2, "unchanged": 0, "ignored": 0}
    assert DataValue.objects.filter(area__code="S1HOME").count() == 4


def test_a_dry_run_says_what_would_change_and_writes_nothing(world):
    editor = writer(world)
    before = counts()
    response = send(editor, {"dataValues": VALUES}, release="R", dryRun="true")
    assert response.status_code == 200, response.content
    body = json.loads(response.content)
    assert (body["status"], body["dryRun"]) == ("SUCCESS", True)
    assert body["importCount"] == {"imported": 2, "updated": 0, "unchanged": 0, "ignored": 0}
    assert counts() == before


def test_a_dry_run_of_a_bad_file_lists_the_conflicts_and_writes_nothing(world):
    editor = writer(world)
    before = counts()
    bad = [{**VALUES[0], "area_code": "NOWHERE"}, {**VALUES[1], "value": "lots"}]
    response = send(editor, {"dataValues": bad}, release="R", dryRun="true")
    body = problem(response, 409)
    assert body["importSummary"]["dryRun"] is True
    assert [c["message"] for c in body["importSummary"]["conflicts"]] == [
        "line 1, column area_code: unknown area code 'NOWHERE'",
        "line 2, column value: expected a number, got 'lots'",
    ]
    assert counts() == before


def test_any_conflict_imports_nothing_and_each_names_its_row_and_column(world):
    values_before = DataValue.objects.count()
    text = f"{HEADER}\nS1HOME,2022,children_looked_after,40\nS1HOME,2023,children_looked_after,-4\n"
    body = problem(send(writer(world), text, release="R"), 409)
    assert body["detail"] == (
        "The data values have problems, so nothing was imported: each conflict names its row "
        "and column."
    )
    assert body["importSummary"] == {
        "status": "ERROR",
        "dryRun": False,
        "description": "Nothing was imported (1 problem).",
        "importCount": {"imported": 0, "updated": 0, "unchanged": 0, "ignored": 0},
        "conflicts": [
            {
                "row": 3,
                "column": "value",
                "reason": "children_looked_after is a count: expected a whole number of 0 or "
                "more, got -4",
                "message": "line 3, column value: children_looked_after is a count: expected a "
                "whole number of 0 or more, got -4",
            }
        ],
        "warnings": [],
        "releases": ["R"],
        "newReleases": ["R"],
        "createdElements": [],
    }
    assert DataValue.objects.count() == values_before
    # The refused file is not kept to preview: staged and discarded, on the record.
    assert ImportUpload.objects.filter(filename="dataValues.csv").count() == 0
    verbs = (
        AuditEntry.objects.filter(actor_name="editor").order_by("id").values_list("verb", flat=True)
    )
    assert list(verbs) == ["upload.create", "upload.discard"]


def test_a_withheld_figure_is_ignored_with_a_warning(world):
    text = (
        f"{HEADER}\nS1HOME,2022,children_looked_after,40\nS1HOME,2023,children_looked_after,[c]\n"
    )
    body = json.loads(send(writer(world), text, release="R").content)
    assert body["status"] == "WARNING"
    assert body["importCount"] == {"imported": 1, "updated": 0, "unchanged": 0, "ignored": 1}
    assert [w["row"] for w in body["warnings"]] == [3]


def test_a_read_token_gets_403_and_a_viewers_write_token_403_naming_who_may(world, api):
    writers = {name: writer(world, name) for name in ("viewer", "contributor", "inspector")}
    before = counts()
    body = problem(send(api["lead"], {"dataValues": VALUES}, release="R"), 403)
    assert body["detail"].startswith("This token is read-only.")
    for name in ("viewer", "contributor", "inspector"):
        body = problem(send(writers[name], {"dataValues": VALUES}, release="R"), 403)
        assert body["detail"] == (
            "Only editors, lead officers and administrators can define indicators and import "
            "the partnership's data."
        )
    assert counts() == before


def test_the_outsiders_write_token_gets_404_for_homeshire_and_an_unknown_partnership(world):
    outsider = writer(world, "outsider")
    before = counts()
    for url in (URL, "/api/v1/partnerships/nowhere/dataValueSets/"):
        for dry in ("true", "false"):
            problem(send(outsider, {"dataValues": VALUES}, url, release="R", dryRun=dry), 404)
    assert counts() == before
    # Their own partnership's area is S1AWAY: Homeshire's area is refused there as any figure
    # of an official data element outside its own area.
    body = problem(
        send(
            outsider,
            {"dataValues": VALUES},
            "/api/v1/partnerships/away/dataValueSets/",
            release="R",
        ),
        409,
    )
    assert body["importSummary"]["conflicts"][0]["column"] == "area_code"


@override_settings(BACKGROUND_IMPORT_ROWS=1)
def test_a_large_import_runs_as_a_job_to_poll_scoped_like_its_page(world, api):
    response = send(writer(world, "lead"), {"dataValues": VALUES}, release="R")
    assert response.status_code == 202, response.content
    job = Job.objects.get(title="Importing 2 rows from dataValues.json")
    assert response["Location"] == f"http://testserver/api/v1/jobs/{job.pk}/"
    assert json.loads(response.content)["id"] == job.pk
    # The tests' tasks run at once: the job is done.
    polled = api["viewer"].json(f"/api/v1/jobs/{job.pk}/")
    assert (polled["state"], polled["message"], polled["partnership"]) == (
        "done",
        "Imported 2 figures from dataValues.json.",
        "home",
    )
    assert DataValue.objects.filter(release__name="R", area__code="S1HOME").count() == 2
    problem(api["outsider"].get(f"/api/v1/jobs/{job.pk}/"), 404)
    problem(api["lead"].get(f"/api/v1/jobs/{world.away.job.pk}/"), 404)
    problem(api["lead"].get("/api/v1/jobs/999999/"), 404)


def test_structural_problems_of_json_are_400_naming_each_place(world):
    editor = writer(world)
    body = problem(
        send(
            editor,
            {
                "dataSet": "x",
                "dataValues": [
                    {**VALUES[0], "orgUnit": "S1HOME"},
                    "S1HOME",
                    {**VALUES[1], "value": True, "note": {"a": 1}},
                ],
            },
        ),
        400,
    )
    known = "Followup does not know this field: send "
    assert body["errors"] == [
        {"field": "dataSet", "detail": known + "dataValues."},
        {
            "field": "dataValues.0.orgUnit",
            "detail": known + "area_code, period, data_element, value, release, status, note.",
        },
        {"field": "dataValues.1", "detail": "Send each data value as an object."},
        {"field": "dataValues.2.value", "detail": "Send this field as text or a number."},
        {"field": "dataValues.2.note", "detail": "Send this field as text or a number."},
    ]
    for sent, field in ((["x"], "dataValues"), ({"dataValues": {}}, "dataValues")):
        assert problem(send(editor, sent), 400)["errors"][0]["field"] == field


@pytest.mark.parametrize(
    ("data", "kind", "field"),
    [
        (b"{not json", "application/json", "body"),
        (b"[" * 100_000 + b"]" * 100_000, "application/json", "body"),
        (b'{"dataValues": [' + b"1" * 5000 + b"]}", "application/json", "body"),
        (b"\xff\xfe\x00garbage", "text/csv", "body"),
    ],
)
def test_a_body_that_cannot_be_read_is_400_naming_it(world, data, kind, field):
    editor = writer(world)
    response = editor.client.post(
        URL + "?release=R", data, content_type=kind, headers=editor.headers
    )
    assert problem(response, 400)["errors"][0]["field"] == field


def test_numbers_no_figure_has_are_conflicts_never_a_server_error(world):
    text = b'{"dataValues": [{"area_code": "S1HOME", "period": "2022", "data_element": "children_looked_after", "value": 1e400}, {"area_code": "S1HOME", "period": "2023", "data_element": "children_looked_after", "value": -1e400}]}'
    editor = writer(world)
    response = editor.client.post(
        URL + "?release=R", text, content_type="application/json", headers=editor.headers
    )
    conflicts = problem(response, 409)["importSummary"]["conflicts"]
    assert [(c["row"], c["column"]) for c in conflicts] == [(1, "value"), (2, "value")]


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_which_json_lacks_are_400_naming_the_body(world, constant):
    text = (
        b'{"dataValues": [{"area_code": "S1HOME", "period": "2022", "data_element": "children_looked_after", "value": %s}]}'
        % constant.encode()
    )
    editor = writer(world)
    response = editor.client.post(
        URL + "?release=R", text, content_type="application/json", headers=editor.headers
    )
    assert problem(response, 400)["errors"] == [
        {"field": "body", "detail": f"The body is not JSON: {constant} is not a JSON number."}
    ]


def test_a_body_nested_too_deeply_is_400_saying_so(world):
    editor = writer(world)
    response = editor.client.post(
        URL,
        b"[" * 100_000 + b"]" * 100_000,
        content_type="application/json",
        headers=editor.headers,
    )
    assert problem(response, 400)["errors"] == [
        {"field": "body", "detail": "The body nests too deeply: send a JSON object."}
    ]


def test_another_content_type_is_415_and_bad_parameters_400_naming_each(world):
    editor = writer(world)
    response = editor.client.post(
        URL, b"<xml/>", content_type="application/xml", headers=editor.headers
    )
    assert problem(response, 415)["detail"] == (
        "Send the data values as application/json or text/csv, not “application/xml”."
    )
    body = problem(send(editor, CSV, dryRun="perhaps", release="a%09b", createElements="2"), 400)
    assert [e["field"] for e in body["errors"]] == ["dryRun", "release", "createElements"]
    assert body["errors"][1]["detail"] == (
        "Enter a release name without control characters (such as tabs or line breaks)"
    )


def test_a_body_over_the_upload_limit_is_413_as_a_problem_and_nothing_is_read(world):
    editor = writer(world)
    before = counts()
    with override_settings(MAX_UPLOAD_BYTES=50, MAX_REQUEST_BYTES=50 + 256 * 1024):
        body = problem(send(editor, CSV, release="R"), 413)
        assert body["detail"] == (
            "The request's body is too large: this address takes at most 0 MB (50 bytes). "
            "Send the data in parts."
        )
    big = CSV + "\n" * (300 * 1024)
    with override_settings(MAX_REQUEST_BYTES=256 * 1024):
        response = send(editor, big, release="R")
        assert response.status_code == 413
        assert response["Content-Type"] == PROBLEM
    assert counts() == before


def test_a_body_larger_than_a_form_but_within_the_upload_limit_is_imported(world):
    big = CSV + "\n" * SMALL_FORM_BYTES  # over the form limit, lowered so as to be small
    with a_small_form_limit():
        response = send(writer(world), big, release="R")
        assert response.status_code == 200, response.content[:300]
        assert json.loads(response.content)["importCount"]["imported"] == 2
        # Without a token, the same body is refused before anything reads it.
        anonymous = Api(None).client.post(URL, big.encode(), content_type="text/csv")
        assert anonymous.status_code == 413
        assert anonymous["Content-Type"] == PROBLEM


def test_more_fields_than_an_uploaded_file_may_hold_cells_is_400(world, monkeypatch):
    monkeypatch.setattr("followup.api.datavalues.MAX_TABLE_CELLS", 8)
    editor = writer(world)
    assert send(editor, {"dataValues": VALUES}, release="R").status_code == 200
    body = problem(send(editor, {"dataValues": [*VALUES, VALUES[0]]}, release="R"), 400)
    assert body["errors"] == [
        {
            "field": "dataValues",
            "detail": "The data values hold more than 8 fields, more than an uploaded file may: "
            "send them in parts.",
        }
    ]


def _one(value: str) -> bytes:
    """A JSON body of one data value for Homeshire, with ``value`` written as it is given."""
    return (
        b'{"dataValues": [{"area_code": "S1HOME", "period": "2022", "data_element": '
        b'"children_looked_after", "value": %s}]}' % value.encode()
    )


@pytest.mark.parametrize(
    ("value", "shown"), [("1e23", "1e+23"), ("123456789012345678901", "123456789012345678901")]
)
def test_a_json_count_too_large_to_hold_exactly_is_refused_as_sent_in_the_dry_run_and_import(
    world, value, shown
):
    editor = writer(world)
    for dry in ("true", "false"):
        response = editor.client.post(
            f"{URL}?release=R&dryRun={dry}",
            _one(value),
            content_type="application/json",
            headers=editor.headers,
        )
        assert [c["message"] for c in problem(response, 409)["importSummary"]["conflicts"]] == [
            "line 1, column value: children_looked_after is a count: expected a whole number "
            f"from 0 to 9,007,199,254,740,991 (the largest Followup holds exactly), got {shown}"
        ]
    assert DataValue.objects.count() == 0


def test_json_text_1_234_is_1234_and_12_5_is_refused_alike_in_the_dry_run_and_the_import(world):
    editor = writer(world)
    answers = {}
    for value in ('"1,234"', '"12,5"'):
        for dry in ("true", "false"):
            response = editor.client.post(
                f"{URL}?release=R&dryRun={dry}",
                _one(value),
                content_type="application/json",
                headers=editor.headers,
            )
            body = json.loads(response.content)
            summary = body.get("importSummary", body)
            answers[value, dry] = (
                response.status_code,
                summary["description"],
                [c["message"] for c in summary["conflicts"]],
            )
    refused = (
        409,
        "Nothing was imported (1 problem).",
        [
            "line 1, column value: expected a number with a point before any decimals, and "
            "commas only between groups of three digits (such as 1234, 1,234 or 12.5), got '12,5'"
        ],
    )
    new = "1 new, 0 revised, 0 confirmed by another release, 0 unchanged"
    assert answers == {
        ('"1,234"', "true"): (200, new, []),
        ('"1,234"', "false"): (200, new, []),
        ('"12,5"', "true"): refused,
        ('"12,5"', "false"): refused,
    }
    assert list(DataValue.objects.values_list("value", flat=True)) == [1234.0]
