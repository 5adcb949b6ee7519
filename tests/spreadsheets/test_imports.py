"""Spreadsheet import as staff and pendamping use it: upload, dry run, import, undo."""

from contextlib import contextmanager

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_tasks.signals import task_finished

from mapping.models import UMKM, Product, UMKMFact
from spreadsheets.models import ImportBatch, ImportChange
from tests.sheets import UMKM_HEADERS, csv_bytes, umkm_row

pytestmark = pytest.mark.django_db


def upload(client, content: bytes, name="umkm.csv", kind="umkm") -> ImportBatch:
    response = client.post(reverse("spreadsheets:import-upload", args=[kind]),
                           {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 302, response
    return ImportBatch.objects.latest("pk")


def confirm(client, batch) -> ImportBatch:
    response = client.post(reverse("spreadsheets:import-confirm", args=[batch.pk]))
    assert response.status_code == 302
    batch.refresh_from_db()
    return batch


@contextmanager
def jobs_finished():
    """The queued jobs that finished meanwhile, with their errors."""
    jobs = []

    def finished(sender, task_result, **kwargs):
        jobs.append(task_result)

    task_finished.connect(finished)
    try:
        yield jobs
    finally:
        task_finished.disconnect(finished)


@pytest.fixture
def staff(client, world):
    client.force_login(world.users["admin"])
    return client


# --- the dry run and the import --------------------------------------------------------------


def test_dry_run_reports_counts_and_saves_nothing_until_confirmed(staff):
    batch = upload(staff, csv_bytes([umkm_row(1), umkm_row(2)]))

    assert batch.status == ImportBatch.Status.READY
    assert batch.counts == {"new": 2, "updated": 0, "unchanged": 0, "error": 0, "total": 2, "near": 0}
    assert not UMKM.objects.filter(code__startswith="BJS-").exists()
    page = staff.get(reverse("spreadsheets:import-detail", args=[batch.pk]))
    assert page.status_code == 200
    assert "Keripik Uji 1 — Karangbanjar" in page.content.decode()

    batch = confirm(staff, batch)

    assert batch.status == ImportBatch.Status.DONE
    report = staff.get(reverse("spreadsheets:import-row-report", args=[batch.pk]))
    assert report.status_code == 200
    assert b"".join(report.streaming_content).decode("utf-8-sig").splitlines()[1:] == [
        f"2,Baru,{UMKM.objects.get(code='BJS-0001').pk}", f"3,Baru,{UMKM.objects.get(code='BJS-0002').pk}"]
    saved = UMKM.objects.get(code="BJS-0001")
    assert (saved.desa.code, saved.capital, saved.workers, saved.created_by.username) == (
        "33.03.14.2008", 25_000_000, 3, "admin.dinas")
    # Dashboard figures include the new UMKM at once.
    assert UMKMFact.objects.filter(umkm=saved, kecamatan__code="33.03.14").exists()


def test_reimporting_the_same_file_changes_nothing(staff):
    content = csv_bytes([umkm_row(1), umkm_row(2, NIB="9120001234567")])
    confirm(staff, upload(staff, content))
    before = list(UMKM.objects.filter(code__startswith="BJS-").values_list("pk", "version", "updated_at"))

    again = upload(staff, content)

    assert again.counts == {"new": 0, "updated": 0, "unchanged": 2, "error": 0, "total": 2, "near": 0}
    confirm(staff, again)
    assert list(UMKM.objects.filter(code__startswith="BJS-").values_list("pk", "version", "updated_at")) == before
    assert not again.changes.exists()


def test_changed_rows_are_reported_with_their_changes_and_updated(staff):
    confirm(staff, upload(staff, csv_bytes([umkm_row(1), umkm_row(2)])))

    batch = upload(staff, csv_bytes([umkm_row(1, **{"Nama Usaha": "Keripik Baru"}), umkm_row(2)]))

    assert batch.counts["updated"] == 1 and batch.counts["unchanged"] == 1
    updated = next(s for s in batch.sample if s["action"] == "updated")
    assert updated["row"] == 2 and "Nama usaha: Keripik Uji 1 → Keripik Baru" in updated["changes"]
    confirm(staff, batch)
    umkm = UMKM.objects.get(code="BJS-0001")
    assert (umkm.name, umkm.version) == ("Keripik Baru", 2)
    change = ImportChange.objects.get(batch=batch)
    assert change.before["name"] == "Keripik Uji 1" and change.after == {"version": 2}


def test_umkm_is_matched_by_nib_before_its_code(staff, world):
    world.umkm["X"].nib = "9120001234567"
    world.umkm["X"].save()

    batch = upload(staff, csv_bytes([umkm_row(1, NIB="9120001234567", **{"Kode UMKM": ""})]))

    assert batch.counts["updated"] == 1
    confirm(staff, batch)
    world.umkm["X"].refresh_from_db()
    assert world.umkm["X"].name == "Keripik Uji 1" and world.umkm["X"].code != ""


def test_a_column_missing_from_the_file_keeps_the_stored_values(staff, world):
    world.umkm["X"].nik = "3303014101800001"
    world.umkm["X"].save()
    headers = [h for h in UMKM_HEADERS if h not in ("NIK Pemilik", "Telepon")]
    row = umkm_row(1, **{"Kode UMKM": world.umkm["X"].code, "Nama Usaha": "Nama baru"})

    confirm(staff, upload(staff, csv_bytes([row], headers=headers)))

    world.umkm["X"].refresh_from_db()
    assert (world.umkm["X"].name, world.umkm["X"].nik) == ("Nama baru", "3303014101800001")


def test_an_error_on_the_last_row_leaves_nothing(staff):
    rows = [umkm_row(n) for n in range(1, 30)] + [umkm_row(30, **{"Modal Usaha (Rp)": "banyak"})]

    batch = upload(staff, csv_bytes(rows))

    assert batch.status == ImportBatch.Status.INVALID
    assert batch.errors == [{"row": 31, "column": "Modal Usaha (Rp)", "value": "banyak",
                             "message": "Bukan jumlah rupiah: banyak (contoh: 25.000.000, Rp 25 juta, 1,5 M)."}]
    # Confirming a file with errors is refused: back to the batch page.
    response = staff.post(reverse("spreadsheets:import-confirm", args=[batch.pk]))
    assert response.status_code == 302 and response.url == reverse("spreadsheets:import-detail", args=[batch.pk])
    assert not UMKM.objects.filter(code__startswith="BJS-").exists()


def test_a_crash_in_the_middle_of_writing_rolls_everything_back(staff, monkeypatch):
    from mapping.services import facts

    batch = upload(staff, csv_bytes([umkm_row(1), umkm_row(2)]))

    def power_cut(*args, **kwargs):
        raise RuntimeError("server mati")

    monkeypatch.setattr(facts, "_add_new", power_cut)  # after UMKM and history rows are written
    with jobs_finished() as jobs:
        response = staff.post(reverse("spreadsheets:import-confirm", args=[batch.pk]))

    assert response.status_code == 302  # the page does not fail: the queued job does
    assert [error.exception_class_path for job in jobs for error in job.errors] == ["builtins.RuntimeError"]

    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.FAILED
    assert not UMKM.objects.filter(code__startswith="BJS-").exists()
    assert not ImportChange.objects.exists()


# The worker commits as in production: these tests run outside the test's transaction.
@pytest.mark.django_db(transaction=True)
def test_an_upload_is_a_queued_job_the_worker_checks(staff, settings):
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    batch = upload(staff, csv_bytes([umkm_row(1)]))

    assert batch.status == ImportBatch.Status.CHECKING  # the request did not wait for the check
    assert list(DBTaskResult.objects.values_list("task_path", "args_kwargs", "status")) == [
        ("spreadsheets.imports.import_check_job", {"args": [batch.pk], "kwargs": {}}, "READY")]

    call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=0)

    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.READY and batch.total_rows == 1
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


@pytest.mark.django_db(transaction=True)
def test_a_job_no_worker_took_in_time_is_shown_as_stopped_and_not_run_later(staff, settings):
    from django.core.management import call_command
    from django.utils import timezone

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    batch = upload(staff, csv_bytes([umkm_row(1)]))
    ImportBatch.objects.filter(pk=batch.pk).update(heartbeat_at=timezone.now() - timezone.timedelta(minutes=10))

    page = staff.get(reverse("spreadsheets:import-detail", args=[batch.pk]))
    assert "pekerja latar" in page.content.decode()
    call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=0)  # the worker is back

    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.FAILED and batch.total_rows == 0  # as the page said


def test_a_worker_that_died_is_shown_as_stopped_and_can_be_checked_again(staff, settings):
    from django.utils import timezone

    batch = upload(staff, csv_bytes([umkm_row(1)]))
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportBatch.Status.IMPORTING, heartbeat_at=timezone.now() - timezone.timedelta(minutes=10))

    page = staff.get(reverse("spreadsheets:import-detail", args=[batch.pk]))

    assert page.status_code == 200
    assert "Proses terhenti" in page.content.decode()
    response = staff.post(reverse("spreadsheets:import-recheck", args=[batch.pk]))
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.READY


def test_import_history_keeps_file_name_size_checksum_counts_and_errors(staff):
    import hashlib

    content = csv_bytes([umkm_row(1), umkm_row(2, Aktif="mungkin")])
    batch = upload(staff, content, name="data-kecamatan.csv")

    assert (batch.file_name, batch.file_size, batch.checksum) == (
        "data-kecamatan.csv", len(content), hashlib.sha256(content).hexdigest())
    assert batch.counts["error"] == 1 and batch.errors[0]["row"] == 3
    history = staff.get(reverse("spreadsheets:transfers"))
    assert history.status_code == 200
    assert "data-kecamatan.csv" in history.content.decode()
    report = staff.get(reverse("spreadsheets:import-error-report", args=[batch.pk]) + "?format=csv")
    assert report.status_code == 200
    assert "3,Aktif,mungkin" in report.content.decode("utf-8-sig")


def test_preview_shows_a_bounded_sample_not_every_row(staff):
    batch = upload(staff, csv_bytes([umkm_row(n) for n in range(1, 61)]))

    assert batch.counts["new"] == 60
    assert len(batch.sample) == 10
    page = staff.get(reverse("spreadsheets:import-detail", args=[batch.pk]))
    assert page.status_code == 200
    assert page.content.decode().count("<tr><td>") <= 20


def test_a_second_click_on_import_imports_once(staff):
    batch = upload(staff, csv_bytes([umkm_row(1)]))
    confirm(staff, batch)
    confirm(staff, batch)

    assert UMKM.objects.filter(code="BJS-0001").count() == 1
    assert ImportChange.objects.count() == 1


def test_rows_edited_between_check_and_import_are_not_overwritten(staff, world):
    batch = upload(staff, csv_bytes([umkm_row(1, **{"Kode UMKM": world.umkm["X"].code})]))
    from spreadsheets import imports

    plan = imports.plan_build(spec=imports.SPECS["umkm"], content=imports._content(batch.pk),
                              file_name="umkm.csv", user=world.users["admin"])
    UMKM.objects.filter(pk=world.umkm["X"].pk).update(name="Diubah di lapangan", version=5)

    with pytest.raises(imports.EditedMeanwhile):
        imports.plan_write(spec=imports.SPECS["umkm"], plan=plan, batch=batch)
    assert UMKM.objects.get(pk=world.umkm["X"].pk).name == "Diubah di lapangan"


# --- undo ------------------------------------------------------------------------------------


def test_undo_restores_updated_rows_and_removes_created_ones(staff, world):
    original = world.umkm["X"].name
    batch = confirm(staff, upload(staff, csv_bytes([
        umkm_row(1), umkm_row(2, **{"Kode UMKM": world.umkm["X"].code, "Nama Usaha": "Ditimpa impor"}),
    ])))

    response = staff.post(reverse("spreadsheets:import-undo", args=[batch.pk]), {"yakin": "1"}, follow=True)

    assert response.status_code == 200
    assert response.redirect_chain == [(reverse("spreadsheets:import-detail", args=[batch.pk]), 302)]
    assert "Impor dibatalkan" in response.content.decode()
    world.umkm["X"].refresh_from_db()
    assert world.umkm["X"].name == original
    assert world.umkm["X"].version == 3  # the import and its undo are both edits
    assert not UMKM.objects.filter(code="BJS-0001").exists()
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.UNDONE and batch.undone_by == world.users["admin"]


def test_undo_is_refused_naming_the_rows_edited_after_the_import(staff, world):
    from mapping import services

    batch = confirm(staff, upload(staff, csv_bytes([umkm_row(1), umkm_row(2)])))
    edited = UMKM.objects.get(code="BJS-0002")
    edited.name = "Diubah pendamping"
    services.versioned_save(edited, fields=["name"], expected_version=edited.version, by=world.users["admin"])
    Product.objects.create(umkm=UMKM.objects.get(code="BJS-0001"), name="Produk baru", sector_id=1)

    response = staff.post(reverse("spreadsheets:import-undo", args=[batch.pk]), {"yakin": "1"}, follow=True)

    assert response.status_code == 200
    assert response.redirect_chain == [(reverse("spreadsheets:import-detail", args=[batch.pk]), 302)]
    page = response.content.decode()
    assert "Baris 3: data ini diubah setelah impor" in page
    assert "1 produk dibuat kemudian" in page
    assert UMKM.objects.get(code="BJS-0002").name == "Diubah pendamping"
    assert UMKM.objects.filter(code="BJS-0001").exists()
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.DONE


# --- round trip ----------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_exported_umkm_import_back_unchanged(staff, world, fmt):
    world.umkm["X"].name = "=HYPERLINK(\"http://contoh\")"  # exported neutralised, read back as typed
    world.umkm["X"].nik = "3303014101800001"
    world.umkm["X"].location = world.desa["X"].centre
    world.umkm["X"].save()
    exported = staff.get(reverse("spreadsheets:export-rows", args=["umkm"]) + f"?format={fmt}")
    assert exported.status_code == 200
    content = b"".join(exported.streaming_content) if exported.streaming else exported.content

    batch = upload(staff, content, name=f"ekspor.{fmt}")

    assert batch.status == ImportBatch.Status.READY, batch.errors or batch.refusal
    assert batch.counts == {"new": 0, "updated": 0, "unchanged": 2, "error": 0, "total": 2, "near": 0}


def test_exported_products_import_back_unchanged(staff, world):
    exported = staff.get(reverse("spreadsheets:export-rows", args=["produk"]) + "?format=xlsx")
    assert exported.status_code == 200

    content = b"".join(exported.streaming_content)  # an export is streamed as it is written
    batch = upload(staff, content, name="produk.xlsx", kind="produk")

    assert batch.counts == {"new": 0, "updated": 0, "unchanged": 2, "error": 0, "total": 2, "near": 0}, batch.errors


def test_dashboard_figures_of_imported_umkm_equal_a_full_recount(staff, world):
    from mapping.services.facts import facts_changed

    lng, lat = world.desa["X"].centre["coordinates"]
    confirm(staff, upload(staff, csv_bytes([
        umkm_row(1, NIB="9120001234567", Lintang=str(lat), Bujur=str(lng)),
        umkm_row(2, Aktif="tidak", **{"Modal Usaha (Rp)": "2000000000"}),
    ])))
    fields = [field.attname for field in UMKMFact._meta.concrete_fields]  # what each adds to its desa's summaries too
    written_by_import = list(UMKMFact.objects.filter(umkm__code__startswith="BJS-").order_by("umkm_id").values(*fields))

    facts_changed(everything=True)

    assert list(UMKMFact.objects.filter(umkm__code__startswith="BJS-").order_by("umkm_id").values(*fields)) == (
        written_by_import)
    assert [f["size_class"] for f in written_by_import] == ["mikro", "kecil"]
    assert [f["is_ready"] for f in written_by_import] == [True, False]


def test_undoing_a_product_import_puts_the_dashboard_figures_back(staff, world):
    headers = ["Kode UMKM", "Nama Produk", "Sektor"]
    rows = [{"Kode UMKM": world.umkm["X"].code, "Nama Produk": name, "Sektor": "Kerajinan"}
            for name in ("Tas pandan", "Tikar pandan")]
    batch = confirm(staff, upload(staff, csv_bytes(rows, headers=headers), kind="produk"))
    assert UMKMFact.objects.get(umkm=world.umkm["X"]).product_count == 3

    response = staff.post(reverse("spreadsheets:import-undo", args=[batch.pk]), {"yakin": "1"})

    assert response.status_code == 302
    assert not Product.objects.filter(name__in=["Tas pandan", "Tikar pandan"]).exists()
    assert UMKMFact.objects.get(umkm=world.umkm["X"]).product_count == 1
