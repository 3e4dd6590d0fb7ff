"""Helpers of the synthetic data generator (``followup.demo.national``): seeded choices and
fast writing of many rows."""

from __future__ import annotations

import hashlib
import random
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from django.db import connection, models


def rng_for(seed: int, *parts: Any) -> random.Random:
    """A generator of its own for one thing being made: the same whatever is made before it."""
    digest = hashlib.sha256(repr((seed, *parts)).encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def uuid_from(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def batches(rows: Iterable[Any], size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def copy_rows(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Iterable[tuple[Any, ...]],
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write rows into the model's table: PostgreSQL's COPY, or batched inserts elsewhere."""
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    written = 0
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            raw = cursor.cursor
            with raw.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    written += 1
                    if progress is not None and written % 50_000 == 0:
                        progress(written)
    else:
        marks = ", ".join(["%s"] * len(columns))
        fields = [next(f for f in model._meta.concrete_fields if f.column == c) for c in columns]

        def prepared(row: tuple[Any, ...]) -> tuple[Any, ...]:
            return tuple(
                f.get_db_prep_save(v, connection) for f, v in zip(fields, row, strict=True)
            )

        with connection.cursor() as cursor:
            for batch in batches(map(prepared, rows), 10_000):
                cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", batch)
                written += len(batch)
                if progress is not None:
                    progress(written)
    if progress is not None:
        progress(written)
    return written
