"""A separate process for tests/test_interrupted_import.py (not collected: no test_ prefix).

    python tests/interrupted_import_child.py setup ROWS   → prints the id of a checked, ready import
    python tests/interrupted_import_child.py import ID    → queues its import and runs the worker, which
                                                            says WRITTEN once every row is written,
                                                            then waits inside the transaction
    python tests/interrupted_import_child.py state ID     → prints the UMKM count and the batch's state
    python tests/interrupted_import_child.py stale ID     → marks it stopped, as the import page does
"""

import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "purbalingga_umkm.settings_test")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django_tasks_db.models import DBTaskResult  # noqa: E402

from mapping.models import UMKM  # noqa: E402
from spreadsheets import imports  # noqa: E402
from spreadsheets.models import ImportBatch, ImportChange  # noqa: E402
from spreadsheets.specs import SPECS  # noqa: E402
from tests.sheets import csv_bytes, umkm_row  # noqa: E402


def setup(rows: int) -> None:
    call_command("migrate", verbosity=0)
    call_command("load_wilayah", verbosity=0)
    user = get_user_model().objects.create_superuser("staf.impor", "s@example.invalid", "kata-sandi-uji-123")
    upload = SimpleUploadedFile("besar.csv", csv_bytes([umkm_row(n) for n in range(1, rows + 1)]))
    batch = imports.import_start(spec=SPECS["umkm"], upload=upload, user=user, inline=True)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.READY, (batch.status, batch.refusal, batch.errors[:2])
    print(batch.pk)


def import_and_hang(batch_id: int) -> None:
    spec = SPECS["umkm"]
    written = spec.after_write

    def after_write(**kwargs):
        written(**kwargs)
        print("WRITTEN", flush=True)
        time.sleep(120)  # the parent kills us here, inside the import's transaction

    spec.after_write = after_write
    batch = ImportBatch.objects.get(pk=batch_id)
    imports.import_confirm(batch=batch, user=batch.created_by)  # queued, as the import page does
    call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=0)


def stale(batch_id: int) -> None:
    """What the import page does when it finds a batch without heartbeat."""
    batch = imports.import_mark_stale(ImportBatch.objects.get(pk=batch_id))
    print(json.dumps({"status": batch.status, "refusal": batch.refusal}))


def state(batch_id: int) -> None:
    batch = ImportBatch.objects.get(pk=batch_id)
    print(json.dumps({"umkm": UMKM.objects.count(), "status": batch.status,
                      "changes": ImportChange.objects.filter(batch=batch).count(),
                      "jobs": [[path.rsplit(".", 1)[1], status] for path, status
                               in DBTaskResult.objects.order_by("enqueued_at").values_list("task_path", "status")]}))


if __name__ == "__main__":
    step, argument = sys.argv[1], int(sys.argv[2])
    {"setup": setup, "import": import_and_hang, "state": state, "stale": stale}[step](argument)
