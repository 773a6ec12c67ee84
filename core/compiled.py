"""ORM statements compiled once per database and run again with each call's values.

Building and compiling a query with the ORM costs about a millisecond of Python, many times what the
database spends running a look-up by key; on a hot path (the call queue's hand-out and outcome, a dozen
statements a lead: issue 19) that is most of the work. A statement here is built once with stand-in
values (``Slots``), compiled by the ORM for the database (so it is the SQL the ORM writes there), and run
with each call's values in the stand-ins' places; a SELECT's rows become model instances as the ORM
makes them (the database's converters, ``from_db``, ``select_related`` objects).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any, Generic, TypeVar, cast

from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.query import get_related_populators  # type: ignore[attr-defined]  # missing from the stubs
from django.db.models.sql import InsertQuery, UpdateQuery

M = TypeVar("M", bound=Model)

_KINDS = (int, str, Decimal, uuid.UUID, dt.datetime, dt.date)


class Slots:
    """One stand-in per name, of the value's type, that no real row holds: where each call's values go."""

    def __init__(self, **kinds: type):
        self.kinds = kinds
        self.values: dict[str, Any] = {name: _stand_in(kind, index) for index, (name, kind) in enumerate(kinds.items())}

    def __getitem__(self, name: str) -> Any:
        return self.values[name]


def compile_query(query, alias: str, *, returning_fields: list | None = None):
    """The query's compiler for the database and its SQL: the one place statements here are compiled, so the
    tests' SQL Server shadow (tests/tsql_shadow.py) compiles each of them for SQL Server too."""
    compiler = query.get_compiler(alias)
    if returning_fields is not None:
        compiler.returning_fields = returning_fields
    return compiler, compiler.as_sql()


def _stand_in(kind: type, index: int) -> Any:
    if kind is int:
        return -1_000_000_007 - index
    if kind is str:
        return f"«stand-in {index}»"
    if kind is Decimal:  # a fraction, so never equal to an int stand-in; within DecimalField(18, 2)
        return Decimal(f"-1000000007.{index + 11:02d}")
    if kind is uuid.UUID:
        return uuid.UUID(int=1_000_000_007 + index)
    if kind is dt.datetime:
        return dt.datetime(1901, 2, 3, 4, 5, index, tzinfo=dt.UTC)
    if kind is dt.date:
        return dt.date(1901, 2, 3) + dt.timedelta(days=index)
    raise TypeError(f"no stand-in for {kind.__name__}: only {', '.join(kind.__name__ for kind in _KINDS)}")


class Statement:
    """Compiled SQL whose parameters are either the ORM's constants or a slot filled at each run."""

    def __init__(self, *, alias: str, sql: str, params: tuple | list, slots: Slots):
        self.alias, self.sql = alias, sql
        ops = connections[alias].ops
        where: dict[Any, str] = {}
        for name, value in slots.values.items():
            where[value] = name
            where[_adapt(ops, slots.kinds[name], value)] = name
        # Each parameter: (True, a slot's name), (False, a constant), or (False, [each item's place]) for an array.
        self.params: list[tuple[bool, Any]] = [_place(param, where) for param in params]
        missing = set(slots.values) - set(_slot_names(self.params))
        if missing:
            raise RuntimeError(f"the compiled statement has no place for {', '.join(sorted(missing))}")
        self.kinds = slots.kinds

    def bind(self, values: Mapping[str, Any]) -> list:
        ops = connections[self.alias].ops
        return [self._fill(place, values, ops) for place in self.params]

    def _fill(self, place: tuple[bool, Any], values: Mapping[str, Any], ops) -> Any:
        is_slot, item = place
        if is_slot:
            return _adapt(ops, self.kinds[item], values[item])
        if isinstance(item, list):
            return [self._fill(inner, values, ops) for inner in item]
        return item

    def execute(self, **values: Any) -> int:
        """Run it; the number of rows it changed."""
        with connections[self.alias].cursor() as cursor:
            cursor.execute(self.sql, self.bind(values))
            return cursor.rowcount


def _place(param: Any, where: Mapping[Any, str]) -> tuple[bool, Any]:
    if isinstance(param, list):  # a column's values as one array (PostgreSQL's multi-row INSERT from UNNEST)
        return False, [_place(item, where) for item in param]
    return param in where, where.get(param, param)


def _slot_names(places: list[tuple[bool, Any]]) -> Iterator[str]:
    for is_slot, item in places:
        if is_slot:
            yield item
        elif isinstance(item, list):
            yield from _slot_names(item)


def _adapt(ops, kind: type, value: Any) -> Any:
    if value is None:
        return None
    if kind is dt.datetime:
        return ops.adapt_datetimefield_value(value)
    if kind is dt.date:
        return ops.adapt_datefield_value(value)
    if kind is uuid.UUID and not ops.connection.features.has_native_uuid_field:
        return value.hex  # as UUIDField stores it without a native type (SQLite, SQL Server)
    return value


class Select(Statement, Generic[M]):
    """A SELECT of model instances (with their ``select_related`` objects and annotations)."""

    def __init__(self, queryset: QuerySet[M], *, alias: str, slots: Slots):
        compiler, (sql, params) = compile_query(queryset.query, alias)
        super().__init__(alias=alias, sql=sql, params=params, slots=slots)
        select, klass_info = compiler.select, compiler.klass_info
        if klass_info is None:
            raise ValueError("only a queryset of model instances is compiled")
        self.annotations = list(compiler.annotation_col_map.items())
        self.model: type[M] = klass_info["model"]
        fields = klass_info["select_fields"]
        self.start, self.end = fields[0], fields[-1] + 1
        self.init_list = [column[0].target.attname for column in select[self.start : self.end]]
        self.populators = get_related_populators(klass_info, select, alias)
        self.converters = list(compiler.get_converters([column[0] for column in select]).items())

    def all(self, **values: Any) -> list[M]:
        connection = connections[self.alias]
        with connection.cursor() as cursor:
            cursor.execute(self.sql, self.bind(values))
            rows = cursor.fetchall()
        found = []
        for fetched in rows:
            row = list(fetched)
            for position, (converters, expression) in self.converters:
                for converter in converters:
                    row[position] = converter(row[position], expression, connection)
            instance = self.model.from_db(self.alias, self.init_list, row[self.start : self.end])
            for populator in self.populators:
                populator.populate(row, instance)
            for name, position in self.annotations:
                setattr(instance, name, row[position])
            found.append(instance)
        return found

    def first(self, **values: Any) -> M | None:
        found = self.all(**values)
        return found[0] if found else None


def compile_update(queryset: QuerySet, changes: Mapping[str, Any], *, alias: str) -> tuple[str, list]:
    """``queryset.update(**changes)``'s SQL and parameters (no ``auto_now`` is added: name every column to set)."""
    query = cast(UpdateQuery, queryset.query.chain(UpdateQuery))
    query.add_update_values(dict(changes))
    _compiler, (sql, params) = compile_query(query, alias)
    return sql, list(params)


def update(queryset: QuerySet, changes: Mapping[str, Any], *, alias: str, slots: Slots) -> Statement:
    """``queryset.update(**changes)`` compiled, to run with each call's values in the slots."""
    sql, params = compile_update(queryset, changes, alias=alias)
    return Statement(alias=alias, sql=sql, params=params, slots=slots)


class Insert(Statement, Generic[M]):
    """An INSERT of one row whose columns are the slots, named by the fields' attnames ("agent_id"). Values
    go in as given: no ``auto_now_add`` (nor other ``pre_save``) value is filled in, so pass those too."""

    def __init__(self, model: type[M], *, alias: str, slots: Slots):
        by_attname = {field.attname: field for field in model._meta.concrete_fields}
        query = InsertQuery(model)
        query.insert_values([by_attname[name] for name in slots.values], [model(**slots.values)], raw=True)
        compiler, [(sql, params)] = compile_query(query, alias, returning_fields=[model._meta.pk])
        super().__init__(alias=alias, sql=sql, params=params, slots=slots)
        self.model, self.returning_params = model, compiler.returning_params

    def create(self, **values: Any) -> M:
        """Insert the row; the new instance, as ``Model.objects.create`` returns it."""
        connection = connections[self.alias]
        meta = self.model._meta
        with connection.cursor() as cursor:
            cursor.execute(self.sql, self.bind(values))
            if connection.features.can_return_columns_from_insert:
                pk = connection.ops.fetch_returned_insert_columns(cursor, self.returning_params)[0]
            else:
                pk = connection.ops.last_insert_id(cursor, meta.db_table, meta.pk.column)
        instance = self.model(pk=pk, **values)
        instance._state.adding, instance._state.db = False, self.alias
        return instance


class InsertRows(Generic[M]):
    """``rows`` rows of one shape (the slots) in one INSERT, as ``bulk_create`` writes them, where the database returns
    the keys of a multi-row INSERT (PostgreSQL, SQLite); one INSERT a row where it does not (SQL Server), as there."""

    def __init__(self, model: type[M], *, alias: str, slots: Slots, rows: int):
        self.model, self.alias, self.rows = model, alias, rows
        self.statement: Statement
        self.each_row: Insert[M] | None = None
        if not connections[alias].features.can_return_rows_from_bulk_insert:
            self.statement = self.each_row = Insert(model, alias=alias, slots=slots)
            return
        numbered = Slots(**{f"{name}.{row}": kind for row in range(rows) for name, kind in slots.kinds.items()})
        by_attname = {field.attname: field for field in model._meta.concrete_fields}
        query = InsertQuery(model)
        query.insert_values(
            [by_attname[name] for name in slots.kinds],
            [model(**{name: numbered[f"{name}.{row}"] for name in slots.kinds}) for row in range(rows)],
            raw=True,
        )
        _compiler, [(sql, params)] = compile_query(query, alias, returning_fields=[model._meta.pk])
        self.statement = Statement(alias=alias, sql=sql, params=params, slots=numbered)

    def create(self, rows: Sequence[Mapping[str, Any]]) -> list[M]:
        """Insert the rows; the new instances in their order, as ``bulk_create`` returns them."""
        if len(rows) != self.rows:
            raise ValueError(f"compiled for {self.rows} rows, given {len(rows)}")
        if self.each_row is not None:
            return [self.each_row.create(**row) for row in rows]
        values = {f"{name}.{index}": value for index, row in enumerate(rows) for name, value in row.items()}
        connection = connections[self.alias]
        with connection.cursor() as cursor:
            cursor.execute(self.statement.sql, self.statement.bind(values))
            keys = cursor.fetchall()  # the RETURNING rows, in the order of the VALUES (what bulk_create reads)
        made = []
        for (pk,), row in zip(keys, rows, strict=True):
            instance = self.model(pk=pk, **row)
            instance._state.adding, instance._state.db = False, self.alias
            made.append(instance)
        return made
