"""Survey writes: optimistic locking and double-submit protection, with the figures kept true."""

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from mapping.models import UMKM, Permit, Product
from mapping.services.facts import facts_changed
from mapping.services.komoditas import products_komoditas_suggest
from purbalingga_umkm.audit import audit_saved, audit_snapshot


class EditConflict(Exception):
    """Someone else saved the row since the form was opened."""

    def __init__(self, current, changes: list[tuple[str, object, object]]):
        super().__init__("edit conflict")
        self.current = current
        self.changes = changes  # (field label, value now stored, value the user sent)


def versioned_save(instance, *, fields: list[str], expected_version: int, by=None):
    """Save `fields` only if nobody changed the row since `expected_version` was read.

    A second, identical submission (double tap) is not a conflict: nothing differs.
    Raises EditConflict with the differing fields otherwise.
    """
    model = type(instance)
    values = {name: getattr(instance, model._meta.get_field(name).attname) for name in fields}
    if "updated_by" in {f.name for f in model._meta.fields}:
        values["updated_by"] = by
    if "updated_at" in {f.name for f in model._meta.fields}:
        values["updated_at"] = timezone.now()
    with transaction.atomic():
        before = model.objects.filter(pk=instance.pk, version=expected_version).select_for_update().first()
        updated = model.objects.filter(pk=instance.pk, version=expected_version).update(
            **values, version=F("version") + 1
        )
        current = model.objects.get(pk=instance.pk)
        if updated:
            audit_saved(current, before=audit_snapshot(before), by=by)
    if updated:
        return current
    changes = []
    for name in fields:
        field = model._meta.get_field(name)
        stored, sent = getattr(current, field.attname), getattr(instance, field.attname)
        if stored != sent:
            changes.append((str(field.verbose_name), stored, sent))
    if changes:
        raise EditConflict(current, changes)
    return current


def created_once(model, instance, *, token, by=None):
    """Create `instance` unless a row with the same submission token exists already."""
    if token:
        existing = model.objects.filter(submission_token=token).first()
        if existing is not None:
            return existing
    instance.submission_token = token
    if hasattr(instance, "created_by_id") and by is not None:
        instance.created_by = by
    if hasattr(instance, "updated_by_id") and by is not None:
        instance.updated_by = by
    try:
        with transaction.atomic():
            instance.save()
            audit_saved(instance, before=None, by=by)
    except IntegrityError:
        return model.objects.get(submission_token=token)
    return instance


def survey_save(instance, *, fields: list[str], expected_version, token, by, new_photo=None):
    """Create (once per token) or update (only from the version the user saw) a survey row.

    The UMKM's dashboard figures are refreshed in the same transaction.
    """
    if new_photo is not None:
        instance.photo.save(new_photo.name, new_photo, save=False)
    with transaction.atomic():
        if instance.pk is None:
            saved = created_once(type(instance), instance, token=token, by=by)
        else:
            saved = versioned_save(instance, fields=fields, expected_version=expected_version, by=by)
        if isinstance(saved, Product) and not saved.komoditas_confirmed:
            products_komoditas_suggest([saved.pk])
            saved.refresh_from_db(fields=["komoditas"])
        facts_changed(umkm_ids=[saved.pk if isinstance(saved, UMKM) else saved.umkm_id])
    return saved


def quick_survey_save(*, umkm, product, umkm_token, product_token, by) -> Product:
    """A new UMKM with its first product (and photo) in one transaction, each created once
    per submission token: a form sent twice (a double tap, or a phone re-sending what it
    kept while offline) stores one UMKM and one product."""
    with transaction.atomic():
        umkm = survey_save(umkm, fields=[], expected_version=None, token=umkm_token, by=by)
        product.umkm = umkm
        return survey_save(product, fields=[], expected_version=None, token=product_token, by=by)


def permit_record(*, permit, by) -> Permit:
    """Save a permit; the same kind and number sent twice for a UMKM is stored once."""
    if permit.pk is None:
        existing = Permit.objects.filter(umkm=permit.umkm_id, kind=permit.kind, number=permit.number).first()
        if existing is not None:
            return existing
    try:
        with transaction.atomic():
            stored = Permit.objects.select_for_update().filter(pk=permit.pk).first() if permit.pk else None
            permit.save()
            audit_saved(permit, before=audit_snapshot(stored) if stored else None, by=by)
            facts_changed(umkm_ids=[permit.umkm_id])
    except IntegrityError:
        return Permit.objects.get(umkm=permit.umkm_id, kind=permit.kind, number=permit.number)
    return permit
