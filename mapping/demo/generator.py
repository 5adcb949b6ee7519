"""Demo data that looks like Purbalingga: deterministic, labelled, removable."""

import random
from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from shapely.geometry import Point
from shapely.prepared import prep

from mapping import geometry, rating, selectors
from mapping.demo import vocabulary as vocab
from mapping.models import UMKM, Assessment, AssessmentScore, Desa, Permit, Product, Rubric, Sector, Sentra
from mapping.models.catalogue import CatalogueEntry, Consent
from mapping.services.facts import facts_changed
from mapping.services.komoditas import products_komoditas_suggest

# Demo accounts are recognised by this username prefix, so clear_demo can remove them.
DEMO_USERNAME_PREFIX = "demo."
DEMO_PASSWORD = "demo-Purbalingga-2026"
# Demo NIBs start with 999, a range OSS does not issue, so they never clash with real ones.
DEMO_NIB_PREFIX = "999"


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
    products_komoditas_suggest([product.pk for product in product_rows])
    Permit.objects.bulk_create(permit_rows, batch_size=1000)
    _demo_catalogue(created, rng=generator.rng, by=get_user_model().objects.get(username=f"{DEMO_USERNAME_PREFIX}admin"))
    result.umkm, result.products, result.permits = len(created), len(product_rows), len(permit_rows)
    return result


def _demo_catalogue(created: list[UMKM], *, rng: random.Random, by) -> None:
    """A third of the demo UMKM in the public catalogue; half of those with their (demo) owner's
    consent to show a business number in a range no one uses and demo marketplace links."""
    now = timezone.now()
    entries, consents = [], []
    for index, umkm in enumerate(created):
        if index % 3:
            continue
        with_consent = index % 2 == 0
        slug = slugify(umkm.name)[:40] or "umkm"
        entries.append(CatalogueEntry(
            umkm=umkm, is_published=True, published_at=now, published_by=by,
            tagline="(DEMO) " + rng.choice(["Buatan tangan perajin desa.", "Pesanan partai besar dilayani.",
                                             "Bahan baku dari desa sendiri.", "Kirim ke seluruh Indonesia."]),
            business_phone=f"0800-1000-{index % 10000:04d}" if with_consent else "",
            shopee_url=f"https://shopee.co.id/demo-{slug}" if with_consent and index % 4 == 0 else ""))
        if with_consent:
            consents.append(Consent(umkm=umkm, contact=True, marketplace=True, given_on=timezone.localdate(),
                                    evidence="(DEMO) formulir persetujuan contoh", recorded_by=by))
    CatalogueEntry.objects.bulk_create(entries, batch_size=1000)
    Consent.objects.bulk_create(consents, batch_size=1000)


@transaction.atomic
def demo_data_clear(*, keep_accounts: bool = False) -> dict[str, int]:
    """Delete every demo UMKM (with its products and permits) and the demo accounts."""
    where = list(UMKM.objects.demo().values_list("desa_id", flat=True).distinct())
    umkm_deleted, _per_model = UMKM.objects.demo().delete()
    facts_changed(desa_ids=where)  # the figures of their desa no longer count them
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
        self.sectors = {s.code: s for s in Sector.objects.all()}
        self.desa_list = list(Desa.objects.select_related("kecamatan").defer("kecamatan__boundary").order_by("code"))
        if not self.desa_list or not self.sectors:
            raise ValueError("Data wilayah dan sektor belum dimuat: jalankan load_wilayah dulu.")
        self._areas = {}
        by_pk = {d.pk: d for d in self.desa_list}
        # The real sentra (reference data) in a fixed order: the demo's producer clusters.
        self.clusters = [
            (by_pk[s.desa_id], [s.komoditas.name, *(x for x in s.komoditas.synonyms.splitlines() if x.strip())],
             s.komoditas.sector.code)
            for s in Sentra.objects.filter(desa__isnull=False).select_related("komoditas__sector")
            .order_by("komoditas__code", "desa__code")
            if s.komoditas.sector.code in self.sectors
        ]

    def build(self, umkm_count: int):
        """Every desa gets a share (round-robin in code order); beyond two UMKM per desa,
        a fifth of the rest are producers in the real sentra: many small makers of sapu
        glagah in Kajongan, knalpot in Purbalingga Lor, as the regency knows them."""
        umkm_rows, product_rows, permit_rows = [], [], []
        in_clusters = max(0, umkm_count - 2 * len(self.desa_list)) // 5 if self.clusters else 0
        for index in range(umkm_count):
            if index < in_clusters:
                desa, names, sector_kode = self.clusters[index % len(self.clusters)]
                products = self._cluster_products(names, sector_kode)
            else:
                desa = self.desa_list[(index - in_clusters) % len(self.desa_list)]
                sector_kode = self._sector_for(desa.kecamatan.name)
                products = None
            umkm = self._umkm(index, desa, sector_kode)
            umkm_rows.append(umkm)
            for product in products or self._products(sector_kode):
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
            name = f"{rng.choice(vocab.BUSINESS_WORDS)} {desa.name}"
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
            address=f"{rng.choice(vocab.STREET_WORDS)}, {desa.get_jenis_display()} {desa.name} (data demo)",
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

    def _cluster_products(self, names: list[str], sector_kode: str) -> list[Product]:
        """One product of the sentra's commodity, as its makers name it; sentra sell further."""
        _names, unit, (low, high) = vocab.SECTOR_PRODUCTS[sector_kode]
        rng = self.rng
        name = rng.choice(names)
        name = name[:1].upper() + name[1:]
        return [Product(
            name=name, sector=self.sectors[sector_kode], description=f"{name} dari sentra (data demo).",
            monthly_capacity=rng.randrange(100, 8_000), capacity_unit=unit, price=round(rng.randrange(low, high), -2),
            market_reach=rng.choices([m.value for m in Product.MarketReach], weights=[15, 25, 20, 25, 15])[0],
            local_material_pct=rng.choice([60, 75, 80, 90, 100]),
        )]

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


def demo_assessments_seed(*, rng: random.Random, assessor_by_kecamatan: dict, verifier, share: float = 0.15) -> int:
    """Verified demo assessments for a share of the demo products, so rankings have content.

    Criteria with a measure (a, c, f, g) follow the proposal from the product's facts, as the
    rubric asks (now and then one level off, as a person would judge); the others are drawn.
    Every total comes from the same scoring functions.
    """
    rubric = Rubric.objects.current()
    if rubric is None or Assessment.objects.filter(product__umkm__is_demo=True).exists():
        return 0
    criteria = list(rubric.criteria.prefetch_related("levels"))
    facts_changed(everything=True)  # the generated registry was bulk-written; the LQ reads its facts
    now = timezone.now()
    made = []
    lq = {}  # (sector, kecamatan) → LQ, computed as an assessor's form would
    products = (Product.objects.filter(umkm__is_demo=True).select_related("umkm__desa__kecamatan", "sector")
                .defer("umkm__desa__boundary", "umkm__desa__kecamatan__boundary").order_by("pk"))
    for product in products:
        assessor = assessor_by_kecamatan.get(product.umkm.desa.kecamatan_id)
        if assessor is None or rng.random() > share:
            continue
        key = (product.sector_id, product.umkm.desa.kecamatan_id)
        if key not in lq:
            lq[key] = selectors.sector_location_quotient(sector=product.sector, kecamatan=product.umkm.desa.kecamatan)
        proposals = rating.product_proposals(workers=product.umkm.workers, market_reach=product.market_reach,
                                             local_material_pct=product.local_material_pct, lq=lq[key])
        scores = {}
        for criterion in criteria:
            proposal = proposals.get(criterion.code)
            if criterion.code == "c" and proposal is not None:
                scores[criterion] = proposal["score"]  # (c) follows the LQ unless a reason is given
            elif proposal is not None:
                nudge = rng.choices([-1, 0, 1], weights=[1, 8, 1])[0]
                scores[criterion] = min(5, max(1, proposal["score"] + nudge))
            else:
                scores[criterion] = rng.choices([1, 2, 3, 4, 5], weights=[5, 20, 40, 25, 10])[0]
        items = [rating.ScoredCriterion(c.code, c.name, c.weight, 1, 5, s) for c, s in scores.items()]
        assessment = Assessment.objects.create(
            product=product, rubric=rubric, status=Assessment.Status.VERIFIED, assessed_by=assessor,
            verified_by=verifier, submitted_at=now, verified_at=now, note="Penilaian demo.", is_current=True,
            facts=selectors.product_facts(product=product), proposals=proposals,
            weighted_score=rating.weighted_score(items), mpe_total=rating.mpe_total(items),
            lq_value=lq[key], lq_suggested_score=rating.lq_score(lq[key]),
        )
        made.extend(AssessmentScore(assessment=assessment, criterion=c, score=s) for c, s in scores.items())
    AssessmentScore.objects.bulk_create(made)
    return len(made) // max(len(criteria), 1)


