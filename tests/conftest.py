import fcntl
import os
import threading
import zlib
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.contrib.auth import get_user_model
from django.core import serializers
from django_tasks_db.management.commands.db_worker import Worker

from mapping import services
from mapping.models import Assessment, Desa, Kecamatan, Rubric
from mentoring.roles import roles_sync


TEST_SETTINGS_MODULE = "purbalingga_umkm.settings_test"


def pytest_configure(config):
    """Processes the tests start (manage.py, `make setup`) are not the test run: they load
    manage.py's own settings module, as in production, not pytest.ini's test settings."""
    if os.environ.get("DJANGO_SETTINGS_MODULE") == TEST_SETTINGS_MODULE:
        del os.environ["DJANGO_SETTINGS_MODULE"]


def _newest_mtime(directories) -> float:
    newest = 0.0
    for directory in directories:
        for root, _dirs, files in os.walk(directory):
            newest = max([newest, os.stat(root).st_mtime, *(os.stat(os.path.join(root, f)).st_mtime for f in files)])
    return newest


@pytest.fixture(scope="session", autouse=True)
def static_files_collected():
    """The hashed static files and their manifest, collected into STATIC_ROOT (as `make test`
    did with collectstatic) when the manifest is missing or older than a static source file.

    A lock keeps two test runs sharing the checkout from collecting at the same time.
    """
    from django.apps import apps
    from django.conf import settings
    from django.contrib.staticfiles.storage import ManifestFilesMixin
    from django.core.management import call_command
    from django.utils.module_loading import import_string

    storage_class = import_string(settings.STORAGES["staticfiles"]["BACKEND"])
    if not issubclass(storage_class, ManifestFilesMixin):
        return  # DEBUG=true: files are served from their sources, nothing to collect
    static_root = Path(settings.STATIC_ROOT)
    manifest = static_root / storage_class.manifest_name
    sources = [Path(d[1] if isinstance(d, (list, tuple)) else d) for d in settings.STATICFILES_DIRS]
    sources += [Path(app.path) / "static" for app in apps.get_app_configs()]
    sources = [d for d in sources if d.is_dir()]

    def up_to_date() -> bool:
        return manifest.is_file() and manifest.stat().st_mtime >= _newest_mtime(sources)

    if up_to_date():
        return
    static_root.parent.mkdir(parents=True, exist_ok=True)
    with open(static_root.parent / f".{static_root.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not up_to_date():
            call_command("collectstatic", interactive=False, verbosity=0)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Tests create many accounts; production's deliberately slow hasher is not under test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def job_worker(settings):
    """Jobs go on the database queue, as in production, and a worker (the one `manage.py
    db_worker` runs) takes them in a thread for the test's length."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    worker = Worker(queue_names=["default"], interval=0.1, batch=False, backend_name="default",
                    startup_delay=False, max_tasks=None, worker_id="test-worker", excluded_queue_names=[])
    thread = threading.Thread(target=worker.run, name="test-worker", daemon=True)
    thread.start()
    yield worker
    worker.running = False
    thread.join(timeout=30)
    assert not thread.is_alive(), "the worker did not stop"


@pytest.fixture(autouse=True)
def commits_at_once(request, monkeypatch):
    """Figures are outdated after a write's transaction commits. A test's writes run in
    a transaction that never commits, so here they count as committed at once; tests
    marked `real_commits` (transactional databases) keep the real behaviour."""
    if request.node.get_closest_marker("real_commits") is None:
        from purbalingga_umkm import figures

        monkeypatch.setattr(figures, "after_commit", lambda function: function())


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test's database starts over, and so must anything cached from it."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The real geography (18 kecamatan, 239 desa, sektor) is loaded once per test run."""
    with django_db_blocker.unblock():
        services.wilayah_load()


# Rows that data migrations create; a flush after a transactional test removes them.
MIGRATION_DATA = ["mentoring.topic", "mapping.rubric", "mapping.criterion", "mapping.criterionlevel",
                  "mapping.ratingclass", "mapping.factbitcounter"]


@pytest.fixture(scope="session")
def migration_data(django_db_setup, django_db_blocker):
    """The rows the migrations made, as they are in the fresh test database."""
    with django_db_blocker.unblock():
        return serializers.serialize("json", [
            row for label in MIGRATION_DATA for row in django_apps.get_model(label)._default_manager.order_by("pk")
        ])


@pytest.fixture
def wilayah(db, migration_data):
    """Reference data, role groups and the migrations' rows (visit topics, rubric v1,
    rating classes), put back when a transactional test flushed them."""
    if not django_apps.get_model("mentoring.topic").objects.exists():
        for row in serializers.deserialize("json", migration_data):
            row.save()
        roles_sync(django_apps)
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
    return Desa.objects.select_related("kecamatan").get(code="33.03.14.2008")


def user_with_role(username: str, role, *, staff: bool = False):
    from django.contrib.auth.models import Group

    user = get_user_model().objects.create_user(username, password="kata-sandi-uji-123", is_staff=staff)
    if role is not None:
        user.groups.add(Group.objects.get(name=role.value))
    return user


class World:
    """Two kecamatan with one pendamping each, plus a Pimpinan and an Admin Dinas.

    X is Bojongsari (pendamping A), Y is Kalimanah (pendamping B). Each kecamatan has
    a UMKM with a product and a visit with an open follow-up.
    """

    def __init__(self):
        from purbalingga_umkm.roles import Role
        from tests.factories import (
            AssignmentFactory, FollowUpFactory, PendampingFactory, PermitFactory, ProductFactory,
            UMKMFactory, VisitFactory,
        )

        self.kecamatan = {"X": Kecamatan.objects.get(code="33.03.14"), "Y": Kecamatan.objects.get(code="33.03.06")}
        self.desa = {"X": Desa.objects.get(code="33.03.14.2008"), "Y": Desa.objects.get(code="33.03.06.1011")}
        self.users = {
            "pendamping_a": user_with_role("pendamping.a", Role.PENDAMPING, staff=True),
            "pendamping_b": user_with_role("pendamping.b", Role.PENDAMPING, staff=True),
            "pimpinan": user_with_role("pimpinan", Role.PIMPINAN),
            "admin": user_with_role("admin.dinas", Role.ADMIN_DINAS, staff=True),
        }
        self.pendamping = {
            side: PendampingFactory(user=self.users[name], full_name=f"Pendamping {side}")
            for side, name in (("X", "pendamping_a"), ("Y", "pendamping_b"))
        }
        self.umkm, self.product, self.assessment, self.visit, self.follow_up = {}, {}, {}, {}, {}
        self.permit = {}
        for side in ("X", "Y"):
            AssignmentFactory(pendamping=self.pendamping[side], kecamatan=self.kecamatan[side])
            self.umkm[side] = UMKMFactory(desa=self.desa[side], name=f"UMKM {side}")
            self.product[side] = ProductFactory(umkm=self.umkm[side], name=f"Produk {side}")
            self.permit[side] = PermitFactory(umkm=self.umkm[side])
            self.assessment[side] = Assessment.objects.create(
                product=self.product[side], rubric=Rubric.objects.current(), status=Assessment.Status.SUBMITTED,
                assessed_by=self.pendamping[side].user,
            )
            self.visit[side] = VisitFactory(umkm=self.umkm[side], pendamping=self.pendamping[side])
            self.follow_up[side] = FollowUpFactory(visit=self.visit[side])
        services.facts_changed(umkm_ids=[u.pk for u in self.umkm.values()])  # the assessments written above


    def penetapan(self):
        """A draft determination round of kecamatan X (its candidates from its sentra)."""
        from mapping import services

        if not hasattr(self, "_penetapan"):
            self._penetapan = services.penetapan_create(
                kecamatan=self.kecamatan["X"], desa=None, year=2027, top_n=3, by=self.users["admin"])
        return self._penetapan

    def import_batch(self):
        """A checked UMKM file pendamping A uploaded, ready to import."""
        from spreadsheets.models import ImportBatch

        if not hasattr(self, "_import_batch"):
            self._import_batch = ImportBatch.objects.create(
                kind="umkm", status=ImportBatch.Status.READY, file_name="umkm.csv", file_size=3, checksum="-",
                content=zlib.compress(b"x"), created_by=self.users["pendamping_a"],
            )
        return self._import_batch


@pytest.fixture
def world(wilayah):
    return World()
