from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from djgeojson.fields import PointField

from mapping import geometry
from mapping.models import UMKM, Kecamatan, validate_phone, validate_photo_size
from purbalingga_umkm.fields import user_stamp_field
from purbalingga_umkm.images import CleanImageField
from purbalingga_umkm.roles import Role, role_of, sees_everything
from purbalingga_umkm.scope import ScopedQuerySet
from purbalingga_umkm.validators import validate_long_text, validate_plain_text
from spreadsheets.permissions import transfer_permissions

validate_nip = RegexValidator(
    r"^\d{18}\Z", message=_("NIP harus tepat 18 digit angka."), code="invalid_nip"
)


class PendampingQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True, user__is_active=True)

    # A pendamping sees only their own profile, not the other mentors' phone numbers.
    def visible_to(self, user):
        return self if sees_everything(user) else self.filter(user=user)

    def editable_by(self, user):
        return self if role_of(user) is Role.ADMIN_DINAS else self.none()


class Pendamping(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="pendamping",
        verbose_name=_("akun pengguna"),
    )
    full_name = models.CharField(_("nama lengkap"), max_length=150, validators=[validate_plain_text])
    nip = models.CharField(_("NIP"), max_length=18, blank=True, validators=[validate_nip],
                           help_text=_("Opsional; 18 digit bila ASN."))
    phone = models.CharField(_("telepon"), max_length=20, blank=True, validators=[validate_phone])
    is_active = models.BooleanField(
        _("aktif"), default=True,
        help_text=_("Nonaktifkan, jangan hapus: riwayat penugasan dan kunjungan tetap tersimpan."),
    )
    is_demo = models.BooleanField(_("data demo"), default=False, editable=False)

    objects = PendampingQuerySet.as_manager()

    class Meta:
        ordering = ["full_name"]
        verbose_name = _("pendamping")
        verbose_name_plural = _("pendamping")

    def __str__(self):
        return self.full_name


class AssignmentQuerySet(models.QuerySet):
    def in_force(self, on=None):
        """Assignments in force on `on` (today): the one definition, used for access too.

        Started, not yet at their end date (the end date is the day access stops: an
        assignment ended today no longer counts), of a pendamping who is active.
        """
        on = on or timezone.localdate()
        return self.filter(start_date__lte=on, pendamping__is_active=True).filter(
            Q(end_date__isnull=True) | Q(end_date__gt=on)
        )

    def with_in_force(self, on=None):
        """Each assignment annotated with `in_force` (for lists that show every one)."""
        return self.annotate(in_force=Exists(self.model.objects.in_force(on).filter(pk=OuterRef("pk"))))

    def of_user(self, user):
        return self.filter(pendamping__user=user)

    def covers(self, *, pendamping_id, kecamatan_id, on) -> bool:
        """Whether the pendamping was assigned to the kecamatan on that day (in_force)."""
        return self.in_force(on=on).filter(pendamping=pendamping_id, kecamatan_id=kecamatan_id).exists()

    def visible_to(self, user):
        return self if sees_everything(user) else self.of_user(user)

    def editable_by(self, user):
        return self if role_of(user) is Role.ADMIN_DINAS else self.none()


class Assignment(models.Model):
    """Penugasan: a pendamping covers a kecamatan from start_date until end_date.

    N:M over time (one mentor may cover two kecamatan, a kecamatan may have two
    mentors). Rows are never deleted: ending an assignment sets its end date.
    """

    pendamping = models.ForeignKey(
        Pendamping, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("pendamping")
    )
    kecamatan = models.ForeignKey(
        Kecamatan, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("kecamatan")
    )
    start_date = models.DateField(_("mulai"), default=timezone.localdate)
    end_date = models.DateField(
        _("berakhir"), null=True, blank=True,
        help_text=_("Hari ini atau tanggal yang sudah lewat: akses ke kecamatan ini langsung hilang."),
    )
    note = models.CharField(_("catatan"), max_length=255, blank=True, validators=[validate_plain_text])
    created_by = user_stamp_field(_("dibuat oleh"))
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["kecamatan__code", "-start_date"]
        verbose_name = _("penugasan")
        verbose_name_plural = _("penugasan")
        permissions = transfer_permissions("assignment", _("penugasan"))
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gt=models.F("start_date")),
                name="assignment_ends_after_start",
                violation_error_message=_("Tanggal berakhir harus setelah tanggal mulai."),
            ),
        ]

    def __str__(self):
        return f"{self.pendamping} — {self.kecamatan}"

    def clean(self):
        super().clean()
        if self.start_date and self.end_date and self.end_date <= self.start_date:
            raise ValidationError({"end_date": _("Tanggal berakhir harus setelah tanggal mulai.")})
        if self.pendamping_id and self.kecamatan_id and self.start_date:
            overlapping = Assignment.objects.filter(
                pendamping_id=self.pendamping_id, kecamatan_id=self.kecamatan_id
            ).exclude(pk=self.pk).filter(Q(end_date__isnull=True) | Q(end_date__gt=self.start_date))
            if self.end_date:
                overlapping = overlapping.filter(start_date__lt=self.end_date)
            if overlapping.exists():
                raise ValidationError(
                    _("Pendamping ini sudah ditugaskan di kecamatan ini pada periode yang bertumpang tindih.")
                )


class Topic(models.Model):
    """A subject of a mentoring visit (produksi, kemasan, pemasaran/digital, ...)."""

    code = models.SlugField(_("kode"), max_length=40, unique=True)
    name = models.CharField(_("nama topik"), max_length=80, unique=True, validators=[validate_plain_text])
    order = models.PositiveSmallIntegerField(_("urutan"), default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("topik pendampingan")
        verbose_name_plural = _("topik pendampingan")

    def __str__(self):
        return self.name


class VisitQuerySet(ScopedQuerySet):
    kecamatan_path = "umkm__desa__kecamatan"

    def with_related(self):
        return self.select_related("pendamping", "umkm__desa__kecamatan").defer(
            *(f"umkm__{field}" for field in ("desa__boundary", "desa__centre",
                                               "desa__kecamatan__boundary", "desa__kecamatan__centre"))
        )

    def since(self, day):
        return self.filter(date__gte=day)


class Visit(models.Model):
    """Kunjungan pendampingan: one mentor's visit to one UMKM on one day."""

    date = models.DateField(_("tanggal kunjungan"), default=timezone.localdate)
    pendamping = models.ForeignKey(
        Pendamping, on_delete=models.PROTECT, related_name="visits", verbose_name=_("pendamping")
    )
    umkm = models.ForeignKey(UMKM, on_delete=models.PROTECT, related_name="visits", verbose_name=_("UMKM"))
    topics = models.ManyToManyField(Topic, related_name="visits", verbose_name=_("topik"))
    notes = models.TextField(_("catatan"), blank=True, validators=[validate_long_text, validate_plain_text])
    location = PointField(_("lokasi GPS"), null=True, blank=True, validators=[geometry.validate_point])
    location_accuracy_m = models.PositiveIntegerField(_("akurasi GPS (m)"), null=True, blank=True)
    photo = CleanImageField(
        _("foto"), upload_to="kunjungan/%Y/%m/", blank=True, validators=[validate_photo_size]
    )
    # A phone that sends the same form twice (slow network, double tap) carries the same
    # token both times: the second request finds the first visit instead of a duplicate.
    submission_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    is_demo = models.BooleanField(_("data demo"), default=False, editable=False)
    created_by = user_stamp_field(_("dicatat oleh"))
    created_at = models.DateTimeField(_("dicatat"), auto_now_add=True)

    objects = VisitQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("kunjungan")
        verbose_name_plural = _("kunjungan")
        indexes = [
            models.Index(fields=["umkm", "date"]),
            models.Index(fields=["pendamping", "date"]),
            models.Index(fields=["date"]),
        ]
        permissions = [("view_coverage_report", _("Dapat melihat laporan cakupan pendampingan"))]

    def __str__(self):
        return f"{self.umkm} — {self.date:%d-%m-%Y}"

    def clean(self):
        super().clean()
        errors = {}
        if self.date and self.date > timezone.localdate():
            errors["date"] = _("Tanggal kunjungan tidak boleh di masa depan.")
        elif self.date and self.pendamping_id and self.umkm_id:
            if not Assignment.objects.covers(pendamping_id=self.pendamping_id,
                                             kecamatan_id=self.umkm.desa.kecamatan_id, on=self.date):
                errors["date"] = _(
                    "Pada tanggal ini Anda belum/tidak bertugas di Kecamatan %(kecamatan)s."
                ) % {"kecamatan": self.umkm.desa.kecamatan.name}
        if errors:
            raise ValidationError(errors)


class FollowUpQuerySet(ScopedQuerySet):
    kecamatan_path = "visit__umkm__desa__kecamatan"

    def open(self):
        return self.filter(status=FollowUp.Status.OPEN)

    def overdue(self, on=None):
        return self.open().filter(due_date__lt=on or timezone.localdate())

    def due_within(self, days: int, on=None):
        on = on or timezone.localdate()
        return self.open().filter(due_date__lte=on + timedelta(days=days))


class FollowUp(models.Model):
    """Tindak lanjut: an action agreed during a visit, with a due date."""

    class Status(models.TextChoices):
        OPEN = "open", _("Terbuka")
        DONE = "done", _("Selesai")

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="follow_ups", verbose_name=_("kunjungan"))
    description = models.CharField(_("tindak lanjut"), max_length=255, validators=[validate_plain_text])
    due_date = models.DateField(_("tenggat"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    done_at = models.DateTimeField(_("diselesaikan"), null=True, blank=True, editable=False)
    done_by = user_stamp_field(_("diselesaikan oleh"))

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "pk"]
        verbose_name = _("tindak lanjut")
        verbose_name_plural = _("tindak lanjut")
        indexes = [models.Index(fields=["status", "due_date"])]

    def __str__(self):
        return self.description

    @property
    def is_overdue(self) -> bool:
        return self.status == self.Status.OPEN and self.due_date < timezone.localdate()

    def mark_done(self, by):
        self.status = self.Status.DONE
        self.done_at = timezone.now()
        self.done_by = by

    def clean(self):
        super().clean()
        if self.due_date and self.visit_id and self.due_date < self.visit.date:
            raise ValidationError({"due_date": _("Tenggat tidak boleh sebelum tanggal kunjungan.")})


def kecamatan_ids_assigned_to(user):
    """The scope hook (purbalingga_umkm/scope.py): kecamatan ids of the user's assignments
    in force today, as a subquery."""
    return Assignment.objects.in_force().filter(pendamping__user=user).values_list("kecamatan_id", flat=True)


class MeetingQuerySet(ScopedQuerySet):
    kecamatan_path = "kecamatan"


class Meeting(models.Model):
    """Rapat koordinasi: a pendamping's meeting with the kecamatan, the desa or other parties
    ("koordinasi, komunikasi dan sinergitas dengan kecamatan setempat dan pihak lainnya")."""

    class Party(models.TextChoices):
        CAMAT = "camat", _("Camat / kecamatan")
        DESA = "desa", _("Kepala desa / perangkat desa")
        PLKB = "penyuluh", _("PLKB / penyuluh")
        DINAS = "dinas", _("Dinas / OPD")
        BANK = "bank", _("Bank / lembaga keuangan")
        OFFTAKER = "offtaker", _("Offtaker / pembeli")
        KOPERASI = "koperasi", _("Koperasi / BUMDes")
        KELOMPOK = "kelompok", _("Kelompok UMKM / kelompok tani")
        OTHER = "lain", _("Lainnya")

    pendamping = models.ForeignKey(Pendamping, on_delete=models.PROTECT, related_name="meetings",
                                   verbose_name=_("pendamping"))
    kecamatan = models.ForeignKey(Kecamatan, on_delete=models.PROTECT, related_name="meetings",
                                  verbose_name=_("kecamatan"))
    date = models.DateField(_("tanggal"), default=timezone.localdate)
    place = models.CharField(_("tempat"), max_length=150, validators=[validate_plain_text])
    parties = models.JSONField(_("dengan siapa"), default=list)
    attendees = models.CharField(_("nama yang hadir"), max_length=255, blank=True, validators=[validate_plain_text])
    topics = models.TextField(_("yang dibahas"), validators=[validate_long_text])
    outcome = models.TextField(_("hasil / kesepakatan"), blank=True, validators=[validate_long_text])
    follow_up = models.CharField(_("tindak lanjut"), max_length=255, blank=True, validators=[validate_plain_text])
    follow_up_due = models.DateField(_("tenggat tindak lanjut"), null=True, blank=True)
    photo = CleanImageField(_("foto"), upload_to="koordinasi/%Y/%m/", blank=True, validators=[validate_photo_size])
    submission_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    created_at = models.DateTimeField(_("dicatat"), auto_now_add=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("rapat koordinasi")
        verbose_name_plural = _("rapat koordinasi")
        indexes = [models.Index(fields=["pendamping", "date"])]

    def __str__(self):
        return f"{self.place} — {self.date:%d-%m-%Y}"

    def party_labels(self) -> list[str]:
        labels = dict(self.Party.choices)
        return [str(labels.get(code, code)) for code in self.parties]

    def clean(self):
        super().clean()
        errors = {}
        if self.date and self.date > timezone.localdate():
            errors["date"] = _("Tanggal rapat tidak boleh di masa depan.")
        elif self.date and self.pendamping_id and self.kecamatan_id and not Assignment.objects.covers(
                pendamping_id=self.pendamping_id, kecamatan_id=self.kecamatan_id, on=self.date):
            errors["kecamatan"] = _("Pada tanggal ini Anda tidak bertugas di kecamatan itu.")
        if self.follow_up_due and not self.follow_up:
            errors["follow_up"] = _("Tuliskan tindak lanjutnya, atau kosongkan tenggatnya.")
        unknown = [p for p in self.parties or [] if p not in self.Party.values]
        if not self.parties or unknown:
            errors["parties"] = _("Pilih minimal satu pihak yang diajak berkoordinasi.")
        if errors:
            raise ValidationError(errors)


class MonthlyReportQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Staff and Pimpinan read every report; a pendamping reads their own."""
        if sees_everything(user):
            return self
        return self.filter(pendamping__user=user)


class MonthlyReport(models.Model):
    """Laporan kegiatan bulanan: written by the portal from the month's records, submitted
    by the pendamping, approved or returned with a comment by Admin Dinas."""

    class Status(models.TextChoices):
        DRAFT = "draf", _("Draf")
        SUBMITTED = "diajukan", _("Diajukan")
        APPROVED = "disetujui", _("Disetujui")
        RETURNED = "dikembalikan", _("Dikembalikan")

    pendamping = models.ForeignKey(Pendamping, on_delete=models.PROTECT, related_name="monthly_reports",
                                   verbose_name=_("pendamping"))
    year = models.PositiveSmallIntegerField(_("tahun"))
    month = models.PositiveSmallIntegerField(_("bulan"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    # The figures as they were when submitted, so an approved report never changes.
    figures = models.JSONField(_("angka yang diajukan"), default=dict, blank=True)
    note = models.TextField(_("catatan pendamping"), blank=True, validators=[validate_long_text])
    comment = models.TextField(_("komentar Dinas"), blank=True, validators=[validate_long_text])
    submitted_at = models.DateTimeField(_("diajukan"), null=True, blank=True)
    decided_by = user_stamp_field(_("diputuskan oleh"))
    decided_at = models.DateTimeField(_("diputuskan"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    objects = MonthlyReportQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "-month", "pendamping__full_name"]
        verbose_name = _("laporan kegiatan bulanan")
        verbose_name_plural = _("laporan kegiatan bulanan")
        constraints = [models.UniqueConstraint(fields=["pendamping", "year", "month"], name="one_report_a_month")]

    def __str__(self):
        return f"{self.pendamping} {self.month:02d}/{self.year}"


class HeldSubmission(models.Model):
    """A form a pendamping's phone kept offline that the portal refused when it was sent —
    typically because the mentor's assignment had ended meanwhile — handed to the Dinas
    from the phone's outbox instead of being lost. Staff read it, act, and mark it done."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("pengirim"))
    path = models.CharField(_("formulir"), max_length=200)
    fields = models.JSONField(_("isian"), default=dict)
    reason = models.CharField(_("alasan ditolak"), max_length=500, blank=True, validators=[validate_plain_text])
    photo = CleanImageField(_("foto"), upload_to="tertahan/%Y/%m/", blank=True, validators=[validate_photo_size])
    kept_at = models.DateTimeField(_("disimpan di perangkat"), null=True, blank=True)
    created_at = models.DateTimeField(_("diserahkan"), auto_now_add=True)
    done_by = user_stamp_field(_("ditangani oleh"))
    done_at = models.DateTimeField(_("ditangani"), null=True, blank=True)

    class Meta:
        ordering = ["done_at", "-created_at"]
        verbose_name = _("isian tertahan")
        verbose_name_plural = _("isian tertahan")

    def __str__(self):
        return f"{self.path} · {self.user}"


class DesaVisitMonth(models.Model):
    """Visits to UMKM of one desa in one month, and the day of the last of them: what the
    dashboards read for "dikunjungi" and the monthly trend instead of scanning visits.
    Rewritten per desa by mentoring.services.visits_recount (mapping's summaries recount)."""

    desa = models.ForeignKey("mapping.Desa", on_delete=models.DO_NOTHING, related_name="+", db_constraint=False)
    kecamatan = models.ForeignKey("mapping.Kecamatan", on_delete=models.DO_NOTHING, related_name="+",
                                  db_constraint=False)
    month = models.DateField()
    visits = models.IntegerField(default=0)
    last_visit = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["desa", "month"], name="desa_visit_month_once")]
        indexes = [models.Index(fields=["month"]), models.Index(fields=["kecamatan", "month"])]
