"""Importing data values through the API, in the manner of DHIS2's ``dataValueSets``: JSON
(``{"dataValues": [{"data_element": ..., "period": ..., "area_code": ..., "value": ...}]}``) or
CSV (the import file's own columns), checked and imported by the same actions as the import page
(``indicators.actions``), so every check, message and the all-or-nothing rule are the page's and
the command line's. ``?dryRun=true`` checks without keeping anything. A file of more rows than
``FOLLOWUP_BACKGROUND_IMPORT_ROWS`` is imported by a job, as on the page: the answer is 202 with
the job's address (``api.jobs``) to poll.
"""

from __future__ import annotations

from typing import Any, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import exceptions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from followup.api.datavalues_read import DataValueList
from followup.api.filters import NoQuery
from followup.api.jobs import JobSerializer
from followup.api.methods import served
from followup.api.parsers import check_charset, loads
from followup.api.schema import PROBLEM_SCHEMA
from followup.indicators import actions
from followup.indicators.cells import control_problem
from followup.indicators.importer import TIDY_OPTIONAL, TIDY_REQUIRED, ImportPlan, Problem
from followup.indicators.models import ImportUpload
from followup.indicators.tasks import import_upload
from followup.lib.tabular import Table
from followup.lib.uploads import MAX_TABLE_CELLS
from followup.partnerships.access import Capability, partnership_for, require
from followup.web.problems import PROBLEM, problem
from followup.web.requestsize import takes_files_with_token, upload_too_large

COLUMNS = (*TIDY_REQUIRED, *TIDY_OPTIONAL)
CSV = "text/csv"
JSON = "application/json"
# The most structural problems of a JSON body listed (the importer's own are all listed).
SHOWN = 100
CONFLICTS = (
    "The data values have problems, so nothing was imported: each conflict names its row and "
    "column."
)


class ImportQuery(NoQuery):
    dryRun = serializers.BooleanField(
        required=False, default=False, help_text="true to check without importing anything."
    )
    release = serializers.CharField(
        required=False,
        default="",
        allow_blank=True,
        max_length=300,
        help_text="The release of rows that name none, as the import page's Release field.",
    )
    createElements = serializers.BooleanField(
        required=False,
        default=False,
        help_text="true to create the data elements the rows name that Followup does not know.",
    )

    def validate_release(self, value: str) -> str:
        if control_problem(None, None, value) is not None:
            raise serializers.ValidationError(
                "Enter a release name without control characters (such as tabs or line breaks)"
            )
        return value


@extend_schema_field({"oneOf": [{"type": "number"}, {"type": "string"}]})
class NumberOrText(serializers.Field[Any, Any, Any, Any]):
    """A figure as a JSON number or as text (for the reference pages: the importer checks it)."""


class DataValueSerializer(serializers.Serializer[dict[str, Any]]):
    """One data value (for the reference pages: the importer checks each)."""

    area_code = serializers.CharField(help_text="The area's code (DHIS2: orgUnit).")
    period = serializers.CharField(help_text="The period, such as 2024, 2024Q1, 2024-25.")
    data_element = serializers.CharField(help_text="The data element's code (DHIS2: dataElement).")
    value = NumberOrText(help_text="A number, as a JSON number or as text.")
    release = serializers.CharField(
        required=False, allow_blank=True, help_text="The release it comes from."
    )
    status = serializers.CharField(
        required=False, allow_blank=True, help_text="Such as provisional."
    )
    note = serializers.CharField(
        required=False, allow_blank=True, help_text="Free text (DHIS2: comment)."
    )


class DataValueSetSerializer(serializers.Serializer[dict[str, Any]]):
    dataValues = DataValueSerializer(many=True)


class ConflictSerializer(serializers.Serializer[dict[str, Any]]):
    row = serializers.IntegerField(
        allow_null=True,
        help_text="The CSV line (as a spreadsheet numbers it), or the data value's place in "
        "dataValues counting from 1; null for the data values as a whole.",
    )
    column = serializers.CharField(allow_null=True, help_text="The column or field, if one.")
    reason = serializers.CharField(help_text="What is wrong, and what was expected.")
    message = serializers.CharField(help_text="The whole message, as the command line prints it.")


class ImportCountSerializer(serializers.Serializer[dict[str, Any]]):
    imported = serializers.IntegerField(help_text="New figures.")
    updated = serializers.IntegerField(
        help_text="Figures that revise or confirm another release's, kept beside it."
    )
    unchanged = serializers.IntegerField(help_text="Figures held already, from the same release.")
    ignored = serializers.IntegerField(help_text="Rows skipped, such as [c] (withheld) figures.")


class ImportSummarySerializer(serializers.Serializer[dict[str, Any]]):
    status = serializers.CharField(
        help_text="SUCCESS, WARNING (imported, with warnings) or ERROR (nothing imported)."
    )
    dryRun = serializers.BooleanField()
    description = serializers.CharField(help_text="What it changes, as the command line says.")
    importCount = ImportCountSerializer()
    conflicts = ConflictSerializer(many=True)
    warnings = ConflictSerializer(many=True)
    releases = serializers.ListField(child=serializers.CharField())
    newReleases = serializers.ListField(child=serializers.CharField())
    createdElements = serializers.ListField(child=serializers.CharField())


class ContentTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE


def _problem_rows(problems: list[Problem]) -> list[dict[str, Any]]:
    return [
        {"row": p.line, "column": p.column, "reason": p.message, "message": str(p)}
        for p in problems
    ]


def summary(plan: ImportPlan, *, dry_run: bool) -> dict[str, Any]:
    """The import summary of a plan: what it imports (or would), or every conflict."""
    ok = plan.ok
    return {
        "status": ("WARNING" if plan.warnings else "SUCCESS") if ok else "ERROR",
        "dryRun": dry_run,
        "description": plan.summary()
        if ok
        else f"Nothing was imported ({len(plan.errors)} "
        f"problem{'s' if len(plan.errors) != 1 else ''}).",
        "importCount": {
            "imported": len(plan.new) if ok else 0,
            "updated": len(plan.revisions) + len(plan.confirmations) if ok else 0,
            "unchanged": len(plan.unchanged) if ok else 0,
            "ignored": plan.ignored,
        },
        "conflicts": _problem_rows(plan.errors),
        "warnings": _problem_rows(plan.warnings),
        "releases": plan.releases,
        "newReleases": plan.new_releases,
        "createdElements": plan.created_elements,
    }


def _answer(plan: ImportPlan, *, dry_run: bool) -> Response:
    found = summary(plan, dry_run=dry_run)
    if plan.ok:
        return Response(found)
    body = {**problem(status.HTTP_409_CONFLICT, CONFLICTS), "importSummary": found}
    return Response(body, status=status.HTTP_409_CONFLICT, content_type=PROBLEM)


def _body(request: Request) -> bytes:
    """The request's body, up to the upload limit; 413 past it, before reading it when its
    length is declared."""
    limit = settings.MAX_UPLOAD_BYTES
    too_large = ContentTooLarge(upload_too_large())
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        raise too_large
    stream = request.stream
    data = bytes(stream.read(limit + 1)) if stream is not None else b""
    if len(data) > limit:
        raise too_large
    return data


def _media_type(request: Request) -> str:
    """JSON or CSV, in UTF-8 (``parsers.check_charset``); anything else is 415."""
    media = (request.content_type or "").split(";")[0].strip().lower()
    if media not in (CSV, JSON):
        raise exceptions.UnsupportedMediaType(
            media[:100],
            detail=f"Send the data values as {JSON} or {CSV}, not “{media[:100]}”.",
        )
    check_charset(request.content_type or "")
    return media


def _cell(value: Any) -> str | None:
    """A JSON value as a cell's text, as a CSV file would hold it; None if it cannot be one."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    # 40.0 is 40, but 1e+23 stays 1e+23: its digits (99999999999999991611392) were never sent.
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    return str(value)


def _row(index: int, item: Any, wrong: dict[str, str]) -> dict[str, str]:
    """One data value's cells; what is wrong with it goes into ``wrong``, by field."""
    where = f"dataValues.{index}"
    if not isinstance(item, dict):
        wrong[where] = "Send each data value as an object."
        return {}
    cells: dict[str, str] = {}
    for name, value in item.items():
        text = _cell(value)
        if name not in COLUMNS:
            wrong[f"{where}.{str(name)[:50]}"] = (
                f"Followup does not know this field: send {', '.join(COLUMNS)}."
            )
        elif text is None:
            wrong[f"{where}.{name}"] = "Send this field as text or a number."
        else:
            cells[name] = text
    return cells


def json_table(data: bytes) -> Table:
    """The data values of a JSON body as the rows of a table in the tidy layout, the n-th data
    value its row n; a body that is not strict JSON is refused as every address refuses it
    (``parsers.loads``), and what is not a list of data values naming each place."""
    body = loads(data)
    values = body.get("dataValues") if isinstance(body, dict) else None
    if not isinstance(values, list):
        raise ValidationError({"dataValues": "Send an object whose dataValues is a list."})
    if sum(len(item) if isinstance(item, dict) else 1 for item in values) > MAX_TABLE_CELLS:
        raise ValidationError(
            {
                "dataValues": f"The data values hold more than {MAX_TABLE_CELLS:,} fields, more "
                "than an uploaded file may: send them in parts."
            }
        )
    wrong: dict[str, str] = {
        str(name)[:50]: "Followup does not know this field: send dataValues."
        for name in body
        if name != "dataValues"
    }
    rows = [(index + 1, _row(index, item, wrong)) for index, item in enumerate(values)]
    if wrong:
        raise ValidationError(dict(list(wrong.items())[:SHOWN]))
    return Table(list(COLUMNS), rows)


def _table(media: str, data: bytes) -> Table:
    if media == JSON:
        return json_table(data)
    try:
        return actions.read_upload(data, "dataValues.csv")
    except ValidationError as error:  # the upload form's field is the API's body
        raise ValidationError({"body": error.message_dict.get("file", error.messages)}) from None


def _started(request: Request, job: Any) -> Response:
    location = request.build_absolute_uri(reverse("api:job", args=[job.pk]))
    body = JobSerializer(job, context={"request": request}).data
    return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": location})


def _import(request: Request, upload: ImportUpload) -> Response:
    """Import a staged upload in the request; a refused one is discarded, not kept to preview."""
    try:
        plan, _ = actions.apply_upload_plan(request.user, upload)
    except actions.FileHasProblems as refused:
        actions.discard_upload(request.user, upload)
        return _answer(refused.plan, dry_run=False)
    except ValidationError:
        actions.discard_upload(request.user, upload)
        raise
    return _answer(plan, dry_run=False)


PROPERTIES = cast(dict[str, Any], PROBLEM_SCHEMA["properties"])
IMPORT_PROBLEM = {
    **PROBLEM_SCHEMA,
    "properties": {
        **PROPERTIES,
        "importSummary": {"$ref": "#/components/schemas/ImportSummary"},
    },
}
IMPORTED = OpenApiResponse(
    ImportSummarySerializer, "What was imported (or, for a dry run, would be)."
)
REQUEST = {JSON: DataValueSetSerializer, CSV: OpenApiTypes.STR}


POST_SCHEMA = extend_schema(
    request=REQUEST,
    parameters=[ImportQuery],
    responses={
        200: IMPORTED,
        202: OpenApiResponse(JobSerializer, "A large import, started as a job: poll Location."),
        (409, PROBLEM): OpenApiResponse(
            IMPORT_PROBLEM,
            "The data values have problems (a problem document whose importSummary lists each "
            "conflict): nothing was imported.",
        ),
        (413, PROBLEM): OpenApiResponse(
            PROBLEM_SCHEMA, "The body is larger than an upload (without a token, than a form)."
        ),
        (415, PROBLEM): OpenApiResponse(
            PROBLEM_SCHEMA, "Neither JSON nor CSV, or a charset other than UTF-8."
        ),
    },
)


class DataValueSets(DataValueList):
    """Read the partnership's data values (GET), or import data values, JSON or CSV, all or
    nothing, as the import page does (POST)."""

    @POST_SCHEMA
    def post(self, request: Request, slug: str) -> Response:
        """Import data values (JSON or CSV), all or nothing, as the import page does."""
        partnership = partnership_for(request.user, slug)
        require(request.user, partnership, Capability.MANAGE_DATA)
        asked = ImportQuery(data=request.query_params)
        asked.is_valid(raise_exception=True)
        release: str = asked.validated_data["release"]
        create: bool = asked.validated_data["createElements"]
        media = _media_type(request)
        table = _table(media, _body(request))
        if asked.validated_data["dryRun"]:
            plan = actions.dry_run(
                request.user, partnership, table, release=release, create_elements=create
            )
            return _answer(plan, dry_run=True)
        upload = actions.stage_table(
            request.user,
            partnership,
            table=table,
            filename="dataValues.json" if media == JSON else "dataValues.csv",
            release=release,
            create_elements=create,
        )
        rows = len(table.rows)
        if rows > settings.BACKGROUND_IMPORT_ROWS:
            job = actions.import_in_background(request.user, upload, rows=rows, task=import_upload)
            return _started(request, job)
        return _import(request, upload)


DATA_VALUE_SETS = takes_files_with_token(served(DataValueSets))
