"""The potential rating workflow: draft → submitted → verified or returned."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mapping import rating, selectors
from mapping.models import Assessment, AssessmentScore, Criterion, CriterionLevel, Product, Rubric
from mapping.services.facts import facts_changed
from purbalingga_umkm.audit import audit_saved, audit_snapshot
from purbalingga_umkm.models import AuditEntry

class RatingError(Exception):
    def __init__(self, errors: dict):
        self.errors = {field: str(message) for field, message in errors.items()}
        super().__init__("; ".join(self.errors.values()))


def scored_criteria(rubric, scores: dict[int, int]) -> list[rating.ScoredCriterion]:
    """The rubric's criteria with the given scores; RatingError for a missing or out-of-scale one."""
    errors, items = {}, []
    for criterion in rubric.criteria.prefetch_related("levels"):
        allowed = sorted(level.score for level in criterion.levels.all())
        score = scores.get(criterion.pk)
        if score is None:
            errors[criterion.code] = _("Kriteria (%(code)s) %(name)s belum diberi skor.") % {
                "code": criterion.code, "name": criterion.name}
        elif score not in allowed:
            errors[criterion.code] = _(
                "Skor %(score)s untuk kriteria (%(code)s) di luar skala %(low)s–%(high)s."
            ) % {"score": score, "code": criterion.code, "low": allowed[0], "high": allowed[-1]}
        else:
            items.append(rating.ScoredCriterion(
                code=criterion.code, name=criterion.name, weight=criterion.weight,
                min_score=allowed[0], max_score=allowed[-1], score=score,
            ))
    if errors:
        raise RatingError(errors)
    return items


def assessment_start(*, product, by) -> Assessment:
    """The product's open draft, or a new unsaved one on the current rubric with today's
    facts and LQ (saved by assessment_save, so opening the form writes nothing)."""

    draft = Assessment.objects.filter(product=product, status__in=[Assessment.Status.DRAFT, Assessment.Status.RETURNED]).first()
    if draft is not None:
        return draft
    if Assessment.objects.filter(product=product, status=Assessment.Status.SUBMITTED).exists():
        raise RatingError({"status": _("Penilaian sebelumnya untuk produk ini masih menunggu verifikasi.")})
    rubric = Rubric.objects.current()
    if rubric is None:
        raise RatingError({"rubric": _("Belum ada rubrik penilaian yang aktif. Hubungi admin Dinas.")})
    lq = selectors.sector_location_quotient(sector=product.sector, kecamatan=product.umkm.desa.kecamatan)
    proposals = rating.product_proposals(
        workers=product.umkm.workers, market_reach=product.market_reach,
        local_material_pct=product.local_material_pct, lq=lq)
    return Assessment(
        product=product, rubric=rubric, assessed_by=by, facts=selectors.product_facts(product=product),
        lq_value=lq, lq_suggested_score=rating.lq_score(lq), proposals=proposals, version=0,
    )


@transaction.atomic
def assessment_save(*, assessment, scores: dict[int, int], note: str, lq_override_reason: str,
                    expected_version: int, by, submit: bool) -> Assessment:
    """Store the scores and totals of a draft (or returned) assessment; submit it if asked.

    A new assessment (version 0, unsaved) is created here, once per product: a second
    new one for the same product finds the draft made by the first (double submit).
    """
    if assessment.pk is None:
        Product.objects.select_for_update().get(pk=assessment.product_id)
        draft = Assessment.objects.filter(
            product=assessment.product_id, status__in=[Assessment.Status.DRAFT, Assessment.Status.RETURNED]
        ).first()
        if draft is None:
            assessment.version = 1
            assessment.save()
            expected_version = 1
        else:
            assessment = draft
            expected_version = draft.version
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if not assessment.is_editable:
        raise RatingError({"status": _("Penilaian ini sudah %(status)s dan terkunci.") % {
            "status": assessment.get_status_display().lower()}})
    if assessment.version != expected_version:
        raise RatingError({"version": _(
            "Penilaian ini sudah diubah orang lain sejak Anda membukanya. Muat ulang halaman lalu periksa skornya."
        )})
    items = scored_criteria(assessment.rubric, scores)
    lq_item = assessment.rubric.criteria.filter(auto_source=Criterion.AutoSource.LOCATION_QUOTIENT).first()
    if (lq_item and assessment.lq_suggested_score is not None
            and scores.get(lq_item.pk) != assessment.lq_suggested_score and not lq_override_reason.strip()):
        raise RatingError({"lq_override_reason": _(
            "Skor kriteria (c) berbeda dari saran LQ (%(score)s); tuliskan alasannya."
        ) % {"score": assessment.lq_suggested_score}})
    before = audit_snapshot(assessment)
    before_scores = dict(AssessmentScore.objects.filter(assessment=assessment).values_list("criterion__code", "score"))
    AssessmentScore.objects.filter(assessment=assessment).delete()
    by_kode = {c.code: c.pk for c in assessment.rubric.criteria.all()}
    AssessmentScore.objects.bulk_create(
        AssessmentScore(assessment=assessment, criterion_id=by_kode[i.code], score=i.score) for i in items
    )
    assessment.weighted_score = rating.weighted_score(items)
    assessment.mpe_total = rating.mpe_total(items)
    assessment.note = note
    assessment.lq_override_reason = lq_override_reason.strip()
    assessment.version += 1
    if submit:
        assessment.status = Assessment.Status.SUBMITTED
        assessment.submitted_at = timezone.now()
        assessment.assessed_by = by
    assessment.save()
    after_scores = {i.code: i.score for i in items}
    audit_saved(assessment, before=before, by=by, action=AuditEntry.Action.SUBMIT if submit else None,
                extra={"scores": [before_scores, after_scores]} if before_scores != after_scores else None)
    facts_changed(umkm_ids=[assessment.product.umkm_id])  # an assessment opened counts in its desa's month
    return assessment


@transaction.atomic
def assessment_verify(*, assessment, by) -> Assessment:
    """Staff verify a submitted assessment; it then counts in rankings and is locked."""
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if refusal := assessment.review_refusal(by):
        raise RatingError(refusal)
    before = audit_snapshot(assessment)
    Assessment.objects.filter(product=assessment.product_id, is_current=True).update(is_current=False)
    assessment.status = Assessment.Status.VERIFIED
    assessment.verified_by, assessment.verified_at = by, timezone.now()
    assessment.is_current = True
    assessment.version += 1
    assessment.save()
    audit_saved(assessment, before=before, by=by, action=AuditEntry.Action.VERIFY)
    facts_changed(umkm_ids=[assessment.product.umkm_id])
    return assessment


@transaction.atomic
def assessment_return(*, assessment, by, comment: str) -> Assessment:
    """Staff send a submitted assessment back to the pendamping with a comment."""
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if refusal := assessment.review_refusal(by):
        raise RatingError(refusal)
    if not comment.strip():
        raise RatingError({"return_comment": _("Tuliskan komentar: apa yang perlu diperbaiki.")})
    before = audit_snapshot(assessment)
    assessment.status = Assessment.Status.RETURNED
    assessment.return_comment = comment.strip()
    assessment.version += 1
    assessment.save()
    audit_saved(assessment, before=before, by=by, action=AuditEntry.Action.RETURN)
    facts_changed()
    return assessment


@transaction.atomic
def rubric_new_version(*, rubric) -> Rubric:
    """Copy `rubric` (criteria, weights, levels) into a new version that staff can edit."""
    latest = Rubric.objects.order_by("-version").first()
    copy = Rubric.objects.create(
        version=latest.version + 1, name=rubric.name, note=f"Salinan dari v{rubric.version}.", is_active=False
    )
    for criterion in rubric.criteria.prefetch_related("levels"):
        levels = list(criterion.levels.all())
        criterion.pk, criterion.rubric = None, copy
        criterion.save()
        CriterionLevel.objects.bulk_create(
            CriterionLevel(criterion=criterion, score=level.score, description=level.description)
            for level in levels
        )
    return copy


