"""Claiming a batch of queue rows in one statement (outbox events, notification
deliveries).

``claim()`` runs ``UPDATE … SET … WHERE id IN (SELECT id … ORDER BY … LIMIT n FOR UPDATE
SKIP LOCKED) RETURNING id``: the rows are marked as taken and locked until the caller's
transaction ends, and concurrent workers skip them instead of waiting. SQLite has one
writer at a time and no row locks, so there the same statement without the lock clause
is just as exclusive.
"""

from django.db import connections
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
