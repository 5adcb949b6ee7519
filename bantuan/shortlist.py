"""The shortlist of a program: eligible recipients up to the quota, ranked by potential,
fit with the area's adopted produk unggulan and need, spread across desa — each place
explained. Same data, same list: every tie is broken by the record's id.

Points of a UMKM: its best verified potential score (0–100), + FIT_POINTS when it makes
a commodity adopted as produk unggulan of its kecamatan or desa, + NEED_POINTS by size
(micro most), + NO_AID_POINTS when it never received aid, − MISUSE_POINTS when earlier aid
was found sold, unused or broken. The list then takes, round by round, the best remaining
candidate of each desa, so one desa cannot take every place.
"""

from collections import OrderedDict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Exists, Max, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from bantuan.models import Kelompok, Recipient, UseCheck
from bantuan.rules import PERSON_KEYS, best_score, eligibility_failures, people_of, person_statuses
from mapping import selectors as mapping_selectors
from mapping.models import UMKM, Assessment, Kecamatan, Product, SizeClass
from purbalingga_umkm.numbers import format_number

FIT_POINTS = 15
NEED_POINTS = {SizeClass.MIKRO: 10, SizeClass.KECIL: 5}
NO_AID_POINTS = 10
MISUSE_POINTS = 20
MISUSED = (UseCheck.Result.SOLD, UseCheck.Result.UNUSED, UseCheck.Result.BROKEN)


@dataclass
class Candidate:
    umkm: UMKM | None
    kelompok: Kelompok | None
    points: Decimal
    reasons: list[str] = field(default_factory=list)
    position: int = 0

    @property
    def desa(self):
        return (self.umkm or self.kelompok).desa

    @property
    def explanation(self) -> str:
        return "; ".join(self.reasons)


def _adopted_komoditas() -> dict[int, set[int]]:
    """{kecamatan id: komoditas ids adopted as produk unggulan there (kecamatan or desa round)}."""
    adopted: dict[int, set[int]] = {}
    for kecamatan in Kecamatan.objects.defer("boundary", "centre"):
        _penetapan, rows = mapping_selectors.adopted_unggulan(kecamatan=kecamatan)
        adopted[kecamatan.pk] = {row.komoditas_id for row in rows}
    return adopted


def _area(queryset, rules, desa_path: str):
    if rules.get("kecamatan"):
        queryset = queryset.filter(**{f"{desa_path}__kecamatan__code__in": rules["kecamatan"]})
    if rules.get("desa"):
        queryset = queryset.filter(**{f"{desa_path}__code__in": rules["desa"]})
    return queryset


def _statuses(program, on, people_lists) -> dict | None:
    """The person records (KUR, ASN, decile) of every candidate at once, when the rules ask for them."""
    rules = program.rules or {}
    if not any(rules.get(key) for key in PERSON_KEYS):
        return None
    return person_statuses([nik for people in people_lists for _name, nik in people], on=on)


def _umkm_candidates(program, on, user=None) -> list[Candidate]:
    rules = program.rules or {}
    best = (Assessment.objects.filter(product__umkm=OuterRef("pk"), product__is_active=True, is_current=True,
                                      status=Assessment.Status.VERIFIED)
            .values("product__umkm").annotate(best=Max("weighted_score")).values("best"))
    aided_before = Recipient.objects.counting().filter(umkm=OuterRef("pk")).exclude(program=program)
    misused = UseCheck.objects.filter(disbursement__recipient__umkm=OuterRef("pk"), result__in=MISUSED)
    base = UMKM.objects.active() if user is None else UMKM.objects.visible_to(user).active()
    queryset = (_area(base, rules, "desa")
                .exclude(pk__in=Recipient.objects.filter(program=program, umkm__isnull=False).values("umkm"))
                .annotate(best_score=Subquery(best), aided=Exists(aided_before), misused=Exists(misused))
                .select_related("desa__kecamatan").defer("desa__boundary", "desa__kecamatan__boundary")
                .prefetch_related("products__sector", "products__komoditas", "permits").order_by("pk"))
    if rules.get("skor_minimal") is not None:
        queryset = queryset.filter(best_score__gte=rules["skor_minimal"])
    if rules.get("sektor"):
        queryset = queryset.filter(Exists(Product.objects.filter(umkm=OuterRef("pk"), is_active=True,
                                                                 sector__code__in=rules["sektor"])))
    adopted = _adopted_komoditas()
    umkms = list(queryset)
    statuses = _statuses(program, on, [people_of(umkm=u, on=on) for u in umkms])
    found = []
    for umkm in umkms:
        if eligibility_failures(program, umkm=umkm, on=on, statuses=statuses):
            continue
        points, reasons = Decimal(umkm.best_score or 0), []
        reasons.append(_("skor potensi %(s)s") % {"s": format_number(umkm.best_score, 2)} if umkm.best_score is not None
                       else _("belum dinilai"))
        fitting = sorted({p.komoditas.name for p in umkm.products.all()
                          if p.is_active and p.komoditas_id in adopted.get(umkm.desa.kecamatan_id, set())})
        if fitting:
            points += FIT_POINTS
            reasons.append(_("produk unggulan ditetapkan: %(k)s") % {"k": ", ".join(fitting)})
        need = NEED_POINTS.get(umkm.size_class, 0)
        if need:
            points += need
            reasons.append(_("usaha %(size)s") % {"size": umkm.get_size_class_display().lower()})
        if not umkm.aided:
            points += NO_AID_POINTS
            reasons.append(_("belum pernah menerima bantuan"))
        if umkm.misused:
            points -= MISUSE_POINTS
            reasons.append(_("bantuan sebelumnya dijual/tidak dipakai/rusak"))
        found.append(Candidate(umkm=umkm, kelompok=None, points=points, reasons=reasons))
    return found


def _kelompok_candidates(program, on, user=None) -> list[Candidate]:
    rules = program.rules or {}
    base = Kelompok.objects.active() if user is None else Kelompok.objects.visible_to(user).active()
    queryset = (_area(base, rules, "desa")
                .exclude(pk__in=Recipient.objects.filter(program=program, kelompok__isnull=False).values("kelompok"))
                .select_related("desa__kecamatan", "komoditas").defer("desa__boundary", "desa__kecamatan__boundary")
                .prefetch_related("members__umkm").order_by("pk"))
    adopted = _adopted_komoditas()
    groups = list(queryset)
    statuses = _statuses(program, on, [people_of(kelompok=k, on=on) for k in groups])
    found = []
    for kelompok in groups:
        if eligibility_failures(program, kelompok=kelompok, on=on, statuses=statuses):
            continue
        members = len(kelompok.members_on(on))
        points, reasons = Decimal(min(members, 50)), [_("%(n)s anggota aktif") % {"n": members}]
        if kelompok.komoditas_id and kelompok.komoditas_id in adopted.get(kelompok.desa.kecamatan_id, set()):
            points += FIT_POINTS
            reasons.append(_("produk unggulan ditetapkan: %(k)s") % {"k": kelompok.komoditas.name})
        aided = Recipient.objects.counting().filter(kelompok=kelompok).exclude(program=program).exists()
        if not aided:
            points += NO_AID_POINTS
            reasons.append(_("belum pernah menerima bantuan"))
        found.append(Candidate(umkm=None, kelompok=kelompok, points=points, reasons=reasons))
    return found


def shortlist(program, *, on=None, limit: int | None = None, user=None) -> list[Candidate]:
    """The ranked shortlist: the free places of the quota (or `limit`), spread across desa;
    with `user`, only candidates in their scope (a pendamping's kecamatan)."""
    on = on or timezone.localdate()
    candidates = (_umkm_candidates(program, on, user) if program.recipient_type == "umkm"
                  else _kelompok_candidates(program, on, user))
    places = limit if limit is not None else max(program.quota - Recipient.objects.counting().filter(program=program).count(), 0)
    by_desa: OrderedDict = OrderedDict()
    for candidate in sorted(candidates, key=lambda c: (-c.points, (c.umkm or c.kelompok).pk)):
        by_desa.setdefault(candidate.desa.pk, []).append(candidate)
    chosen = []
    while len(chosen) < places and any(by_desa.values()):
        for queue in by_desa.values():
            if queue and len(chosen) < places:
                chosen.append(queue.pop(0))
    for position, candidate in enumerate(chosen, start=1):
        candidate.position = position
    return chosen


def fairness_gaps(program, *, on=None, limit: int = 20) -> list[Candidate]:
    """Eligible UMKM of the target area, not in the program, whose potential score is above
    that of the lowest-rated UMKM the program does aid: who got nothing while lower-rated did."""
    if program.recipient_type != "umkm":
        return []
    on = on or timezone.localdate()
    aided = Recipient.objects.counting().filter(program=program, umkm__isnull=False).select_related("umkm")
    scores = [score for score in (best_score(r.umkm) for r in aided) if score is not None]
    if not scores:
        return []
    lowest = min(scores)
    gaps = [c for c in _umkm_candidates(program, on) if c.umkm.best_score is not None and c.umkm.best_score > lowest]
    return sorted(gaps, key=lambda c: (-c.umkm.best_score, c.umkm.pk))[:limit]
