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


def insert_rows(model, columns: list[str], rows: list[tuple], chunk: int = 10000) -> int:
    """Insert ``rows`` (tuples in ``columns`` order; field names or ``<fk>_id``) into ``model``'s table."""
    qn = connection.ops.quote_name
    table = qn(model._meta.db_table)
    cols = ", ".join(qn(_column(model, c)) for c in columns)
    placeholders = ", ".join(["%s"] * len(columns))
    # Identifiers come from the model metadata, values are bound parameters.
    sql = f"INSERT INTO {table} ({cols}) VALUES ({placeholders})"  # noqa: S608  # nosec B608
    with connection.cursor() as cursor:
        for i in range(0, len(rows), chunk):
            cursor.executemany(sql, rows[i : i + chunk])
    return len(rows)
