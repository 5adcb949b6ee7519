"""Writes that span models: loading the reference geography, demo data."""

import random
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from shapely.geometry import Point
from shapely.prepared import prep

from mapping import demo_vocabulary as vocab
from mapping import geometry, rating, stats
from mapping.access import Role, role_of
from mapping.models import (
    UMKM, Assessment, AssessmentScore, Criterion, CriterionLevel, Desa, Kecamatan, Permit, Product,
    Rubric, Sector,
)

FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"
REFERENCE_FIXTURES = ("wilayah.json", "sektor.json")

# Demo accounts are recognised by this username prefix, so clear_demo can remove them.
DEMO_USERNAME_PREFIX = "demo."
DEMO_PASSWORD = "demo-Purbalingga-2026"
# Demo NIBs start with 999, a range OSS does not issue, so they never clash with real ones.
DEMO_NIB_PREFIX = "999"


class _DryRunRollback(Exception):
    pass


def wilayah_load(*, dry_run: bool = False) -> dict[str, int]:
    """Load (or refresh) kecamatan, desa and sektor from the committed fixtures.

    Rows are matched by their code (natural key), so loading twice updates in place
    and never duplicates. Returns the row counts after loading.
    """
    counts = {}
    try:
        with transaction.atomic():
            call_command(
                "loaddata", *(str(FIXTURES_DIR / name) for name in REFERENCE_FIXTURES), verbosity=0
            )
            stats.stats_touch()
            counts = {
                "kecamatan": Kecamatan.objects.count(),
                "desa": Desa.objects.count(),
                "sektor": Sector.objects.count(),
            }
            if dry_run:
                raise _DryRunRollback
    except _DryRunRollback:
        pass
    return counts


@dataclass
class DemoSeedResult:
    umkm: int = 0
    products: int = 0
    permits: int = 0
    skipped: bool = False
    accounts: list[tuple[str, str, str]] = field(default_factory=list)


def demo_accounts_ensure() -> list[tuple[str, str, str]]:
    """Create (or reset) the demo accounts; returns (username, password, role) rows."""
    User = get_user_model()
    username = f"{DEMO_USERNAME_PREFIX}admin"
    user, _created = User.objects.get_or_create(
        username=username,
        defaults={"first_name": "Admin", "last_name": "Demo", "email": "admin.demo@example.invalid"},
    )
    user.is_staff = True
    user.is_superuser = True
    user.set_password(DEMO_PASSWORD)
    user.save()
    return [(username, DEMO_PASSWORD, "Admin Dinas (superuser)")]


@transaction.atomic
def demo_data_seed(*, umkm_count: int, seed: int = 2026, replace: bool = False) -> DemoSeedResult:
    """Generate `umkm_count` demo UMKM with products and permits, spread over every desa.

    Deterministic: the same seed and size give the same rows. Existing demo data is
    kept unless `replace` is set, so running it twice never duplicates anything.
    """
    result = DemoSeedResult(accounts=demo_accounts_ensure())
    if UMKM.objects.demo().exists():
        if not replace:
            result.skipped = True
            result.umkm = UMKM.objects.demo().count()
            return result
        demo_data_clear(keep_accounts=True)

    generator = _DemoGenerator(seed)
    umkm_rows, product_rows, permit_rows = generator.build(umkm_count)
    created = UMKM.objects.bulk_create(umkm_rows, batch_size=1000)
    for product in product_rows:
        product.umkm = created[product.umkm_index]
    for permit in permit_rows:
        permit.umkm = created[permit.umkm_index]
    Product.objects.bulk_create(product_rows, batch_size=1000)
    Permit.objects.bulk_create(permit_rows, batch_size=1000)
    result.umkm, result.products, result.permits = len(created), len(product_rows), len(permit_rows)
    return result


@transaction.atomic
def demo_data_clear(*, keep_accounts: bool = False) -> dict[str, int]:
    """Delete every demo UMKM (with its products and permits) and the demo accounts."""
    umkm_deleted, _per_model = UMKM.objects.demo().delete()
    accounts_deleted = 0
    if not keep_accounts:
        accounts_deleted, _ = (
            get_user_model().objects.filter(username__startswith=DEMO_USERNAME_PREFIX).delete()
        )
    return {"rows": umkm_deleted, "accounts": accounts_deleted}


class _DemoGenerator:
    """Builds unsaved demo rows from one seeded random generator."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.sectors = {s.kode: s for s in Sector.objects.all()}
        self.desa_list = list(Desa.objects.select_related("kecamatan").defer("kecamatan__boundary").order_by("kode"))
        if not self.desa_list or not self.sectors:
            raise ValueError("Data wilayah dan sektor belum dimuat: jalankan load_wilayah dulu.")
        self._areas = {}

    def build(self, umkm_count: int):
        umkm_rows, product_rows, permit_rows = [], [], []
        for index in range(umkm_count):
            # Round-robin over desa in code order: every desa gets a share.
            desa = self.desa_list[index % len(self.desa_list)]
            sector_kode = self._sector_for(desa.kecamatan.nama)
            umkm = self._umkm(index, desa, sector_kode)
            umkm_rows.append(umkm)
            for product in self._products(sector_kode):
                product.umkm_index = index
                product_rows.append(product)
            for permit in self._permits(sector_kode):
                permit.umkm_index = index
                permit_rows.append(permit)
        return umkm_rows, product_rows, permit_rows

    def _sector_for(self, kecamatan_nama: str) -> str:
        boosts = vocab.KECAMATAN_SECTOR_BOOST.get(kecamatan_nama, {})
        kodes = [k for k in vocab.SECTOR_WEIGHTS if k in self.sectors]
        weights = [vocab.SECTOR_WEIGHTS[k] * boosts.get(k, 1) for k in kodes]
        return self.rng.choices(kodes, weights=weights)[0]

    def _umkm(self, index: int, desa: Desa, sector_kode: str) -> UMKM:
        rng = self.rng
        owner = f"{rng.choice(vocab.FIRST_NAMES)} {rng.choice(vocab.LAST_NAMES)}".strip()
        product_word = vocab.SECTOR_PRODUCTS[sector_kode][0][0].split()[0]
        pattern = rng.randrange(3)
        if pattern == 0:
            name = f"{rng.choice(vocab.BUSINESS_PREFIXES)} {rng.choice(vocab.BUSINESS_WORDS)}"
        elif pattern == 1:
            name = f"{product_word} {owner.split()[0]}"
        else:
            name = f"{rng.choice(vocab.BUSINESS_WORDS)} {desa.nama}"
        size = rng.choices(["mikro", "kecil", "menengah"], weights=[85, 12, 3])[0]
        capital, turnover, workers = {
            "mikro": (rng.randrange(2, 900) * 1_000_000, rng.randrange(10, 1_900) * 1_000_000, rng.randint(1, 5)),
            "kecil": (rng.randrange(1_100, 4_900) * 1_000_000, rng.randrange(2_100, 14_000) * 1_000_000, rng.randint(5, 30)),
            "menengah": (rng.randrange(5_100, 9_900) * 1_000_000, rng.randrange(15_100, 49_000) * 1_000_000, rng.randint(20, 120)),
        }[size]
        return UMKM(
            name=name[:150],
            owner_name=owner,
            phone=f"08{rng.choice(['12', '13', '52', '57', '95'])}{rng.randrange(10_000_000, 99_999_999)}",
            address=f"{rng.choice(vocab.STREET_WORDS)}, {desa.get_jenis_display()} {desa.nama} (data demo)",
            desa=desa,
            location=self._point_in(desa),
            nib=f"{DEMO_NIB_PREFIX}{index:010d}" if rng.random() < 0.4 else "",
            founded_year=rng.randint(1985, 2025),
            workers=workers,
            capital=capital,
            annual_turnover=turnover,
            is_demo=True,
        )

    def _products(self, sector_kode: str) -> list[Product]:
        names, unit, (low, high) = vocab.SECTOR_PRODUCTS[sector_kode]
        rng = self.rng
        chosen = rng.sample(names, k=min(len(names), rng.choices([1, 2, 3], weights=[50, 35, 15])[0]))
        return [
            Product(
                name=name,
                sector=self.sectors[sector_kode],
                description=f"{name} produksi UMKM Purbalingga (data demo).",
                monthly_capacity=rng.randrange(20, 5_000),
                capacity_unit=unit,
                price=round(rng.randrange(low, high), -2),
                market_reach=rng.choices(
                    [m.value for m in Product.MarketReach], weights=[45, 30, 13, 8, 4]
                )[0],
                local_material_pct=rng.choice([20, 40, 50, 60, 75, 80, 90, 100]),
            )
            for name in chosen
        ]

    def _permits(self, sector_kode: str) -> list[Permit]:
        rng = self.rng
        kinds = []
        if sector_kode == "makanan-minuman":
            if rng.random() < 0.55:
                kinds.append(Permit.Kind.PIRT)
            if rng.random() < 0.35:
                kinds.append(Permit.Kind.HALAL)
        if rng.random() < 0.06:
            kinds.append(Permit.Kind.HKI)
        permits = []
        for kind in kinds:
            issued = date(rng.randint(2019, 2025), rng.randint(1, 12), rng.randint(1, 28))
            permits.append(
                Permit(
                    kind=kind,
                    number=f"DEMO-{kind.upper()}-{rng.randrange(100_000, 999_999)}",
                    issued_on=issued,
                    valid_until=issued.replace(year=issued.year + 5) if kind == Permit.Kind.PIRT else None,
                )
            )
        return permits

    def _point_in(self, desa: Desa) -> dict:
        if desa.pk not in self._areas:
            area = geometry.to_shape(desa.boundary)
            self._areas[desa.pk] = (prep(area), area.bounds)
        area, (min_x, min_y, max_x, max_y) = self._areas[desa.pk]
        while True:
            candidate = geometry.point(self.rng.uniform(min_x, max_x), self.rng.uniform(min_y, max_y))
            if area.contains(Point(candidate["coordinates"])):
                return candidate


# --- Survey writes: optimistic locking and double-submit protection ------------------


class EditConflict(Exception):
    """Someone else saved the row since the form was opened."""

    def __init__(self, current, changes: list[tuple[str, object, object]]):
        super().__init__("edit conflict")
        self.current = current
        self.changes = changes  # (field label, value now stored, value the user sent)


def versioned_save(instance, *, fields: list[str], expected_version: int, by=None):
    """Save `fields` only if nobody changed the row since `expected_version` was read.

    A second, identical submission (double tap) is not a conflict: nothing differs.
    Raises EditConflict with the differing fields otherwise.
    """
    model = type(instance)
    values = {name: getattr(instance, model._meta.get_field(name).attname) for name in fields}
    if "updated_by" in {f.name for f in model._meta.fields}:
        values["updated_by"] = by
    if "updated_at" in {f.name for f in model._meta.fields}:
        values["updated_at"] = timezone.now()
    with transaction.atomic():
        updated = model.objects.filter(pk=instance.pk, version=expected_version).update(
            **values, version=F("version") + 1
        )
        current = model.objects.get(pk=instance.pk)
    if updated:
        return current
    changes = []
    for name in fields:
        field = model._meta.get_field(name)
        stored, sent = getattr(current, field.attname), getattr(instance, field.attname)
        if stored != sent:
            changes.append((str(field.verbose_name), stored, sent))
    if changes:
        raise EditConflict(current, changes)
    return current


def created_once(model, instance, *, token, by=None):
    """Create `instance` unless a row with the same submission token exists already."""
    if token:
        existing = model.objects.filter(submission_token=token).first()
        if existing is not None:
            return existing
    instance.submission_token = token
    if hasattr(instance, "created_by_id") and by is not None:
        instance.created_by = by
    if hasattr(instance, "updated_by_id") and by is not None:
        instance.updated_by = by
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError:
        return model.objects.get(submission_token=token)
    return instance


# --- Potential rating ------------------------------------------------------------------


class RatingError(Exception):
    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def scored_criteria(rubric, scores: dict[int, int]) -> list[rating.ScoredCriterion]:
    """The rubric's criteria with the given scores; RatingError for a missing or out-of-scale one."""
    errors, items = {}, []
    for criterion in rubric.criteria.prefetch_related("levels"):
        allowed = sorted(level.score for level in criterion.levels.all())
        score = scores.get(criterion.pk)
        if score is None:
            errors[criterion.kode] = _("Kriteria (%(kode)s) %(name)s belum diberi skor.") % {
                "kode": criterion.kode, "name": criterion.name}
        elif score not in allowed:
            errors[criterion.kode] = _(
                "Skor %(score)s untuk kriteria (%(kode)s) di luar skala %(low)s–%(high)s."
            ) % {"score": score, "kode": criterion.kode, "low": allowed[0], "high": allowed[-1]}
        else:
            items.append(rating.ScoredCriterion(
                kode=criterion.kode, name=criterion.name, weight=criterion.weight,
                min_score=allowed[0], max_score=allowed[-1], score=score,
            ))
    if errors:
        raise RatingError(errors)
    return items


def assessment_start(*, product, by) -> Assessment:
    """The product's open draft, or a new unsaved one on the current rubric with today's
    facts and LQ (saved by assessment_save, so opening the form writes nothing)."""
    from mapping import selectors

    draft = Assessment.objects.filter(product=product, status__in=[Assessment.Status.DRAFT, Assessment.Status.RETURNED]).first()
    if draft is not None:
        return draft
    if Assessment.objects.filter(product=product, status=Assessment.Status.SUBMITTED).exists():
        raise RatingError({"status": _("Penilaian sebelumnya untuk produk ini masih menunggu verifikasi.")})
    rubric = Rubric.objects.current()
    if rubric is None:
        raise RatingError({"rubric": _("Belum ada rubrik penilaian yang aktif. Hubungi admin Dinas.")})
    lq = selectors.sector_location_quotient(sector=product.sector, kecamatan=product.umkm.desa.kecamatan)
    return Assessment(
        product=product, rubric=rubric, assessed_by=by, facts=selectors.product_facts(product=product),
        lq_value=lq, lq_suggested_score=rating.lq_score(lq), version=0,
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
    AssessmentScore.objects.filter(assessment=assessment).delete()
    by_kode = {c.kode: c.pk for c in assessment.rubric.criteria.all()}
    AssessmentScore.objects.bulk_create(
        AssessmentScore(assessment=assessment, criterion_id=by_kode[i.kode], score=i.score) for i in items
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
    stats.stats_touch()
    return assessment


@transaction.atomic
def assessment_verify(*, assessment, by) -> Assessment:
    """Staff verify a submitted assessment; it then counts in rankings and is locked."""
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if role_of(by) is not Role.ADMIN_DINAS:
        raise RatingError({"role": _("Hanya admin Dinas yang dapat memverifikasi penilaian.")})
    if assessment.status != Assessment.Status.SUBMITTED:
        raise RatingError({"status": _("Hanya penilaian berstatus diajukan yang dapat diverifikasi.")})
    if assessment.assessed_by_id == by.pk:
        raise RatingError({"assessed_by": _("Penilaian tidak boleh diverifikasi oleh penilainya sendiri.")})
    Assessment.objects.filter(product=assessment.product_id, is_current=True).update(is_current=False)
    assessment.status = Assessment.Status.VERIFIED
    assessment.verified_by, assessment.verified_at = by, timezone.now()
    assessment.is_current = True
    assessment.version += 1
    assessment.save()
    stats.stats_refresh(umkm_ids=[assessment.product.umkm_id])
    return assessment


@transaction.atomic
def assessment_return(*, assessment, by, comment: str) -> Assessment:
    """Staff send a submitted assessment back to the pendamping with a comment."""
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if role_of(by) is not Role.ADMIN_DINAS:
        raise RatingError({"role": _("Hanya admin Dinas yang dapat mengembalikan penilaian.")})
    if assessment.status != Assessment.Status.SUBMITTED:
        raise RatingError({"status": _("Hanya penilaian berstatus diajukan yang dapat dikembalikan.")})
    if not comment.strip():
        raise RatingError({"return_comment": _("Tuliskan komentar: apa yang perlu diperbaiki.")})
    assessment.status = Assessment.Status.RETURNED
    assessment.return_comment = comment.strip()
    assessment.version += 1
    assessment.save()
    stats.stats_touch()
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


def survey_save(instance, *, fields: list[str], expected_version, token, by, new_photo=None):
    """Create (once per token) or update (only from the version the user saw) a survey row.

    The UMKM's dashboard figures are refreshed in the same transaction.
    """
    if new_photo is not None:
        instance.photo.save(new_photo.name, new_photo, save=False)
    with transaction.atomic():
        if instance.pk is None:
            saved = created_once(type(instance), instance, token=token, by=by)
        else:
            saved = versioned_save(instance, fields=fields, expected_version=expected_version, by=by)
        stats.stats_refresh(umkm_ids=[saved.pk if isinstance(saved, UMKM) else saved.umkm_id])
    return saved


def demo_assessments_seed(*, rng: random.Random, assessor_by_kecamatan: dict, verifier, share: float = 0.15) -> int:
    """Verified demo assessments for a share of the demo products, so rankings have content.

    Scores lean on the product's facts (market reach, local material) so the demo
    flagships look plausible; every total comes from the same scoring functions.
    """
    rubric = Rubric.objects.current()
    if rubric is None or Assessment.objects.filter(product__umkm__is_demo=True).exists():
        return 0
    criteria = list(rubric.criteria.prefetch_related("levels"))
    reach_score = {"lokal": 2, "kabupaten": 3, "provinsi": 4, "nasional": 4, "ekspor": 5}
    now = timezone.now()
    made = []
    products = Product.objects.filter(umkm__is_demo=True).select_related("umkm__desa").order_by("pk")
    for product in products:
        assessor = assessor_by_kecamatan.get(product.umkm.desa.kecamatan_id)
        if assessor is None or rng.random() > share:
            continue
        scores = {}
        for criterion in criteria:
            if criterion.kode == "f":
                scores[criterion] = reach_score.get(product.market_reach, 3)
            elif criterion.kode == "g":
                scores[criterion] = min(5, 1 + (product.local_material_pct or 0) // 25)
            else:
                scores[criterion] = rng.choices([1, 2, 3, 4, 5], weights=[5, 20, 40, 25, 10])[0]
        items = [rating.ScoredCriterion(c.kode, c.name, c.weight, 1, 5, s) for c, s in scores.items()]
        assessment = Assessment.objects.create(
            product=product, rubric=rubric, status=Assessment.Status.VERIFIED, assessed_by=assessor,
            verified_by=verifier, submitted_at=now, verified_at=now, note="Penilaian demo.", is_current=True,
            facts={}, weighted_score=rating.weighted_score(items), mpe_total=rating.mpe_total(items),
        )
        made.extend(AssessmentScore(assessment=assessment, criterion=c, score=s) for c, s in scores.items())
    AssessmentScore.objects.bulk_create(made)
    return len(made) // max(len(criteria), 1)


def permit_record(*, permit) -> Permit:
    """Save a permit; the same kind and number sent twice for a UMKM is stored once."""
    if permit.pk is None:
        existing = Permit.objects.filter(umkm=permit.umkm_id, kind=permit.kind, number=permit.number).first()
        if existing is not None:
            return existing
    try:
        with transaction.atomic():
            permit.save()
            stats.stats_refresh(umkm_ids=[permit.umkm_id])
    except IntegrityError:
        return Permit.objects.get(umkm=permit.umkm_id, kind=permit.kind, number=permit.number)
    return permit
