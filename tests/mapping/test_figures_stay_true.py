"""Every write that changes what a leader sees goes through one entry point, facts_changed().

The dashboard counts UMKM per sector from a flag per sector in each UMKM's facts. Staff
tidy the sector list in the admin; the figures must still match the registry counted
row by row, whatever was deleted.
"""

import threading

import pytest
from django.db import connection, connections, transaction
from django.db.models import Count
from django.urls import reverse

from mapping import services
from mapping.models import UMKM, Komoditas, Sector, UMKMFact
from mapping.services.facts import facts_changed
from purbalingga_umkm.figures import figures_stamp
from tests.factories import ProductFactory, UMKMFactory

pytestmark = pytest.mark.django_db


def sector(code):
    return Sector.objects.get(code=code)


@pytest.fixture
def sector_registry(world):
    """Knalpot and ikan in Bojongsari, jasa in Kalimanah, besides the world's food products."""
    knalpot = UMKMFactory(desa=world.desa["X"], name="Knalpot Racing")
    ProductFactory(umkm=knalpot, sector=sector("logam-otomotif"), name="Knalpot")
    ProductFactory(umkm=knalpot, sector=sector("perikanan"), name="Ikan asap")
    ProductFactory(umkm=UMKMFactory(desa=world.desa["X"], name="Gurameh"), sector=sector("perikanan"))
    ProductFactory(umkm=UMKMFactory(desa=world.desa["Y"], name="Servis"), sector=sector("jasa"))
    idle = UMKMFactory(desa=world.desa["Y"], name="Libur", is_active=False)
    ProductFactory(umkm=idle, sector=sector("jasa"))
    facts_changed(everything=True)


def recount_umkm_per_kecamatan(code: str) -> dict[str, int]:
    """Active UMKM with an active product of the sector, per kecamatan code: straight from the registry."""
    return dict(
        UMKM.objects.filter(is_active=True, products__is_active=True, products__sector__code=code)
        .values("desa__kecamatan__code").annotate(n=Count("pk", distinct=True))
        .values_list("desa__kecamatan__code", "n")
    )


def dashboard_figures(client, **params):
    response = client.get(reverse("mentoring:dashboard"), params)
    assert response.status_code == 200
    return {f.code: f for f in response.context["figures"]}


def test_deleting_two_sectors_with_the_admin_bulk_action_keeps_every_dashboard_figure_true(
    client, admin_client, world, sector_registry
):
    doomed = [sector("fesyen-tekstil"), sector("rambut-bulu-mata")]  # listed before the ones in use
    Komoditas.objects.filter(sector__in=doomed).delete()  # reference commodities would protect them
    response = admin_client.post(reverse("admin:mapping_sector_changelist"), {
        "action": "delete_selected", "_selected_action": [s.pk for s in doomed], "post": "yes",
    })
    assert response.status_code == 302
    assert not Sector.objects.filter(pk__in=[s.pk for s in doomed]).exists()

    client.force_login(world.users["pimpinan"])
    for code in Sector.objects.values_list("code", flat=True):
        expected = recount_umkm_per_kecamatan(code)
        figures = dashboard_figures(client, sektor=code)
        shown = {k: f.umkm for k, f in figures.items() if f.umkm}
        assert shown == expected, code
        unfiltered = dashboard_figures(client)
        mix = {k: f.sectors[code][0] for k, f in unfiltered.items() if f.sectors[code][0]}
        assert mix == expected, code
    assert recount_umkm_per_kecamatan("perikanan") == {"33.03.14": 2}  # the case is not empty


def test_a_sector_keeps_its_flag_when_others_are_deleted_and_a_deleted_flag_is_never_given_again(admin_client, wilayah):
    before = dict(Sector.objects.values_list("code", "fact_bit"))
    first_free = max(before.values()) + 1
    Komoditas.objects.filter(sector__code="kerajinan").delete()  # reference commodities would protect it
    deleted = admin_client.post(reverse("admin:mapping_sector_changelist"), {
        "action": "delete_selected", "_selected_action": [sector("kerajinan").pk], "post": "yes",
    })
    assert deleted.status_code == 302
    response = admin_client.post(reverse("admin:mapping_sector_add"), {"code": "batik", "name": "Batik", "order": 12,
                                                                       "eligible_unggulan": "on"})

    assert response.status_code == 302
    after = dict(Sector.objects.values_list("code", "fact_bit"))
    assert {k: v for k, v in after.items() if k != "batik"} == {k: v for k, v in before.items() if k != "kerajinan"}
    assert after["batik"] == first_free != before["kerajinan"]


def test_changing_a_rating_class_threshold_in_the_admin_reclassifies_the_figures(admin_client, world):
    from mapping.models import Assessment, RatingClass

    product = world.product["X"]
    Assessment.objects.filter(pk=world.assessment["X"].pk).update(
        status=Assessment.Status.VERIFIED, is_current=True, weighted_score=65)
    facts_changed(umkm_ids=[product.umkm_id])
    unggulan = RatingClass.objects.get(name="Unggulan")
    assert UMKMFact.objects.get(umkm=product.umkm).flagship_count == 0

    response = admin_client.post(reverse("admin:mapping_ratingclass_change", args=[unggulan.pk]),
                                 {"name": "Unggulan", "min_score": "60", "colour": unggulan.colour})

    assert response.status_code == 302
    assert UMKMFact.objects.get(umkm=product.umkm).flagship_count == 1


def stamp_writes(queries) -> list[str]:
    return [q["sql"] for q in queries if "dashboardstamp" in q["sql"].lower() and not q["sql"].lstrip().upper().startswith("SELECT")]


@pytest.mark.real_commits
@pytest.mark.django_db(transaction=True)
def test_a_survey_save_is_not_blocked_while_a_long_import_transaction_is_open(world):
    """The figures stamp is bumped after commit: a transaction that changes figures holds
    no lock that other writers wait for. On PostgreSQL a survey save runs while an import's
    transaction stays open; SQLite allows one writer at a time whatever we do, so there the
    test checks that the open transaction has not touched the stamp."""
    from django.test.utils import CaptureQueriesContext

    umkm_x, umkm_y = world.umkm["X"], world.umkm["Y"]
    stamp_before = figures_stamp()
    inside, release, failures = threading.Event(), threading.Event(), []

    def long_import():
        try:
            with CaptureQueriesContext(connections["default"]) as queries:
                with transaction.atomic():
                    UMKM.objects.filter(pk=umkm_x.pk).update(workers=42)
                    facts_changed(umkm_ids=[umkm_x.pk])  # what an import's after_write does
                    failures.extend(stamp_writes(queries.captured_queries))
                    inside.set()
                    release.wait(timeout=20)
        except Exception as error:  # reported by the main thread
            failures.append(repr(error))
        finally:
            inside.set()
            connections["default"].close()

    worker = threading.Thread(target=long_import)
    worker.start()
    try:
        assert inside.wait(timeout=20)
        assert failures == []  # nothing written to the stamp inside the open transaction
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET lock_timeout = '3s'")
            umkm_y.name = "Disimpan saat impor berjalan"
            saved = services.survey_save(umkm_y, fields=["name"], expected_version=umkm_y.version, token=None,
                                         by=world.users["pendamping_b"])
            assert saved.name == "Disimpan saat impor berjalan"
            assert UMKMFact.objects.filter(umkm=umkm_y).exists()
        assert figures_stamp() == stamp_before + (1 if connection.vendor == "postgresql" else 0)
    finally:
        release.set()
        worker.join(timeout=30)
    assert failures == []
    assert UMKM.objects.get(pk=umkm_x.pk).workers == 42
    assert figures_stamp() > stamp_before + (1 if connection.vendor == "postgresql" else 0)  # bumped on commit
