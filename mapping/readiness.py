"""Legal readiness of a product: which permits its kind of business needs, held or not.

Pure rules on plain values, shared by the UMKM page and the dashboard figures.
"""

from dataclasses import dataclass
from datetime import date

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from mapping.models import Permit, SizeClass

HALAL_OBLIGATION_DATE = date(2026, 10, 17)
FOOD_SECTORS = {"makanan-minuman"}


@dataclass
class ReadinessItem:
    label: str
    status: str  # "ada", "kurang", "kedaluwarsa", "dianjurkan"
    note: str = ""

    @property
    def blocks(self) -> bool:
        return self.status in ("kurang", "kedaluwarsa")


@dataclass(frozen=True)
class PermitFact:
    """The parts of a permit the rules read (a Permit instance has the same attributes)."""

    kind: str
    product_id: int | None
    valid_until: date | None

    @property
    def is_expired(self) -> bool:
        return self.valid_until is not None and self.valid_until < timezone.localdate()


def readiness_items(*, sector_kode: str, has_nib: bool, size_class: str, product_id: int, permits) -> list[ReadinessItem]:
    """NIB always; for food, SPP-IRT/PIRT or BPOM MD and halal; SNI when held; HKI advised."""
    held = {}
    for permit in permits:
        if permit.product_id in (None, product_id):
            best = held.get(permit.kind)
            if best is None or (best.is_expired and not permit.is_expired):
                held[permit.kind] = permit
    items = [ReadinessItem(str(Permit.Kind.NIB.label), "ada" if has_nib else "kurang")]

    def status_of(kind, required=True):
        permit = held.get(kind)
        if permit is None:
            return "kurang" if required else "dianjurkan"
        return "kedaluwarsa" if permit.is_expired else "ada"

    if sector_kode in FOOD_SECTORS:
        pirt, bpom = status_of(Permit.Kind.PIRT), status_of(Permit.Kind.BPOM)
        registration = "ada" if "ada" in (pirt, bpom) else ("kedaluwarsa" if "kedaluwarsa" in (pirt, bpom) else "kurang")
        items.append(ReadinessItem(_("SPP-IRT / PIRT atau BPOM MD"), registration,
                                   _("PIRT berlaku 5 tahun sejak terbit.")))
        note = ""
        if size_class in (SizeClass.MIKRO, SizeClass.KECIL):
            note = _("Wajib bagi pangan usaha mikro dan kecil sejak %(date)s.") % {
                "date": formats.date_format(HALAL_OBLIGATION_DATE, "j F Y")}
        items.append(ReadinessItem(str(Permit.Kind.HALAL.label), status_of(Permit.Kind.HALAL), note))
    if Permit.Kind.SNI in held:
        items.append(ReadinessItem(str(Permit.Kind.SNI.label), status_of(Permit.Kind.SNI)))
    items.append(ReadinessItem(str(Permit.Kind.HKI.label), status_of(Permit.Kind.HKI, required=False),
                               _("Merek melindungi nama produk.")))
    return items
