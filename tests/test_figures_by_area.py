"""A write in one kecamatan outdates that kecamatan's cached figures and the regency's, not
those of the other seventeen; a write whose area is not known outdates them all."""

import pytest
from django.urls import reverse

from mapping.models import UMKM
from mapping.services.facts import facts_changed
from purbalingga_umkm.figures import figures_cached
from tests.factories import UMKMFactory

pytestmark = pytest.mark.django_db


class Counting:
    """A figure that says how often it was computed."""

    def __init__(self):
        self.calls = 0

    def __call__(self):
        self.calls += 1
        return self.calls


def read_all(world, figures):
    return {area: figures_cached(f"test:{area}", figures[area],
                                 kecamatan_id=None if area == "kabupaten" else world.kecamatan[area].pk)
            for area in figures}


@pytest.fixture
def figures(world):
    return {"kabupaten": Counting(), "X": Counting(), "Y": Counting()}


def test_a_write_in_one_kecamatan_keeps_the_cached_figures_of_another(world, figures,
                                                                     django_capture_on_commit_callbacks):
    read_all(world, figures)
    with django_capture_on_commit_callbacks(execute=True):
        facts_changed(umkm_ids=[world.umkm["X"].pk])
    read_all(world, figures)
    assert (figures["kabupaten"].calls, figures["X"].calls, figures["Y"].calls) == (2, 2, 1)

    with django_capture_on_commit_callbacks(execute=True):
        facts_changed(kecamatan_ids=[world.kecamatan["Y"].pk])  # a visit in Y
    read_all(world, figures)
    assert (figures["kabupaten"].calls, figures["X"].calls, figures["Y"].calls) == (3, 2, 2)


def test_a_umkm_moved_to_another_kecamatan_outdates_both(world, figures, django_capture_on_commit_callbacks):
    moved = world.umkm["X"]
    facts_changed(umkm_ids=[moved.pk])  # its facts: counted in X
    read_all(world, figures)
    UMKM.objects.filter(pk=moved.pk).update(desa=world.desa["Y"])  # its facts still say X
    with django_capture_on_commit_callbacks(execute=True):
        facts_changed(umkm_ids=[moved.pk])
    read_all(world, figures)
    assert (figures["X"].calls, figures["Y"].calls) == (2, 2)


@pytest.mark.parametrize("write", [
    lambda world: facts_changed(),  # a rubric or a name: area not known
    lambda world: facts_changed(everything=True),
    lambda world: facts_changed(umkm_ids=[999_999]),  # deleted: where it counted is gone with it
])
def test_a_write_whose_area_is_not_known_outdates_every_kecamatan(world, figures, django_capture_on_commit_callbacks,
                                                                   write):
    read_all(world, figures)
    with django_capture_on_commit_callbacks(execute=True):
        write(world)
    read_all(world, figures)
    assert (figures["kabupaten"].calls, figures["X"].calls, figures["Y"].calls) == (2, 2, 2)


def test_a_public_kecamatan_ranking_stays_cached_while_another_kecamatan_registers_umkm(
        client, world, django_assert_num_queries, django_capture_on_commit_callbacks):
    url = reverse("mapping:ranking-kecamatan", args=[world.kecamatan["Y"].code])
    client.get(url)
    with django_capture_on_commit_callbacks(execute=True):
        made = UMKMFactory(desa=world.desa["X"])
        facts_changed(umkm_ids=[made.pk])
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as warm:
        client.get(url)
    assert not any("weighted_score" in q["sql"] for q in warm.captured_queries)  # the ranking was not recomputed


def test_a_product_moved_in_the_admin_to_a_umkm_of_another_kecamatan_recounts_both(
        client, world, figures, django_capture_on_commit_callbacks):
    from mapping.models import UMKMFact

    product, target = world.product["X"], world.umkm["Y"]
    facts_changed(umkm_ids=[product.umkm_id, target.pk])
    assert UMKMFact.objects.get(umkm_id=product.umkm_id).product_count == 1
    read_all(world, figures)
    client.force_login(world.users["admin"])
    url = reverse("admin:mapping_product_change", args=[product.pk])
    form = client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name != "photo"}
    data.update({"umkm": target.pk, "sector": product.sector_id, "edit_version": product.version})

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    assert UMKMFact.objects.get(umkm_id=world.umkm["X"].pk).product_count == 0  # the UMKM it left, recounted
    read_all(world, figures)
    assert (figures["X"].calls, figures["Y"].calls) == (2, 2)


def test_a_regency_figure_kept_per_kecamatan_is_computed_again_only_where_the_write_was(
        world, django_capture_on_commit_callbacks):
    """The dashboard's flagships of every kecamatan, each kept under its own stamp: after a
    save in X only X's part is read again; after a write whose area is unknown, all."""
    from purbalingga_umkm.figures import figures_cached_per_kecamatan

    asked = []

    def compute(ids):
        asked.append(sorted(ids))
        return {pk: f"part of {pk}" for pk in ids}

    x, y = world.kecamatan["X"].pk, world.kecamatan["Y"].pk
    assert figures_cached_per_kecamatan("test", [x, y], compute) == {x: f"part of {x}", y: f"part of {y}"}
    figures_cached_per_kecamatan("test", [x, y], compute)
    with django_capture_on_commit_callbacks(execute=True):
        facts_changed(umkm_ids=[world.umkm["X"].pk])
    assert figures_cached_per_kecamatan("test", [x, y], compute)[y] == f"part of {y}"
    with django_capture_on_commit_callbacks(execute=True):
        facts_changed()
    figures_cached_per_kecamatan("test", [x, y], compute)
    assert asked == [sorted([x, y]), [x], sorted([x, y])]


def test_the_dashboard_after_a_save_reads_the_winners_of_that_kecamatan_only(
        client, world, django_capture_on_commit_callbacks):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world.users["pimpinan"])
    client.get(reverse("mentoring:dashboard"))
    with django_capture_on_commit_callbacks(execute=True):
        facts_changed(umkm_ids=[world.umkm["X"].pk])
    with CaptureQueriesContext(connection) as read:
        assert client.get(reverse("mentoring:dashboard")).status_code == 200
    standings = [q["sql"] for q in read.captured_queries if 'FROM "mapping_productstanding"' in q["sql"]]
    assert len(standings) == 1 and "UNION" not in standings[0].upper()
    assert f'IN ({world.kecamatan["X"].pk})' in standings[0]  # X's winners only, not the 18 kecamatan's


def test_figures_kept_by_one_release_are_not_read_by_the_next(world, figures, settings):
    """During an upgrade the old and the new workers share one cache: what one version of the
    code computed (pickled in its own shape) is never read by another."""
    from purbalingga_umkm.figures import figures_cached_per_kecamatan

    def parts(ids):
        parts.calls += 1
        return {pk: settings.RELEASE for pk in ids}
    parts.calls = 0
    ids = [world.kecamatan["X"].pk]

    settings.RELEASE = "1111111111111111"
    read_all(world, figures)
    assert figures_cached_per_kecamatan("test-parts", ids, parts) == {ids[0]: "1111111111111111"}
    settings.RELEASE = "2222222222222222"
    read_all(world, figures)
    assert figures_cached_per_kecamatan("test-parts", ids, parts) == {ids[0]: "2222222222222222"}
    read_all(world, figures)
    assert (figures["kabupaten"].calls, figures["X"].calls, figures["Y"].calls, parts.calls) == (2, 2, 2, 2)
