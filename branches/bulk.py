"""Bulk writes without model instances: demo data, the dashboards' figures, a notice's recipients.

For hundreds of thousands of rows (attendance, ledger entries, figures) ``bulk_create`` spends most of its
time building objects and preparing each field. Here rows are tuples. On PostgreSQL each chunk is one
multi-row ``INSERT`` built by psycopg2's ``execute_values`` (its ``executemany`` sends one statement per
row); elsewhere ``executemany``. The conflict clauses are Django's own (``insert_statement`` and
``on_conflict_suffix_sql`` of the connection's operations). Values are always bound parameters; the
statement is built only from the model's own table and column names. Columns the rows leave out must have
a database default or be nullable: model defaults are not applied here.
"""

from django.core.exceptions import FieldDoesNotExist
from django.db import connection
from django.db.models.constants import OnConflict


def _column(model, name: str) -> str:
    try:
        return model._meta.get_field(name).column
    except FieldDoesNotExist:
        return model._meta.get_field(name.removesuffix("_id")).column


def _write(model, columns, rows, chunk, on_conflict=None, unique=()) -> int:
    if not rows:
        return 0
    ops = connection.ops
    names = [_column(model, c) for c in columns]
    keys = [_column(model, c) for c in unique]
    update = [n for n in names if n not in keys]
    verb = ops.insert_statement(on_conflict=on_conflict)
    suffix = ops.on_conflict_suffix_sql(None, on_conflict, update, keys)
    head = f"{verb} {ops.quote_name(model._meta.db_table)} ({', '.join(map(ops.quote_name, names))}) VALUES"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            from psycopg2.extras import execute_values

            sql = f"{head} %s {suffix}"  # noqa: S608  # nosec B608  (identifiers from the model's metadata)
            for i in range(0, len(rows), chunk):
                execute_values(cursor.cursor, sql, rows[i : i + chunk], page_size=chunk)
        else:
            sql = f"{head} ({', '.join(['%s'] * len(names))}) {suffix}"  # noqa: S608  # nosec B608
            for i in range(0, len(rows), chunk):
                cursor.executemany(sql, rows[i : i + chunk])
    return len(rows)


def insert_rows(
    model, columns: list[str], rows: list[tuple], chunk: int = 10000, *, ignore_conflicts: bool = False
) -> int:
    """Insert ``rows`` (tuples in ``columns`` order; field names or ``<fk>_id``) into ``model``'s table;
    ``ignore_conflicts`` skips rows that would break a unique constraint."""
    return _write(model, columns, rows, chunk, OnConflict.IGNORE if ignore_conflicts else None)


def upsert_rows(model, columns: list[str], rows: list[tuple], *, unique: list[str], chunk: int = 5000) -> int:
    """Insert ``rows`` or, where a row with the same ``unique`` columns exists, overwrite its other columns."""
    return _write(model, columns, rows, chunk, OnConflict.UPDATE, unique)
