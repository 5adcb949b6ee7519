"""Set-based writes for imports: a constant number of statements for any number of rows.

On PostgreSQL rows are written with COPY (new rows get their ids from the table's
sequence first, so history can point at them); elsewhere (SQLite for a first run)
Django's bulk_create/bulk_update, whose batches SQLite's variable limit decides.
"""

import io
import json
from datetime import date, datetime
from decimal import Decimal

from django.db import connection

SQLITE_IN_CHUNK = 30_000  # below SQLite's default limit of 32,766 variables


def is_postgresql() -> bool:
    return connection.vendor == "postgresql"


def in_chunks(values: list) -> list[list]:
    """`values` split for IN lookups: whole on PostgreSQL, below the variable limit elsewhere."""
    values = list(values)
    if is_postgresql() or len(values) <= SQLITE_IN_CHUNK:
        return [values]
    return [values[i:i + SQLITE_IN_CHUNK] for i in range(0, len(values), SQLITE_IN_CHUNK)]


def _copy_text(value) -> str:
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, (datetime, date)):
        value = value.isoformat()
    elif isinstance(value, (dict, list)):
        value = json.dumps(value)
    elif hasattr(value, "adapted"):  # psycopg2's Json adapter for JSON fields
        value = json.dumps(value.adapted)
    elif not isinstance(value, (str, Decimal, int, float)):
        value = str(value)
    text = str(value)
    if any(c in text for c in "\\\t\n\r"):
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text


def _copy(table: str, columns: list[str], rows) -> None:
    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join(_copy_text(v) for v in row))
        buffer.write("\n")
    buffer.seek(0)
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(f"COPY {connection.ops.quote_name(table)} ({quoted}) FROM STDIN", buffer)


def _db_values(obj, fields, *, add: bool) -> list:
    return [f.get_db_prep_save(f.pre_save(obj, add), connection) for f in fields]


def rows_insert(model, objs: list) -> None:
    """Insert `objs` (unsaved instances) and set their primary keys."""
    if not objs:
        return
    if not is_postgresql():
        model.objects.bulk_create(objs, batch_size=2000)
        return
    pk = model._meta.pk
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [model._meta.db_table, pk.column, len(objs)],
        )
        for obj, (new_id,) in zip(objs, cursor.fetchall()):
            obj.pk = new_id
    fields = [f for f in model._meta.concrete_fields]
    _copy(model._meta.db_table, [f.column for f in fields], (_db_values(o, fields, add=True) for o in objs))


def rows_update(model, objs: list, field_names: list[str]) -> None:
    """Write `field_names` of `objs` (instances with primary keys) in one statement on PostgreSQL."""
    if not objs:
        return
    fields = [model._meta.get_field(name) for name in field_names]
    if not is_postgresql():
        for obj in objs:  # auto_now fields take the current time, as save() would
            for field in fields:
                setattr(obj, field.attname, field.pre_save(obj, False))
        model.objects.bulk_update(objs, field_names, batch_size=500)
        return
    table = connection.ops.quote_name(model._meta.db_table)
    pk = model._meta.pk
    columns = [pk.column] + [f.column for f in fields]
    with connection.cursor() as cursor:
        # Same column types as the table, without its NOT NULL constraints.
        quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
        cursor.execute(f"CREATE TEMP TABLE import_update ON COMMIT DROP AS SELECT {quoted} FROM {table} WITH NO DATA")
        _copy("import_update", columns, ([obj.pk] + _db_values(obj, fields, add=False) for obj in objs))
        assignments = ", ".join(
            f"{connection.ops.quote_name(f.column)} = s.{connection.ops.quote_name(f.column)}" for f in fields
        )
        cursor.execute(
            f"UPDATE {table} AS t SET {assignments} FROM import_update AS s "
            f"WHERE t.{connection.ops.quote_name(pk.column)} = s.{connection.ops.quote_name(pk.column)}"
        )
        cursor.execute("DROP TABLE import_update")
