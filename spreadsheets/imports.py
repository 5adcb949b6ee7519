"""Spreadsheet imports: dry run, all-or-nothing import, history and undo.

The flow, for every kind of data (the specs each app declares in its
spreadsheet_specs.py, see spreadsheets/specs.py):

1. `import_start()` keeps the uploaded file (bytes, size, SHA-256) in an ImportBatch and
   checks it: the file is read (spreadsheets/reading.py), every cell parsed
   (spreadsheets/cells.py), rows resolved against the database set-wise (one query per lookup,
   not per row) and compared with what is stored. Nothing is written but the batch: its
   counts (new / updated / unchanged / error), every row error with row number, column,
   value and message, and a bounded sample of rows.
2. `import_confirm()` imports exactly that file (the checksum is compared again): the
   same check runs once more against the current database, then everything is written
   in one transaction, or nothing is, with an ImportChange per written row holding its
   values before.
3. `import_undo()` restores those values (and removes created rows) when no later edit
   touched them, and otherwise says which rows block it.

Checking and importing are jobs on the job queue (settings.TASKS; `manage.py db_worker`
runs them) so no request waits on a 100,000-row file; the batch's progress is written outside the import's
transaction so the page can show it.
"""

import hashlib
import logging
import time
import zlib
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import Count, Subquery
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _, gettext_lazy
from django_tasks import task

from purbalingga_umkm.audit import SOURCE_IMPORT, audit_event
from purbalingga_umkm.models import AuditEntry
from purbalingga_umkm.numbers import format_number
from purbalingga_umkm.scope import kecamatan_ids_editable_by
from spreadsheets import bulk, columns
from spreadsheets.cells import CellError, is_blank, row_is_blank, text
from spreadsheets.models import ImportBatch, ImportChange, MappingProfile
from spreadsheets.reading import FileRefused, header_key, table_read
from spreadsheets.specs import SPECS, Context, ImportSpec, RowError, Written

logger = logging.getLogger(__name__)

PROGRESS_EVERY = 1000  # rows between looks at the clock
MAX_STORED_ERRORS = 10_000
SAMPLE_PER_ACTION = 10
LABELS_KEPT = 2000  # rows whose label is kept for the sample; later rows are shown by number


@dataclass(slots=True)
class Record:
    """A checked row as the plan keeps it: its values as one line of text (bulk.TextRows)."""

    number: int
    key: object
    kecamatan_id: int | None
    line: str
    label: str | None
    also: object = None


# --- checking ------------------------------------------------------------------------------


@dataclass
class Plan:
    new: list = field(default_factory=list)  # Record
    updated: list = field(default_factory=list)  # (Record, Existing, merged line)
    unchanged: int = 0
    errors: list = field(default_factory=list)  # dicts: row, column, value, message
    error_count: int = 0
    error_rows: set = field(default_factory=set)
    sample: list = field(default_factory=list)
    sampled: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)
    total: int = 0
    readings: dict = field(default_factory=dict)  # row → ["Header: written → read"], first rows only
    near: list = field(default_factory=list)  # rows that may be a stored row: {row, label, pk, match}
    reading: dict = field(default_factory=dict)  # choices the page offers: sheets, hidden rows

    def error(self, row: int, message, column: str = "", value: str = "") -> None:
        self.error_count += 1
        self.error_rows.add(row)
        if len(self.errors) < MAX_STORED_ERRORS:
            self.errors.append({"row": row, "column": column, "value": value[:100], "message": str(message)})

    @property
    def counts(self) -> dict:
        return {"new": len(self.new), "updated": len(self.updated), "unchanged": self.unchanged,
                "error": len(self.error_rows), "total": self.total, "near": len(self.near)}


def _batch_update(batches, **values) -> int:
    """A status or progress write, outside the import's own transaction. On SQLite a page
    polling the status can hold the table for a moment ("database table is locked"): the
    write is tried again briefly rather than failing the import over a progress note."""
    for attempt in range(40):
        try:
            return batches.update(**values)
        except OperationalError as error:
            if "locked" not in str(error) or attempt == 39 or connection.in_atomic_block:
                raise
            time.sleep(0.05)
    return 0


PROGRESS_SECONDS = 1.0
progress_listeners: list = []  # callables (batch id, rows done, total) told of progress, e.g. by import_file
_last_progress: dict[int, float] = {}


def _progress(batch_id: int, done: int, total: int = 0, *, force: bool = False) -> None:
    """Tell a polling page how far the check got: at most once a second (and at the end).

    Written outside the import's transaction, so the page sees it at once.
    """
    now = time.monotonic()
    if not force and now - _last_progress.get(batch_id, 0.0) < PROGRESS_SECONDS:
        return
    if force:
        _last_progress.pop(batch_id, None)
    else:
        _last_progress[batch_id] = now
    for listener in progress_listeners:
        listener(batch_id, done, total)
    _batch_update(ImportBatch.objects.filter(pk=batch_id), progress=done, total_rows=total, heartbeat_at=timezone.now())


def _out_of_scope(spec, ctx: Context, kecamatan_id) -> str:
    if "kecamatan_names" not in ctx.cache:  # one query for the whole file, only when needed
        ctx.cache["kecamatan_names"] = spec.area_names()
    name = ctx.cache["kecamatan_names"].get(kecamatan_id, "?")
    return _("Baris ini %(what)s di Kecamatan %(kecamatan)s, di luar kecamatan tugas Anda: seluruh berkas "
             "ditolak. Hapus baris ini atau minta Admin Dinas mengimpornya.") % {
        "what": spec.model._meta.verbose_name, "kecamatan": name}


NEW_ROW = "baru"  # the answer "not the same: a new row" to a near match


class NeedsMapping(Exception):
    """The file's columns need a person's decision (the mapping step); `columns` is what
    the step shows: headers, suggested targets, examples, problems."""

    def __init__(self, columns: dict):
        super().__init__("; ".join(columns.get("problems", [])))
        self.columns = columns


def _column_plan(spec: ImportSpec, table, options: dict, plan: Plan) -> columns.ColumnPlan:
    """The columns to read: by the mapping chosen for this file, else by a saved profile with
    the same headers, else by the template's headers and aliases (NeedsMapping when a
    person has to decide)."""
    mapping = options.get("mapping")
    automatic = columns.column_plan(spec, table.headers) if mapping is None else None
    if automatic is not None and (automatic.needs_mapping or automatic.ignored):
        # Headers the template and aliases don't all explain: perhaps a saved profile does.
        keys = columns.header_set(table.headers)
        profile = (MappingProfile.objects.filter(kind=spec.kind, signature=MappingProfile.signature_of(keys))
                   .order_by("-updated_at").first())
        if profile is not None:
            mapping = profile.mapping
            plan.notes.append(_("Pemetaan kolom tersimpan \u201c%(name)s\u201d dipakai (judul kolom berkas sama).") % {
                "name": profile.name})
    column_plan = automatic if mapping is None else columns.column_plan(spec, table.headers, mapping)
    if column_plan.needs_mapping or column_plan.problems:
        examples = columns.mapping_examples(table.rows, len(table.headers))
        suggested = column_plan.suggestions if mapping is None else {
            i: mapping.get(header_key(h), "") for i, h in enumerate(table.headers)}
        raise NeedsMapping({
            **plan.reading, "headers": [str(h) for h in table.headers], "header_row": table.header_row,
            "suggestions": {str(i): key for i, key in suggested.items()},
            "examples": examples, "problems": column_plan.problems,
        })
    if column_plan.ignored:
        plan.notes.append(_("Kolom yang tidak disimpan portal diabaikan: %(cols)s") % {
            "cols": ", ".join(column_plan.ignored)})
    return column_plan


def plan_build(*, spec: ImportSpec, content: bytes, file_name: str, user, batch_id: int | None = None,
               options: dict | None = None) -> Plan:
    """Read and check a file against the database; writes nothing (but progress)."""
    options = options or {}
    plan = Plan()
    table = table_read(content, file_name, known_headers=set(columns.aliases_of(spec)), options=options)
    plan.notes = table.notes  # the same list: rows skipped while reading add their notes to it
    if len(table.sheets) > 1 or table.hidden_rows:
        plan.reading = {"sheets": table.sheets, "sheet": table.sheet, "hidden_rows": len(table.hidden_rows)}
    column_plan = _column_plan(spec, table, options, plan)
    columns_at = column_plan.columns

    ctx = Context(user=user, scope=kecamatan_ids_editable_by(user))
    spec.prepare(ctx)
    decisions = {k: v for k, v in (options.get("same") or {}).items() if v == NEW_ROW or str(v).isdigit()}
    decided_new: set = set()
    codec = bulk.TextRows(spec.model, spec.fields)
    example = [text(target.column.example) for _i, target in columns_at]
    first = columns_at[0][0]
    width = max(i for i, _c in columns_at) + 1
    readers = [(i, t.column.name, t.parse, t.column.required, table.headers[i] or t.column.header)
               for i, t in columns_at if not t.append]
    appends = [(i, t.column.name, t.parse, t.append, table.headers[i] or t.label) for i, t in columns_at if t.append]
    limit = settings.IMPORT_MAX_ROWS
    seen: dict = {}
    kept: list = []
    for number, cells in table.rows:
        if row_is_blank(cells):
            continue  # blank rows, e.g. trailing ones Excel keeps
        plan.total += 1
        if plan.total > limit:
            raise FileRefused(
                _("Berkas berisi lebih dari %(limit)s baris data; pecah menjadi beberapa berkas.") % {"limit": f"{limit:,}".replace(",", ".")}
            )
        if batch_id and plan.total % PROGRESS_EVERY == 0:
            _progress(batch_id, plan.total)
        if first < len(cells) and text(cells[first]) == example[0] and [
            text(cells[i]) if i < len(cells) else "" for i, _c in columns_at
        ] == example:
            plan.error(number, _("Ini baris contoh dari templat: hapus baris ini."))
            continue
        if len(cells) < width:
            cells = list(cells) + [None] * (width - len(cells))
        row, failed = {}, False
        for index, name, parse, required, header in readers:
            raw = cells[index]
            try:
                value = parse(raw)
            except CellError as error:
                plan.error(number, str(error), header, text(raw))
                failed = True
                continue
            if required and is_blank(value):
                plan.error(number, _("Wajib diisi."), header, "")
                failed = True
            row[name] = value
            if plan.total <= READINGS_SHOWN:
                _reading(plan, number, header, raw, value)
        for index, name, parse, prefix, header in appends:
            try:
                value = parse(cells[index])
            except CellError as error:
                plan.error(number, str(error), header, text(cells[index]))
                failed = True
                continue
            if not is_blank(value):
                row[name] = f"{row.get(name) or ''} {prefix}{value}".strip()
        if failed:
            continue
        try:
            resolved = spec.resolve(row, ctx)
        except RowError as error:
            plan.error(number, error.message, error.column, error.value)
            continue
        for note in spec.row_notes(resolved, ctx):  # e.g. aid's targeting flags, shown before anything is saved
            if len(plan.notes) < ROW_NOTES_SHOWN:
                plan.notes.append(_("Baris %(row)s (%(label)s): %(note)s") % {
                    "row": number, "label": resolved.label, "note": note})
        decided = decisions.get(str(number))
        if decided:  # the dry run asked "the same as …?" and the person answered
            if decided == NEW_ROW:
                decided_new.add(resolved.key)
            else:
                resolved.key = ("pk", int(decided))
        if ctx.scope is not None and resolved.kecamatan_id not in ctx.scope:
            plan.error(number, _out_of_scope(spec, ctx, resolved.kecamatan_id))
            continue
        if resolved.key in seen:
            plan.error(number, _("Baris ini sama dengan baris %(row)s (%(key)s): setiap data hanya boleh satu baris.")
                       % {"row": seen[resolved.key], "key": _key_text(resolved.key)})
            continue
        seen[resolved.key] = number
        kept.append(Record(number, resolved.key, resolved.kecamatan_id, codec.render(resolved.values),
                           resolved.label if len(kept) < LABELS_KEPT else None, resolved.also))
    del seen
    if plan.total == 0:
        raise FileRefused(_("Berkas tidak berisi baris data di bawah baris judul kolom."))
    if batch_id:
        _progress(batch_id, plan.total, plan.total, force=True)

    existing = spec.existing([r.key for r in kept], ctx)
    conflicts = spec.key_conflicts(kept, existing, ctx)
    for record in kept:
        if record.key in conflicts:
            plan.error(record.number, conflicts[record.key])
            continue
        found = existing.get(record.key)
        if found is None:
            if not spec.creates:
                plan.error(record.number, _(
                    "Tidak ada %(what)s dengan kode %(key)s; impor ini hanya memperbarui data yang sudah ada."
                ) % {"what": spec.model._meta.verbose_name, "key": _key_text(record.key)})
                continue
            plan.new.append(record)
            _sample(plan, record, "new")
            continue
        if ctx.scope is not None and found.kecamatan_id not in ctx.scope:
            plan.error(record.number, _out_of_scope(spec, ctx, found.kecamatan_id))
            continue
        stored = codec.render(found.values)
        merged = codec.merge(record.line, stored)
        if merged == stored:
            plan.unchanged += 1
            _sample(plan, record, "unchanged")
            continue
        plan.updated.append((record, found, merged))
        if plan.sampled.get("updated", 0) < SAMPLE_PER_ACTION:
            _sample(plan, record, "updated", _changes(codec, stored, merged))
    undecided = [r for r in plan.new if r.key not in decided_new]
    if undecided and hasattr(spec, "near_matches"):
        near = spec.near_matches([r.key for r in undecided], ctx)
        for record in undecided:
            if record.key in near:
                pk, match = near[record.key]
                plan.near.append({"row": record.number, "label": record.label or str(record.number), "pk": pk,
                                  "match": match})
    plan.errors.sort(key=lambda e: e["row"])
    return plan


def _changes(codec, stored: str, merged: str) -> list[str]:
    return [
        f"{capfirst(field.verbose_name)}: {_shown(codec.value(i, old))} → {_shown(codec.value(i, new))}"
        for i, (field, old, new) in enumerate(zip(codec.fields, stored.split("\t"), merged.split("\t")))
        if old != new
    ]


def _key_text(key) -> str:
    return " / ".join(str(k) for k in key) if isinstance(key, tuple) else str(key)


def _shown(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, dict) and "coordinates" in value:
        lng, lat = value["coordinates"][:2]
        return f"{lat:.5f}, {lng:.5f}"
    return str(value)


READINGS_SHOWN = 20  # the first rows show how each cell that was not plain text was read
ROW_NOTES_SHOWN = 200  # notes on single rows (spec.row_notes) kept for the dry run


def _read_as(value) -> str:
    if value is None or value == "":
        return _("(kosong)")
    if isinstance(value, bool):
        return _("ya") if value else _("tidak")
    if isinstance(value, (int, Decimal)):
        return format_number(value)
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if getattr(value, "others", ()):  # cells.Phones: the first number is kept here, the rest beside it
        return _("%(first)s (nomor lain ke Telepon Lain: %(others)s)") % {
            "first": value, "others": ", ".join(value.others)}
    return str(value)


def _reading(plan: Plan, number: int, header: str, raw, value) -> None:
    """Keep "Header: written → read" when the cell was read as something other than its text
    (a number, a sum of money, a percentage, a phone, a year, a choice, nothing)."""
    written = text(raw) if not isinstance(raw, str) else " ".join(raw.split())
    read = _read_as(value)
    if written != read and not (written == "" and value in (None, "")) and str(value) != written:
        plan.readings.setdefault(number, []).append(f"{header}: {written or '—'} → {read}")


def _sample(plan: Plan, record: Record, action: str, changes=()) -> None:
    if plan.sampled.get(action, 0) < SAMPLE_PER_ACTION:
        plan.sampled[action] = plan.sampled.get(action, 0) + 1
        label = record.label or _("baris %(n)s") % {"n": record.number}
        plan.sample.append({"row": record.number, "action": action, "label": label, "changes": list(changes)[:6],
                            "readings": plan.readings.get(record.number, [])[:8]})


# --- running: the services the views call ------------------------------------------------


def import_start(*, spec: ImportSpec, upload, user, inline: bool = False, options: dict | None = None) -> ImportBatch:
    """Keep the uploaded file and check it (in the background when configured, unless
    `inline`: the admin's import screens and the import_file command wait for the result)."""
    if not user.has_perm(spec.permission("import")):
        raise PermissionDenied
    content = upload.read(settings.IMPORT_MAX_BYTES + 1)
    batch = ImportBatch.objects.create(
        kind=spec.kind, file_name=upload.name[:255], file_size=upload.size or len(content),
        checksum=hashlib.sha256(content).hexdigest(), content=zlib.compress(content, 1), created_by=user,
        heartbeat_at=timezone.now(), options=options or {},
    )
    del content
    batch.content = b""  # kept in the database; the check reads it from there
    _run_later(import_check_job, batch.pk, inline=inline)
    return batch


def _content(batch_id: int) -> bytes:
    """The stored file. It is kept compressed: a CSV shrinks about fivefold, and so does
    the memory its trip to and from the database takes."""
    return zlib.decompress(ImportBatch.objects.values_list("content", flat=True).get(pk=batch_id))


def import_check(batch_id: int) -> None:
    batch = ImportBatch.objects.without_content().select_related("created_by").get(pk=batch_id)
    if batch.status != ImportBatch.Status.CHECKING:
        return  # given up meanwhile (no worker took the job in time): the page says so
    spec = SPECS[batch.kind]
    try:
        with _failure_recorded(batch, _("Pemeriksaan")):
            plan = plan_build(spec=spec, content=_content(batch_id), file_name=batch.file_name,
                              user=batch.created_by, batch_id=batch.pk, options=batch.options)
    except FileRefused as refused:
        _finish(batch, ImportBatch.Status.INVALID, refusal=str(refused))
        return
    except NeedsMapping as needed:
        _finish(batch, ImportBatch.Status.MAPPING, columns=needed.columns, counts={}, errors=[], error_count=0,
                sample=[], notes=[])
        return
    status = ImportBatch.Status.INVALID if plan.error_count else ImportBatch.Status.READY
    _finish(batch, status, plan=plan)


@contextmanager
def _failure_recorded(batch, step: str):
    """An unexpected error is logged, shown on the batch as a failure, and raised again."""
    try:
        yield
    except (FileRefused, NeedsMapping, IntegrityError, EditedMeanwhile):
        raise
    except Exception:
        logger.exception("%s of import %s failed", step, batch.pk)
        _finish(batch, ImportBatch.Status.FAILED, refusal=_(
            "%(step)s berhenti karena galat sistem; tidak ada yang disimpan. Hubungi Admin Dinas.") % {"step": step})
        raise


def _finish(batch, status, *, plan: Plan | None = None, refusal: str = "", **extra) -> None:
    values = {"status": status, "refusal": refusal, "heartbeat_at": timezone.now(), **extra}
    if plan is not None:
        values.update(counts=plan.counts, errors=plan.errors, error_count=plan.error_count,
                      sample=plan.sample, notes=plan.notes, total_rows=plan.total, progress=plan.total,
                      columns={**({"near": plan.near} if plan.near else {}), **plan.reading})
    _batch_update(ImportBatch.objects.filter(pk=batch.pk), **values)


def import_confirm(*, batch: ImportBatch, user, inline: bool = False) -> None:
    """Import a checked file (in the background when configured, unless `inline`). Rows that
    may be a stored row ("mungkin sama dengan …") must be answered first."""
    spec = SPECS[batch.kind]
    if not user.has_perm(spec.permission("import")) or batch.created_by_id != user.pk:
        raise PermissionDenied
    if (batch.columns or {}).get("near"):
        raise NearMatchesOpen(len(batch.columns["near"]))
    updated = _batch_update(ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.READY),
        status=ImportBatch.Status.IMPORTING, progress=0, heartbeat_at=timezone.now())
    if updated:  # a second click on "Impor" finds the batch already importing
        _run_later(import_commit_job, batch.pk, inline=inline)


def import_commit(batch_id: int) -> None:
    batch = ImportBatch.objects.without_content().select_related("created_by").get(pk=batch_id)
    if batch.status != ImportBatch.Status.IMPORTING:
        return  # given up meanwhile (no worker took the job in time): the page says so
    spec = SPECS[batch.kind]
    content = _content(batch_id)
    if hashlib.sha256(content).hexdigest() != batch.checksum:
        _finish(batch, ImportBatch.Status.FAILED, refusal=_("Isi berkas berbeda dari yang diperiksa; tidak ada yang "
                                                           "disimpan."))
        return
    try:
        with _failure_recorded(batch, _("Impor")):
            plan = plan_build(spec=spec, content=content, file_name=batch.file_name, user=batch.created_by,
                              batch_id=batch.pk, options=batch.options)
            if plan.error_count:
                _finish(batch, ImportBatch.Status.INVALID, plan=plan,
                        refusal=_("Data di portal berubah sejak pemeriksaan dan berkas kini berisi galat; tidak "
                                  "ada yang disimpan."))
                return
            plan_write(spec=spec, plan=plan, batch=batch)
    except (FileRefused, NeedsMapping) as refused:
        _finish(batch, ImportBatch.Status.FAILED, refusal=str(refused) or _("Kolom berkas perlu dipetakan ulang."))
        return
    except (IntegrityError, EditedMeanwhile) as error:
        _finish(batch, ImportBatch.Status.FAILED, refusal=_(
            "Tidak ada yang disimpan: data berubah selama impor (%(error)s). Periksa ulang berkas lalu impor lagi.")
            % {"error": error})
        return
    _finish(batch, ImportBatch.Status.DONE, plan=plan, imported_at=timezone.now())


class EditedMeanwhile(Exception):
    pass


def _json(value):
    if isinstance(value, (Decimal, date)):
        return str(value)
    return value


@transaction.atomic
def plan_write(*, spec: ImportSpec, plan: Plan, batch: ImportBatch) -> None:
    """Write a checked plan: all rows and their history, or (on any error) nothing."""
    model = spec.model
    ctx = Context(user=batch.created_by, scope=None)
    codec = bulk.TextRows(model, spec.fields)
    if plan.updated:
        _versions_still(spec, plan.updated)
    constants = spec.new_constants(ctx)
    new_ids = codec.insert((r.line for r in plan.new), count=len(plan.new), constants=constants)
    extra = {}
    updates = []
    for record, found, merged in plan.updated:
        extra = spec.update_extra(found, ctx)
        updates.append((found.pk, merged, list(extra.values())))
    codec.update(updates, extra=list(extra))

    # What undo needs: the values before an update, and a way to tell a later edit. A
    # versioned row's version says it (every edit path bumps it); others keep their values.
    versioned = hasattr(model, "version")
    label = model._meta.label_lower
    common = {"batch_id": batch.pk, "model": label, "before": None, "action": ImportChange.Action.NEW}
    if versioned:  # every new row is at version 1
        bulk.rows_insert(ImportChange, zip((r.number for r in plan.new), new_ids), count=len(plan.new),
                         fields=["row_number", "object_id"], constants={**common, "after": {"version": 1}},
                         want_ids=False)
    else:
        bulk.rows_insert(ImportChange, (
            (r.number, object_id, _jsonable(spec, codec.values(r.line))) for r, object_id in zip(plan.new, new_ids)
        ), count=len(plan.new), fields=["row_number", "object_id", "after"], constants=common, want_ids=False)
    bulk.rows_insert(ImportChange, [
        {"batch_id": batch.pk, "row_number": record.number, "model": label, "object_id": found.pk,
         "action": ImportChange.Action.UPDATED, "before": _jsonable(spec, found.values),
         "after": {"version": found.version + 1} if versioned else _jsonable(spec, codec.values(merged))}
        for record, found, merged in plan.updated
    ])
    audit_event(batch, action=AuditEntry.Action.IMPORT, by=batch.created_by, source=SOURCE_IMPORT,
                changes={"kind": [None, spec.kind], "new": [None, len(plan.new)], "updated": [None, len(plan.updated)]})
    names = spec.written_fields or spec.fields
    wanted = [spec.fields.index(name) for name in names if name in spec.fields]
    fixed = {name: constants[name] for name in names if name not in spec.fields}
    spec.after_write(
        created=(Written(pk, r.kecamatan_id, {**codec.values_of(r.line, wanted), **fixed})
                 for pk, r in zip(new_ids, plan.new)),
        updated=[found.pk for _r, found, _m in plan.updated],
    )


def _jsonable(spec, values) -> dict:
    return {f: _json(v) for f, v in zip(spec.fields, values)}


def _versions_still(spec, updated) -> None:
    """Rows edited by someone between the check and the write are not overwritten."""
    model = spec.model
    if not hasattr(model, "version"):
        return
    expected = {found.pk: found.version for _r, found, _m in updated}
    for chunk in bulk.in_chunks(list(expected)):
        for pk, version in model.objects.select_for_update().filter(pk__any_of=chunk).values_list("pk", "version"):
            if expected[pk] != version:
                raise EditedMeanwhile(_("%(what)s #%(pk)s diubah orang lain") % {
                    "what": model._meta.verbose_name, "pk": pk})


def import_mark_stale(batch: ImportBatch) -> ImportBatch:
    """A check or import whose worker died (server restarted), or that no worker took from
    the queue in time, is marked failed; the job, if a worker takes it later, does nothing.

    Its transaction never committed, so nothing of it is in the database.
    """
    stale_after = timezone.now() - timezone.timedelta(seconds=settings.IMPORT_STALE_SECONDS)
    if batch.is_running and batch.heartbeat_at and batch.heartbeat_at < stale_after:
        _batch_update(ImportBatch.objects.filter(pk=batch.pk, status=batch.status),
            status=ImportBatch.Status.FAILED,
            refusal=_("Proses terhenti atau tidak dijalankan (server atau pekerja latar dimulai ulang?). Tidak ada yang "
                      "disimpan; periksa ulang berkas ini."))
        batch.refresh_from_db()
    return batch


class NearMatchesOpen(Exception):
    """Rows that may be stored rows have not been answered yet."""


def import_decide(*, batch: ImportBatch, user, answers: dict[int, str]) -> None:
    """The answers to "mungkin sama dengan …": row number → the stored row's id (the same:
    update it) or NEW_ROW. Kept on the batch; the file is checked again with them."""
    if batch.created_by_id != user.pk or batch.status != ImportBatch.Status.READY:
        raise PermissionDenied
    offered = {item["row"]: str(item["pk"]) for item in (batch.columns or {}).get("near", [])}
    same = dict((batch.options or {}).get("same") or {})
    for row, answer in answers.items():
        if row in offered and answer in (offered[row], NEW_ROW):
            same[str(row)] = answer
    _batch_update(ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.READY),
                  status=ImportBatch.Status.CHECKING, options={**(batch.options or {}), "same": same},
                  progress=0, heartbeat_at=timezone.now(), refusal="")
    _run_later(import_check_job, batch.pk)


class MappingRefused(Exception):
    def __init__(self, problems: list[str]):
        super().__init__(" ".join(problems))
        self.problems = problems


def import_map(*, batch: ImportBatch, user, choices: dict[int, str], profile_name: str = "") -> None:
    """The mapping step's answer: file column index → target key ("" = abaikan). Checked
    (no field twice, every required field mapped; MappingRefused names them, nothing is
    saved), kept on the batch, saved as a profile when named, and the file checked again."""
    if batch.created_by_id != user.pk or batch.status != ImportBatch.Status.MAPPING:
        raise PermissionDenied
    spec = SPECS[batch.kind]
    headers = batch.columns.get("headers", [])
    targets = columns.targets_of(spec)
    mapping = {}
    for index, header in enumerate(headers):
        key = choices.get(index, "")
        if key and key not in targets:
            raise MappingRefused([_("Pilihan untuk kolom %(col)s tidak dikenal.") % {"col": header}])
        if header_key(header):
            mapping[header_key(header)] = key
    checked = columns.column_plan(spec, headers, mapping)
    if checked.problems:
        raise MappingRefused(checked.problems)
    profile_name = " ".join(profile_name.split())[:100]
    with transaction.atomic():
        if profile_name:
            keys = columns.header_set(headers)
            MappingProfile.objects.update_or_create(
                kind=spec.kind, name=profile_name,
                defaults={"header_keys": keys, "signature": MappingProfile.signature_of(keys), "mapping": mapping,
                          "created_by": user})
        _batch_update(ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.MAPPING),
                      status=ImportBatch.Status.CHECKING, options={**batch.options, "mapping": mapping},
                      progress=0, heartbeat_at=timezone.now(), refusal="")
        _run_later(import_check_job, batch.pk)


def import_reading(*, batch: ImportBatch, user, sheet: str | None, hidden_rows: str | None) -> None:
    """Read the file again another way: another sheet, or with its hidden rows counted."""
    if batch.created_by_id != user.pk or batch.status not in (
            ImportBatch.Status.READY, ImportBatch.Status.INVALID, ImportBatch.Status.MAPPING):
        raise PermissionDenied
    options = dict(batch.options or {})
    if sheet is not None:
        if sheet != options.get("sheet"):
            options.pop("mapping", None)  # another sheet has other columns
        options["sheet"] = sheet
    if hidden_rows in ("include", "skip"):
        options["hidden_rows"] = hidden_rows
    _batch_update(ImportBatch.objects.filter(pk=batch.pk), status=ImportBatch.Status.CHECKING, options=options,
                  progress=0, heartbeat_at=timezone.now(), refusal="")
    _run_later(import_check_job, batch.pk)


def import_recheck(*, batch: ImportBatch, user) -> None:
    if batch.created_by_id != user.pk or batch.status not in (ImportBatch.Status.FAILED, ImportBatch.Status.READY):
        raise PermissionDenied
    _batch_update(ImportBatch.objects.filter(pk=batch.pk), status=ImportBatch.Status.CHECKING, progress=0,
                                                   heartbeat_at=timezone.now(), refusal="")
    _run_later(import_check_job, batch.pk)


@task()
def import_check_job(batch_id: int) -> None:
    import_check(batch_id)


@task()
def import_commit_job(batch_id: int) -> None:
    import_commit(batch_id)


def _run_later(job, batch_id: int, *, inline: bool = False) -> None:
    """Queue the job; it is a row written in the caller's transaction, so the worker sees it
    exactly when the batch's new status is committed. `inline` runs it here and now."""
    if inline:
        job.call(batch_id)
    else:
        job.enqueue(batch_id)


# --- undo ----------------------------------------------------------------------------------


def import_undo(*, batch: ImportBatch, user) -> list[str]:
    """Restore what the import changed; returns the reasons it cannot (nothing is done then)."""
    spec = SPECS[batch.kind]
    if not user.has_perm(spec.permission("import")):
        raise PermissionDenied
    if batch.status != ImportBatch.Status.DONE:
        return [_("Hanya impor yang selesai yang bisa dibatalkan.")]
    outside = _rows_outside_scope(spec, batch, user)
    if outside:
        return [_("%(n)s baris impor ini kini di luar kecamatan tugas Anda; hanya Admin Dinas yang dapat "
                  "membatalkannya.") % {"n": outside}]
    try:
        with transaction.atomic():
            blockers = _undo(spec, batch, user)
            if blockers:
                raise _Blocked(blockers)
    except _Blocked as blocked:
        return blocked.reasons
    return []


def _rows_outside_scope(spec, batch, user) -> int:
    """How many rows the import wrote lie outside what `user` may change today (the scope
    decided now, not when the file was imported: an assignment may have ended since)."""
    if kecamatan_ids_editable_by(user) is None:
        return 0
    ids = Subquery(batch.changes.values("object_id"))
    rows = spec.model._default_manager.filter(pk__in=ids)
    if not hasattr(rows, "editable_by"):
        return rows.count()  # rows that belong to no kecamatan: staff only
    return rows.count() - rows.editable_by(user).count()


class _Blocked(Exception):
    def __init__(self, reasons):
        self.reasons = reasons


def _undo(spec, batch, user) -> list[str]:
    model = spec.model
    locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if locked.status != ImportBatch.Status.DONE:
        return [_("Impor ini sudah dibatalkan.")]
    changes = list(batch.changes.values_list("row_number", "object_id", "action", "before", "after"))
    ids = Subquery(batch.changes.values("object_id"))
    check = list(spec.fields) + (["version"] if hasattr(model, "version") else [])
    current = {row[0]: row[1:] for row in model.objects.filter(pk__in=ids).values_list("pk", *check)}
    fields = [model._meta.get_field(f) for f in spec.fields]
    # A later import of the same rows that was itself undone bumped the version twice
    # (import, undo) and left the values as this import wrote them: not a later edit.
    undone_later = dict(
        ImportChange.objects.filter(
            model=model._meta.label_lower, object_id__in=ids, batch__pk__gt=batch.pk,
            batch__status=ImportBatch.Status.UNDONE,
        ).values("object_id").annotate(n=Count("pk")).values_list("object_id", "n")
    )
    blockers = []
    for number, object_id, action, _before, after in changes:
        now = current.get(object_id)
        if now is None:
            blockers.append(_("Baris %(row)s: data ini sudah dihapus setelah impor.") % {"row": number})
            continue
        if "version" in after:
            changed = now[-1] != after["version"] + 2 * undone_later.get(object_id, 0)
        else:
            changed = list(now) != [_value(f, after[name]) for name, f in zip(spec.fields, fields)]
        if changed:
            blockers.append(_("Baris %(row)s: data ini diubah setelah impor (%(what)s #%(pk)s).") % {
                "row": number, "what": model._meta.verbose_name, "pk": object_id})
    new_ids = Subquery(batch.changes.filter(action=ImportChange.Action.NEW).values("object_id"))
    for relation in model._meta.related_objects:
        if relation.related_model._meta.label_lower in spec.derived_models or not relation.field.concrete:
            continue
        later = relation.related_model._base_manager.filter(**{f"{relation.field.name}__in": new_ids}).count()
        if later:
            blockers.append(_("%(n)s %(what)s dibuat kemudian untuk data baru dari impor ini; hapus atau pindahkan "
                              "dulu.") % {"n": later, "what": relation.related_model._meta.verbose_name})
    if blockers:
        return blockers[:50] + ([_("… dan %(n)s lagi.") % {"n": len(blockers) - 50}] if len(blockers) > 50 else [])

    restored = []
    versioned = hasattr(model, "version")
    for number, object_id, action, before, after in changes:
        if action != ImportChange.Action.UPDATED:
            continue
        values = {name: _value(f, before[name]) for name, f in zip(spec.fields, fields)}
        if versioned:
            values["version"] = after["version"] + 2 * undone_later.get(object_id, 0) + 1
        restored.append({model._meta.pk.attname: object_id, **values})
    bulk.rows_update(model, restored, list(spec.fields) + (["version"] if versioned else []))
    affected = [row[model._meta.pk.attname] for row in restored]
    owners = spec.owners_of(new_ids)
    # Nothing refers to the created rows any more (checked above) but derived figures:
    # plain DELETEs, not Django's object-by-object cascade, which at 100,000 rows would
    # outlast the request.
    for relation in model._meta.related_objects:
        if relation.field.concrete:
            relation.related_model._base_manager.filter(**{f"{relation.field.name}__in": new_ids})._raw_delete(
                using="default")
    model._base_manager.filter(pk__in=new_ids)._raw_delete(using="default")
    spec.after_write(created=(), updated=affected, removed_owners=owners)
    audit_event(batch, action=AuditEntry.Action.UNDO, by=user, source=SOURCE_IMPORT,
                changes={"restored": [None, len(affected)], "removed": [None, len(changes) - len(affected)]})
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportBatch.Status.UNDONE, undone_by=user, undone_at=timezone.now())
    return []


def _value(field, stored):
    """A value kept as JSON in the history, back as the field's Python value."""
    return None if stored is None else field.to_python(stored)


STATUS_HELP = {
    ImportBatch.Status.CHECKING: gettext_lazy("Berkas sedang diperiksa; belum ada yang disimpan."),
    ImportBatch.Status.MAPPING: gettext_lazy("Judul kolom berkas berbeda dari templat. Pilih untuk setiap kolom berkas "
                                             "isian portal yang diisinya, lalu periksa; belum ada yang disimpan."),
    ImportBatch.Status.READY: gettext_lazy("Tidak ada galat. Periksa ringkasan dan contoh baris, lalu tekan Impor."),
    ImportBatch.Status.INVALID: gettext_lazy("Berkas belum bisa diimpor. Perbaiki galat di bawah lalu unggah lagi; "
                                             "tidak ada yang disimpan."),
    ImportBatch.Status.IMPORTING: gettext_lazy("Sedang mengimpor dalam satu transaksi: semua baris tersimpan, "
                                               "atau tidak sama sekali."),
    ImportBatch.Status.DONE: gettext_lazy("Semua baris tersimpan."),
    ImportBatch.Status.FAILED: gettext_lazy("Tidak ada yang disimpan."),
    ImportBatch.Status.UNDONE: gettext_lazy("Impor ini sudah dibatalkan: data dikembalikan seperti sebelum impor."),
}
