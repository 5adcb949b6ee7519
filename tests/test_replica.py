"""With a read replica, the dashboards, reports and exports read from it — a streamed
export's rows included — and every write and every other page read from the primary."""

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from purbalingga_umkm.replica import ReplicaRouter, replica_reads

pytestmark = pytest.mark.django_db(databases=["default", "replica"], transaction=True)


@pytest.fixture
def with_replica(settings):
    settings.DATABASE_REPLICA_ALIAS = "replica"


def queries_on_each(client, url):
    with CaptureQueriesContext(connections["default"]) as primary, \
            CaptureQueriesContext(connections["replica"]) as replica:
        response = client.get(url)
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
    assert response.status_code == 200
    return len(primary.captured_queries), len(replica.captured_queries)


def test_dashboards_and_exports_read_from_the_replica_and_other_pages_from_the_primary(client, world, with_replica):
    client.force_login(world.users["admin"])
    for url in (reverse("mentoring:dashboard"), reverse("bantuan:aid-report"),
                reverse("spreadsheets:export-rows", args=["umkm"]) + "?format=xlsx"):
        primary, replica = queries_on_each(client, url)
        assert replica > 0, url
    primary, replica = queries_on_each(client, reverse("mapping:umkm-detail", args=[world.umkm["X"].pk]))
    assert primary > 0 and replica == 0


def test_without_a_replica_everything_reads_from_the_primary(client, world, settings):
    settings.DATABASE_REPLICA_ALIAS = None
    client.force_login(world.users["admin"])
    primary, replica = queries_on_each(client, reverse("mentoring:dashboard"))
    assert primary > 0 and replica == 0


def test_writes_never_go_to_the_replica_and_it_is_never_migrated(with_replica):
    router = ReplicaRouter()
    with replica_reads():
        assert router.db_for_read(None) == "replica" and router.db_for_write(None) == "default"
    assert router.db_for_read(None) is None
    assert router.allow_migrate("replica", "mapping") is False and router.allow_migrate("default", "mapping") is True
