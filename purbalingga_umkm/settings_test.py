"""Settings for the test suite (pytest.ini): production settings with test defaults.

Tests run as production does (DEBUG off, hashed static files from the manifest, served by
WhiteNoise) except HTTPS redirects, and without a tile server: the tests never use the
network. Each value is only a default: a variable already set in the environment wins
(DATABASE_URL=postgres://… runs the suite on PostgreSQL). tests/conftest.py collects the
static files into STATIC_ROOT when the manifest is missing or out of date.
"""

import os
from pathlib import Path

_BASE_DIR = Path(__file__).resolve().parent.parent

for _name, _value in {
    "SECRET_KEY": "test-only-secret-key",
    "DEBUG": "false",
    "SECURE_SSL_REDIRECT": "false",
    "MAP_TILES_URL": "",
    "STATIC_ROOT": str(_BASE_DIR / "var" / "test-static"),
    # Queued jobs run at once in the caller; tests of the worker use the database queue.
    "TASKS_BACKEND": "immediate",
    # Per process, as on a developer's machine: query counts stay those of the pages
    # (the production default, the database cache, is tested on its own).
    "CACHE_URL": "locmemcache://",
}.items():
    os.environ.setdefault(_name, _value)

from purbalingga_umkm.settings import *  # noqa: E402,F403

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not SQLite's shared in-memory database: the browser tests' server threads and
    # job worker then lock it as production's processes do (WAL, waiting for each other)
    # rather than failing at once on a table another connection holds.
    (_BASE_DIR / "var").mkdir(exist_ok=True)
    DATABASES["default"]["TEST"] = {"NAME": str(_BASE_DIR / "var" / "test-db.sqlite3")}  # noqa: F405

if "replica" not in DATABASES:  # noqa: F405
    # The second alias the replica router is tested with (tests/test_replica.py): the same
    # test database, routed to only where a test sets DATABASE_REPLICA_ALIAS.
    DATABASES["replica"] = {**DATABASES["default"], "TEST": {**DATABASES["default"].get("TEST", {}),  # noqa: F405
                                                             "MIRROR": "default"}}
