"""Fast bulk inserts for demo data: plain ``executemany``, no model instances.

For hundreds of thousands of rows (attendance, ledger entries) at city scale, where
``bulk_create`` spends most of its time building objects. Values are always bound
parameters; the statement is built only from the model's own table and column names.
"""

from django.core.exceptions import FieldDoesNotExist
from django.db import connection


def _column(model, name: str) -> str:
    try:
        return model._meta.get_field(name).column
    except FieldDoesNotExist:
        return model._meta.get_field(name.removesuffix("_id")).column


def insert_rows(
    model, columns: list[str], rows: list[tuple], chunk: int = 10000, *, ignore_conflicts: bool = False
) -> int:
    """Insert ``rows`` (tuples in ``columns`` order; field names or ``<fk>_id``) into ``model``'s table.

    On PostgreSQL one multi-row ``INSERT`` per chunk (psycopg2's ``execute_values``: its ``executemany`` sends
    one statement per row); elsewhere ``executemany``. ``ignore_conflicts`` skips rows that would break a
    unique constraint (``ON CONFLICT DO NOTHING`` / ``INSERT OR IGNORE``). Columns the rows leave out must
    have a database default or be nullable: model defaults are not applied here.
    """
    if not rows:
        return 0
    qn = connection.ops.quote_name
    table = qn(model._meta.db_table)
    cols = ", ".join(qn(_column(model, c)) for c in columns)
    ignore = ignore_conflicts and connection.features.supports_ignore_conflicts
    if connection.vendor == "postgresql":
        from psycopg2.extras import execute_values

        suffix = " ON CONFLICT DO NOTHING" if ignore else ""
        # Identifiers come from the model metadata, values are bound parameters.
        sql = f"INSERT INTO {table} ({cols}) VALUES %s{suffix}"  # noqa: S608  # nosec B608
        with connection.cursor() as cursor:
            for i in range(0, len(rows), chunk):
                execute_values(cursor.cursor, sql, rows[i : i + chunk], page_size=chunk)
        return len(rows)
    placeholders = ", ".join(["%s"] * len(columns))
    verb = "INSERT OR IGNORE" if ignore else "INSERT"
    sql = f"{verb} INTO {table} ({cols}) VALUES ({placeholders})"  # noqa: S608  # nosec B608
    with connection.cursor() as cursor:
        for i in range(0, len(rows), chunk):
            cursor.executemany(sql, rows[i : i + chunk])
    return len(rows)


def upsert_rows(model, columns: list[str], rows: list[tuple], *, unique: list[str], chunk: int = 5000) -> int:
    """Insert ``rows`` or, where a row with the same ``unique`` columns exists, overwrite its other columns.

    On PostgreSQL one multi-row ``INSERT … ON CONFLICT DO UPDATE`` per chunk, built by psycopg2's
    ``execute_values`` (no model instances, no per-field preparation: the dashboards' refresh writes
    hundreds of thousands of figures). Elsewhere Django's ``bulk_create(update_conflicts=True)``.
    """
    if not rows:
        return 0
    update = [c for c in columns if c not in unique]
    if connection.vendor != "postgresql":
        objs = [model(**dict(zip(columns, row, strict=True))) for row in rows]
        model.objects.bulk_create(
            objs,
            batch_size=chunk,
            update_conflicts=True,
            unique_fields=[c.removesuffix("_id") for c in unique],
            update_fields=[c.removesuffix("_id") for c in update],
        )
        return len(rows)
    from psycopg2.extras import execute_values

    qn = connection.ops.quote_name
    table = qn(model._meta.db_table)
    cols = ", ".join(qn(_column(model, c)) for c in columns)
    conflict = ", ".join(qn(_column(model, c)) for c in unique)
    sets = ", ".join(f"{qn(_column(model, c))} = EXCLUDED.{qn(_column(model, c))}" for c in update)
    # Identifiers come from the model metadata, values are bound parameters.
    sql = f"INSERT INTO {table} ({cols}) VALUES %s ON CONFLICT ({conflict}) DO UPDATE SET {sets}"  # noqa: S608  # nosec B608
    with connection.cursor() as cursor:
        for i in range(0, len(rows), chunk):
            execute_values(cursor.cursor, sql, rows[i : i + chunk], page_size=chunk)
    return len(rows)
