import pytest
from django.contrib.auth import get_user_model

from mapping import services
from mapping.models import Desa, Kecamatan


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The real geography (18 kecamatan, 239 desa, sektor) is loaded once per test run."""
    with django_db_blocker.unblock():
        services.wilayah_load()


@pytest.fixture
def wilayah(db):
    """Reference data, reloaded when a transactional test flushed it."""
    if not Kecamatan.objects.exists():
        services.wilayah_load()


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser(
        "staf.dinas", "staf@example.invalid", "kata-sandi-uji-123"
    )


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def desa_bojongsari(wilayah):
    """Karangbanjar, Kecamatan Bojongsari: a real desa used across tests."""
    return Desa.objects.select_related("kecamatan").get(kode="33.03.14.2008")
