"""Writes of the public catalogue: publishing a UMKM, its business channels, the owner's consent.

Each write is audited and outdates the cached pages of its kecamatan through facts_changed()
(the one path; a catalogue write changes no figure, so nothing is recounted).
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mapping.models import UMKM, Product
from mapping.models.catalogue import CatalogueEntry, Consent
from mapping.services.facts import facts_changed
from mapping.services.registry import versioned_save
from purbalingga_umkm.audit import audit_saved, audit_snapshot


class CatalogueError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _outdated(umkm: UMKM) -> None:
    facts_changed(umkm_ids=[umkm.pk])  # its catalogue rows and cached pages


def catalogue_entry_of(umkm: UMKM) -> CatalogueEntry:
    entry, _created = CatalogueEntry.objects.get_or_create(umkm=umkm)
    return entry


@transaction.atomic
def catalogue_publish(*, umkm: UMKM, by) -> CatalogueEntry:
    """Show the UMKM in the public catalogue. Refused for an inactive UMKM and for one without
    an active product (a buyer would find an empty page)."""
    umkm = UMKM.objects.select_for_update().get(pk=umkm.pk)
    if not umkm.is_active:
        raise CatalogueError(_("UMKM ini tidak aktif: aktifkan dulu sebelum ditampilkan di katalog."))
    if not Product.objects.filter(umkm=umkm, is_active=True).exists():
        raise CatalogueError(_("UMKM ini belum punya produk aktif: tambahkan produknya dulu, lalu tampilkan "
                               "di katalog."))
    entry = catalogue_entry_of(umkm)
    if not entry.is_published:
        before = audit_snapshot(entry)
        entry.is_published, entry.published_at, entry.published_by = True, timezone.now(), by
        entry.version += 1
        entry.save()
        audit_saved(entry, before=before, by=by)
        _outdated(umkm)
    return entry


@transaction.atomic
def catalogue_unpublish(*, umkm: UMKM, by) -> CatalogueEntry:
    """Take the UMKM out of the public catalogue at once (its pages answer 404)."""
    entry = catalogue_entry_of(umkm)
    if entry.is_published:
        before = audit_snapshot(entry)
        entry.is_published = False
        entry.version += 1
        entry.save()
        audit_saved(entry, before=before, by=by)
        _outdated(umkm)
    return entry


CHANNEL_FIELDS = ["business_phone", "shopee_url", "tokopedia_url", "tiktok_url", "website_url", "tagline"]


def catalogue_channels_save(*, entry: CatalogueEntry, expected_version: int, by) -> CatalogueEntry:
    """Save the business channels from the version the user saw (EditConflict otherwise)."""
    entry.updated_by = by
    with transaction.atomic():
        saved = versioned_save(entry, fields=[*CHANNEL_FIELDS, "updated_by"], expected_version=expected_version,
                               by=by)
        _outdated(saved.umkm)
    return saved


@transaction.atomic
def consent_record(*, consent: Consent, by) -> Consent:
    """Record the owner's consent (who recorded it and when are required); a consent in
    force before it is withdrawn by this one, so exactly one is in force."""
    if by is None or not getattr(by, "pk", None):
        raise CatalogueError(_("Persetujuan harus dicatat oleh pengguna yang masuk."))
    if consent.given_on is None:
        raise CatalogueError(_("Tanggal persetujuan pemilik wajib diisi."))
    if not (consent.contact or consent.marketplace or consent.exact_location):
        raise CatalogueError(_("Pilih setidaknya satu hal yang disetujui pemilik untuk ditampilkan."))
    now = timezone.now()
    for previous in Consent.objects.select_for_update().in_force().filter(umkm=consent.umkm_id):
        _withdraw(previous, by=by, at=now)
    consent.recorded_by = by
    consent.full_clean()
    consent.save()
    audit_saved(consent, before=None, by=by)
    _outdated(consent.umkm)
    return consent


def _withdraw(consent: Consent, *, by, at) -> None:
    before = audit_snapshot(consent)
    consent.withdrawn_at, consent.withdrawn_by = at, by
    consent.save(update_fields=["withdrawn_at", "withdrawn_by"])
    audit_saved(consent, before=before, by=by)


@transaction.atomic
def consent_withdraw(*, umkm: UMKM, by) -> int:
    """The owner withdrew their consent: contact, links and exact point disappear at once."""
    withdrawn = 0
    for consent in Consent.objects.select_for_update().in_force().filter(umkm=umkm):
        _withdraw(consent, by=by, at=timezone.now())
        withdrawn += 1
    if withdrawn:
        _outdated(umkm)
    return withdrawn
