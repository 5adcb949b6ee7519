"""Roles as groups, each role's landing page, throttled logins, the demo mentors."""

from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse

from mapping.models import Kecamatan
from mentoring.models import Assignment, Pendamping

pytestmark = pytest.mark.django_db


def test_role_groups_exist_with_their_permissions(db):
    perms = {g.name: set(g.permissions.values_list("codename", flat=True)) for g in Group.objects.all()}
    assert {"Admin Dinas", "Pimpinan", "Pendamping"} <= set(perms)
    assert {"change_umkm", "delete_umkm", "view_coverage_report"} <= perms["Admin Dinas"]
    # Pimpinan reads and exports for meetings, nothing else.
    assert {p for p in perms["Pimpinan"] if not p.startswith(("view_", "export_"))} == set()
    assert {"export_umkm", "export_assessment"} <= perms["Pimpinan"]
    assert {"add_umkm", "change_umkm", "add_visit", "import_umkm", "export_product"} <= perms["Pendamping"]
    assert "import_sector" not in perms["Pendamping"] and "import_assignment" not in perms["Pendamping"]
    assert {"import_desa", "import_assignment", "export_assessment"} <= perms["Admin Dinas"]
    assert "delete_umkm" not in perms["Pendamping"] and "view_coverage_report" not in perms["Pendamping"]


@pytest.mark.parametrize(
    "role, landing",
    [("pendamping_a", "mentoring:my-tasks"), ("pimpinan", "mentoring:dashboard"), ("admin", "admin:index")],
)
def test_each_role_lands_on_its_own_home_after_login(client, world, role, landing):
    response = client.post(reverse("login"), {"username": world.users[role].username, "password": "kata-sandi-uji-123"})
    assert response.status_code == 302
    home = client.get(response.url)
    assert home.status_code == 302 and home.url == reverse(landing)


def test_repeated_failures_lock_the_username_from_that_address_only(client, world):
    url = reverse("login")
    for attempt in range(1, 6):
        failed = client.post(url, {"username": "pendamping.a", "password": "salah"}, REMOTE_ADDR="10.0.0.1")
        # The form again with its error; the fifth failure already locks.
        assert failed.status_code == (429 if attempt == 5 else 200)
    locked = client.post(url, {"username": "pendamping.a", "password": "kata-sandi-uji-123"}, REMOTE_ADDR="10.0.0.1")
    assert locked.status_code == 429
    assert "Terlalu banyak percobaan masuk" in locked.content.decode()
    # A colleague behind the same office NAT address still logs in.
    colleague = client.post(url, {"username": "pimpinan", "password": "kata-sandi-uji-123"}, REMOTE_ADDR="10.0.0.1")
    assert colleague.status_code == 302
    client.logout()
    # The mentor from another address is not locked either.
    elsewhere = client.post(url, {"username": "pendamping.a", "password": "kata-sandi-uji-123"}, REMOTE_ADDR="10.0.0.2")
    assert elsewhere.status_code == 302


def test_seed_demo_creates_one_pendamping_per_kecamatan(wilayah):
    out = StringIO()
    call_command("seed_demo", "--umkm", "60", stdout=out)
    assert Pendamping.objects.filter(is_demo=True).count() == 18
    assert set(Assignment.objects.in_force().values_list("kecamatan_id", flat=True)) == set(
        Kecamatan.objects.values_list("pk", flat=True)
    )
    assert "demo.pimpinan / demo-Purbalingga-2026" in out.getvalue()
    call_command("clear_demo", stdout=StringIO())
    assert not Pendamping.objects.exists()
