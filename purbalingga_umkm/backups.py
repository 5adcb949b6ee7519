"""Backups: the database and the uploaded media in one archive, with a manifest to check it.

An archive (`purbalingga-umkm-YYYYMMDD-HHMMSS.tar`) holds
- `database.dump`: `pg_dump --format=custom` on PostgreSQL, or a copy made with SQLite's
  online backup API (consistent while the portal runs, on both);
- `media/…`: every uploaded file (product and visit photos);
- `manifest.json`: when, which database, the migrations applied, the row count of every
  table and the SHA-256 of the dump and of every media file.

A restore first checks every checksum (a damaged archive changes nothing), then replaces
the database and the media, then counts the rows again and compares them with the
manifest. `manage.py backup_create` and `manage.py backup_restore` call these.
"""

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection, connections
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

DUMP = "database.dump"
MANIFEST = "manifest.json"


class BackupError(Exception):
    """The backup or restore cannot go on; the message says why (nothing was changed)."""


@dataclass
class RestoreReport:
    tables: int
    rows: int
    media_files: int
    mismatches: dict  # table: (in the manifest, after the restore)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def row_counts() -> dict[str, int]:
    """The number of rows of every table the portal's models (and Django's) use."""
    counts = {}
    tables = set(connection.introspection.table_names())
    for model in apps.get_models(include_auto_created=True):
        table = model._meta.db_table
        if table in tables and table not in counts and not model._meta.proxy:
            counts[table] = model._base_manager.using(connection.alias).count()
    return dict(sorted(counts.items()))


def _pg_env() -> dict:
    db = settings.DATABASES["default"]
    env = {**os.environ, "PGDATABASE": db["NAME"], "PGUSER": db.get("USER") or "",
           "PGHOST": db.get("HOST") or "", "PGPORT": str(db.get("PORT") or "")}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return env


def _dump_database(target: Path) -> None:
    if connection.vendor == "postgresql":
        result = subprocess.run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", str(target)],
                                env=_pg_env(), capture_output=True, text=True)
        if result.returncode:
            raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
    elif connection.vendor == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(target) as copy:
            connection.connection.backup(copy)
        copy.close()
    else:
        raise BackupError(f"Backups of {connection.vendor} databases are not supported.")


def _restore_database(dump: Path) -> None:
    if connection.vendor == "postgresql":
        connections.close_all()
        result = subprocess.run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges",
                                 "--single-transaction", "--dbname", settings.DATABASES["default"]["NAME"], str(dump)],
                                env=_pg_env(), capture_output=True, text=True)
        if result.returncode:
            raise BackupError(f"pg_restore failed: {result.stderr.strip()}")
    else:
        connection.ensure_connection()
        with sqlite3.connect(dump) as source:
            source.backup(connection.connection)
        source.close()


def backup_create(*, output: Path) -> Path:
    """Write a backup archive into the folder `output`; returns its path."""
    output.mkdir(parents=True, exist_ok=True)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    archive = output / f"purbalingga-umkm-{stamp}.tar"
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory() as folder:
        dump = Path(folder) / DUMP
        counts = row_counts()  # counted first: a write during the dump shows as a difference on restore
        _dump_database(dump)
        media = {}
        if media_root.is_dir():
            for path in sorted(p for p in media_root.rglob("*") if p.is_file()):
                media[path.relative_to(media_root).as_posix()] = _sha256(path)
        manifest = {
            "created_at": timezone.now().isoformat(), "database": connection.vendor,
            "migrations": sorted(MigrationRecorder(connection).applied_migrations()),
            "rows": counts, "dump_sha256": _sha256(dump), "media": media,
        }
        with tarfile.open(archive, "w") as tar:
            data = json.dumps(manifest, indent=1, default=list).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
            tar.add(dump, arcname=DUMP)
            for name in media:
                tar.add(media_root / name, arcname=f"media/{name}")
    return archive


def backup_read_manifest(archive: Path) -> dict:
    with tarfile.open(archive) as tar:
        return json.load(tar.extractfile(MANIFEST))


def backup_restore(*, archive: Path) -> RestoreReport:
    """Replace the database and media with the archive's, after checking every checksum."""
    with tempfile.TemporaryDirectory() as folder, tarfile.open(archive) as tar:
        folder = Path(folder)
        manifest = json.load(tar.extractfile(MANIFEST))
        if manifest["database"] != connection.vendor:
            raise BackupError(f"The archive holds a {manifest['database']} database; this portal uses {connection.vendor}.")
        tar.extractall(folder, filter="data")
        if _sha256(folder / DUMP) != manifest["dump_sha256"]:
            raise BackupError("The database dump does not match its checksum: the archive is damaged.")
        for name, checksum in manifest["media"].items():
            if _sha256(folder / "media" / name) != checksum:
                raise BackupError(f"Media file {name} does not match its checksum: the archive is damaged.")
        _restore_database(folder / DUMP)
        media_root = Path(settings.MEDIA_ROOT)
        if media_root.is_dir():
            shutil.rmtree(media_root)
        if (folder / "media").is_dir():
            shutil.copytree(folder / "media", media_root)
        else:
            media_root.mkdir(parents=True, exist_ok=True)
    counts = row_counts()
    mismatches = {table: (expected, counts.get(table)) for table, expected in manifest["rows"].items()
                  if counts.get(table) != expected}
    return RestoreReport(tables=len(counts), rows=sum(counts.values()), media_files=len(manifest["media"]),
                         mismatches=mismatches)
