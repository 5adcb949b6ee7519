"""Figures of aid for leaders: per program and kecamatan, recipients against the UMKM there,
how many make an adopted produk unggulan, and how the aid delivered is used."""

from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Q
from django.utils.translation import gettext as _

from bantuan.models import Recipient, UseCheck
from bantuan.rules import best_score_of
from mapping import selectors as mapping_selectors
from mapping.models import UMKM, Kecamatan, Product

PRODUCTIVE = (UseCheck.Result.USED, UseCheck.Result.PARTLY)


@dataclass
class KecamatanAid:
    code: str
    name: str
    umkm: int = 0
    recipients: int = 0
    unggulan: int = 0  # recipients making a commodity adopted as produk unggulan of their kecamatan
    checks: int = 0  # use checks recorded
    productive: int = 0  # of which used productively (fully or partly)
    open_flags: int = 0
    classes: dict = field(default_factory=dict)  # {rating class name: UMKM recipients whose best score is in it}
    compared: int = 0  # UMKM recipients with a turnover before the handover and one from a use check
    turnover_before: int = 0  # their turnover per month before (sum)
    turnover_after: int = 0  # and at their latest use check (sum)

    @property
    def turnover_change_pct(self):
        return None if not self.turnover_before else round((self.turnover_after - self.turnover_before) * 100
                                                           / self.turnover_before, 1)

    @property
    def per_thousand(self):
        return None if not self.umkm else round(self.recipients * 1000 / self.umkm, 1)

    @property
    def productive_pct(self):
        return None if not self.checks else round(self.productive * 100 / self.checks)


@dataclass
class AidReport:
    rows: list = field(default_factory=list)
    class_names: list = field(default_factory=list)  # the rating classes, best first

    @property
    def total(self) -> KecamatanAid:
        total = KecamatanAid("", _("Kabupaten"))
        for row in self.rows:
            for name in ("umkm", "recipients", "unggulan", "checks", "productive", "open_flags", "compared",
                         "turnover_before", "turnover_after"):
                setattr(total, name, getattr(total, name) + getattr(row, name))
            for name, n in row.classes.items():
                total.classes[name] = total.classes.get(name, 0) + n
        return total


def aid_by_kecamatan(*, user, program=None, year=None, stage=None) -> AidReport:
    """One row per kecamatan the user may see: counting recipients (of `program` — of one of
    its stages —, or of every program of `year`) against its active UMKM, by potential class,
    with use, the change of turnover after the aid and open flags."""
    recipients = Recipient.objects.visible_to(user).counting()
    if stage is not None:
        recipients = recipients.filter(stage=stage)
    if program is not None:
        recipients = recipients.filter(program=program)
    elif year is not None:
        recipients = recipients.filter(program__year=year)
    kecamatan = Kecamatan.objects.visible_to(user).defer("boundary", "centre").order_by("code")
    umkm = mapping_selectors.active_umkm_per_kecamatan()
    counted = dict(recipients.values("kecamatan_id").annotate(n=Count("pk")).values_list("kecamatan_id", "n"))
    flags = dict(recipients.values("kecamatan_id").annotate(
        n=Count("flags", filter=Q(flags__overridden_at__isnull=True))).values_list("kecamatan_id", "n"))
    checks = UseCheck.objects.filter(recorded_on__isnull=False, disbursement__recipient__in=recipients)
    recorded = dict(checks.values("disbursement__recipient__kecamatan_id").annotate(n=Count("pk"))
                    .values_list("disbursement__recipient__kecamatan_id", "n"))
    productive = dict(checks.filter(result__in=PRODUCTIVE).values("disbursement__recipient__kecamatan_id")
                      .annotate(n=Count("pk")).values_list("disbursement__recipient__kecamatan_id", "n"))
    rows = []
    for place in kecamatan:
        _penetapan, adopted_rows = mapping_selectors.adopted_unggulan(kecamatan=place)
        adopted = [row.komoditas_id for row in adopted_rows]
        unggulan = 0
        if adopted and counted.get(place.pk):
            makers = Product.objects.filter(is_active=True, komoditas_id__in=adopted).values("umkm")
            unggulan = recipients.filter(kecamatan=place).filter(
                Q(umkm__in=makers) | Q(kelompok__komoditas_id__in=adopted)).count()
        rows.append(KecamatanAid(place.code, place.name, umkm=umkm.get(place.pk, 0), recipients=counted.get(place.pk, 0),
                                 unggulan=unggulan, checks=recorded.get(place.pk, 0),
                                 productive=productive.get(place.pk, 0), open_flags=flags.get(place.pk, 0)))
    class_names = _by_class_and_change(recipients, {row.code: row for row in rows})
    return AidReport(rows, class_names)


def _by_class_and_change(recipients, rows: dict) -> list[str]:
    """Fill each row's recipients by potential class and their turnover before/after the aid,
    for the UMKM recipients (a fixed number of queries). Returns the class names, best first."""
    from mapping.models import RatingClass

    classes = list(RatingClass.objects.order_by("-min_score"))
    umkm_recipients = list(recipients.filter(umkm__isnull=False).select_related("umkm", "kecamatan")
                           .defer("kecamatan__boundary", "kecamatan__centre", "umkm__location")
                           .prefetch_related("disbursements__use_checks"))
    umkm_ids = [r.umkm_id for r in umkm_recipients]
    best = dict(UMKM.objects.filter(pk__in=umkm_ids).values_list("pk", best_score_of(OuterRef("pk"))))
    history = mapping_selectors.figures_over_time({r.umkm_id: r.umkm for r in umkm_recipients}.values())
    for recipient in umkm_recipients:
        row = rows.get(recipient.kecamatan.code)
        if row is None:
            continue
        rating_class = RatingClass.of_score(best.get(recipient.umkm_id), classes)
        if rating_class is not None:
            row.classes[rating_class.name] = row.classes.get(rating_class.name, 0) + 1
        delivered = [p for p in recipient.disbursements.all() if p.delivered_on]
        checks = [c for p in delivered for c in p.use_checks.all()
                  if c.recorded_on and c.monthly_turnover is not None]
        if not checks:
            continue
        handed_over = min(p.delivered_on for p in delivered)
        before = [f for f in history[recipient.umkm_id] if f.day <= handed_over and f.monthly_turnover is not None]
        if before:
            latest = max(checks, key=lambda c: (c.recorded_on, c.months))
            row.compared += 1
            row.turnover_before += before[-1].monthly_turnover
            row.turnover_after += latest.monthly_turnover
    return [c.name for c in classes]


def aid_table(report: AidReport, *, filename: str) -> dict:
    """The report as a table_response() table."""
    headers = [_("Kode"), _("Kecamatan"), _("UMKM aktif"), _("Penerima"), _("Penerima per 1.000 UMKM"),
               *[_("Penerima kelas %(c)s") % {"c": name} for name in report.class_names],
               _("Penerima dengan produk unggulan ditetapkan"), _("Cek pemanfaatan tercatat"),
               _("Dipakai produktif"), _("Penerima dibandingkan omzetnya"), _("Omzet per bulan sebelum (Rp)"),
               _("Omzet per bulan sesudah (Rp)"), _("Perubahan omzet (%)"), _("Temuan sasaran terbuka")]
    rows = [[r.code, r.name, r.umkm, r.recipients, r.per_thousand, *[r.classes.get(n, 0) for n in report.class_names],
             r.unggulan, r.checks, r.productive, r.compared, r.turnover_before, r.turnover_after,
             r.turnover_change_pct, r.open_flags]
            for r in [*report.rows, report.total]]
    return {"headers": headers, "rows": rows, "filename": filename, "title": _("Bantuan per kecamatan")}


def aid_map_figures(report: AidReport) -> dict:
    """{kecamatan code: its figures} for the aid map (bantuan_map.js)."""
    return {row.code: {"name": row.name, "umkm": row.umkm, "recipients": row.recipients,
                       "per_thousand": row.per_thousand, "unggulan": row.unggulan,
                       "productive_pct": row.productive_pct} for row in report.rows}


def recovery_series(umkm, recipients) -> dict:
    """Pemulihan ekonomi of one UMKM: its turnover per month and workers over time, from its
    surveys and from the use checks of the aid it received, with the days aid was handed over."""
    points = [{"day": p.day, "turnover": p.monthly_turnover, "workers": p.workers, "source": str(p.source)}
              for p in mapping_selectors.umkm_figures_over_time(umkm)]
    deliveries = []
    for recipient in recipients:
        for payment in recipient.disbursements.all():
            if payment.delivered_on:
                deliveries.append({"day": payment.delivered_on, "program": str(recipient.program)})
            for check in payment.use_checks.all():
                if check.recorded_on and (check.monthly_turnover is not None or check.workers is not None):
                    points.append({"day": check.recorded_on, "turnover": check.monthly_turnover,
                                   "workers": check.workers,
                                   "source": _("cek pemanfaatan %(n)s bulan") % {"n": check.months}})
    points.sort(key=lambda p: p["day"])
    return {"points": points, "deliveries": sorted(deliveries, key=lambda d: d["day"])}
