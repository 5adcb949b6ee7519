"""Production shares cached figures between gunicorn workers without a Redis server: the
database cache by default, its table made by a migration; Redis when CACHE_URL names it;
a developer's `make run` (DEBUG) keeps the per-process cache."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.test import override_settings

from purbalingga_umkm.figures import figures_cached

ROOT = Path(__file__).resolve().parent.parent


def caches_under(**environment) -> dict:
    """settings.CACHES["default"] as production's settings module reads `environment`."""
    env = {k: v for k, v in os.environ.items() if k not in ("CACHE_URL", "DEBUG", "DJANGO_SETTINGS_MODULE")}
    env.update({"SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "localhost", **environment})
    code = ("import json, purbalingga_umkm.settings as s; "
            "print(json.dumps({k: s.CACHES['default'].get(k) for k in ('BACKEND', 'LOCATION')}))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_production_shares_the_cache_in_the_database_unless_redis_is_named():
    assert caches_under(DEBUG="false") == {"BACKEND": "django.core.cache.backends.db.DatabaseCache",
                                           "LOCATION": "purbalingga_cache"}
    assert caches_under(DEBUG="false", CACHE_URL="rediscache://127.0.0.1:6379/1")["BACKEND"] == (
        "django.core.cache.backends.redis.RedisCache")
    assert caches_under(DEBUG="true")["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"


@pytest.mark.django_db
def test_the_cache_table_is_made_by_the_migrations_and_figures_are_shared_through_it():
    assert "purbalingga_cache" in connection.introspection.table_names()
    database_cache = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache",
                                  "LOCATION": "purbalingga_cache"}}
    with override_settings(CACHES=database_cache):
        calls = []
        assert figures_cached("test-figure", lambda: calls.append(1) or {"umkm": 7}) == {"umkm": 7}
        with connection.cursor() as cursor:  # kept in the table every worker reads
            cursor.execute("SELECT COUNT(*) FROM purbalingga_cache")
            assert cursor.fetchone()[0] >= 1
        assert figures_cached("test-figure", lambda: calls.append(1) or {"umkm": 8}) == {"umkm": 7}
        assert calls == [1]
