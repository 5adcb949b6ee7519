"""import_file: the import engine from the command line, for big historical files."""

import io

import pytest
from django.core.management import CommandError, call_command

from mapping.models import UMKM
from spreadsheets.models import ImportBatch
from tests.sheets import csv_bytes, recap_xlsx, umkm_row

pytestmark = pytest.mark.django_db


def run(*args) -> tuple[str, str, int]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_file", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exit:
        code = exit.code
    return out.getvalue(), err.getvalue(), code


def test_a_recap_is_imported_once_and_the_last_line_says_what_happened(world, tmp_path):
    path = tmp_path / "rekap-bojongsari.xlsx"
    path.write_bytes(recap_xlsx())

    out, err, code = run("umkm", str(path), "--user", "admin.dinas")
    assert code == 0, err
    assert out.strip().splitlines()[-1] == "RESULT rows=3 new=3 updated=0 unchanged=0 errors=0"
    assert "Blok tanda tangan" in err and UMKM.objects.filter(name="Rambut Sambung Sutinah").exists()
    assert ImportBatch.objects.latest("pk").status == ImportBatch.Status.DONE  # in the history, with undo

    out, _err, code = run("umkm", str(path), "--user", "admin.dinas")
    assert (code, out.strip().splitlines()[-1]) == (0, "RESULT rows=3 new=0 updated=0 unchanged=3 errors=0")


def test_a_dry_run_saves_nothing(world, tmp_path):
    path = tmp_path / "umkm.csv"
    path.write_bytes(csv_bytes([umkm_row(1), umkm_row(2)]))
    out, _err, code = run("umkm", str(path), "--dry-run", "--user", "admin.dinas")
    assert (code, out.strip()) == (0, "RESULT rows=2 new=2 updated=0 unchanged=0 errors=0")
    assert not UMKM.objects.filter(code__in=["BJS-0001", "BJS-0002"]).exists()


def test_errors_and_scope_are_the_pages_and_the_exit_status_says_so(world, tmp_path):
    path = tmp_path / "umkm.csv"
    path.write_bytes(csv_bytes([umkm_row(1), umkm_row(2, **{"Modal Usaha (Rp)": "banyak"})]))
    out, err, code = run("umkm", str(path), "--user", "admin.dinas")
    assert code == 1 and out.strip() == "RESULT rows=2 new=1 updated=0 unchanged=0 errors=1"
    assert "Baris 3 Modal Usaha (Rp): Bukan jumlah rupiah: banyak" in err
    assert not UMKM.objects.filter(code="BJS-0001").exists()

    elsewhere = tmp_path / "lain.csv"  # pendamping B may not write in Bojongsari
    elsewhere.write_bytes(csv_bytes([umkm_row(1)]))
    out, err, code = run("umkm", str(elsewhere), "--user", "pendamping.b")
    assert code == 1 and "di luar kecamatan tugas Anda" in err


def test_unknown_kind_profile_or_user_are_refused_clearly(world, tmp_path):
    path = tmp_path / "umkm.csv"
    path.write_bytes(csv_bytes([umkm_row(1)]))
    with pytest.raises(CommandError, match="Jenis data tidak dikenal"):
        call_command("import_file", "kucing", str(path))
    with pytest.raises(CommandError, match="Pemetaan kolom 'Tidak Ada'"):
        call_command("import_file", "umkm", str(path), "--profile", "Tidak Ada", "--user", "admin.dinas")
    with pytest.raises(CommandError, match="Pengguna aktif 'siapa' tidak ada"):
        call_command("import_file", "umkm", str(path), "--user", "siapa")
