"""The shortlist of a program: eligible recipients up to the quota, ranked by potential,
fit with the area's adopted produk unggulan and need, spread across desa — each place
explained. Same data, same list: every tie is broken by the record's id.

Points of a UMKM: its best verified potential score (0–100), + FIT_POINTS when it makes
a commodity adopted as produk unggulan of its kecamatan or desa, + NEED_POINTS by size
(micro most), + NO_AID_POINTS when it never received aid, − MISUSE_POINTS when earlier aid
was found sold, unused or broken. The list then takes, round by round, the best remaining
candidate of each desa, so one desa cannot take every place.
"""

from collections import deque
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import islice

from django.db.models import Case, DecimalField, Exists, ExpressionWrapper, Min, OuterRef, Q, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from bantuan.models import Kelompok, Recipient, UseCheck
from bantuan.rules import (PERSON_KEYS, best_score_of, eligibility_failures, people_of, person_statuses,
                           umkm_narrowed)
from mapping import selectors as mapping_selectors
from mapping.models import UMKM, Kecamatan, Product, SizeClass
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


def _umkm_ranked(program, on, user=None):
    """The UMKM that may be candidates, each annotated with its points (and what they are made of),
    best first — computed by the database, so no UMKM is read into Python before it is needed."""
    rules = program.rules or {}
    adopted = _adopted_komoditas()
    fitting = Q(pk__in=[])
    for kecamatan_id, komoditas_ids in adopted.items():
        if komoditas_ids:
            fitting |= Q(umkm__desa__kecamatan_id=kecamatan_id, komoditas_id__in=komoditas_ids)
    aided_before = Recipient.objects.counting().filter(umkm=OuterRef("pk")).exclude(program=program)
    misused = UseCheck.objects.filter(disbursement__recipient__umkm=OuterRef("pk"), result__in=MISUSED)
    base = UMKM.objects.active() if user is None else UMKM.objects.visible_to(user).active()
    queryset = (_area(base, rules, "desa").with_size_class()
                .exclude(pk__in=Recipient.objects.filter(program=program, umkm__isnull=False).values("umkm"))
                .annotate(verified_best_score=best_score_of(OuterRef("pk")), aided=Exists(aided_before),
                          misused=Exists(misused),
                          fits=Exists(Product.objects.filter(fitting, umkm=OuterRef("pk"), is_active=True))))
    points = (Coalesce("verified_best_score", Value(Decimal(0)))
              + Case(When(fits=True, then=Value(FIT_POINTS)), default=Value(0))
              + Case(*[When(size_class_code=size, then=Value(need)) for size, need in NEED_POINTS.items()], default=Value(0))
              + Case(When(aided=False, then=Value(NO_AID_POINTS)), default=Value(0))
              - Case(When(misused=True, then=Value(MISUSE_POINTS)), default=Value(0)))
    queryset = queryset.annotate(points=ExpressionWrapper(points, output_field=DecimalField(max_digits=7, decimal_places=2)))
    return umkm_narrowed(queryset, rules, on=on).order_by("-points", "pk"), adopted


def _umkm_judge(program, on, ranked, adopted):
    """judge(ids) → {id: Candidate, or None when a rule of the program is not met}: the UMKM read
    whole (products, permits) only now, a batch at a time, and checked by eligibility_failures."""
    def judge(ids) -> dict:
        umkms = list(ranked.filter(pk__in=ids).select_related("desa__kecamatan")
                     .defer("desa__boundary", "desa__kecamatan__boundary")
                     .prefetch_related("products__sector", "products__komoditas", "permits"))
        statuses = _statuses(program, on, [people_of(umkm=u, on=on) for u in umkms])
        judged = dict.fromkeys(ids)
        for umkm in umkms:
            if not eligibility_failures(program, umkm=umkm, on=on, statuses=statuses):
                judged[umkm.pk] = Candidate(umkm=umkm, kelompok=None, points=umkm.points,
                                            reasons=_umkm_reasons(umkm, adopted))
        return judged
    return judge


def _umkm_reasons(umkm, adopted) -> list[str]:
    """The points of a ranked UMKM (_umkm_ranked) in words."""
    score = umkm.verified_best_score
    reasons = [_("skor potensi %(s)s") % {"s": format_number(score, 2)} if score is not None else _("belum dinilai")]
    if umkm.fits:
        fitting = sorted({p.komoditas.name for p in umkm.products.all()
                          if p.is_active and p.komoditas_id in adopted.get(umkm.desa.kecamatan_id, set())})
        reasons.append(_("produk unggulan ditetapkan: %(k)s") % {"k": ", ".join(fitting)})
    if NEED_POINTS.get(umkm.size_class):
        reasons.append(_("usaha %(size)s") % {"size": umkm.get_size_class_display().lower()})
    if not umkm.aided:
        reasons.append(_("belum pernah menerima bantuan"))
    if umkm.misused:
        reasons.append(_("bantuan sebelumnya dijual/tidak dipakai/rusak"))
    return reasons


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
    aided_before = set(Recipient.objects.counting().filter(kelompok__in=[k.pk for k in groups])
                       .exclude(program=program).values_list("kelompok_id", flat=True))
    found = []
    for kelompok in groups:
        if eligibility_failures(program, kelompok=kelompok, on=on, statuses=statuses):
            continue
        members = len(kelompok.members_on(on))
        points, reasons = Decimal(min(members, 50)), [_("%(n)s anggota aktif") % {"n": members}]
        if kelompok.komoditas_id and kelompok.komoditas_id in adopted.get(kelompok.desa.kecamatan_id, set()):
            points += FIT_POINTS
            reasons.append(_("produk unggulan ditetapkan: %(k)s") % {"k": kelompok.komoditas.name})
        if kelompok.pk not in aided_before:
            points += NO_AID_POINTS
            reasons.append(_("belum pernah menerima bantuan"))
        found.append(Candidate(umkm=None, kelompok=kelompok, points=points, reasons=reasons))
    return found


def _spread(ranked: list[tuple[int, int]], judge, places: int) -> list[Candidate]:
    """Round by round, the best remaining eligible candidate of each desa, the desa in the order
    of their best candidates, until `places` are taken. `ranked` is [(id, desa id)] best first;
    `judge` decides eligibility a batch at a time and is asked only about the ids this needs: a
    desa's next few at first (the places a round-robin would give it), twice as many each time
    it needs more."""
    queues: dict[int, deque] = {}
    for pk, desa_id in ranked:
        queues.setdefault(desa_id, deque()).append(pk)
    ahead = dict.fromkeys(queues, -(-places // max(len(queues), 1)) + 1)
    heads: dict[int, Candidate] = {}
    known: dict[int, Candidate | None] = {}

    def fill(desa_ids):  # each desa's next eligible candidate; known ones are a prefix of its queue
        wanted = list(desa_ids)
        while wanted:
            unknown = []
            for desa_id in wanted:
                queue = queues[desa_id]
                while queue and queue[0] in known and desa_id not in heads:
                    candidate = known[queue.popleft()]
                    if candidate is not None:
                        heads[desa_id] = candidate
                if desa_id not in heads and queue:
                    unknown += islice(queue, ahead[desa_id])
                    ahead[desa_id] *= 2
            if unknown:
                known.update(judge(unknown))
            wanted = [d for d in wanted if d not in heads and queues[d]]

    fill(list(queues))
    order = sorted(heads, key=lambda d: (-heads[d].points, (heads[d].umkm or heads[d].kelompok).pk))
    chosen = []
    while len(chosen) < places and heads:
        taken = []
        for desa_id in order:
            if desa_id in heads and len(chosen) < places:
                chosen.append(heads.pop(desa_id))
                taken.append(desa_id)
        if len(chosen) < places:
            fill(taken)
    for position, candidate in enumerate(chosen, start=1):
        candidate.position = position
    return chosen


def shortlist(program, *, on=None, limit: int | None = None, user=None) -> list[Candidate]:
    """The ranked shortlist: the free places of the quota (or `limit`), spread across desa;
    with `user`, only candidates in their scope (a pendamping's kecamatan)."""
    on = on or timezone.localdate()
    places = limit if limit is not None else max(program.quota - Recipient.objects.counting().filter(program=program).count(), 0)
    if not places:
        return []
    if program.recipient_type == "umkm":
        ranked, adopted = _umkm_ranked(program, on, user)
        return _spread(list(ranked.values_list("pk", "desa_id")), _umkm_judge(program, on, ranked, adopted), places)
    candidates = sorted(_kelompok_candidates(program, on, user), key=lambda c: (-c.points, c.kelompok.pk))
    by_pk = {c.kelompok.pk: c for c in candidates}
    return _spread([(c.kelompok.pk, c.desa.pk) for c in candidates], lambda ids: {pk: by_pk[pk] for pk in ids}, places)


def fairness_gaps(program, *, on=None, limit: int = 20) -> list[Candidate]:
    """Eligible UMKM of the target area, not in the program, whose potential score is above
    that of the lowest-rated UMKM the program does aid: who got nothing while lower-rated did."""
    if program.recipient_type != "umkm":
        return []
    on = on or timezone.localdate()
    aided = Recipient.objects.counting().filter(program=program, umkm__isnull=False).values("umkm")
    lowest = (UMKM.objects.filter(pk__in=aided).annotate(best=best_score_of(OuterRef("pk")))
              .filter(best__isnull=False).aggregate(lowest=Min("best"))["lowest"])
    if lowest is None:
        return []
    ranked, adopted = _umkm_ranked(program, on)
    better = ranked.filter(verified_best_score__gt=lowest).order_by("-verified_best_score", "pk")
    judge, gaps = _umkm_judge(program, on, ranked, adopted), []
    better_ids = list(better.values_list("pk", flat=True))
    for start in range(0, len(better_ids), 200):
        ids = better_ids[start:start + 200]
        judged = judge(ids)
        gaps += [judged[pk] for pk in ids if judged[pk] is not None]
        if len(gaps) >= limit:
            break
    return gaps[:limit]
