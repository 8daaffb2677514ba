"""Bulk writes without model instances: demo data, the dashboards' figures, a notice's recipients.

For hundreds of thousands of rows (attendance, ledger entries, figures) ``bulk_create`` spends most of its
time building objects and preparing each field. Here rows are tuples. On PostgreSQL each chunk is one
multi-row ``INSERT`` built by psycopg2's ``execute_values`` (its ``executemany`` sends one statement per
row); elsewhere ``executemany``. The conflict clauses are Django's own (``insert_statement`` and
``on_conflict_suffix_sql`` of the connection's operations). Values are always bound parameters; the
statement is built only from the model's own table and column names. Columns the rows leave out must have
a database default or be nullable: model defaults are not applied here.
"""

import io

from django.core.exceptions import FieldDoesNotExist
from django.db import connection, transaction
from django.db.models.constants import OnConflict


def _column(model, name: str) -> str:
    try:
        return model._meta.get_field(name).column
    except FieldDoesNotExist:
        return model._meta.get_field(name.removesuffix("_id")).column


def _names(model, columns, unique) -> tuple[list[str], list[str], list[str]]:
    """The table's column names for ``columns``, for the ``unique`` key, and for the columns an upsert updates."""
    names = [_column(model, c) for c in columns]
    keys = [_column(model, c) for c in unique]
    return names, keys, [n for n in names if n not in keys]


def _write(model, columns, rows, chunk, on_conflict=None, unique=()) -> int:
    if not rows:
        return 0
    ops = connection.ops
    names, keys, update = _names(model, columns, unique)
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


def _copy_text(value) -> str:
    """One field in PostgreSQL's COPY text format: ``\\N`` for NULL, backslash, tab and line ends escaped."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _copy_upsert(model, columns, rows, unique, changed) -> int:
    """PostgreSQL: the rows are streamed with ``COPY`` into a temporary table dropped at commit, then written
    with one ``INSERT … SELECT … ON CONFLICT``. About a third faster than multi-row ``INSERT``s for the
    dashboards' 650,000 figures (no statement to build and parse per chunk)."""
    ops = connection.ops
    names, keys, update = _names(model, columns, unique)
    cols = ", ".join(map(ops.quote_name, names))
    table = ops.quote_name(model._meta.db_table)
    staging = ops.quote_name(f"_upsert_{model._meta.db_table}")
    suffix = ops.on_conflict_suffix_sql(None, OnConflict.UPDATE, update, keys)
    if changed:
        # Rows whose values are unchanged are left alone: no new row version, no index entries to write.
        differs = " OR ".join(
            f"{table}.{ops.quote_name(c)} IS DISTINCT FROM EXCLUDED.{ops.quote_name(c)}"
            for c in (_column(model, name) for name in changed)
        )
        suffix = f"{suffix} WHERE {differs}"
    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join(map(_copy_text, row)))
        buffer.write("\n")
    buffer.seek(0)
    # Identifiers come from the model's metadata; every value travels in the COPY stream.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {staging}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {staging} ON COMMIT DROP AS SELECT {cols} FROM {table} WITH NO DATA"  # noqa: S608  # nosec B608
        )
        cursor.cursor.copy_expert(f"COPY {staging} ({cols}) FROM STDIN", buffer)
        cursor.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM {staging} {suffix}")  # noqa: S608  # nosec B608
        cursor.execute(f"DROP TABLE {staging}")
    return len(rows)


def upsert_rows(
    model, columns: list[str], rows: list[tuple], *, unique: list[str], chunk: int = 5000, changed=()
) -> int:
    """Insert ``rows`` or, where a row with the same ``unique`` columns exists, overwrite its other columns;
    with ``changed`` (PostgreSQL) only where one of those columns differs."""
    if rows and connection.vendor == "postgresql":
        return _copy_upsert(model, columns, rows, unique, changed)
    return _write(model, columns, rows, chunk, OnConflict.UPDATE, unique)
