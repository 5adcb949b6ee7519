"""The bulk writers store awkward text exactly: COPY text on PostgreSQL, executemany on SQLite.

COPY's text format gives meaning to tab, newline, carriage return, backslash and `\\N`
(NULL); TextRows also uses \\x01 to mark a kept cell. Every string below is written and
read back through the ORM, on whichever database the suite runs (DATABASE_URL).
"""

import pytest
from django.db import transaction

from spreadsheets import bulk
from mapping.models import Sector

# The model written and its fields, by name (a rename touches only these lines).
MODEL = Sector
CODE = "code"  # unique, max_length 40
NAME = "name"  # unique, max_length 100
ORDER = "order"  # integer, default 0

AWKWARD = {
    "tab": "Keripik\tTempe",
    "newline": "Baris satu\nBaris dua",
    "carriage return": "Baris satu\r\nBaris dua\rtiga",
    "backslash": "C:\\Data\\UMKM",
    "trailing backslash": "Jl. Raya\\",
    "COPY's NULL marker": "\\N",
    "escaped NULL marker": "\\\\N",
    "backslash-t as two characters": "\\t",
    "backslash-n and backslash-r as text": "\\n\\r",
    "octal escape as text": "\\001",
    "COPY's end-of-data marker": "\\.",
    "TextRows' kept-cell marker": "\x01",
    "control characters": "a\x01b\x02c\x1bd\x7f",
    "4-byte emoji": "🍌 Keripik",
    "quotes": "Warung \"Bu Sri\" & 'Pak Min'",
    "Indonesian text": "Gethuk Goreng – Kec. Bojongsari",
    "empty": "",
    "spaces only": "   ",
    "other line breaks": "a\u2028b\u0085c\x0bd\x0ce",
    "everything at once": "\\N\t\n\r\\\x01🍌\"'",
}
NUL = "Tempe\x00Mendoan"


def awkward_rows() -> list[dict]:
    """One row per awkward string: alone in the code, after a label in the name."""
    return [{CODE: value, NAME: f"{label}: {value}"} for label, value in AWKWARD.items()]


def stored(ids) -> dict:
    return {pk: {CODE: code, NAME: name}
            for pk, code, name in MODEL.objects.filter(pk__in=ids).values_list("pk", CODE, NAME)}


def existing_rows(count: int) -> list:
    return [MODEL.objects.create(**{CODE: f"awal-{n}", NAME: f"Awal {n}"}) for n in range(count)]


def test_the_awkward_strings_fit_the_columns_and_are_distinct():
    """Guards the cases below (SQLite does not check lengths): one character is left spare
    for the variant test_rows_insert_sets_the_new_ids_on_instances_and_dicts writes."""
    codes = [row[CODE] for row in awkward_rows()]
    names = [row[NAME] for row in awkward_rows()]
    assert max(map(len, codes)) < MODEL._meta.get_field(CODE).max_length
    assert max(map(len, names)) < MODEL._meta.get_field(NAME).max_length
    assert len(set(codes)) == len(codes) and len(set(names)) == len(names)


# rows_insert / rows_update -------------------------------------------------------------


@pytest.mark.parametrize("shape", ["dicts", "instances", "value sequences", "generator with count"])
def test_rows_insert_stores_awkward_text_exactly(db, shape):
    rows = awkward_rows()
    if shape == "dicts":
        ids = bulk.rows_insert(MODEL, [dict(row) for row in rows])  # it sets "id" on each dict
    elif shape == "instances":
        ids = bulk.rows_insert(MODEL, [MODEL(**row) for row in rows])
    elif shape == "value sequences":
        ids = bulk.rows_insert(MODEL, [(row[CODE], row[NAME]) for row in rows], fields=[CODE, NAME])
    else:
        ids = bulk.rows_insert(MODEL, (dict(row) for row in rows), count=len(rows))

    assert len(ids) == len(rows)
    assert stored(ids) == dict(zip(ids, rows))


def test_rows_insert_numbered_by_the_database_stores_awkward_text_exactly(db):
    rows = awkward_rows()

    bulk.rows_insert(MODEL, rows, want_ids=False)

    found = dict(MODEL.objects.filter(**{f"{CODE}__in": [r[CODE] for r in rows]}).values_list(CODE, NAME))
    assert found == {row[CODE]: row[NAME] for row in rows}


def test_rows_insert_sets_the_new_ids_on_instances_and_dicts(db):
    instances = [MODEL(**row) for row in awkward_rows()]
    dicts = awkward_rows()
    for row in dicts:
        row[CODE] += "*"
        row[NAME] += "*"

    instance_ids = bulk.rows_insert(MODEL, instances)
    dict_ids = bulk.rows_insert(MODEL, dicts)

    assert [obj.pk for obj in instances] == instance_ids
    assert [row.pop("id") for row in dicts] == dict_ids
    assert stored(instance_ids) == {obj.pk: {CODE: getattr(obj, CODE), NAME: getattr(obj, NAME)} for obj in instances}
    assert stored(dict_ids) == dict(zip(dict_ids, dicts))


@pytest.mark.parametrize("shape", ["dicts", "instances"])
def test_rows_update_stores_awkward_text_exactly(db, shape):
    targets = existing_rows(len(AWKWARD))
    rows = awkward_rows()
    if shape == "dicts":
        updates = [{"id": obj.pk, **row} for obj, row in zip(targets, rows)]
    else:
        updates = []
        for obj, row in zip(targets, rows):
            for name, value in row.items():
                setattr(obj, name, value)
            updates.append(obj)

    bulk.rows_update(MODEL, updates, [CODE, NAME])

    ids = [obj.pk for obj in targets]
    assert stored(ids) == dict(zip(ids, rows))


def test_rows_update_of_one_field_leaves_the_other_as_stored(db):
    targets = existing_rows(len(AWKWARD))

    bulk.rows_update(MODEL, [{"id": obj.pk, NAME: row[NAME]} for obj, row in zip(targets, awkward_rows())], [NAME])

    assert stored([obj.pk for obj in targets]) == {
        obj.pk: {CODE: f"awal-{n}", NAME: row[NAME]} for n, (obj, row) in enumerate(zip(targets, awkward_rows()))
    }


# TextRows ------------------------------------------------------------------------------


@pytest.mark.parametrize("label", AWKWARD)
def test_textrows_render_keeps_a_row_on_one_line_with_one_tab_between_cells(label):
    codec = bulk.TextRows(MODEL, [CODE, NAME])
    value = AWKWARD[label]

    line = codec.render([value, value])

    assert "\n" not in line and "\r" not in line
    assert line.count("\t") == 1


@pytest.mark.parametrize("label", AWKWARD)
def test_textrows_values_reads_back_what_render_wrote(label):
    codec = bulk.TextRows(MODEL, [CODE, NAME])
    value = AWKWARD[label]

    assert codec.values(codec.render([value, f"{label}: {value}"])) == [value, f"{label}: {value}"]


def test_textrows_renders_none_as_null_and_the_text_backslash_n_as_text():
    codec = bulk.TextRows(MODEL, [CODE, NAME])

    assert codec.values(codec.render([None, "\\N"])) == [None, "\\N"]
    assert codec.render([None, "\\N"]).split("\t")[0] == bulk.NULL
    assert codec.render([None, "\\N"]).split("\t")[1] != bulk.NULL


def test_textrows_merge_takes_kept_cells_from_the_stored_line():
    codec = bulk.TextRows(MODEL, [CODE, NAME])
    stored_line = codec.render([AWKWARD["everything at once"], "lama"])

    merged = bulk.TextRows.merge(codec.render([bulk.DEFAULT, "baru\tbaris"]), stored_line)

    assert codec.values(merged) == [AWKWARD["everything at once"], "baru\tbaris"]


def test_textrows_merge_does_not_take_a_literal_x01_for_a_kept_cell():
    codec = bulk.TextRows(MODEL, [CODE, NAME])
    stored_line = codec.render(["lama", "lama juga"])

    merged = bulk.TextRows.merge(codec.render(["\x01", "a\x01b"]), stored_line)

    assert codec.values(merged) == ["\x01", "a\x01b"]


def test_textrows_insert_stores_awkward_text_exactly(db):
    codec = bulk.TextRows(MODEL, [CODE, NAME])
    rows = awkward_rows()

    ids = codec.insert([codec.render([row[CODE], row[NAME]]) for row in rows], count=len(rows))

    assert len(ids) == len(rows)
    assert stored(ids) == dict(zip(ids, rows))


def test_textrows_insert_gives_kept_cells_the_default_beside_awkward_text(db):
    codec = bulk.TextRows(MODEL, [CODE, NAME, ORDER])
    rows = awkward_rows()

    ids = codec.insert([codec.render([row[CODE], row[NAME], bulk.DEFAULT]) for row in rows], count=len(rows))

    assert stored(ids) == dict(zip(ids, rows))
    default = MODEL._meta.get_field(ORDER).get_default()
    assert set(MODEL.objects.filter(pk__in=ids).values_list(ORDER, flat=True)) == {default}


def test_textrows_update_stores_awkward_text_exactly(db):
    codec = bulk.TextRows(MODEL, [CODE, NAME])
    targets = existing_rows(len(AWKWARD))
    rows = awkward_rows()

    codec.update([(obj.pk, codec.render([row[CODE], row[NAME]]), [n + 7])
                  for n, (obj, row) in enumerate(zip(targets, rows))], extra=[ORDER])

    ids = [obj.pk for obj in targets]
    assert stored(ids) == dict(zip(ids, rows))
    assert list(MODEL.objects.filter(pk__in=ids).order_by("pk").values_list(ORDER, flat=True)) == [
        n + 7 for n in range(len(rows))]


def test_textrows_update_of_a_merged_line_keeps_the_stored_awkward_value(db):
    codec = bulk.TextRows(MODEL, [CODE, NAME])
    [obj] = existing_rows(1)
    bulk.rows_update(MODEL, [{"id": obj.pk, CODE: AWKWARD["everything at once"]}], [CODE])
    stored_line = codec.render([getattr(MODEL.objects.get(pk=obj.pk), CODE), "lama"])

    codec.update([(obj.pk, bulk.TextRows.merge(codec.render([bulk.DEFAULT, "🍌 baru\n"]), stored_line), [])])

    assert stored([obj.pk]) == {obj.pk: {CODE: AWKWARD["everything at once"], NAME: "🍌 baru\n"}}


# NUL: SQLite text holds it, PostgreSQL text cannot -------------------------------------


def write_with(writer: str, rows: list[dict], targets: list) -> list:
    """Write `rows` with one of the four writers (the updates onto `targets`); returns their ids."""
    codec = bulk.TextRows(MODEL, [CODE, NAME])
    if writer == "rows_insert":
        return bulk.rows_insert(MODEL, [dict(row) for row in rows])
    if writer == "TextRows.insert":
        return codec.insert([codec.render([r[CODE], r[NAME]]) for r in rows], count=len(rows))
    if writer == "rows_update":
        bulk.rows_update(MODEL, [{"id": obj.pk, **row} for obj, row in zip(targets, rows)], [CODE, NAME])
    else:
        codec.update([(obj.pk, codec.render([row[CODE], row[NAME]]), []) for obj, row in zip(targets, rows)])
    return [obj.pk for obj in targets]


WRITERS = ["rows_insert", "rows_update", "TextRows.insert", "TextRows.update"]
NUL_BATCH = [{CODE: "biasa", NAME: "Biasa"}, {CODE: "nul", NAME: NUL}]


@pytest.mark.parametrize("writer", WRITERS)
def test_nul_is_refused_by_every_writer_on_every_database_and_no_row_of_the_batch_is_written(db, writer):
    """PostgreSQL text cannot hold NUL; SQLite could, but then the same import would
    succeed on one database and fail on the other. Both refuse it, naming the field."""
    targets = existing_rows(len(NUL_BATCH))
    before = stored(MODEL.objects.values_list("pk", flat=True))

    with pytest.raises(bulk.NulCharacter, match=rf"mapping\.Sector\.{NAME}"):
        with transaction.atomic():
            write_with(writer, NUL_BATCH, targets)

    assert stored(MODEL.objects.values_list("pk", flat=True)) == before


def test_ids_of_deleted_rows_are_never_given_again(db):
    first = bulk.rows_insert(MODEL, [{CODE: "hapus-1", NAME: "Dihapus 1"}, {CODE: "hapus-2", NAME: "Dihapus 2"}])
    MODEL.objects.filter(pk__in=first).delete()  # the newest rows, as an undone import removes them

    again = bulk.rows_insert(MODEL, [{CODE: "baru-1", NAME: "Baru 1"}])

    assert again[0] > max(first)
