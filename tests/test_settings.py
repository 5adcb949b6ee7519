"""Production configuration: secrets are required and the deploy checklist is clean."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings

from purbalingga_umkm import geolibs

BASE_DIR = Path(__file__).resolve().parent.parent


def manage(*args, **env):
    # A production process sees none of the test-only variables.
    test_only = {"DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE", "SECURE_SSL_REDIRECT"}
    full_env = {k: v for k, v in os.environ.items() if k not in test_only}
    full_env.update(env)
    full_env = {k: v for k, v in full_env.items() if v is not None}  # None: unset
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=full_env,
        capture_output=True, text=True, timeout=120,
    )


def test_deploy_checklist_reports_no_warnings_with_production_values():
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING",
        DEBUG="false", SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="umkm.purbalinggakab.go.id",
        CSRF_TRUSTED_ORIGINS="https://umkm.purbalinggakab.go.id",
        SECURE_SSL_REDIRECT="true",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = manage("check", DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_gis_libraries_load_without_system_packages():
    from django.contrib.gis.gdal import gdal_version
    from django.contrib.gis.geos import GEOSGeometry

    assert GEOSGeometry("POINT (109.36 -7.39)").x == 109.36
    assert gdal_version()
    # Either the system has the library, or the settings point at the wheel's copy.
    for configured, finder in [
        (settings.GDAL_LIBRARY_PATH, geolibs.gdal_library_path),
        (settings.GEOS_LIBRARY_PATH, geolibs.geos_library_path),
    ]:
        if finder() is not None:
            assert Path(configured).is_file()


def test_ui_language_and_time_zone_are_indonesian():
    assert settings.LANGUAGE_CODE == "id"
    assert settings.TIME_ZONE == "Asia/Jakarta"


def test_the_release_is_the_checkout_s_git_commit_unless_set(tmp_path):
    """RELEASE (the version in the keys of kept figures) is read from .git without running
    git: a branch's loose ref, a packed ref, a detached HEAD; nothing outside a checkout."""
    from purbalingga_umkm.release import git_commit

    git = tmp_path / ".git"
    (git / "refs" / "heads").mkdir(parents=True)
    (git / "HEAD").write_text("ref: refs/heads/main\n")
    (git / "refs" / "heads" / "main").write_text("a" * 40 + "\n")
    assert git_commit(tmp_path) == "a" * 40
    (git / "refs" / "heads" / "main").unlink()
    (git / "packed-refs").write_text(f"# pack-refs with: peeled\n{'b' * 40} refs/heads/main\n")
    assert git_commit(tmp_path) == "b" * 40
    (git / "HEAD").write_text("c" * 40 + "\n")
    assert git_commit(tmp_path) == "c" * 40
    assert git_commit(tmp_path / "elsewhere") == ""


def test_production_s_database_cache_keeps_enough_entries_for_the_catalogue_s_filters():
    """With the database cache (production's default) a crawler walking the catalogue's
    filter links must not cull the dashboards' figures: 10,000 entries, not Django's 300."""
    result = manage("shell", "-c", "from django.conf import settings; c = settings.CACHES['default']; "
                    "print(c['BACKEND'].rsplit('.', 1)[1], c['OPTIONS']['MAX_ENTRIES'])",
                    DEBUG="false", SECRET_KEY=secrets.token_urlsafe(64), ALLOWED_HOSTS="localhost",
                    CACHE_URL=None)  # production's default, not the tests' per-process cache
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-2:] == ["DatabaseCache", "10000"]
