"""Claiming a batch of queue rows in one statement (outbox events, notification
deliveries), and writing each row's own outcome in one statement.

``claim()`` runs ``UPDATE … SET … WHERE id IN (SELECT id … ORDER BY … LIMIT n FOR UPDATE
SKIP LOCKED) RETURNING id``: the rows are marked as taken and locked until the caller's
transaction ends, and concurrent workers skip them instead of waiting. SQLite has one
writer at a time and no row locks, so there the same statement without the lock clause
is just as exclusive.
"""

from django.db import connections, router
from django.db.models import QuerySet


def claim(queryset: QuerySet, *, limit: int, assignments: str, params=()) -> list:
    """Apply ``assignments`` (SQL ``col = expr, …`` with ``%s`` ``params``) to at most
    ``limit`` rows of ``queryset`` in its order; returns their primary keys.

    Call inside ``transaction.atomic()``: the row locks last until it ends.
    """
    model = queryset.model
    connection = connections[queryset.db]
    subquery = queryset.values_list("pk")[:limit]
    if connection.features.has_select_for_update_skip_locked:
        subquery = subquery.select_for_update(skip_locked=True)
    sub_sql, sub_params = subquery.query.sql_with_params()
    quote = connection.ops.quote_name
    table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
    # Quoted names, the caller's fixed assignments and the ORM's compiled subquery:
    # every value travels as a parameter.
    sql = f"UPDATE {table} SET {assignments} WHERE {pk} IN ({sub_sql}) RETURNING {pk}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *sub_params])
        return [model._meta.pk.to_python(row[0]) for row in cursor.fetchall()]


def update_each(model, rows: list[tuple], *, fields: list[str], where: str = "", params=()) -> int:
    """Give each row its own values in one statement: ``rows`` are ``(pk, value, …)`` in
    the order of ``fields`` (Python values of those model fields); ``where`` (SQL on the
    table, ``%s`` ``params``) narrows which rows change. Returns how many changed.

    ``WITH v(…) AS (VALUES …) UPDATE … FROM v``: PostgreSQL and SQLite ≥ 3.33 alike,
    without the per-row ``CASE`` that ``bulk_update`` compiles.
    """
    if not rows:
        return 0
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = [model._meta.pk] + [model._meta.get_field(name) for name in fields]
    names = ", ".join(quote(f"v_{column.column}") for column in columns)
    values, flat = [], []
    for row in rows:
        values.append("(" + ", ".join(["%s"] * len(columns)) + ")")
        flat.extend(
            column.get_db_prep_save(value, connection)
            for column, value in zip(columns, row, strict=True)
        )
    assignments = ", ".join(
        f"{quote(column.column)} = {_typed(connection, column, 'v.' + quote('v_' + column.column))}"
        for column in columns[1:]
    )
    pk = quote(columns[0].column)
    condition = f"{table}.{pk} = v.{quote('v_' + columns[0].column)}"
    if where:
        condition += f" AND ({where})"
    # Quoted names and placeholders only: every value travels as a parameter.
    sql = (
        f"WITH v ({names}) AS (VALUES {', '.join(values)}) "  # noqa: S608
        f"UPDATE {table} SET {assignments} FROM v WHERE {condition}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*flat, *params])
        return cursor.rowcount


def _typed(connection, field, expression: str) -> str:
    """PostgreSQL reads a column of NULLs in VALUES as text: cast to the field's type."""
    if connection.vendor != "postgresql":
        return expression
    return f"CAST({expression} AS {field.db_type(connection)})"
