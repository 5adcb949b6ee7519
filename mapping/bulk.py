"""Set-based writes for imports: a constant number of statements for any number of rows.

New rows get their ids first (so history can point at them), then every row goes in
with one statement: COPY on PostgreSQL, executemany on SQLite (the first-run database),
where Django's bulk_create would split the rows by SQLite's 999-parameter limit.
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


def _new_ids(model, count: int) -> list[int]:
    """Ids for `count` new rows, taken before inserting so history can point at them."""
    pk = model._meta.pk
    with connection.cursor() as cursor:
        if is_postgresql():
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [model._meta.db_table, pk.column, count],
            )
            return [row[0] for row in cursor.fetchall()]
        # SQLite (first run, one writer): the write lock is held until the transaction ends.
        table, column = connection.ops.quote_name(model._meta.db_table), connection.ops.quote_name(pk.column)
        cursor.execute(f"SELECT COALESCE(MAX({column}), 0) FROM {table}")
        start = cursor.fetchone()[0]
        if "sqlite_sequence" in connection.introspection.table_names(cursor):
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [model._meta.db_table])
            row = cursor.fetchone()
            start = max(start, row[0] if row else 0)
        return list(range(start + 1, start + 1 + count))


def rows_insert(model, objs: list) -> None:
    """Insert `objs` (unsaved instances) in one statement; auto ids are set on them first."""
    if not objs:
        return
    pk = model._meta.pk
    if pk.get_internal_type() in ("AutoField", "BigAutoField", "SmallAutoField"):
        for obj, new_id in zip(objs, _new_ids(model, len(objs))):
            obj.pk = new_id
    fields = list(model._meta.concrete_fields)
    rows = (_db_values(o, fields, add=True) for o in objs)
    if is_postgresql():
        _copy(model._meta.db_table, [f.column for f in fields], rows)
        return
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({marks})", list(rows))


def rows_update(model, objs: list, field_names: list[str]) -> None:
    """Write `field_names` of `objs` (instances with primary keys) in one statement."""
    if not objs:
        return
    fields = [model._meta.get_field(name) for name in field_names]
    table = connection.ops.quote_name(model._meta.db_table)
    pk = model._meta.pk
    quote = connection.ops.quote_name
    if not is_postgresql():
        assignments = ", ".join(f"{quote(f.column)} = %s" for f in fields)
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {table} SET {assignments} WHERE {quote(pk.column)} = %s",
                [_db_values(obj, fields, add=False) + [obj.pk] for obj in objs],
            )
        return
    columns = [pk.column] + [f.column for f in fields]
    with connection.cursor() as cursor:
        # Same column types as the table, without its NOT NULL constraints.
        quoted = ", ".join(quote(c) for c in columns)
        cursor.execute(f"CREATE TEMP TABLE import_update ON COMMIT DROP AS SELECT {quoted} FROM {table} WITH NO DATA")
        _copy("import_update", columns, ([obj.pk] + _db_values(obj, fields, add=False) for obj in objs))
        assignments = ", ".join(f"{quote(f.column)} = s.{quote(f.column)}" for f in fields)
        cursor.execute(
            f"UPDATE {table} AS t SET {assignments} FROM import_update AS s "
            f"WHERE t.{quote(pk.column)} = s.{quote(pk.column)}"
        )
        cursor.execute("DROP TABLE import_update")
