"""The server dies (SIGKILL) in the middle of an import: the database is as before it, and
the import page then says the import stopped. Runs real processes against a database of
their own (a SQLite file, or a fresh PostgreSQL database when the suite runs on one)."""

import json
import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.db import connection

CHILD = Path(__file__).with_name("interrupted_import_child.py")


@pytest.fixture
def own_database(tmp_path):
    if connection.vendor != "postgresql":
        yield f"sqlite:///{tmp_path / 'interrupted.sqlite3'}"
        return
    import psycopg2
    from psycopg2 import sql

    settings = connection.settings_dict
    name = f"interrupted_{uuid.uuid4().hex[:8]}"
    server = f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}"
    admin = psycopg2.connect(f"{server}/postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield f"{server}/{name}"
    finally:
        with admin.cursor() as cursor:
            cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        admin.close()


def child(database_url, *args, **popen):
    env = {**os.environ, "DATABASE_URL": database_url, "IMPORT_STALE_SECONDS": "0", "TASKS_BACKEND": "database",
           "DJANGO_SETTINGS_MODULE": "purbalingga_umkm.settings_test"}
    return subprocess.Popen([sys.executable, str(CHILD), *map(str, args)], env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, **popen)


def run(database_url, *args) -> str:
    process = child(database_url, *args)
    out, err = process.communicate(timeout=300)
    assert process.returncode == 0, err
    return out.strip().splitlines()[-1]


def test_a_server_killed_in_the_middle_of_an_import_leaves_the_database_as_before(own_database):
    batch_id = int(run(own_database, "setup", 400))
    before = json.loads(run(own_database, "state", batch_id))

    importer = child(own_database, "import", batch_id)
    line = importer.stdout.readline()  # every row written, the transaction still open
    assert line.strip() == "WRITTEN", importer.stderr.read()
    importer.send_signal(signal.SIGKILL)
    importer.wait(timeout=30)

    after = json.loads(run(own_database, "state", batch_id))
    assert before["status"] == "ready" and after["status"] == "importing"
    assert after["umkm"] == before["umkm"]
    assert after["changes"] == 0
    assert before["jobs"] == [] and after["jobs"] == [["import_commit_job", "RUNNING"]]  # the worker was killed
    shown = json.loads(run(own_database, "stale", batch_id))  # the import page, once the heartbeat is old
    assert shown["status"] == "failed" and "Tidak ada yang disimpan" in shown["refusal"]
