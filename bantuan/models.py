"""Aid for kelompok and UMKM: who forms a group, what a program gives and to whom, on
which rules, what reached them and whether it is used productively.

Nothing here is ever deleted: a recipient leaves a program through a state with a reason,
a disbursement is rejected or cancelled, a flag is overridden with a justification."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mapping.models import UMKM, Desa, Komoditas, validate_photo_size
from purbalingga_umkm.fields import user_stamp_field
from purbalingga_umkm.images import CleanImageField
from purbalingga_umkm.scope import ScopedQuerySet
from purbalingga_umkm.validators import validate_long_text, validate_nik, validate_plain_text
from spreadsheets.permissions import transfer_permissions

validate_kk = RegexValidator(r"^\d{16}\Z", message=_("Nomor KK harus tepat 16 digit angka."), code="invalid_kk")


class AidKind(models.TextChoices):
    """What a program gives; the stacking rules speak of these."""

    MODAL = "modal", _("Modal")
    PERALATAN = "peralatan", _("Peralatan")
    PELATIHAN = "pelatihan", _("Pelatihan")
    PEMASARAN = "pemasaran", _("Pemasaran")
    LEGALITAS = "legalitas", _("Sertifikasi/legalitas")
    SARPROD = "sarana", _("Sarana produksi")


# --- Kelompok ------------------------------------------------------------------------------


class KelompokQuerySet(ScopedQuerySet):
    kecamatan_path = "desa__kecamatan"

    def active(self):
        return self.filter(is_active=True)


class Kelompok(models.Model):
    class Kind(models.TextChoices):
        KUB = "kub", _("Kelompok UMKM / KUB")
        POKTAN = "poktan", _("Kelompok tani (poktan)")
        GAPOKTAN = "gapoktan", _("Gabungan kelompok tani (gapoktan)")
        KOPERASI = "koperasi", _("Koperasi")
        LAIN = "lain", _("Lainnya")

    name = models.CharField(_("nama kelompok"), max_length=150, validators=[validate_plain_text])
    kind = models.CharField(_("jenis"), max_length=10, choices=Kind.choices)
    desa = models.ForeignKey(Desa, on_delete=models.PROTECT, related_name="+", verbose_name=_("desa/kelurahan"))
    komoditas = models.ForeignKey(Komoditas, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                  verbose_name=_("komoditas"))
    leader_name = models.CharField(_("nama ketua"), max_length=150, blank=True, validators=[validate_plain_text])
    formed_on = models.DateField(_("tanggal dibentuk"))
    registry_number = models.CharField(_("nomor register kelompok"), max_length=60, blank=True,
                                       validators=[validate_plain_text],
                                       help_text=_("Nomor register poktan/gapoktan (Simluhtan) atau badan hukum."))
    pengukuhan_number = models.CharField(_("nomor pengukuhan"), max_length=60, blank=True,
                                         validators=[validate_plain_text])
    koperasi_nik = models.CharField(_("NIK koperasi"), max_length=30, blank=True, validators=[validate_plain_text])
    is_active = models.BooleanField(_("aktif"), default=True)
    is_demo = models.BooleanField(_("data demo"), default=False, editable=False)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    created_by = user_stamp_field(_("dibuat oleh"))

    objects = KelompokQuerySet.as_manager()

    class Meta:
        ordering = ["desa__code", "name"]
        verbose_name = _("kelompok")
        verbose_name_plural = _("kelompok")
        permissions = transfer_permissions("kelompok", _("kelompok"))

    def __str__(self):
        return f"{self.name} ({self.desa.name})"

    def members_on(self, day):
        """Members in the group on `day` (joined on or before it, not left before it)."""
        return [m for m in self.members.all() if m.is_member_on(day)]


class MemberQuerySet(ScopedQuerySet):
    kecamatan_path = "kelompok__desa__kecamatan"


class Member(models.Model):
    """A member of a group: a registered UMKM, or a person (a farmer) who is not one."""

    kelompok = models.ForeignKey(Kelompok, on_delete=models.PROTECT, related_name="members",
                                 verbose_name=_("kelompok"))
    umkm = models.ForeignKey(UMKM, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("UMKM"))
    name = models.CharField(_("nama"), max_length=150, blank=True, validators=[validate_plain_text])
    nik = models.CharField(_("NIK"), max_length=16, blank=True, validators=[validate_nik])
    kk_number = models.CharField(_("nomor KK"), max_length=16, blank=True, validators=[validate_kk])
    desa = models.ForeignKey(Desa, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("desa/kelurahan"))
    land_area_ha = models.DecimalField(_("luas lahan (ha)"), max_digits=7, decimal_places=3, null=True, blank=True,
                                       validators=[MinValueValidator(0, message=_("Luas lahan tidak boleh negatif."))])
    joined_on = models.DateField(_("bergabung"))
    left_on = models.DateField(_("keluar"), null=True, blank=True)

    objects = MemberQuerySet.as_manager()

    class Meta:
        ordering = ["kelompok", "name", "pk"]
        verbose_name = _("anggota kelompok")
        verbose_name_plural = _("anggota kelompok")
        permissions = transfer_permissions("member", _("anggota kelompok"))
        constraints = [
            models.CheckConstraint(condition=Q(umkm__isnull=False) | ~Q(name=""), name="member_is_umkm_or_named"),
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.umkm.owner_name if self.umkm_id and not self.name else self.name

    @property
    def person_nik(self) -> str:
        return self.nik or (self.umkm.nik if self.umkm_id else "")

    def is_member_on(self, day) -> bool:
        return self.joined_on <= day and (self.left_on is None or self.left_on >= day)

    def clean(self):
        super().clean()
        if not self.umkm_id and not self.name:
            raise ValidationError({"name": _("Isi nama anggota, atau pilih UMKM-nya.")})
        if self.left_on and self.left_on < self.joined_on:
            raise ValidationError({"left_on": _("Tanggal keluar tidak boleh sebelum tanggal bergabung.")})


# --- Programs and their rules --------------------------------------------------------------


class Program(models.Model):
    class BudgetSource(models.TextChoices):
        APBD = "apbd", _("APBD kabupaten")
        DAK = "dak", _("DAK")
        PROVINSI = "provinsi", _("APBD provinsi")
        CSR = "csr", _("CSR")
        LAIN = "lain", _("Lainnya")

    class RecipientType(models.TextChoices):
        UMKM = "umkm", _("UMKM")
        KELOMPOK = "kelompok", _("Kelompok")

    name = models.CharField(_("nama program"), max_length=200, validators=[validate_plain_text])
    year = models.PositiveSmallIntegerField(_("tahun"), validators=[MinValueValidator(2000)])
    dinas = models.CharField(_("Dinas penanggung jawab"), max_length=150, validators=[validate_plain_text])
    budget_source = models.CharField(_("sumber anggaran"), max_length=10, choices=BudgetSource.choices)
    kind = models.CharField(_("jenis bantuan"), max_length=10, choices=AidKind.choices)
    recipient_type = models.CharField(_("penerima"), max_length=10, choices=RecipientType.choices)
    budget = models.BigIntegerField(_("pagu (Rp)"), validators=[MinValueValidator(1, message=_("Pagu harus lebih dari 0."))])
    quota = models.PositiveIntegerField(_("kuota penerima"),
                                        validators=[MinValueValidator(1, message=_("Kuota paling sedikit 1."))])
    # Eligibility as data (bantuan.rules): see RULE_KEYS there.
    rules = models.JSONField(_("syarat penerima"), default=dict, blank=True)
    description = models.TextField(_("keterangan"), blank=True, validators=[validate_long_text])
    # The public recipient list (name of the business or group and its desa, NIK masked) and
    # the objections (sanggahan) the public sends about it until `objection_until`.
    public_list = models.BooleanField(_("umumkan daftar penerima"), default=False,
                                      help_text=_("Daftar penerima tampil di halaman publik (nama usaha/kelompok dan "
                                                  "desa saja) dan masyarakat dapat mengirim sanggahan."))
    objection_until = models.DateField(_("masa sanggah sampai"), null=True, blank=True,
                                       help_text=_("Kosong = sanggahan diterima selama daftar diumumkan."))
    is_demo = models.BooleanField(_("data demo"), default=False, editable=False)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    created_by = user_stamp_field(_("dibuat oleh"))
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-year", "name"]
        verbose_name = _("program bantuan")
        verbose_name_plural = _("program bantuan")

    def __str__(self):
        return f"{self.name} {self.year}"

    def clean(self):
        from bantuan.rules import rules_problems

        super().clean()
        problems = rules_problems(self.rules, recipient_type=self.recipient_type)
        if problems:
            raise ValidationError({"rules": problems})


class Stage(models.Model):
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="stages", verbose_name=_("program"))
    number = models.PositiveSmallIntegerField(_("tahap"), validators=[MinValueValidator(1)])
    opens_on = models.DateField(_("dibuka"), null=True, blank=True)
    closes_on = models.DateField(_("ditutup"), null=True, blank=True)

    class Meta:
        ordering = ["program", "number"]
        verbose_name = _("tahap")
        verbose_name_plural = _("tahap")
        constraints = [models.UniqueConstraint(fields=["program", "number"], name="one_stage_number_per_program")]

    def __str__(self):
        return _("Tahap %(n)s") % {"n": self.number}


class StackingRule(models.Model):
    """Two kinds of aid one recipient may not receive in the same year (from any program of
    any Dinas). A kind with itself forbids two programs of that kind in one year."""

    kind_a = models.CharField(_("jenis bantuan"), max_length=10, choices=AidKind.choices)
    kind_b = models.CharField(_("tidak boleh digabung dengan"), max_length=10, choices=AidKind.choices)
    note = models.CharField(_("dasar aturan"), max_length=255, blank=True, validators=[validate_plain_text])

    class Meta:
        verbose_name = _("aturan penggabungan bantuan")
        verbose_name_plural = _("aturan penggabungan bantuan")
        constraints = [models.UniqueConstraint(fields=["kind_a", "kind_b"], name="one_stacking_rule_per_pair")]

    def __str__(self):
        return f"{self.get_kind_a_display()} × {self.get_kind_b_display()}"


# --- Recipients ----------------------------------------------------------------------------


class RecipientQuerySet(ScopedQuerySet):
    kecamatan_path = "kecamatan"

    def counting(self):
        """Recipients that take a place in the program (not refused, duplicate or gone)."""
        return self.filter(state__in=[Recipient.State.PROPOSED, Recipient.State.ENROLLED, Recipient.State.PAUSED])


class Recipient(models.Model):
    class State(models.TextChoices):
        PROPOSED = "usulan", _("Usulan")
        ENROLLED = "terdaftar", _("Terdaftar")
        PAUSED = "ditangguhkan", _("Ditangguhkan")
        EXITED = "keluar", _("Keluar")
        INELIGIBLE = "tidak-memenuhi", _("Tidak memenuhi syarat")
        DUPLICATE = "ganda", _("Ganda")

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="recipients",
                                verbose_name=_("program"))
    stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="recipients", verbose_name=_("tahap"))
    umkm = models.ForeignKey(UMKM, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("UMKM"))
    kelompok = models.ForeignKey(Kelompok, on_delete=models.PROTECT, null=True, blank=True, related_name="recipients",
                                 verbose_name=_("kelompok"))
    # The recipient's kecamatan, copied from its desa, for scope and reports.
    kecamatan = models.ForeignKey("mapping.Kecamatan", on_delete=models.PROTECT, related_name="+", editable=False)
    state = models.CharField(_("status"), max_length=16, choices=State.choices, default=State.PROPOSED)
    reason = models.CharField(_("alasan"), max_length=500, blank=True, validators=[validate_plain_text])
    shortlist_note = models.CharField(_("dasar usulan"), max_length=500, blank=True)
    proposed_by = user_stamp_field(_("diusulkan oleh"))
    created_at = models.DateTimeField(_("diusulkan"), auto_now_add=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = RecipientQuerySet.as_manager()

    class Meta:
        ordering = ["program", "stage__number", "pk"]
        verbose_name = _("penerima bantuan")
        verbose_name_plural = _("penerima bantuan")
        permissions = transfer_permissions("recipient", _("penerima bantuan"))
        constraints = [
            models.CheckConstraint(condition=Q(umkm__isnull=False, kelompok__isnull=True)
                                   | Q(umkm__isnull=True, kelompok__isnull=False), name="recipient_is_umkm_or_kelompok"),
            models.UniqueConstraint(fields=["program", "stage", "umkm"], name="umkm_once_per_stage"),
            models.UniqueConstraint(fields=["program", "stage", "kelompok"], name="kelompok_once_per_stage"),
        ]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        return self.umkm.name if self.umkm_id else self.kelompok.name

    @property
    def desa(self):
        return self.umkm.desa if self.umkm_id else self.kelompok.desa


class RecipientEvent(models.Model):
    """Every change of a recipient's state, with who, when and why."""

    recipient = models.ForeignKey(Recipient, on_delete=models.PROTECT, related_name="events")
    state_before = models.CharField(max_length=16, blank=True)
    state_after = models.CharField(max_length=16)
    reason = models.CharField(max_length=500, blank=True)
    by = user_stamp_field(_("oleh"))
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]


class Flag(models.Model):
    """A targeting check that did not pass for a recipient; overridden only with a written
    justification, kept with who and when."""

    recipient = models.ForeignKey(Recipient, on_delete=models.PROTECT, related_name="flags")
    code = models.CharField(_("pemeriksaan"), max_length=30)
    message = models.CharField(_("temuan"), max_length=500)
    raised_at = models.DateTimeField(_("ditemukan"), default=timezone.now)
    justification = models.TextField(_("alasan tetap diterima"), blank=True, validators=[validate_long_text])
    overridden_by = user_stamp_field(_("diterima oleh"))
    overridden_at = models.DateTimeField(_("diterima"), null=True, blank=True)

    class Meta:
        ordering = ["recipient", "code"]
        verbose_name = _("temuan sasaran")
        verbose_name_plural = _("temuan sasaran")
        constraints = [models.UniqueConstraint(fields=["recipient", "code"], name="one_flag_per_check")]

    def __str__(self):
        return self.message

    @property
    def is_open(self) -> bool:
        return self.overridden_at is None


# --- What is known of a person, for the exclusions and the welfare decile ------------------


class PersonStatus(models.Model):
    """A dated, sourced fact about a person (by NIK) that programs' rules may exclude on or
    weigh: holding KUR credit, being a civil servant (ASN/TNI/Polri), the welfare decile of
    the household (P3KE/DTSEN). Entered by Dinas staff from an official source; never public."""

    class Kind(models.TextChoices):
        KUR = "kur", _("Sedang menerima KUR")
        ASN = "asn", _("ASN/TNI/Polri")
        DESIL = "desil", _("Desil kesejahteraan")

    nik = models.CharField(_("NIK"), max_length=16, validators=[validate_nik], db_index=True)
    kind = models.CharField(_("jenis data"), max_length=6, choices=Kind.choices)
    decile = models.PositiveSmallIntegerField(_("desil"), null=True, blank=True,
                                              help_text=_("1 (paling miskin) sampai 10; hanya untuk desil."))
    as_of = models.DateField(_("tanggal data"), help_text=_("Tanggal keadaan data menurut sumbernya."))
    ends_on = models.DateField(_("berakhir"), null=True, blank=True,
                               help_text=_("Mis. KUR lunas atau pensiun; kosong = masih berlaku."))
    source = models.CharField(_("sumber"), max_length=200, validators=[validate_plain_text],
                              help_text=_("Mis. P3KE 2024, SIKP KUR per 30 Juni 2026, BKPSDM."))
    recorded_at = models.DateTimeField(_("dicatat"), auto_now_add=True)
    recorded_by = user_stamp_field(_("dicatat oleh"))

    class Meta:
        ordering = ["nik", "kind", "-as_of", "-pk"]
        verbose_name = _("data status penerima")
        verbose_name_plural = _("data status penerima")
        constraints = [
            models.CheckConstraint(condition=Q(kind="desil", decile__gte=1, decile__lte=10)
                                   | (~Q(kind="desil") & Q(decile__isnull=True)), name="decile_only_for_desil"),
        ]

    def __str__(self):
        value = f" {self.decile}" if self.kind == self.Kind.DESIL else ""
        return f"{self.get_kind_display()}{value} · {self.as_of:%d-%m-%Y} · {self.source}"

    def clean(self):
        super().clean()
        if self.kind == self.Kind.DESIL and not (self.decile and 1 <= self.decile <= 10):
            raise ValidationError({"decile": _("Isi desil 1 sampai 10.")})
        if self.kind != self.Kind.DESIL and self.decile is not None:
            raise ValidationError({"decile": _("Desil hanya diisi untuk data desil kesejahteraan.")})
        if self.as_of and self.as_of > timezone.localdate():
            raise ValidationError({"as_of": _("Tanggal data tidak boleh di masa depan.")})
        if self.ends_on and self.as_of and self.ends_on < self.as_of:
            raise ValidationError({"ends_on": _("Tanggal berakhir tidak boleh sebelum tanggal data.")})


# --- Disbursement and use ------------------------------------------------------------------


class Disbursement(models.Model):
    class Status(models.TextChoices):
        PROPOSED = "diusulkan", _("Diusulkan")
        APPROVED = "disetujui", _("Disetujui")
        DELIVERED = "diserahkan", _("Diserahkan")
        REJECTED = "ditolak", _("Ditolak")
        CANCELLED = "dibatalkan", _("Dibatalkan")

    recipient = models.ForeignKey(Recipient, on_delete=models.PROTECT, related_name="disbursements",
                                  verbose_name=_("penerima"))
    value = models.BigIntegerField(_("nilai (Rp)"), validators=[MinValueValidator(1, message=_("Nilai harus lebih dari 0."))])
    items = models.CharField(_("barang/jasa"), max_length=500, blank=True, validators=[validate_plain_text])
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PROPOSED)
    proposed_by = user_stamp_field(_("diusulkan oleh"))
    proposed_at = models.DateTimeField(_("diusulkan"), default=timezone.now)
    approved_by = user_stamp_field(_("disetujui oleh"))
    approved_at = models.DateTimeField(_("disetujui"), null=True, blank=True)
    delivered_on = models.DateField(_("tanggal serah terima"), null=True, blank=True)
    bast_number = models.CharField(_("nomor BAST"), max_length=100, blank=True, validators=[validate_plain_text])
    bast_document = models.FileField(_("dokumen BAST"), upload_to="bantuan/bast/%Y/", blank=True)
    photo = CleanImageField(_("foto serah terima"), upload_to="bantuan/serah/%Y/%m/", blank=True,
                            validators=[validate_photo_size])
    note = models.CharField(_("catatan"), max_length=500, blank=True, validators=[validate_plain_text])
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["recipient", "pk"]
        verbose_name = _("penyaluran")
        verbose_name_plural = _("penyaluran")

    def __str__(self):
        return f"{self.recipient} · Rp{self.value:,}".replace(",", ".")


USE_CHECK_MONTHS = (3, 6)


class UseCheck(models.Model):
    """Pemanfaatan: 3 and 6 months after delivery the pendamping records how the aid is used."""

    class Result(models.TextChoices):
        USED = "dipakai", _("Dipakai produktif")
        PARTLY = "sebagian", _("Sebagian dipakai")
        UNUSED = "tidak-dipakai", _("Tidak dipakai")
        SOLD = "dijual", _("Dijual")
        BROKEN = "rusak", _("Rusak")

    disbursement = models.ForeignKey(Disbursement, on_delete=models.PROTECT, related_name="use_checks")
    months = models.PositiveSmallIntegerField(_("bulan setelah serah terima"))
    due_on = models.DateField(_("jatuh tempo"))
    recorded_on = models.DateField(_("dicatat"), null=True, blank=True)
    result = models.CharField(_("pemanfaatan"), max_length=14, choices=Result.choices, blank=True)
    photo = CleanImageField(_("foto bukti"), upload_to="bantuan/pemanfaatan/%Y/%m/", blank=True,
                            validators=[validate_photo_size])
    lat = models.FloatField(_("lintang"), null=True, blank=True)
    lng = models.FloatField(_("bujur"), null=True, blank=True)
    monthly_capacity = models.DecimalField(_("kapasitas per bulan"), max_digits=12, decimal_places=2, null=True,
                                           blank=True, validators=[MinValueValidator(0)])
    workers = models.PositiveIntegerField(_("tenaga kerja"), null=True, blank=True)
    monthly_turnover = models.BigIntegerField(_("omzet per bulan (Rp)"), null=True, blank=True,
                                              validators=[MinValueValidator(0)])
    note = models.CharField(_("catatan"), max_length=500, blank=True, validators=[validate_plain_text])
    recorded_by = user_stamp_field(_("dicatat oleh"))

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("pemanfaatan bantuan")
        verbose_name_plural = _("pemanfaatan bantuan")
        constraints = [models.UniqueConstraint(fields=["disbursement", "months"], name="one_check_per_month_mark")]

    def __str__(self):
        return _("%(n)s bulan: %(who)s") % {"n": self.months, "who": self.disbursement.recipient}

    @property
    def is_overdue(self) -> bool:
        return self.recorded_on is None and self.due_on < timezone.localdate()


def due_after(day, months: int):
    """The day `months` months after `day` (30-day months: a follow-up date, not a contract)."""
    return day + timedelta(days=30 * months)


# --- Objections from the public ----------------------------------------------------------


class Objection(models.Model):
    """A sanggahan sent on a program's public recipient list; staff answer it on record.
    Who sent it (name, contact) is personal data: read by staff, never shown publicly."""

    class Status(models.TextChoices):
        OPEN = "baru", _("Belum dijawab")
        UPHELD = "diterima", _("Diterima")
        DISMISSED = "ditolak", _("Ditolak")

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="objections",
                                verbose_name=_("program"))
    recipient = models.ForeignKey(Recipient, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="objections", verbose_name=_("penerima yang disanggah"))
    text = models.TextField(_("isi sanggahan"), validators=[validate_long_text])
    sender_name = models.CharField(_("nama pengirim"), max_length=150, validators=[validate_plain_text])
    sender_contact = models.CharField(_("kontak pengirim"), max_length=150, blank=True, validators=[validate_plain_text])
    sent_at = models.DateTimeField(_("dikirim"), default=timezone.now)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    answer = models.TextField(_("jawaban"), blank=True, validators=[validate_long_text])
    answered_by = user_stamp_field(_("dijawab oleh"))
    answered_at = models.DateTimeField(_("dijawab"), null=True, blank=True)

    class Meta:
        ordering = ["-sent_at", "-pk"]
        verbose_name = _("sanggahan")
        verbose_name_plural = _("sanggahan")

    def __str__(self):
        return _("Sanggahan %(n)s · %(program)s") % {"n": self.pk, "program": self.program}
