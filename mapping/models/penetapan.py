"""Penetapan produk unggulan: a determination round per kecamatan or desa and year.

The team scores candidate commodities of the area on the rubric's 12 criteria; criteria
with an objective measure carry a proposal from the registry's evidence. Each score row
keeps the measured input and the proposal apart from the judged score, so a result can be
defended years later. Draft → submitted → adopted (decree number and date) by an Admin
Dinas who did not score.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mapping.models.geography import Desa, Kecamatan
from mapping.models.komoditas import Komoditas
from mapping.models.rating import Criterion, Rubric
from purbalingga_umkm.fields import EditTracked, user_stamp_field
from purbalingga_umkm.scope import ScopedQuerySet
from purbalingga_umkm.validators import validate_long_text, validate_plain_text

TOP_N_DEFAULT = 3


class PenetapanQuerySet(ScopedQuerySet):
    kecamatan_path = "kecamatan"

    def adopted(self):
        return self.filter(status=Penetapan.Status.ADOPTED)

    def of_area(self, *, kecamatan=None, desa=None):
        """Rounds of one desa, or of one kecamatan as a whole (not its desa rounds)."""
        if desa is not None:
            return self.filter(desa=desa)
        return self.filter(kecamatan=kecamatan, desa__isnull=True)


class Penetapan(EditTracked):
    class Status(models.TextChoices):
        DRAFT = "draf", _("Draf")
        SUBMITTED = "diajukan", _("Diajukan untuk ditetapkan")
        ADOPTED = "ditetapkan", _("Ditetapkan")

    year = models.PositiveSmallIntegerField(
        _("tahun"), validators=[MinValueValidator(2000, _("Tahun paling awal 2000.")),
                                MaxValueValidator(2100, _("Tahun paling akhir 2100."))])
    kecamatan = models.ForeignKey(Kecamatan, on_delete=models.PROTECT, related_name="penetapan",
                                  verbose_name=_("kecamatan"))
    desa = models.ForeignKey(Desa, on_delete=models.PROTECT, null=True, blank=True, related_name="penetapan",
                             verbose_name=_("desa/kelurahan"),
                             help_text=_("Kosongkan untuk penetapan tingkat kecamatan."))
    rubric = models.ForeignKey(Rubric, on_delete=models.PROTECT, related_name="penetapan",
                               verbose_name=_("rubrik"))
    top_n = models.PositiveSmallIntegerField(
        _("jumlah produk unggulan yang ditetapkan"), default=TOP_N_DEFAULT,
        validators=[MinValueValidator(1, _("Paling sedikit 1.")), MaxValueValidator(10, _("Paling banyak 10."))])
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    note = models.TextField(_("catatan"), blank=True, validators=[validate_long_text, validate_plain_text])
    decree_number = models.CharField(_("nomor keputusan"), max_length=100, blank=True,
                                     validators=[validate_plain_text])
    decree_date = models.DateField(_("tanggal keputusan"), null=True, blank=True)
    created_by = user_stamp_field(_("dibuat oleh"))
    submitted_by = user_stamp_field(_("diajukan oleh"))
    submitted_at = models.DateTimeField(_("diajukan pada"), null=True, blank=True)
    adopted_by = user_stamp_field(_("ditetapkan oleh"))
    adopted_at = models.DateTimeField(_("ditetapkan pada"), null=True, blank=True)

    objects = PenetapanQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "kecamatan__code", "desa__code"]
        verbose_name = _("penetapan produk unggulan")
        verbose_name_plural = _("penetapan produk unggulan")
        constraints = [
            models.UniqueConstraint(fields=["year", "kecamatan"], condition=Q(desa__isnull=True),
                                    name="penetapan_one_per_kecamatan_year"),
            models.UniqueConstraint(fields=["year", "desa"], condition=Q(desa__isnull=False),
                                    name="penetapan_one_per_desa_year"),
        ]

    def __str__(self):
        return self.title

    @property
    def area_name(self) -> str:
        if self.desa_id:
            return f"{self.desa.get_jenis_display()} {self.desa.name}"
        return _("Kecamatan %(name)s") % {"name": self.kecamatan.name}

    @property
    def title(self) -> str:
        return _("Penetapan produk unggulan %(area)s %(year)s") % {"area": self.area_name, "year": self.year}

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


class Participant(models.Model):
    """Who took part: Permendagri 9/2014 asks for the community's involvement."""

    class Role(models.TextChoices):
        TEAM = "tim", _("Tim penilai")
        KECAMATAN = "kecamatan", _("Perwakilan kecamatan")
        DESA = "desa", _("Perwakilan desa/kelurahan")
        COMMUNITY = "masyarakat", _("Pelaku usaha/tokoh masyarakat")
        OTHER = "lain", _("Lainnya")

    penetapan = models.ForeignKey(Penetapan, on_delete=models.CASCADE, related_name="participants")
    name = models.CharField(_("nama"), max_length=150, validators=[validate_plain_text])
    role = models.CharField(_("peran"), max_length=12, choices=Role.choices)
    institution = models.CharField(_("jabatan/lembaga"), max_length=150, blank=True, validators=[validate_plain_text])

    class Meta:
        ordering = ["role", "name", "pk"]
        verbose_name = _("peserta penetapan")
        verbose_name_plural = _("peserta penetapan")

    def __str__(self):
        return f"{self.name} ({self.get_role_display()})"


class Candidate(models.Model):
    """A commodity of the area considered in the round, with its evidence as measured."""

    penetapan = models.ForeignKey(Penetapan, on_delete=models.CASCADE, related_name="candidates")
    komoditas = models.ForeignKey(Komoditas, on_delete=models.PROTECT, related_name="candidacies",
                                  verbose_name=_("komoditas"))
    evidence = models.JSONField(_("bukti terukur"), default=dict, blank=True)
    measured_at = models.DateTimeField(_("bukti diukur pada"), null=True, blank=True)
    weighted_score = models.DecimalField(_("skor tertimbang"), max_digits=5, decimal_places=2, null=True, blank=True)
    mpe_total = models.BigIntegerField(_("total MPE"), null=True, blank=True)

    class Meta:
        ordering = ["komoditas__name"]
        verbose_name = _("kandidat komoditas")
        verbose_name_plural = _("kandidat komoditas")
        constraints = [models.UniqueConstraint(fields=["penetapan", "komoditas"], name="candidate_once_per_round")]

    def __str__(self):
        return str(self.komoditas)

    @property
    def is_scored(self) -> bool:
        return self.weighted_score is not None


class CandidateScore(models.Model):
    """One criterion of one candidate: the measured input and its proposal, frozen apart
    from the score the team gave (and why, where it differs)."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    measure = models.DecimalField(_("ukuran"), max_digits=20, decimal_places=3, null=True, blank=True)
    measure_label = models.CharField(_("yang diukur"), max_length=200, blank=True)
    thresholds = models.CharField(_("ambang"), max_length=300, blank=True)
    proposed_score = models.PositiveSmallIntegerField(_("skor usulan"), null=True, blank=True)
    score = models.PositiveSmallIntegerField(_("skor"), null=True, blank=True)
    reason = models.TextField(_("alasan"), blank=True, validators=[validate_long_text, validate_plain_text])
    scored_by = user_stamp_field(_("dinilai oleh"))
    scored_at = models.DateTimeField(_("dinilai pada"), null=True, blank=True)

    class Meta:
        ordering = ["criterion__order", "criterion__code"]
        verbose_name = _("skor kandidat")
        verbose_name_plural = _("skor kandidat")
        constraints = [models.UniqueConstraint(fields=["candidate", "criterion"], name="candidate_score_once")]

    def __str__(self):
        return f"{self.candidate} ({self.criterion.code}): {self.score}"

    @property
    def unit(self) -> str:
        """The unit of the measured input ("%", "orang", "Rp"; "" for an LQ or nothing measured)."""
        from mapping.rating import AREA_PROPOSALS

        proposal = AREA_PROPOSALS.get(self.criterion.code)
        return proposal.unit if proposal and self.measure_label else ""
