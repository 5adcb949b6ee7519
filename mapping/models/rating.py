"""The potential rating (penilaian potensi) of Permendagri No. 9 Tahun 2014: rubric
versions, criteria with anchored levels, rating classes and assessments."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from mapping.models.registry import Product
from mapping.rating import PRODUCT_PROPOSALS, contradictions
from purbalingga_umkm.numbers import format_number
from purbalingga_umkm.fields import EditTracked, user_stamp_field
from purbalingga_umkm.roles import Role, role_of
from purbalingga_umkm.scope import ScopedQuerySet
from purbalingga_umkm.validators import validate_long_text, validate_plain_text
from spreadsheets.permissions import transfer_permissions


class RubricQuerySet(models.QuerySet):
    def current(self):
        """The active rubric with the highest version: used for new assessments."""
        return self.filter(is_active=True).order_by("-version").first()


class Rubric(models.Model):
    """A versioned scoring rubric. Once an assessment uses it, it never changes."""

    version = models.PositiveIntegerField(_("versi"), unique=True)
    name = models.CharField(_("nama"), max_length=150, validators=[validate_plain_text])
    note = models.TextField(_("catatan"), blank=True, validators=[validate_long_text])
    is_active = models.BooleanField(
        _("aktif"), default=True, help_text=_("Penilaian baru memakai versi aktif tertinggi.")
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)

    objects = RubricQuerySet.as_manager()

    class Meta:
        ordering = ["-version"]
        verbose_name = _("rubrik penilaian")
        verbose_name_plural = _("rubrik penilaian")

    def __str__(self):
        return f"v{self.version} — {self.name}"

    @property
    def is_locked(self) -> bool:
        return self.pk is not None and self.assessments.exists()


class Criterion(models.Model):
    class AutoSource(models.TextChoices):
        NONE = "", _("Diisi pendamping")
        LOCATION_QUOTIENT = "lq", _("Saran dari Location Quotient sektor")

    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("rubrik"))
    code = models.CharField(_("kode"), max_length=2, help_text=_("Huruf kriteria: a sampai l."))
    name = models.CharField(_("kriteria"), max_length=120, validators=[validate_plain_text])
    description = models.TextField(_("penjelasan"), blank=True, validators=[validate_long_text])
    weight = models.PositiveSmallIntegerField(
        _("bobot"), validators=[MinValueValidator(1, message=_("Bobot harus bilangan bulat positif (minimal 1)."))]
    )
    order = models.PositiveSmallIntegerField(_("urutan"), default=0)
    auto_source = models.CharField(
        _("saran otomatis"), max_length=4, choices=AutoSource.choices, default="", blank=True
    )

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("kriteria")
        verbose_name_plural = _("kriteria")
        constraints = [
            models.UniqueConstraint(fields=["rubric", "code"], name="criterion_code_unique_per_rubric"),
            models.CheckConstraint(condition=Q(weight__gte=1), name="criterion_weight_positive"),
        ]

    def __str__(self):
        return f"({self.code}) {self.name}"


class CriterionLevel(models.Model):
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="levels", verbose_name=_("kriteria"))
    score = models.PositiveSmallIntegerField(
        _("skor"), validators=[MinValueValidator(1, message=_("Skor tingkat minimal 1."))]
    )
    description = models.CharField(_("deskripsi tingkat"), max_length=255)

    class Meta:
        ordering = ["criterion", "score"]
        verbose_name = _("tingkat skor")
        verbose_name_plural = _("tingkat skor")
        constraints = [
            models.UniqueConstraint(fields=["criterion", "score"], name="level_score_unique_per_criterion"),
        ]

    def __str__(self):
        return f"{self.score}: {self.description}"


class RatingClass(models.Model):
    """A class of the 0–100 score, e.g. Unggulan from 70; staff set the thresholds."""

    name = models.CharField(_("kelas"), max_length=60, unique=True, validators=[validate_plain_text])
    min_score = models.DecimalField(
        _("skor minimal"), max_digits=5, decimal_places=2, unique=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    colour = models.CharField(_("warna"), max_length=7, default="#6c757d")
    # Its flag in the dashboard figures' masks (UMKMFact): given once, never changed or
    # reused, so deleting one never renumbers the others (mapping.services.facts.fact_bits_assign).
    fact_bit = models.PositiveSmallIntegerField(null=True, unique=True, editable=False)

    class Meta:
        ordering = ["-min_score"]
        verbose_name = _("kelas potensi")
        verbose_name_plural = _("kelas potensi")

    def __str__(self):
        return f"{self.name} (≥ {self.min_score})"

    @staticmethod
    def of_score(score, classes):
        """The class a 0–100 score falls in: the first of `classes` (best first, as
        RatingClass.objects orders them) whose minimum it reaches; None without a score or
        below every minimum."""
        return next((c for c in classes if score is not None and score >= c.min_score), None)


# The one ordering of product rankings, as mapping.rating.ranking_key orders a round's
# candidates: weighted score (0–100, the measure the class is read from), then MPE total
# (none recorded counts last, as ranking_key's 0 does, on PostgreSQL as on SQLite), then
# product name and id.
ASSESSMENT_RANKING = (F("weighted_score").desc(), F("mpe_total").desc(nulls_last=True), F("product__name").asc(),
                      F("product__pk").asc())


class AssessmentQuerySet(ScopedQuerySet):
    kecamatan_path = "product__umkm__desa__kecamatan"

    def latest_verified_per_product(self):
        """Only each product's most recent verified assessment (the one that counts)."""
        return self.filter(is_current=True)


class Assessment(EditTracked):
    """Penilaian potensi of one product against one rubric version."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draf")
        SUBMITTED = "submitted", _("Diajukan")
        RETURNED = "returned", _("Dikembalikan")
        VERIFIED = "verified", _("Terverifikasi")

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="assessments", verbose_name=_("produk"))
    rubric = models.ForeignKey(Rubric, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("rubrik"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    note = models.TextField(_("catatan penilai"), blank=True, validators=[validate_long_text])
    # The product's facts as the assessor saw them, kept with the scores.
    facts = models.JSONField(_("fakta produk"), default=dict, blank=True)
    lq_value = models.DecimalField(_("LQ sektor"), max_digits=7, decimal_places=3, null=True, blank=True)
    lq_suggested_score = models.PositiveSmallIntegerField(_("skor saran LQ"), null=True, blank=True)
    lq_override_reason = models.CharField(_("alasan mengubah saran LQ"), max_length=255, blank=True)
    # Scores proposed from the facts when the assessment began (mapping.rating.product_proposals):
    # {criterion code: {"score", "value", "unit"}}, frozen with the facts.
    proposals = models.JSONField(_("saran dari fakta"), default=dict, blank=True)
    # Totals are frozen with the scores: a later rubric or threshold change never rewrites them.
    weighted_score = models.DecimalField(_("skor (0–100)"), max_digits=5, decimal_places=2, null=True, blank=True)
    mpe_total = models.FloatField(_("total MPE"), null=True, blank=True)
    assessed_by = user_stamp_field(_("penilai"))
    submitted_at = models.DateTimeField(_("diajukan"), null=True, blank=True)
    verified_by = user_stamp_field(_("diverifikasi oleh"))
    verified_at = models.DateTimeField(_("diverifikasi"), null=True, blank=True)
    return_comment = models.TextField(_("komentar pengembalian"), blank=True, validators=[validate_long_text])
    # The product's latest verified assessment, the one rankings and dashboards count;
    # moved by assessment_verify() so reads need no "is there a newer one" subquery.
    is_current = models.BooleanField(_("berlaku"), default=False, editable=False)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("penilaian potensi usaha")
        verbose_name_plural = _("penilaian potensi usaha")
        permissions = transfer_permissions("assessment", _("penilaian potensi usaha"))
        indexes = [
            models.Index(fields=["product", "status", "verified_at"]),
            models.Index(fields=["created_at"]),
            models.Index(fields=["mpe_total"], condition=Q(is_current=True), name="assessment_current_mpe"),
            # The verification queue and its count on the dashboards: the few awaiting, not
            # a scan of every assessment ever made.
            models.Index(fields=["submitted_at", "id"], condition=Q(status="submitted"), name="assessment_awaiting"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["product"], condition=Q(is_current=True), name="one_current_assessment_per_product"),
        ]

    def __str__(self):
        return f"{self.product} — {self.get_status_display()}"

    @property
    def is_editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.RETURNED)

    def contradicted_scores(self) -> list[dict]:
        """The scores that contradict the facts they were proposed from (flags for the
        verifier): criterion, score given, score proposed and the measured value."""
        scores = {s.criterion.code: s for s in self.scores.all()}
        flagged = contradictions(scores={code: s.score for code, s in scores.items()}, proposals=self.proposals)
        return [{"criterion": scores[code].criterion, "score": scores[code].score, "proposed": proposed,
                 "measure": self.proposal_measure(code)}
                for code, proposed in sorted(flagged.items())]

    def proposal_measure(self, code: str) -> str:
        """The fact a criterion's proposal was read from, in words ("tenaga kerja 7 orang")."""
        proposal = self.proposals.get(code)
        if proposal is None:
            return ""
        label = PRODUCT_PROPOSALS[code].label if code in PRODUCT_PROPOSALS else code
        if code == "f":  # stored as a level; the reach itself is in the facts
            return f"{label} {self.facts.get('market_reach', '')}"
        unit = proposal["unit"]
        value = format_number(proposal["value"])
        return f"{label} {value}{unit if unit == '%' else (' ' + unit if unit else '')}"

    def review_refusal(self, user) -> dict[str, str]:
        """Why `user` may not verify or return this assessment ({} when they may): only
        Admin Dinas decide, only on a submitted assessment, and never the assessor."""
        if role_of(user) is not Role.ADMIN_DINAS:
            return {"role": _("Hanya admin Dinas yang dapat memverifikasi atau mengembalikan penilaian.")}
        if self.status != self.Status.SUBMITTED:
            return {"status": _("Hanya penilaian berstatus diajukan yang dapat diverifikasi atau dikembalikan.")}
        if self.assessed_by_id == user.pk:
            return {"assessed_by": _("Penilai tidak boleh memverifikasi atau mengembalikan penilaiannya sendiri.")}
        return {}


class AssessmentScore(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(_("skor"))

    class Meta:
        ordering = ["criterion__order", "criterion__code"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "criterion"], name="score_unique_per_criterion"),
        ]


