"""Reads compiled once for each shape of their arguments, then run again with the real values.

Django builds and compiles a query afresh every time it runs it. For the "For you" count in
every page's header, five subqueries with their joins, that was about 2 ms of Python a page
against a small fraction of a millisecond in the database. ``Prepared(build)`` calls
``build(**stand_ins)`` once for each *shape* of its arguments (which lists hold how many ids),
with a distinct stand-in for every value, compiles the query, and remembers which parameter of
the SQL came from which argument. Every later run of that shape sends the same SQL with the
real values in those places, so the query is still written once, with the ORM, and the page
and the count still read through the same definitions.

Arguments may be ids (whole numbers), lists of ids, dates and aware datetimes: values Django
passes as parameters, never as text inside the SQL, so their places can be found after
compiling (a date or a datetime as the database adapter writes it: ``adapt_datefield_value``,
``adapt_datetimefield_value``). The rows come back as the ORM would give them: the database's
values go through the same converters (SQLite's text dates become dates, its 0 and 1
booleans). A parameter that is not a stand-in is one of the query's own constants (a state's
name, say) and is sent as compiled. A stand-in found written into the SQL itself is an error in the query's definition,
raised when the shape is first compiled; an argument a shape does not use (the staged files'
cut-off for someone who imports nothing) is simply left out.

So ``build`` may decide what to ask from the lengths of its lists (leaving out a kind whose
list is empty, say) but never from the values themselves: those it is given are stand-ins.
"""

from __future__ import annotations

import datetime
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.db.models import QuerySet

Value = int | list[int] | datetime.date | datetime.datetime
Converters = dict[int, tuple[list[Any], Any]]

# Stand-ins: ids far above any a table will reach while the compiled shape is in use, and
# dates and datetimes in 1901; each a distinct value, so that each parameter names one argument.
_FIRST_ID = 1_987_654_321
_FIRST_MOMENT = datetime.datetime(1901, 1, 1, tzinfo=datetime.UTC)
_FIRST_DAY = datetime.date(1901, 1, 1)
# Compiled shapes kept for one read: a person's lists are as long as their partnerships are many.
MAX_SHAPES = 256


@dataclass(frozen=True, slots=True)
class _Slot:
    """One parameter of the compiled SQL: an argument's value (one element of it, for a list),
    or a constant of the query."""

    argument: str | None
    index: int | None = None
    adapt: str = ""  # the adapter's name, for a date or a datetime
    constant: Any = None
    wrap: Any = None  # the integer type the backend gave an id (psycopg's Int4, say)


class Prepared:
    """A read built by ``build(**arguments)``, compiled once per shape and database."""

    def __init__(self, build: Callable[..., QuerySet[Any]]) -> None:
        self.build = build
        self._compiled: dict[tuple[Any, ...], tuple[str, list[_Slot], Converters]] = {}
        self._lock = threading.Lock()

    def rows(self, using: str = "default", **arguments: Value) -> list[tuple[Any, ...]]:
        """Every row the query gives with these arguments, as the ORM's ``values_list``."""
        connection = connections[using]
        sql, slots, converters = self._sql(using, arguments)
        params = [_value(slot, arguments, connection) for slot in slots]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            found = cursor.fetchall()
        return [_converted(row, converters, connection) for row in found]

    def first_row(self, using: str = "default", **arguments: Value) -> tuple[Any, ...] | None:
        """The first row the query gives with these arguments, or None."""
        found = self.rows(using, **arguments)
        return found[0] if found else None

    def _sql(
        self, using: str, arguments: Mapping[str, Value]
    ) -> tuple[str, list[_Slot], Converters]:
        shape = (using, *sorted((k, _shape(v)) for k, v in arguments.items()))
        found = self._compiled.get(shape)
        if found is None:
            with self._lock:
                found = self._compiled.get(shape) or self._compile(using, arguments)
                if len(self._compiled) >= MAX_SHAPES:  # shapes are few; never unbounded
                    self._compiled.clear()
                self._compiled[shape] = found
        return found

    def _compile(
        self, using: str, arguments: Mapping[str, Value]
    ) -> tuple[str, list[_Slot], Converters]:
        connection = connections[using]
        stand_ins, places = _stand_ins(arguments, connection)
        compiler = self.build(**stand_ins).query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        if not sql.startswith("SELECT"):
            raise ValueError(f"{self.build.__name__}: a prepared read is a SELECT")
        slots = [_slot(p, places) for p in params]
        for key, slot in places.items():
            if str(key[1]) in sql:
                raise ValueError(f"{self.build.__name__}: {slot.argument} is written into the SQL")
        for slot in slots:
            if slot.argument is None and str(slot.constant) in {str(k[1]) for k in places}:
                raise ValueError(f"{self.build.__name__}: a stand-in was not recognised")
        # What the ORM does to each column's value as it reads it (SQLCompiler.results_iter).
        converters = compiler.get_converters([column for column, _, _ in compiler.select])
        return sql, slots, converters


def _key(param: Any) -> tuple[type, Any]:
    """A parameter as the stand-ins are kept: an id by its value whatever integer type the
    backend wrapped it in (PostgreSQL's adapter gives ``Int4(5)`` for an integer column)."""
    if isinstance(param, int) and not isinstance(param, bool):
        return (int, int(param))
    return (type(param), param)


def _slot(param: Any, places: dict[tuple[type, Any], _Slot]) -> _Slot:
    place = places.get(_key(param))
    if place is None:
        return _Slot(None, constant=param)
    if isinstance(param, int) and type(param) is not int:
        return _Slot(place.argument, place.index, wrap=type(param))
    return place


def _shape(value: Value) -> Any:
    return ("list", len(value)) if isinstance(value, list) else type(value).__name__


def _stand_ins(
    arguments: Mapping[str, Value], connection: Any
) -> tuple[dict[str, Value], dict[tuple[type, Any], _Slot]]:
    """A distinct stand-in for every value, and the slot each one's parameter fills."""
    stand_ins: dict[str, Value] = {}
    places: dict[tuple[type, Any], _Slot] = {}
    count = 0

    def next_id(argument: str, index: int | None) -> int:
        nonlocal count
        count += 1
        places[(int, _FIRST_ID + count)] = _Slot(argument, index)
        return _FIRST_ID + count

    def next_moment(argument: str, stand_in: datetime.date, adapter: str) -> datetime.date:
        """A date or datetime stand-in, kept as the database adapter writes it."""
        adapted = getattr(connection.ops, adapter)(stand_in)
        places[(type(adapted), adapted)] = _Slot(argument, adapt=adapter)
        return stand_in

    for name, value in sorted(arguments.items()):
        if isinstance(value, datetime.datetime):
            count += 1
            moment = _FIRST_MOMENT + datetime.timedelta(seconds=count)
            stand_ins[name] = next_moment(name, moment, "adapt_datetimefield_value")
        elif isinstance(value, datetime.date):
            count += 1
            day = _FIRST_DAY + datetime.timedelta(days=count)
            stand_ins[name] = next_moment(name, day, "adapt_datefield_value")
        elif isinstance(value, list):
            stand_ins[name] = [next_id(name, i) for i in range(len(value))]
        elif isinstance(value, int) and not isinstance(value, bool):
            stand_ins[name] = next_id(name, None)
        else:
            raise TypeError(f"{name}: a prepared read takes ids, lists of ids, dates and datetimes")
    return stand_ins, places


def _value(slot: _Slot, arguments: Mapping[str, Value], connection: Any) -> Any:
    if slot.argument is None:
        return slot.constant
    value = arguments[slot.argument]
    if slot.adapt:
        return getattr(connection.ops, slot.adapt)(value)
    if isinstance(value, list) and slot.index is not None:
        value = value[slot.index]
    return slot.wrap(value) if slot.wrap is not None else value


def _converted(row: Any, converters: Converters, connection: Any) -> tuple[Any, ...]:
    """The row with each column's converters applied, as ``SQLCompiler.apply_converters``
    does, with this thread's connection."""
    if not converters:
        return tuple(row)
    values = list(row)
    for position, (functions, expression) in converters.items():
        for convert in functions:
            values[position] = convert(values[position], expression, connection)
    return tuple(values)
