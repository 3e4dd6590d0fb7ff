"""Matching words with the database's own full-text search: SQLite's FTS5 on the embedded
default, PostgreSQL's text search where it runs. ``searchindex`` keeps the indexes.

A search is the words of what was typed, all of which must be found (in any form the stemmer
joins: "fostering" finds "foster"). Only word characters reach the database, so no input is a
syntax error.
"""

from __future__ import annotations

import re
from typing import TypeVar

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db import connection
from django.db.models import F, Model, QuerySet
from django.db.models.expressions import RawSQL

from followup.front.searchindex import CONFIG, INDEXED, TOKENIZE, pg_vector

M = TypeVar("M", bound=Model)
MAX_WORDS = 12
COLUMNS = {table: (index, columns) for index, table, columns in INDEXED}


def words_of(text: str) -> list[str]:
    """The words of a search, lower-cased, at most ``MAX_WORDS``."""
    return re.findall(r"\w+", text.lower())[:MAX_WORDS]


def _fts5(words: list[str]) -> str:
    # Each word quoted: FTS5 reads it as a string, never as an operator or a column name.
    return " ".join(f'"{word}"' for word in words)


def matching(query: QuerySet[M], words: list[str]) -> QuerySet[M]:
    """The rows of ``query`` whose indexed text holds every word, best match first."""
    table = query.model._meta.db_table
    index, columns = COLUMNS[table]
    if connection.vendor == "postgresql":
        found = SearchQuery(" ".join(words), config=CONFIG, search_type="plain")
        vector = RawSQL(pg_vector(table, columns), [], SearchVectorField())
        ranked: QuerySet[M] = (
            query.annotate(found=vector)
            .filter(found=found)
            .annotate(rank=SearchRank(F("found"), found))
            .order_by("-rank", "-pk")
        )
        return ranked
    match = _fts5(words)
    rows = RawSQL(f"SELECT rowid FROM {index} WHERE {index} MATCH %s", [match])
    # FTS5's rank is its BM25 score, lower for a better match.
    rank = RawSQL(
        f'(SELECT rank FROM {index} WHERE {index} MATCH %s AND rowid = "{table}"."id")', [match]
    )
    best_first: QuerySet[M] = query.filter(pk__in=rows).annotate(rank=rank)
    return best_first.order_by("rank", "-pk")


def texts_matching(texts: dict[int, str], words: list[str]) -> set[int]:
    """Which of ``texts`` (by key) hold every word, by the same rules as ``matching``: for text
    worked out on reading (a quote's published words), which no index holds."""
    if not texts or not words:
        return set()
    keys, bodies = list(texts), list(texts.values())
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT n FROM unnest(%s::bigint[], %s::text[]) AS t(n, body) "
                "WHERE to_tsvector(%s::regconfig, body) @@ plainto_tsquery(%s::regconfig, %s)",
                [keys, bodies, CONFIG, CONFIG, " ".join(words)],
            )
            return {row[0] for row in cursor.fetchall()}
        # A table of this connection's own, gone when it closes: it holds the texts of one search.
        cursor.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_check "
            f"USING fts5(body, tokenize='{TOKENIZE}')"
        )
        cursor.execute("DELETE FROM temp.search_check")
        cursor.executemany(
            "INSERT INTO temp.search_check(rowid, body) VALUES (%s, %s)",
            list(zip(keys, bodies, strict=True)),
        )
        cursor.execute(
            "SELECT rowid FROM temp.search_check WHERE search_check MATCH %s", [_fts5(words)]
        )
        found = {row[0] for row in cursor.fetchall()}
        cursor.execute("DELETE FROM temp.search_check")
        return found


def snippet(text: str, words: list[str], width: int = 160) -> str:
    """About ``width`` characters of ``text`` around the first place one of ``words`` starts."""
    text = " ".join(text.split())
    lowered = text.lower()
    places = [p for p in (lowered.find(w[:5]) for w in words) if p >= 0]
    start = max(0, min(places) - width // 3) if places else 0
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < start + 20 else start
    end = start + width
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    return ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")
