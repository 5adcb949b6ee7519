"""Every write leaves who, when and what before and after: portal edits, admin saves and
bulk deletes, imports and their undo, verifications, role changes."""

import uuid

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from mapping import services
from mapping.models import UMKM
from mentoring.models import Visit
from purbalingga_umkm.models import AuditEntry
from tests.sheets import csv_bytes, umkm_row
from tests.spreadsheets.test_imports import confirm, upload

pytestmark = pytest.mark.django_db


def entries(obj) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(model=obj._meta.label_lower, object_id=str(obj.pk)).order_by("pk"))


def test_a_portal_edit_records_who_changed_which_fields_from_what_to_what(client, world):
    from tests.mapping.test_survey import umkm_data

    umkm = world.umkm["X"]
    client.force_login(world.users["pendamping_a"])

    response = client.post(reverse("mapping:umkm-update", args=[umkm.pk]),
                           umkm_data(world, name="Keripik Sari Rasa", version=umkm.version,
                                     submission_token=str(uuid.uuid4())))

    assert response.status_code == 302
    [entry] = entries(umkm)
    assert (entry.action, entry.source, entry.username) == ("update", "portal", "pendamping.a")
    assert entry.changes["name"] == ["UMKM X", "Keripik Sari Rasa"]
    assert "version" not in entry.changes


def test_a_new_umkm_from_the_portal_is_recorded_with_its_values(client, world):
    from tests.mapping.test_survey import umkm_data

    client.force_login(world.users["pendamping_a"])

    response = client.post(reverse("mapping:umkm-create"), umkm_data(world, name="Gula Semut Tangkisan"))

    assert response.status_code == 302
    [entry] = entries(UMKM.objects.get(name="Gula Semut Tangkisan"))
    assert entry.action == "create" and entry.changes["name"] == [None, "Gula Semut Tangkisan"]


def test_an_admin_bulk_delete_records_every_deleted_row_with_its_values(client, world):
    client.force_login(world.users["admin"])
    visits = list(Visit.objects.order_by("pk"))

    response = client.post(reverse("admin:mentoring_visit_changelist"), {
        "action": "delete_selected", "_selected_action": [v.pk for v in visits], "post": "yes"})

    assert response.status_code == 302
    assert not Visit.objects.exists()
    deleted = AuditEntry.objects.filter(model="mentoring.visit", action="delete").order_by("object_id")
    assert [e.object_id for e in deleted] == [str(v.pk) for v in visits]
    assert all(e.source == "admin" and e.username == "admin.dinas" for e in deleted)
    assert deleted[0].changes["notes"][0] == visits[0].notes


def test_an_admin_save_and_an_inline_product_change_are_recorded(client, world):
    umkm, product = world.umkm["X"], world.product["X"]
    client.force_login(world.users["admin"])
    url = reverse("admin:mapping_umkm_change", args=[umkm.pk])
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update({"name": "UMKM X Baru", "desa": umkm.desa_id, "edit_version": umkm.version, "location": "",
                 "products-TOTAL_FORMS": "1", "products-INITIAL_FORMS": "1", "products-MIN_NUM_FORMS": "0",
                 "products-MAX_NUM_FORMS": "1000", "products-0-id": product.pk, "products-0-umkm": umkm.pk,
                 "products-0-edit_version": product.version, "products-0-name": "Produk X baru",
                 "products-0-sector": product.sector_id, "products-0-capacity_unit": product.capacity_unit,
                 "products-0-market_reach": product.market_reach, "products-0-is_active": "on",
                 "permits-TOTAL_FORMS": "0", "permits-INITIAL_FORMS": "0", "permits-MIN_NUM_FORMS": "0",
                 "permits-MAX_NUM_FORMS": "1000"})

    response = client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    assert entries(umkm)[-1].changes["name"] == ["UMKM X", "UMKM X Baru"]
    assert entries(product)[-1].changes["name"] == ["Produk X", "Produk X baru"]
    history = client.get(reverse("admin:mapping_umkm_history", args=[umkm.pk]))
    assert history.status_code == 200
    assert "UMKM X Baru" in history.content.decode() and "admin.dinas" in history.content.decode()


def test_an_import_and_its_undo_are_recorded_and_show_in_the_objects_history(client, world):
    client.force_login(world.users["admin"])
    batch = confirm(client, upload(client, csv_bytes([umkm_row(1), umkm_row(2)])))
    imported = UMKM.objects.get(code="BJS-0001")

    history = client.get(reverse("admin:mapping_umkm_history", args=[imported.pk]))
    undone = client.post(reverse("spreadsheets:import-undo", args=[batch.pk]), {"yakin": "1"})

    assert history.status_code == 200 and undone.status_code == 302
    assert "umkm.csv" in history.content.decode()  # the import that wrote it, with its row
    events = AuditEntry.objects.filter(model="spreadsheets.importbatch", object_id=str(batch.pk)).order_by("pk")
    assert [(e.action, e.username) for e in events] == [("import", "admin.dinas"), ("undo", "admin.dinas")]
    assert events[0].changes["new"] == [None, 2]


def test_pimpinan_see_who_verified_what(client, world):
    admin = world.users["admin"]
    services.assessment_verify(assessment=world.assessment["X"], by=admin)
    services.assessment_return(assessment=world.assessment["Y"], by=admin, comment="Skor (c) tanpa alasan.")
    client.force_login(world.users["pimpinan"])

    response = client.get(reverse("mapping:verification-log"))

    assert response.status_code == 200
    rows = [(row.entry.action, row.entry.username, row.assessment.product.name) for row in response.context["rows"]]
    assert rows == [("return", "admin.dinas", "Produk Y"), ("verify", "admin.dinas", "Produk X")]
    assert "pendamping.a" in response.content.decode()  # the assessor beside the verifier


def test_a_pendamping_sees_no_verification_log_and_it_is_scoped_for_staff_alone(client, world):
    client.force_login(world.users["pendamping_a"])

    assert client.get(reverse("mapping:verification-log")).status_code == 403


def test_giving_a_user_a_role_in_the_admin_is_recorded(client, world):
    from django.contrib.auth import get_user_model

    newcomer = get_user_model().objects.create_user("staf.baru", password="kata-sandi-uji-123")
    client.force_login(world.users["admin"])
    url = reverse("admin:auth_user_change", args=[newcomer.pk])
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k not in ("groups", "user_permissions", "password")}
    data.update({"username": "staf.baru", "groups": [Group.objects.get(name="Pimpinan").pk],
                 "date_joined_0": "2026-12-01", "date_joined_1": "08:00:00", "last_login_0": "", "last_login_1": ""})

    response = client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    [event] = AuditEntry.objects.filter(model="auth.user", object_id=str(newcomer.pk), action="roles")
    assert event.changes == {"groups": [[], ["Pimpinan"]]} and event.username == "admin.dinas"
