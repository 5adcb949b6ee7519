"""Indonesian everywhere, the back office included: no 'Back office', 'AXES' or 'Filter'."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_back_office_speaks_indonesian(admin_client):
    index = admin_client.get(reverse("admin:index")).content.decode()
    assert "Pengelolaan data Dinas" in index and "Back office" not in index
    assert "Keamanan masuk" in index and ">Axes<" not in index and "Antrean pekerjaan latar" in index
    changelist = admin_client.get(reverse("admin:mapping_umkm_changelist")).content.decode()
    assert "Saring" in changelist and ">Filter<" not in changelist


def test_the_navigation_names_the_back_office_in_indonesian(admin_client):
    page = admin_client.get(reverse("mentoring:dashboard")).content.decode()
    assert "Pengelolaan data" in page and "Back office" not in page
