"""Set-based writes for imports: a constant number of statements for any number of rows.

New rows get their ids first (so history can point at them), then every row goes in
with one statement: COPY on PostgreSQL, executemany on SQLite (the first-run database),
where Django's bulk_create would split the rows by SQLite's 999-parameter limit.
"""

import io
import json
import re

from django.db import connection
from django.db.models import Field, ForeignObject, Lookup
from django.utils import timezone

SQLITE_IN_CHUNK = 30_000  # below SQLite's default limit of 32,766 variables


class AnyOf(Lookup):
    """`field__any_of=[...]`: one array parameter on PostgreSQL (`= ANY(%s)`), IN elsewhere.

    Django's `__in` compiles one placeholder per value, which at 100,000 ids costs more
    than the query; callers pass lists from in_chunks() so SQLite stays under its limit.
    """

    lookup_name = "any_of"
    prepare_rhs = False

    def get_db_prep_lookup(self, value, connection):
        return "%s", [list(value)]

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        values = list(self.rhs)
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s)", [*lhs_params, values]
        if not values:
            return "1 = 0", []
        return f"{lhs} IN ({', '.join(['%s'] * len(values))})", [*lhs_params, *values]


Field.register_lookup(AnyOf)
ForeignObject.register_lookup(AnyOf)  # relations keep their own lookup registry


def is_postgresql() -> bool:
    return connection.vendor == "postgresql"


def in_chunks(values: list) -> list[list]:
    """`values` split for IN lookups: whole on PostgreSQL, below the variable limit elsewhere."""
    values = list(values)
    if is_postgresql() or len(values) <= SQLITE_IN_CHUNK:
        return [values]
    return [values[i:i + SQLITE_IN_CHUNK] for i in range(0, len(values), SQLITE_IN_CHUNK)]



def planner_statistics_refresh(*models) -> None:
    """After writing many rows at once (demo data, a rebuild): PostgreSQL's planner statistics
    of these tables refreshed (ANALYZE), so the queries that follow are planned for the rows
    now there, not for the empty tables autovacuum last saw. Nothing on SQLite."""
    if not is_postgresql():
        return
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")

COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r", "\x01": "\\001"})
COPY_UNESCAPES = {"\\\\": "\\", "\\t": "\t", "\\n": "\n", "\\r": "\r", "\\001": "\x01"}
COPY_ESCAPE = re.compile(r"\\(?:\\|t|n|r|001)")
NULL = r"\N"


def _json_text(value) -> str:
    """JSON as COPY text. A GeoJSON point, most of what an import writes as JSON, is spelled
    out directly (the same text json.dumps gives, five times faster)."""
    if value is None:
        return NULL
    if type(value) is dict and len(value) == 2 and value.get("type") == "Point":
        lng, lat = value["coordinates"]
        if type(lng) is float and type(lat) is float:
            return f'{{"type": "Point", "coordinates": [{lng!r}, {lat!r}]}}'
    return json.dumps(value).translate(COPY_ESCAPES)


class NulCharacter(ValueError):
    """Text with a NUL character: PostgreSQL cannot store it, so no database gets it."""


def _refuse_nul(field, text: str) -> str:
    if "\x00" in text:
        raise NulCharacter(f"{field.model._meta.label}.{field.attname}: NUL character in {text[:40]!r}")
    return text


def _db_converter(field):
    """The SQLite path's conversion: Django's own, with the same refusal of NUL."""
    if field.get_internal_type() in ("CharField", "TextField", "SlugField"):
        return lambda v: None if v is None else _refuse_nul(field, field.get_db_prep_save(v, connection))
    return lambda v: field.get_db_prep_save(v, connection)


def _copy_converter(field):
    """A function from the field's Python value to COPY text, chosen once per field.

    Django's get_db_prep_save per value costs more than the COPY itself at 100,000 rows.
    """
    internal = field.get_internal_type()
    if internal == "JSONField":
        return _json_text
    if internal == "BooleanField":
        return lambda v: NULL if v is None else ("t" if v else "f")
    if internal in ("DateTimeField", "DateField"):
        return lambda v: NULL if v is None else v.isoformat()
    if internal in NUMERIC_TYPES or field.is_relation:
        return lambda v: NULL if v is None else str(v)  # digits never need escaping
    def text(v):  # the hot path of an import: one check for NUL, then the escapes
        if v is None:
            return NULL
        v = str(v)
        return v.translate(COPY_ESCAPES) if "\x00" not in v else _refuse_nul(field, v)
    return text


NUMERIC_TYPES = {
    "AutoField", "BigAutoField", "SmallAutoField", "IntegerField", "BigIntegerField", "SmallIntegerField",
    "PositiveIntegerField", "PositiveBigIntegerField", "PositiveSmallIntegerField", "FloatField", "DecimalField",
}


class _Column:
    """How one concrete field gets its value for a bulk write."""

    def __init__(self, field, now):
        self.field = field
        self.attname = field.attname
        self.stamp = now if (getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)) else None
        self.to_copy = _copy_converter(field) if is_postgresql() else None
        self.to_db = _db_converter(field)
        # A constant default is computed once; a callable one (a fresh code) per row.
        self.factory = field.get_default if field.has_default() and callable(field.default) else None
        self.fixed_default = None if self.factory else field.get_default()

    def value(self, data: dict):
        if self.attname in data:
            value = data[self.attname]
        else:
            value = self.factory() if self.factory else self.fixed_default
        if value is None and self.stamp is not None:
            value = self.stamp
        return value

    def prepared(self, value):
        if self.to_copy is not None:
            return self.to_copy(value)
        return self.to_db(value)


class _Lines(io.TextIOBase):
    """A read-only text stream over generated COPY lines: the rows are never all in memory."""

    def __init__(self, lines):
        self._lines = lines
        self._rest = ""
        self.refused = None  # a NulCharacter met while reading: raised again after the COPY

    def readable(self):
        return True

    def read(self, size=-1):
        try:
            return self._read(size)
        except NulCharacter as error:
            self.refused = error
            raise

    def _read(self, size=-1):
        parts, total = [self._rest], len(self._rest)
        while size is None or size < 0 or total < size:
            line = next(self._lines, None)
            if line is None:
                break
            parts.append(line)
            total += len(line)
        data = "".join(parts)
        if size is None or size < 0:
            self._rest = ""
            return data
        self._rest = data[size:]
        return data[:size]


def _copy(table: str, columns: list[str], lines) -> None:
    stream = _Lines("\t".join(line) + "\n" for line in lines)
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        try:
            cursor.cursor.copy_expert(f"COPY {connection.ops.quote_name(table)} ({quoted}) FROM STDIN", stream,
                                      size=1 << 20)
        except Exception:
            if stream.refused is not None:  # psycopg2 wraps it in QueryCanceled: give the cause
                raise stream.refused from None
            raise


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
        # Django's tables are AUTOINCREMENT, so sqlite_sequence remembers the highest id
        # ever given, also of rows deleted since (an undone import): never hand it out again.
        table, column = connection.ops.quote_name(model._meta.db_table), connection.ops.quote_name(pk.column)
        cursor.execute(
            f"SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = %s), 0), "
            f"COALESCE((SELECT MAX({column}) FROM {table}), 0))",
            [model._meta.db_table],
        )
        start = cursor.fetchone()[0]
        return list(range(start + 1, start + 1 + count))


def _data(row) -> dict:
    return row if isinstance(row, dict) else row.__dict__


class _Default:
    """In a row given as a sequence: this field takes its default (or its stored value)."""

    def __repr__(self):
        return "DEFAULT"


DEFAULT = _Default()


def rows_insert(model, rows, *, count: int | None = None, fields: list[str] | None = None,
                constants: dict | None = None, want_ids: bool = True) -> list:
    """Insert `rows` in one statement (COPY on PostgreSQL); returns their primary keys.

    Rows are unsaved instances or dicts of attname → value, or, with `fields`, sequences
    of values in that order (DEFAULT for a field's default). `constants` sets the same
    value on every row. Fields given nowhere take their defaults; auto_now(_add) fields
    the current time. Auto primary keys are taken from the sequence first (and set on
    instances and dicts). `rows` may be a generator (with `count` when the primary key
    is automatic): rows are prepared as the database reads them.
    """
    pk = model._meta.pk
    auto = pk.get_internal_type() in ("AutoField", "BigAutoField", "SmallAutoField")
    # When nobody needs the ids, PostgreSQL numbers the rows itself (no round trip for them).
    numbered_by_database = auto and not want_ids and is_postgresql()
    auto = auto and not numbered_by_database
    if auto and count is None:
        rows = list(rows)
        count = len(rows)
    if auto and not count:
        return []
    now = timezone.now()
    columns = [_Column(f, now) for f in model._meta.concrete_fields
               if not (numbered_by_database and f.primary_key)]
    ids = _new_ids(model, count) if auto else []
    constants = constants or {}
    aligned = fields is not None
    fields = fields if aligned else [c.attname for c in columns]
    position = {name: index for index, name in enumerate(fields)}

    # Columns whose text is the same on every row are rendered once; per row only the
    # others are converted. Plain tuples and local names: this loop runs for every cell.
    base, dynamic = [], []
    for index, c in enumerate(columns):
        convert = c.to_copy or c.to_db
        factory = c.factory
        fixed = convert(c.stamp if c.stamp is not None else c.fixed_default) if factory is None else None
        if c.attname in constants:
            base.append(convert(constants[c.attname]))
        elif c.attname == pk.attname and auto:
            base.append(None)
            dynamic.append((index, "id", None, None, convert))
        elif c.attname in position:
            base.append(None)
            dynamic.append((index, position[c.attname], fixed, factory, convert))
        elif factory is not None:
            base.append(None)
            dynamic.append((index, None, None, factory, convert))
        else:
            base.append(fixed)
    pk_position = position.get(pk.attname)

    def values_of(row):
        if aligned:
            return row
        data = _data(row)
        return [data.get(name, DEFAULT) for name in fields]

    def lines():
        for number, row in enumerate(rows):
            values = values_of(row)
            if auto:
                new_id = ids[number]
                if isinstance(row, dict):
                    row[pk.attname] = new_id
                elif not aligned:
                    row.pk = new_id
            elif pk_position is not None:
                ids.append(values[pk_position])
            line = base.copy()
            for index, source, fixed, factory, convert in dynamic:
                if source == "id":
                    line[index] = convert(new_id)
                    continue
                value = DEFAULT if source is None else values[source]
                if value is DEFAULT:
                    line[index] = fixed if factory is None else convert(factory())
                elif value is None and fixed is not None and columns[index].stamp is not None:
                    line[index] = fixed
                else:
                    line[index] = convert(value)
            yield line

    if is_postgresql():
        _copy(model._meta.db_table, [c.field.column for c in columns], lines())
        return ids
    quote = connection.ops.quote_name
    names = ", ".join(quote(c.field.column) for c in columns)
    marks = ", ".join(["%s"] * len(columns))
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {quote(model._meta.db_table)} ({names}) VALUES ({marks})", lines())
    return ids


def rows_update(model, rows: list, field_names: list[str]) -> None:
    """Write `field_names` of `rows` (instances or dicts with the primary key) in one statement.

    auto_now fields (updated_at) are set to the current time, as save() would.
    """
    if not rows:
        return
    now = timezone.now()
    pk = model._meta.pk
    fields = [model._meta.get_field(name) for name in field_names]
    fields += [f for f in model._meta.concrete_fields if getattr(f, "auto_now", False) and f not in fields]
    columns = [_Column(f, now) for f in fields]
    pk_column = _Column(pk, now)
    table = connection.ops.quote_name(model._meta.db_table)
    quote = connection.ops.quote_name

    def line(row):
        data = _data(row)
        values = [now if getattr(c.field, "auto_now", False) else c.value(data) for c in columns]
        return [pk_column.prepared(data[pk.attname])] + [c.prepared(v) for c, v in zip(columns, values)]

    if not is_postgresql():
        assignments = ", ".join(f"{quote(c.field.column)} = %s" for c in columns)
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {table} SET {assignments} WHERE {quote(pk.column)} = %s",
                [values[1:] + values[:1] for values in map(line, rows)],
            )
        return
    names = [pk.column] + [c.field.column for c in columns]
    with connection.cursor() as cursor:
        # Same column types as the table, without its NOT NULL constraints.
        quoted = ", ".join(quote(c) for c in names)
        cursor.execute(f"CREATE TEMP TABLE import_update ON COMMIT DROP AS SELECT {quoted} FROM {table} WITH NO DATA")
        _copy("import_update", names, map(line, rows))
        assignments = ", ".join(f"{quote(c.field.column)} = s.{quote(c.field.column)}" for c in columns)
        cursor.execute(
            f"UPDATE {table} AS t SET {assignments} FROM import_update AS s "
            f"WHERE t.{quote(pk.column)} = s.{quote(pk.column)}"
        )
        cursor.execute("DROP TABLE import_update")


KEEP_CELL = "\x01"  # in a rendered line: the stored value stays (a new row takes the default)


def _unescape(cell: str) -> str:
    return COPY_ESCAPE.sub(lambda m: COPY_UNESCAPES[m.group(0)], cell) if "\\" in cell else cell


def _text_decoder(field):
    """From a cell's COPY text back to the field's Python value, chosen once per field."""
    internal = (field.target_field if field.is_relation else field).get_internal_type()
    if internal == "JSONField":
        return json.loads
    if internal == "BooleanField":
        return lambda text: text == "t"
    if internal in NUMERIC_TYPES - {"FloatField", "DecimalField"}:
        return int
    return field.to_python


class TextRows:
    """Some fields of a model as one line of COPY text per row.

    An import keeps each checked row this way: one string instead of a tuple of Python
    objects (a third of the memory at 100,000 rows), compared with the stored row by
    rendering that the same way, and written as it is. DEFAULT renders as KEEP_CELL.
    """

    def __init__(self, model, fields):
        self.model = model
        self.names = list(fields)
        self.fields = [model._meta.get_field(name) for name in self.names]
        self.to_text = [_copy_converter(f) for f in self.fields]
        self.from_text = [_text_decoder(f) for f in self.fields]

    def render(self, values) -> str:
        return "\t".join([KEEP_CELL if v is DEFAULT else convert(v) for convert, v in zip(self.to_text, values)])

    @staticmethod
    def merge(line: str, stored: str) -> str:
        """`line` with its KEEP cells taken from the stored row's line."""
        if KEEP_CELL not in line:
            return line
        return "\t".join(old if new == KEEP_CELL else new for new, old in zip(line.split("\t"), stored.split("\t")))

    def value(self, index: int, cell: str):
        """The Python value of one cell (KEEP_CELL gives the field's default)."""
        if cell == KEEP_CELL:
            return self.fields[index].get_default()
        if cell == NULL:
            return None
        return self.from_text[index](_unescape(cell) if "\\" in cell else cell)

    def values(self, line: str) -> list:
        return [self.value(i, cell) for i, cell in enumerate(line.split("\t"))]

    def values_of(self, line: str, indexes) -> dict:
        """{field name: Python value} of the cells at `indexes` (the others stay undecoded)."""
        cells = line.split("\t")
        return {self.names[i]: self.value(i, cells[i]) for i in indexes}

    def _plan(self, constants: dict, skip: set):
        """Text (or factory) of every concrete field the lines leave out."""
        now = timezone.now()
        tail = []
        for f in self.model._meta.concrete_fields:
            if f.attname in skip:
                continue
            column = _Column(f, now)
            value = constants[f.attname] if f.attname in constants else (
                column.stamp if column.stamp is not None else column.fixed_default)
            factory = None if f.attname in constants else column.factory
            tail.append((f, value, factory))
        return tail

    def insert(self, lines, *, count: int, constants: dict | None = None) -> list[int]:
        """Insert new rows from their lines in one statement; returns the ids given to them."""
        if not count:
            return []
        pk = self.model._meta.pk
        ids = _new_ids(self.model, count)
        tail = self._plan(constants or {}, {pk.attname, *self.names})
        columns = [pk.column] + [f.column for f in self.fields] + [f.column for f, _v, _fa in tail]
        keep_factories = [f.get_default if f.has_default() and callable(f.default) else None for f in self.fields]
        if is_postgresql():
            keep_texts = [None if factory else convert(f.get_default())
                          for f, convert, factory in zip(self.fields, self.to_text, keep_factories)]
            fixed_tail = "\t".join(_copy_converter(f)(value) for f, value, factory in tail if factory is None)
            if any(factory for _f, _v, factory in tail):
                raise ValueError("TextRows.insert: fields outside the lines must have constant defaults")

            def text_lines():
                for new_id, line in zip(ids, lines):
                    if KEEP_CELL in line:
                        line = "\t".join(
                            (keep_texts[i] if keep_factories[i] is None else self.to_text[i](keep_factories[i]()))
                            if cell == KEEP_CELL else cell
                            for i, cell in enumerate(line.split("\t"))
                        )
                    yield f"{new_id}\t{line}\t{fixed_tail}\n" if fixed_tail else f"{new_id}\t{line}\n"

            quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
            with connection.cursor() as cursor:
                cursor.cursor.copy_expert(
                    f"COPY {connection.ops.quote_name(self.model._meta.db_table)} ({quoted}) FROM STDIN",
                    _Lines(text_lines()), size=1 << 20)
            return ids

        def params():
            for new_id, line in zip(ids, lines):
                values = self.values(line)
                for i, cell in enumerate(line.split("\t")):
                    if cell == KEEP_CELL and keep_factories[i]:
                        values[i] = keep_factories[i]()
                yield [new_id] + [f.get_db_prep_save(v, connection) for f, v in zip(self.fields, values)] + [
                    f.get_db_prep_save(factory() if factory else value, connection) for f, value, factory in tail]

        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {quote(self.model._meta.db_table)} ({', '.join(quote(c) for c in columns)}) "
                f"VALUES ({', '.join(['%s'] * len(columns))})", params())
        return ids

    def update(self, rows, *, extra: list[str] = ()) -> None:
        """Write the lines' fields (and `extra` fields) of stored rows: (pk, line, extra values)."""
        rows = [(pk, self.values(line), list(more)) for pk, line, more in rows]
        names = self.names + list(extra)
        rows_update(self.model, [
            {self.model._meta.pk.attname: pk, **dict(zip(names, values + more))} for pk, values, more in rows
        ], names)
