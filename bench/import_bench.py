"""UMKM spreadsheet import speed and memory, against COPY and django-import-export's default.

    python bench/import_bench.py [--rows 50000] [--ie-rows N] [--keep]
    python bench/import_bench.py --sqlite [--rows 100000]

With --sqlite the portal's three imports run on a fresh SQLite file (the `make run`
default; no COPY and no django-import-export there) and the RESULT line gives their seconds.

Creates a fresh PostgreSQL database `purbalingga_importbench` (override with
BENCH_DATABASE_URL), generates a realistic UMKM file of N rows (CSV and XLSX: desa by
code or by kecamatan + desa name with "Desa"/"Kel." prefixes, NIB and NIK for some,
locations inside their desa, rupiah with thousand separators) and measures:

* the portal's import, through the same services the upload page calls
  (import_start = the dry run, then import_confirm = re-check + all-or-nothing write,
  history rows and dashboard figures included), once from CSV and once from XLSX, each
  in a child process so its peak memory (ru_maxrss, the whole process) is its own;
* the same rows as a kecamatan office's recap (own headers read by a saved mapping profile,
  title/number/total/signature rows, "Rp 2.500.000" and "-" values, no codes: matched by
  name + owner + desa);
* PostgreSQL `COPY FROM STDIN` of the same rows, already resolved (the physical limit);
* django-import-export in its default configuration with a plain ForeignKeyWidget on
  the desa code (the floor), on --ie-rows rows (default: all).

Prints a table and, last, a machine-readable RESULT line.
"""

import argparse
import csv
import io
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import dashboard_bench  # noqa: E402  its Django set-up is shared

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/purbalingga_importbench"
HEADERS = [
    "Kode UMKM", "NIB", "Nama Usaha", "Nama Pemilik", "NIK Pemilik", "Telepon", "Alamat", "Kecamatan",
    "Desa/Kelurahan", "Kode Desa", "Lintang", "Bujur", "Tahun Berdiri", "Tenaga Kerja", "Modal Usaha (Rp)",
    "Omzet Tahunan (Rp)", "Aktif",
]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--ie-rows", type=int, default=None,
                        help="Rows for the django-import-export baseline (default: --rows).")
    parser.add_argument("--keep", action="store_true", help="Keep the bench database afterwards.")
    parser.add_argument("--sqlite", action="store_true",
                        help="Time the portal's imports on a fresh SQLite file instead of PostgreSQL.")
    parser.add_argument("--child", nargs=2, metavar=("FORMAT", "PATH"), help=argparse.SUPPRESS)
    return parser.parse_args()


def configure(database_url: str):
    os.environ["TASKS_BACKEND"] = "immediate"  # the import runs here, where it is timed
    os.environ["IMPORT_MAX_ROWS"] = "1000000"
    os.environ["IMPORT_MAX_BYTES"] = str(500 * 1024 * 1024)
    dashboard_bench.configure(database_url)


def recreate_database(database_url: str, drop_only=False):
    import psycopg2
    from psycopg2 import sql

    name = database_url.rsplit("/", 1)[1]
    admin = psycopg2.connect(database_url.rsplit("/", 1)[0] + "/postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        if not drop_only:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    admin.close()


def nik_from(v: int) -> str:
    """A NIK with a real birth date (DDMMYY) and serial, from one random number."""
    day, month, year, serial = v % 28 + 1, v // 100 % 12 + 1, v // 10_000 % 100, v // 1_000_000 % 9999 + 1
    return f"3303{v % 18 + 1:02d}{day + 40 * (v // 7 % 2):02d}{month:02d}{year:02d}{serial:04d}"


def generate_rows(n: int) -> list[dict]:
    from mapping.demo import vocabulary as words
    from mapping.models import Desa

    rng = random.Random(2026)
    desa = list(Desa.objects.select_related("kecamatan").values_list(
        "code", "name", "kecamatan__name", "centre"))
    rows = []
    for i in range(n):
        code, name, kecamatan, centre = rng.choice(desa)
        by_code = rng.random() < 0.5
        lng, lat = centre["coordinates"]
        capital = rng.randrange(5, 900) * 1_000_000
        rows.append({
            "_desa": name, "_kecamatan": kecamatan,
            "Kode UMKM": f"IMP-{i:06d}",
            "NIB": f"91{i:011d}" if rng.random() < 0.4 else "",
            "Nama Usaha": f"{rng.choice(words.BUSINESS_PREFIXES)} {rng.choice(words.BUSINESS_WORDS)} {i}",
            "Nama Pemilik": f"{rng.choice(words.FIRST_NAMES)} {rng.choice(words.LAST_NAMES)}".strip(),
            "NIK Pemilik": nik_from(rng.randrange(10**11, 10**12)) if rng.random() < 0.3 else "",
            "Telepon": f"08{rng.randrange(10**9, 10**10)}",
            "Alamat": f"{rng.choice(words.STREET_WORDS)} No. {rng.randrange(1, 200)}",
            "Kecamatan": "" if by_code else rng.choice([kecamatan, f"Kec. {kecamatan}", kecamatan.upper()]),
            "Desa/Kelurahan": "" if by_code else rng.choice([name, f"Desa {name}", name.lower()]),
            "Kode Desa": code if by_code else "",
            "Lintang": round(lat, 6) if rng.random() < 0.5 else "",
            "Bujur": "",
            "Tahun Berdiri": rng.randrange(1985, 2026),
            "Tenaga Kerja": rng.randrange(1, 40),
            "Modal Usaha (Rp)": f"{capital:,}".replace(",", ".") if rng.random() < 0.3 else capital,
            "Omzet Tahunan (Rp)": capital * rng.randrange(2, 6),
            "Aktif": "ya",
        })
        if rows[-1]["Lintang"] != "":
            rows[-1]["Bujur"] = round(lng, 6)
    return rows


def write_files(rows: list[dict], folder: Path) -> dict[str, Path]:
    from openpyxl import Workbook

    csv_path = folder / "umkm.csv"
    with open(csv_path, "w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(HEADERS)
        for row in rows:
            writer.writerow([row[h] for h in HEADERS])
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Data")
    sheet.append(HEADERS)
    for row in rows:
        sheet.append([row[h] if row[h] != "" else None for h in HEADERS])
    book.create_sheet("Petunjuk").append(["Lembar tambahan, diabaikan"])
    xlsx_path = folder / "umkm.xlsx"
    book.save(xlsx_path)
    return {"csv": csv_path, "xlsx": xlsx_path}


OFFICE_HEADERS = ["NO", "NAMA PELAKU UMKM", "NIK", "NAMA USAHA", "ALAMAT", "RT/RW", "DESA/KELURAHAN", "KECAMATAN",
                  "NO HP", "OMSET SEBULAN", "JML TENAGA KERJA"]
# The two headers of this office's layout the aliases don't know, as its saved profile maps them.
OFFICE_PROFILE = {"nama pelaku umkm": "owner_name", "omset sebulan": "annual_turnover_monthly"}


def write_office(rows: list[dict], folder: Path) -> Path:
    """The same businesses as a kecamatan office's recap: title lines, its own headers, a
    column-number row, values as people type them, a JUMLAH row and a signature block;
    no codes or NIB (rows are matched by name + owner + desa)."""
    from openpyxl import Workbook

    rng = random.Random(7)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Rekap")
    sheet.append(["REKAP DATA UMKM KABUPATEN PURBALINGGA"])
    sheet.append([])
    sheet.append(OFFICE_HEADERS)
    sheet.append(list(range(1, len(OFFICE_HEADERS) + 1)))
    for number, row in enumerate(rows, start=1):
        monthly = row["Omzet Tahunan (Rp)"] // 12
        sheet.append([
            number, row["Nama Pemilik"], row["NIK Pemilik"] or "-", row["Nama Usaha"], row["Alamat"],
            f"{rng.randrange(1, 20):02d}/{rng.randrange(1, 9):02d}", row["Desa/Kelurahan"] or row["_desa"],
            row["Kecamatan"] or row["_kecamatan"], "+62 " + row["Telepon"][1:],
            f"Rp {monthly:,}".replace(",", ".") if rng.random() < 0.5 else f"{monthly:,},-".replace(",", "."),
            row["Tenaga Kerja"] if rng.random() < 0.9 else "-",
        ])
    sheet.append(["JUMLAH"])
    sheet.append([])
    sheet.append([None] * 8 + ["Purbalingga, 12 Januari 2026"])
    sheet.append([None] * 8 + ["Mengetahui,"])
    sheet.append([None] * 8 + ["NIP. 19700101 199003 1 001"])
    path = folder / "rekap-kantor.xlsx"
    book.save(path)
    return path


def office_profile_save(user) -> None:
    from spreadsheets.columns import header_set
    from spreadsheets.models import MappingProfile

    keys = header_set(OFFICE_HEADERS)
    MappingProfile.objects.create(kind="umkm", name="Rekap kantor (bench)", header_keys=keys,
                                  signature=MappingProfile.signature_of(keys), mapping=OFFICE_PROFILE, created_by=user)


def clear_imported():
    from django.db import connection

    tables = ("mapping_importchange", "mapping_importbatch", "mapping_umkmfact", "mapping_umkm")
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for table in tables:
                cursor.execute(f"DELETE FROM {table}")
        else:
            cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")
        cursor.execute("ANALYZE")


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 1_048_576


def child(step: str, argument: str) -> None:
    """One step through the portal's services, in a process of its own; prints a JSON line.

    `check` uploads the file at `argument` (the dry run); `import` confirms batch `argument`.
    Peak memory is the process's peak RSS, and its growth over the idle process (Django,
    GDAL/GEOS and NumPy loaded, database connected) just before the step.
    """
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection

    from spreadsheets import imports
    from spreadsheets.models import ImportBatch

    user = get_user_model().objects.get(username="bench.admin")
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(1)
        return execute(sql, params, many, context)

    if step == "check":
        upload = SimpleUploadedFile(Path(argument).name, Path(argument).read_bytes())
    else:
        batch = ImportBatch.objects.without_content().get(pk=int(argument))
    idle_mb = rss_mb()
    with connection.execute_wrapper(count):
        started = time.perf_counter()
        if step == "check":
            batch = imports.import_start(spec=imports.SPECS["umkm"], upload=upload, user=user)
        else:
            imports.import_confirm(batch=batch, user=user)
        seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    batch = ImportBatch.objects.without_content().get(pk=batch.pk)
    expected = ImportBatch.Status.READY if step == "check" else ImportBatch.Status.DONE
    assert batch.status == expected, (batch.status, batch.refusal, batch.errors[:3])
    print(json.dumps({
        "batch": batch.pk, "seconds": seconds, "counts": batch.counts, "queries": len(queries),
        "peak_mb": peak_mb, "growth_mb": peak_mb - idle_mb,
    }))


def run_child(step: str, argument) -> dict:
    output = subprocess.run([sys.executable, __file__, "--child", step, str(argument)],
                            capture_output=True, text=True, env=os.environ.copy())
    if output.returncode:
        sys.exit(f"{step} {argument} failed:\n{output.stderr[-3000:]}")
    return json.loads(output.stdout.strip().splitlines()[-1])


def copy_rows(rows: list[dict]) -> float:
    """Seconds to COPY the rows (already resolved to desa ids) into the UMKM table."""
    from django.db import connection, transaction

    from mapping.models import Desa

    desa_by_kode = dict(Desa.objects.values_list("code", "pk"))
    desa_by_name = {(k.lower(), d.lower()): pk for pk, k, d in Desa.objects.values_list("pk", "kecamatan__name", "name")}
    buffer = io.StringIO()
    now = "2026-11-28 00:00:00+07"
    for row in rows:
        if row["Kode Desa"]:
            desa = desa_by_kode[row["Kode Desa"]]
        else:
            kecamatan = row["Kecamatan"].lower().removeprefix("kec. ")
            desa = desa_by_name[(kecamatan, row["Desa/Kelurahan"].lower().removeprefix("desa "))]
        location = (json.dumps({"type": "Point", "coordinates": [row["Bujur"], row["Lintang"]]})
                    if row["Lintang"] != "" else "\\N")
        capital = int(str(row["Modal Usaha (Rp)"]).replace(".", ""))
        buffer.write("\t".join(str(v) for v in (
            row["Kode UMKM"], row["NIB"], row["Nama Usaha"], row["Nama Pemilik"], row["NIK Pemilik"], row["Telepon"],
            row["Alamat"], desa, location, row["Tahun Berdiri"], row["Tenaga Kerja"], capital,
            row["Omzet Tahunan (Rp)"], "t", 1, "f", now, now,
        )) + "\n")
    columns = ("code, nib, name, owner_name, nik, phone, address, desa_id, location, founded_year, workers, "
               "capital, annual_turnover, is_active, version, is_demo, created_at, updated_at")
    buffer.seek(0)
    started = time.perf_counter()
    # Timed with its commit, where PostgreSQL checks the deferred foreign keys (as for the portal).
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.cursor.copy_expert(f"COPY mapping_umkm ({columns}) FROM STDIN", buffer)
    return time.perf_counter() - started


def import_export_default(rows: list[dict]) -> float:
    """Seconds for django-import-export's default import of the rows (desa by code only)."""
    import tablib
    from import_export import fields, resources, widgets

    from mapping.models import UMKM, Desa

    class PlainUMKMResource(resources.ModelResource):
        code = fields.Field(attribute="code", column_name="Kode UMKM")
        nib = fields.Field(attribute="nib", column_name="NIB")
        name = fields.Field(attribute="name", column_name="Nama Usaha")
        owner_name = fields.Field(attribute="owner_name", column_name="Nama Pemilik")
        nik = fields.Field(attribute="nik", column_name="NIK Pemilik")
        phone = fields.Field(attribute="phone", column_name="Telepon")
        address = fields.Field(attribute="address", column_name="Alamat")
        desa = fields.Field(attribute="desa", column_name="Kode Desa", widget=widgets.ForeignKeyWidget(Desa, "code"))
        founded_year = fields.Field(attribute="founded_year", column_name="Tahun Berdiri")
        workers = fields.Field(attribute="workers", column_name="Tenaga Kerja")
        capital = fields.Field(attribute="capital", column_name="Modal Usaha (Rp)")
        annual_turnover = fields.Field(attribute="annual_turnover", column_name="Omzet Tahunan (Rp)")

        class Meta:
            model = UMKM
            import_id_fields = ["code"]
            fields = ("code", "nib", "name", "owner_name", "nik", "phone", "address", "desa", "founded_year",
                      "workers", "capital", "annual_turnover")

    kode_of = {(k.lower(), d.lower()): code for code, k, d in Desa.objects.values_list("code", "kecamatan__name", "name")}
    dataset = tablib.Dataset(headers=[h for h in HEADERS if h not in ("Kecamatan", "Desa/Kelurahan", "Lintang",
                                                                         "Bujur", "Aktif")])
    for row in rows:
        desa = row["Kode Desa"] or kode_of[(row["Kecamatan"].lower().removeprefix("kec. "),
                                             row["Desa/Kelurahan"].lower().removeprefix("desa "))]
        values = {**row, "Kode Desa": desa, "Modal Usaha (Rp)": int(str(row["Modal Usaha (Rp)"]).replace(".", ""))}
        dataset.append([values[h] for h in dataset.headers])
    started = time.perf_counter()
    result = PlainUMKMResource().import_data(dataset, dry_run=False, raise_errors=True)
    seconds = time.perf_counter() - started
    assert result.totals["new"] == len(rows), result.totals
    return seconds


def main():
    args = parse_args()
    database_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    if args.child:
        configure(database_url)
        child(*args.child)
        return
    if args.sqlite:
        folder = tempfile.mkdtemp(prefix="importbench-")
        database_url = os.environ["BENCH_DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    else:
        recreate_database(database_url)
    configure(database_url)
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from mapping import services

    call_command("migrate", verbosity=0)
    services.wilayah_load()
    admin = get_user_model().objects.create_superuser("bench.admin", "bench@example.invalid", "bench-password")
    office_profile_save(admin)

    rows = generate_rows(args.rows)
    with tempfile.TemporaryDirectory() as folder:
        paths = write_files(rows, Path(folder))
        paths["office"] = write_office(rows, Path(folder))
        sizes = {fmt: path.stat().st_size for fmt, path in paths.items()}
        results = {}
        for fmt in ("csv", "xlsx", "office"):
            clear_imported()
            check = run_child("check", paths[fmt])
            done = run_child("import", check["batch"])
            assert done["counts"]["new"] == args.rows, done["counts"]
            results[fmt] = {"check": check, "import": done}
    if args.sqlite:
        return sqlite_report(args.rows, results, database_url)
    clear_imported()
    copy_s = copy_rows(rows)
    clear_imported()
    ie_rows = args.ie_rows or args.rows
    ie_s = import_export_default(rows[:ie_rows])
    clear_imported()
    if not args.keep:
        from django.db import connections

        connections.close_all()
        recreate_database(database_url, drop_only=True)

    n = args.rows
    copy_rate = n / copy_s
    ie_rate = ie_rows / ie_s
    print(f"{n:,} UMKM rows; CSV {sizes['csv'] / 1e6:.1f} MB, XLSX {sizes['xlsx'] / 1e6:.1f} MB")
    print(f"{'path':<46}{'seconds':>8}{'rows/s':>9}{'vs COPY':>8}{'queries':>8}{'peak MB':>8}{'growth':>7}")
    for fmt in ("csv", "xlsx", "office"):
        for step, label in (("check", f"portal dry run ({fmt})"), ("import", f"portal import: re-check + write ({fmt})")):
            r = results[fmt][step]
            rate = n / r["seconds"]
            print(f"{label:<46}{r['seconds']:>8.2f}{rate:>9,.0f}{rate / copy_rate:>8.2f}{r['queries']:>8}"
                  f"{r['peak_mb']:>8.0f}{r['growth_mb']:>7.0f}")
    print(f"{'PostgreSQL COPY FROM STDIN (resolved rows)':<46}{copy_s:>8.2f}{copy_rate:>9,.0f}{1:>8.2f}")
    print(f"{'django-import-export default (' + str(ie_rows) + ' rows)':<46}{ie_s:>8.2f}{ie_rate:>9,.0f}"
          f"{ie_rate / copy_rate:>8.2f}")
    csv_rate = n / results["csv"]["import"]["seconds"]
    xlsx_rate = n / results["xlsx"]["import"]["seconds"]
    office_rate = n / results["office"]["import"]["seconds"]
    steps = [results[fmt][step] for fmt in ("csv", "xlsx", "office") for step in ("check", "import")]
    print(f"RESULT rows={n} csv_rows_s={csv_rate:.0f} xlsx_rows_s={xlsx_rate:.0f} copy_rows_s={copy_rate:.0f} "
          f"ie_default_rows_s={ie_rate:.0f} csv_vs_copy={csv_rate / copy_rate:.3f} "
          f"xlsx_vs_copy={xlsx_rate / copy_rate:.3f} office_rows_s={office_rate:.0f} "
          f"office_vs_copy={office_rate / copy_rate:.3f} csv_vs_ie={csv_rate / ie_rate:.1f} "
          f"xlsx_vs_ie={xlsx_rate / ie_rate:.1f} import_queries={max(s['queries'] for s in steps)} "
          f"peak_mb={max(s['growth_mb'] for s in steps):.0f} peak_rss_mb={max(s['peak_mb'] for s in steps):.0f}")


def sqlite_report(n: int, results: dict, database_url: str):
    Path(database_url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    print(f"{n:,} UMKM rows on SQLite")
    print(f"{'path':<46}{'seconds':>8}{'rows/s':>9}{'peak MB':>8}")
    for fmt in ("csv", "xlsx", "office"):
        for step in ("check", "import"):
            r = results[fmt][step]
            print(f"{f'portal {step} ({fmt})':<46}{r['seconds']:>8.2f}{n / r['seconds']:>9,.0f}{r['peak_mb']:>8.0f}")
    totals = {fmt: results[fmt]["check"]["seconds"] + results[fmt]["import"]["seconds"] for fmt in results}
    print(f"RESULT rows={n} database=sqlite " + " ".join(
        f"{fmt}_import_s={results[fmt]['import']['seconds']:.1f} {fmt}_check_and_import_s={totals[fmt]:.1f}"
        for fmt in ("csv", "xlsx", "office")) + f" worst_check_and_import_s={max(totals.values()):.1f}")


if __name__ == "__main__":
    main()
