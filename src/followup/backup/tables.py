"""Which tables a backup holds, in which order, and how one row is written and read.

Every model Django knows is in a backup: Followup's, Django's own (users, groups, permissions,
content types, sessions, the admin's log), allauth's, the tables of many-to-many relations and
any other installed app's (django-tasks-db's, for example). A model is a table here: proxies
and unmanaged models are left out, since their rows belong to another model's table. The worker
heartbeats are left out too (``NOT_BACKED_UP``): they say which processes run beside the
installation backed up, and a restored installation would report that machine's workers as its
own, stale, until they were cleared.

Rows are Django's JSON Lines serialization with one change: dates and times keep their
microseconds (Django's own encoder cuts them to milliseconds, so a round trip would not be
exact).
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from django.apps import apps
from django.core.serializers.base import DeserializationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.serializers.jsonl import Deserializer as JSONLDeserializer
from django.core.serializers.jsonl import Serializer as JSONLSerializer
from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper

Model = type[models.Model]

# Rows read from the database at a time: few enough to bound memory, many enough to be quick.
# A table with files or documents in a column (a BinaryField) is read a few rows at a time.
BATCH_ROWS = 1000
BATCH_ROWS_WITH_BLOBS = 10


class ExactEncoder(DjangoJSONEncoder):
    """Django's JSON encoder, keeping every digit of a time (Django's drops microseconds)."""

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


def label(model: Model) -> str:
    """The model's name in the archive: ``app_label.model_name``."""
    return model._meta.label_lower


# Tables of the running installation's own processes, not of its records.
NOT_BACKED_UP = {"jobs.workerheartbeat"}


def backed_up_models() -> list[Model]:
    """Every table Django knows, each after the tables it refers to where that is possible
    (references in a cycle, and a table's references to itself, load in one transaction with
    the constraints checked at its end, so their order does not matter)."""
    tables = [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed
        and not model._meta.proxy
        and not model._meta.swapped
        and label(model) not in NOT_BACKED_UP
    ]
    tables.sort(key=label)
    known = set(tables)
    ordered: list[Model] = []
    placed: set[Model] = set()
    visiting: set[Model] = set()

    def place(model: Model) -> None:
        if model in placed or model in visiting:
            return
        visiting.add(model)
        for field in model._meta.local_concrete_fields:
            target = field.related_model if field.is_relation else None
            if isinstance(target, type) and target is not model and target in known:
                place(target)
        visiting.discard(model)
        placed.add(model)
        ordered.append(model)

    for model in tables:
        place(model)
    return ordered


def batch_rows(model: Model) -> int:
    has_blob = any(isinstance(f, models.BinaryField) for f in model._meta.local_concrete_fields)
    return BATCH_ROWS_WITH_BLOBS if has_blob else BATCH_ROWS


def rows_in_pk_order(model: Model, using: str) -> Iterator[list[models.Model]]:
    """The table's rows in batches, in primary-key order, each batch read after the last one's
    key (so memory holds one batch, and no row is read twice)."""
    size = batch_rows(model)
    query = model._base_manager.using(using).order_by("pk")
    batch = list(query[:size])
    while batch:
        yield batch
        if len(batch) < size:
            return
        batch = list(query.filter(pk__gt=batch[-1].pk)[:size])


def serialized_fields(model: Model) -> list[str]:
    """The fields written for each row: its own columns; many-to-many relations are tables of
    their own in the backup."""
    return [field.name for field in model._meta.local_concrete_fields]


def write_rows(model: Model, rows: Iterable[models.Model], write: Callable[[bytes], Any]) -> None:
    """Write the rows as JSON Lines, one row a line, through ``write(bytes)``: once for all the
    rows (the JSON encoder writes a token at a time, which costs more than the rows)."""
    text = io.StringIO()
    JSONLSerializer().serialize(
        rows, stream=text, fields=serialized_fields(model), cls=ExactEncoder
    )
    write(text.getvalue().encode("utf-8"))


def read_rows(model: Model, lines: Iterable[str], using: str) -> Iterator[models.Model]:
    """The rows of ``model`` in ``lines`` (JSON Lines), as unsaved objects. A line that is not a
    row of this model, or names a field it does not have, raises ``DeserializationError``."""
    rows = JSONLDeserializer(lines, using=using)  # type: ignore[arg-type]  # stub: a file only
    for number, item in enumerate(rows, start=1):
        obj = item.object
        if type(obj) is not model:
            raise DeserializationError(
                f"row {number:,} is a {label(type(obj))}, not a {label(model)}"
            )
        yield obj


def insert_rows(
    model: Model,
    objs: Sequence[models.Model],
    connection: BaseDatabaseWrapper,
    *,
    keys: bool = True,
) -> None:
    """Insert the rows exactly as they are: every value as given (no ``auto_now``, no signals,
    no ``save()``), many rows a statement; with their primary keys, or new ones if not ``keys``."""
    if not objs:
        return
    fields = [field for field in model._meta.local_concrete_fields if keys or not field.primary_key]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    one = "(" + ", ".join(["%s"] * len(fields)) + ")"
    size = max(1, connection.ops.bulk_batch_size(fields, objs))
    with connection.cursor() as cursor:
        for start in range(0, len(objs), size):
            chunk = objs[start : start + size]
            params: list[Any] = []
            for obj in chunk:
                params.extend(
                    field.get_db_prep_save(getattr(obj, field.attname), connection)
                    for field in fields
                )
            cursor.execute(
                f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES "
                + ", ".join([one] * len(chunk)),
                params,
            )
