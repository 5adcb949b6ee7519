"""The audit trail: who changed which row, when, and its values before and after.

Every write path calls one of these, inside the write's transaction (an entry is kept
exactly when its change is):
- `audit_snapshot(instance)` before a change, `audit_saved(instance, before=…, by=…)`
  after it (a create when `before` is None);
- `audit_deleted(instances, by=…)` before a delete (single or bulk);
- `audit_event(obj, action=…, by=…, changes=…)` for named events (verify, return, an
  import batch, role changes).
Personal data is part of what changes; the trail is shown to staff only (the admin),
and to Pimpinan only as who verified what.
"""

from datetime import date, datetime
from decimal import Decimal

from django.db.models.fields.files import FieldFile

from purbalingga_umkm.models import AuditEntry

SKIPPED = {"version", "updated_at", "updated_by", "created_at", "created_by", "submission_token"}
SOURCE_PORTAL, SOURCE_ADMIN, SOURCE_IMPORT, SOURCE_COMMAND = "portal", "admin", "impor", "perintah"


def _plain(value):
    if isinstance(value, FieldFile):
        return value.name or ""
    if isinstance(value, (Decimal, date, datetime)):
        return str(value)
    return value


def audit_snapshot(instance) -> dict:
    """The audited values of a row: every concrete field but bookkeeping ones."""
    return {
        field.name: _plain(getattr(instance, field.attname))
        for field in instance._meta.concrete_fields
        if field.name not in SKIPPED and not field.primary_key
    }


def _entry(obj, *, action, by, source, changes, model=None, object_id=None):
    model = model or obj._meta.label_lower
    return AuditEntry(
        user=by if getattr(by, "pk", None) else None, username=getattr(by, "username", "") or "",
        action=action, source=source, model=model,
        object_id=str(object_id if object_id is not None else obj.pk), object_repr=str(obj)[:200],
        changes=changes,
    )


def audit_saved(instance, *, before: dict | None, by, source: str = SOURCE_PORTAL, action=None,
                extra: dict | None = None) -> AuditEntry | None:
    """Record a create (`before` None) or an update (only the fields that changed).

    `extra` adds changes the row's own fields do not hold ({name: [before, after]}),
    e.g. an assessment's scores."""
    after = audit_snapshot(instance)
    if before is None:
        changes = {name: [None, value] for name, value in after.items() if value not in (None, "")}
        action = action or AuditEntry.Action.CREATE
    else:
        changes = {name: [before.get(name), value] for name, value in after.items() if before.get(name) != value}
        changes.update(extra or {})
        if not changes and action is None:
            return None
        action = action or AuditEntry.Action.UPDATE
    entry = _entry(instance, action=action, by=by, source=source, changes=changes)
    entry.save()
    return entry


def audit_deleted(instances, *, by, source: str = SOURCE_ADMIN) -> int:
    """Record the deletion of `instances` (call before deleting them), with their values."""
    entries = [_entry(obj, action=AuditEntry.Action.DELETE, by=by, source=source,
                      changes={name: [value, None] for name, value in audit_snapshot(obj).items()})
               for obj in instances]
    AuditEntry.objects.bulk_create(entries, batch_size=500)
    return len(entries)


def audit_event(obj, *, action, by, source: str = SOURCE_PORTAL, changes=None, model=None,
                object_id=None) -> AuditEntry:
    entry = _entry(obj, action=action, by=by, source=source, changes=changes or {}, model=model, object_id=object_id)
    entry.save()
    return entry


def audit_history(*, model: str, object_id) -> list[AuditEntry]:
    """An object's entries, newest first."""
    return list(AuditEntry.objects.filter(model=model, object_id=str(object_id)).select_related("user"))
