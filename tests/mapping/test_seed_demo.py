"""Demo data: deterministic, inside the real boundaries, labelled, removable in one command."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from mapping import geometry
from mapping.models import UMKM, Desa, Permit, Product, Sentra
from tests.factories import UMKMFactory

pytestmark = pytest.mark.django_db


def snapshot():
    """Everything a user sees of the demo rows, without database ids or timestamps."""
    umkm = list(
        UMKM.objects.order_by("nib", "name", "desa__code", "location").values_list(
            "name", "owner_name", "desa__code", "location", "nib", "capital", "annual_turnover", "workers"
        )
    )
    products = sorted(Product.objects.values_list("umkm__name", "name", "sector__code", "price"))
    permits = sorted(Permit.objects.values_list("umkm__name", "kind", "number"))
    return umkm, products, permits


def seed(*args):
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def test_same_seed_gives_the_same_rows_and_another_seed_does_not(wilayah):
    seed("--umkm", "300", "--seed", "7")
    first = snapshot()
    seed("--umkm", "300", "--seed", "7", "--replace")
    assert snapshot() == first
    seed("--umkm", "300", "--seed", "8", "--replace")
    assert snapshot() != first
    assert UMKM.objects.count() == 300


def test_every_demo_point_lies_inside_its_desa_and_every_desa_gets_umkm(wilayah):
    seed("--umkm", "478")
    boundaries = {d.pk: d.boundary for d in Desa.objects.all()}
    for umkm in UMKM.objects.all():
        assert geometry.covers(boundaries[umkm.desa_id], umkm.location), umkm.name
    per_desa = set(UMKM.objects.values_list("desa_id", flat=True))
    assert per_desa == set(boundaries)


def test_demo_rows_are_marked_valid_and_carry_products(wilayah):
    seed("--umkm", "120")
    assert UMKM.objects.demo().count() == 120
    assert not UMKM.objects.exclude(is_demo=True).exists()
    assert Product.objects.count() >= 120
    for umkm in UMKM.objects.select_related("desa")[:40]:
        umkm.full_clean()
        assert "(data demo)" in umkm.address
        assert umkm.nik == ""  # no personal identity numbers, not even invented ones


def test_running_seed_twice_keeps_the_data_and_prints_the_demo_credentials(wilayah):
    first_output = seed("--umkm", "50")
    second_output = seed("--umkm", "50")
    assert UMKM.objects.count() == 50
    assert "Data demo sudah ada (50 UMKM)" in second_output
    for output in (first_output, second_output):
        assert "demo.admin / demo-Purbalingga-2026" in output
    user = get_user_model().objects.get(username="demo.admin")
    assert user.is_superuser and user.check_password("demo-Purbalingga-2026")


def test_clear_demo_removes_demo_rows_and_accounts_but_keeps_real_data(desa_bojongsari):
    real = UMKMFactory(desa=desa_bojongsari, name="Usaha Nyata")
    seed("--umkm", "30")
    out = StringIO()
    call_command("clear_demo", stdout=out)
    assert list(UMKM.objects.all()) == [real]
    assert not get_user_model().objects.filter(username__startswith="demo.").exists()
    assert "Dihapus:" in out.getvalue()


def test_dry_runs_write_nothing(wilayah):
    seed("--umkm", "20", "--dry-run")
    assert not UMKM.objects.exists()
    seed("--umkm", "20")
    call_command("clear_demo", "--dry-run", stdout=StringIO())
    assert UMKM.objects.count() == 20


def test_seed_demo_refuses_a_negative_size(wilayah):
    with pytest.raises(CommandError, match="--umkm tidak boleh negatif"):
        seed("--umkm", "-1")


def test_demo_producers_cluster_in_the_real_sentra(wilayah):
    seed("--umkm", "900")

    def producers(**where):
        return UMKM.objects.filter(products__komoditas__code="sapu-glagah", **where).distinct().count()

    in_kajongan, all_kajongan = producers(desa__code="33.03.14.2007"), UMKM.objects.filter(desa__code="33.03.14.2007").count()
    share_kajongan = in_kajongan / all_kajongan
    share_regency = producers() / UMKM.objects.count()
    assert in_kajongan >= 3
    assert share_kajongan > 3 * share_regency  # a cluster, not an even spread
    assert UMKM.objects.filter(desa__code="33.03.05.1011", products__komoditas__code="knalpot").count() >= 3


def test_demo_assessments_store_the_lq_and_follow_its_suggestion(wilayah):
    from mapping import rating, selectors
    from mapping.models import Assessment

    seed("--umkm", "600")

    assessments = list(Assessment.objects.select_related("product__sector", "product__umkm__desa__kecamatan")
                       .prefetch_related("scores__criterion")[:25])
    assert assessments
    for assessment in assessments:
        lq = selectors.sector_location_quotient(sector=assessment.product.sector,
                                                kecamatan=assessment.product.umkm.desa.kecamatan)
        assert assessment.lq_value == lq and assessment.lq_suggested_score == rating.lq_score(lq)
        c = next(s.score for s in assessment.scores.all() if s.criterion.code == "c")
        assert c == assessment.lq_suggested_score
