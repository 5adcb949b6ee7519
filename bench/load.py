"""Load and faults: the three roles against gunicorn + PostgreSQL, on loopback only.

    python bench/load.py [--users 20] [--seconds 300] [--umkm 3000]

Builds a PostgreSQL database `purbalingga_load` (BENCH_DATABASE_URL) with demo data,
starts gunicorn (3 workers, 127.0.0.1) and the job worker (`manage.py db_worker`) and runs `--users` simulated people for
`--seconds`: Pimpinan reading dashboards, maps, rankings and the coverage report;
pendamping logging visits and editing their own UMKM (form posts, each with a fresh
submission token); Admin Dinas reading back-office lists. Then it checks that nothing was
lost (the visits and UMKM in the database are exactly what the script sent), measures the
gunicorn workers' memory after warm-up and at the end, and finally kills the server in the
middle of a spreadsheet import and checks that the database is as before it. Every loop is
bounded by time and count; nothing leaves 127.0.0.1. The last line is a RESULT summary.
"""

import argparse
import http.client
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import date
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench import dashboard_bench, import_bench  # noqa: E402

HOST, PORT = "127.0.0.1", 8031
PASSWORD = "demo-Purbalingga-2026"
MAX_REQUESTS_PER_USER = 5000


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=300)
    parser.add_argument("--umkm", type=int, default=3000)
    parser.add_argument("--import-rows", type=int, default=30000)
    parser.add_argument("--think", type=float, nargs=2, default=(1.0, 3.0), metavar=("MIN", "MAX"),
                        help="Seconds a person waits between two actions (as locust's wait_time); 0 0 for none.")
    return parser.parse_args()


class Browser:
    """One person's session: cookies, CSRF token, timings per kind of request."""

    think = (0.0, 0.0)

    def __init__(self, timings: dict, errors: list):
        self.cookies, self.timings, self.errors = {}, timings, errors

    def request(self, method, path, *, body=None, content_type=None, kind=None):
        connection = http.client.HTTPConnection(HOST, PORT, timeout=60)
        headers = {"Host": HOST, "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if method == "POST":
            headers["X-CSRFToken"] = self.cookies.get("csrftoken", "")
            headers["Content-Type"] = content_type or "application/x-www-form-urlencoded"
        started = time.perf_counter()
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        data = response.read()
        elapsed = time.perf_counter() - started
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        connection.close()
        if kind:
            self.timings.setdefault(kind, []).append(elapsed)
            time.sleep(random.uniform(*self.think))  # the person reads the page before the next action
        if response.status >= 500:
            self.errors.append(f"{response.status} {method} {path}")
        return response.status, response.getheader("Location", ""), data

    def sign_in(self, username):
        self.request("GET", "/masuk/")
        status, location, _ = self.request("POST", "/masuk/", body=urlencode(
            {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")}))
        assert status == 302, f"login {username}: {status}"


def prepare(database_url: str, n_umkm: int):
    import_bench.recreate_database(database_url)
    dashboard_bench.configure(database_url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_wilayah", verbosity=0)
    call_command("seed_demo", "--umkm", str(n_umkm), verbosity=0)
    static = Path(tempfile.mkdtemp(prefix="load-static-"))
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, check=True,
                   env={**server_env(database_url, static)})
    return static


def server_env(database_url: str, static: Path) -> dict:
    return {**os.environ, "DATABASE_URL": database_url, "DEBUG": "false", "SECRET_KEY": "load-bench-only",
            "ALLOWED_HOSTS": HOST, "SECURE_SSL_REDIRECT": "false", "SESSION_COOKIE_SECURE": "false",
            "CSRF_COOKIE_SECURE": "false", "BEHIND_TLS_PROXY": "false", "SECURE_HSTS_SECONDS": "0",
            "STATIC_ROOT": str(static), "MAP_TILES_URL": "", "LOGIN_FAILURE_LIMIT": "1000",
            "TASKS_BACKEND": "database", "IMPORT_STALE_SECONDS": "5", "LOG_LEVEL": "WARNING"}


def start_server(env: dict) -> subprocess.Popen:
    server = subprocess.Popen([str(ROOT / ".venv/bin/gunicorn"), "purbalingga_umkm.wsgi", "--bind", f"{HOST}:{PORT}",
                               "--workers", "3", "--timeout", "60"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    # The job worker that checks and imports files; stop() ends both.
    server.worker = subprocess.Popen([sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay"],
                                     cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                     start_new_session=True)
    for _ in range(100):
        try:
            connection = http.client.HTTPConnection(HOST, PORT, timeout=2)
            connection.request("GET", "/sehat/", headers={"Host": HOST})
            if connection.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


def stop(server: subprocess.Popen, sig: int) -> None:
    """Signal gunicorn's and the job worker's whole process groups (SIGKILL: a power cut)."""
    for process in (server, server.worker):
        os.killpg(process.pid, sig)
        process.wait()


def worker_rss_mb(server: subprocess.Popen) -> float:
    children = subprocess.run(["ps", "--ppid", str(server.pid), "-o", "rss="], capture_output=True, text=True)
    return sum(int(v) for v in children.stdout.split()) / 1024


def people():
    """Who the simulated users are and what they may touch (read straight from the database)."""
    from mapping.models import UMKM, Desa, Kecamatan
    from mentoring.models import Assignment, Topic

    pendamping = []
    for assignment in Assignment.objects.in_force().select_related("pendamping__user", "kecamatan"):
        umkm = list(UMKM.objects.filter(desa__kecamatan=assignment.kecamatan, is_demo=True).order_by("pk")
                    .values("pk", "name", "owner_name", "phone", "address", "desa_id", "desa__kecamatan_id",
                            "founded_year", "workers", "capital", "annual_turnover", "version", "location")[:5])
        pendamping.append({"username": assignment.pendamping.user.username, "umkm": umkm})
    return {
        "pendamping": pendamping,
        "topics": list(Topic.objects.values_list("pk", flat=True)[:2]),
        "kecamatan": list(Kecamatan.objects.values_list("code", flat=True)),
        "desa": list(Desa.objects.values_list("code", flat=True)[:40]),
    }


def reader(browser, world, deadline, rng):
    browser.sign_in("demo.pimpinan")
    for _ in range(MAX_REQUESTS_PER_USER):
        if time.monotonic() > deadline:
            return
        path, kind = rng.choice([
            ("/dasbor/", "dashboard"), (f"/dasbor/kecamatan/{rng.choice(world['kecamatan'])}/", "dashboard"),
            (f"/dasbor/desa/{rng.choice(world['desa'])}/", "dashboard"), ("/unggulan/", "page"),
            ("/peta/umkm.geojson?zoom=11", "map"), ("/laporan/cakupan/", "page"),
        ])
        browser.request("GET", path, kind=kind)


def mentor(browser, world, mine, deadline, rng, sent, run_id):
    browser.sign_in(mine["username"])
    for step in range(MAX_REQUESTS_PER_USER):
        if time.monotonic() > deadline:
            return
        umkm = rng.choice(mine["umkm"])
        if step % 3 == 0:
            browser.request("GET", "/tugas-saya/", kind="page")
        elif step % 3 == 1:
            data = {"umkm": umkm["pk"], "date": date.today().isoformat(), "topics": world["topics"],
                    "notes": f"load-{run_id}", "submission_token": str(uuid.uuid4()),
                    "tindak-TOTAL_FORMS": "0", "tindak-INITIAL_FORMS": "0", "tindak-MIN_NUM_FORMS": "0",
                    "tindak-MAX_NUM_FORMS": "5", "csrfmiddlewaretoken": browser.cookies.get("csrftoken", "")}
            status, _, _ = browser.request("POST", "/kunjungan/baru/", body=urlencode(data, doseq=True), kind="post")
            if status == 302:
                sent["visits"] += 1
        else:
            name = f"{umkm['name'].split(' #')[0]} #{step}"
            lng, lat = umkm["location"]["coordinates"] if umkm["location"] else (None, None)
            data = {"name": name, "owner_name": umkm["owner_name"], "nik": "", "phone": umkm["phone"],
                    "address": umkm["address"], "kecamatan": umkm["desa__kecamatan_id"], "desa": umkm["desa_id"],
                    "nib": "", "founded_year": umkm["founded_year"] or "", "workers": umkm["workers"],
                    "capital": umkm["capital"], "annual_turnover": umkm["annual_turnover"], "is_active": "on",
                    "latitude": f"{lat:.6f}" if lat else "", "longitude": f"{lng:.6f}" if lng else "",
                    "version": umkm["version"], "submission_token": str(uuid.uuid4()),
                    "csrfmiddlewaretoken": browser.cookies.get("csrftoken", "")}
            status, _, _ = browser.request("POST", f"/umkm/{umkm['pk']}/ubah/", body=urlencode(data), kind="post")
            if status == 302:
                umkm["version"] += 1
                umkm["name"] = name
                sent["names"][umkm["pk"]] = name


def staff(browser, world, deadline, rng):
    browser.sign_in("demo.admin")
    for _ in range(MAX_REQUESTS_PER_USER):
        if time.monotonic() > deadline:
            return
        browser.request("GET", rng.choice(["/admin/mapping/umkm/", "/data/", "/admin/mentoring/visit/"]), kind="admin")


def p95(values):
    return statistics.quantiles(values, n=20)[-1] if len(values) >= 20 else max(values or [0])


def kill_during_import(env, database_url, rows: int) -> dict:
    """Kill -9 gunicorn and the job worker while an import writes; the database must be as before."""
    from mapping.models import UMKM
    from spreadsheets.models import ImportBatch, ImportChange

    server = start_server(env)
    before = UMKM.objects.count()
    folder = Path(tempfile.mkdtemp(prefix="load-import-"))
    csv_path = import_bench.write_files(import_bench.generate_rows(rows), folder)["csv"]
    browser = Browser({}, [])
    browser.sign_in("demo.admin")
    boundary = uuid.uuid4().hex
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrfmiddlewaretoken\"\r\n\r\n"
            f"{browser.cookies['csrftoken']}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
            f"filename=\"rekap.csv\"\r\nContent-Type: text/csv\r\n\r\n").encode() + csv_path.read_bytes() + (
        f"\r\n--{boundary}--\r\n").encode()
    status, location, _ = browser.request("POST", "/data/impor/umkm/", body=body,
                                          content_type=f"multipart/form-data; boundary={boundary}")
    batch_id = int(re.search(r"/riwayat/(\d+)/", location).group(1))
    for _ in range(600):
        if ImportBatch.objects.get(pk=batch_id).status != ImportBatch.Status.CHECKING:
            break
        time.sleep(0.1)
    assert ImportBatch.objects.get(pk=batch_id).status == ImportBatch.Status.READY
    browser.request("POST", f"/data/riwayat/{batch_id}/impor/",
                    body=urlencode({"csrfmiddlewaretoken": browser.cookies["csrftoken"]}))
    for _ in range(600):  # until the import is writing: its check is done, its transaction open
        batch = ImportBatch.objects.get(pk=batch_id)
        if batch.status == ImportBatch.Status.IMPORTING and batch.progress >= rows:
            break
        time.sleep(0.05)
    stop(server, signal.SIGKILL)
    time.sleep(1)
    after = UMKM.objects.count()
    changes = ImportChange.objects.filter(batch_id=batch_id).count()
    server = start_server(env)
    time.sleep(6)  # IMPORT_STALE_SECONDS: the page then says the import stopped
    browser = Browser({}, [])
    browser.sign_in("demo.admin")
    browser.request("GET", f"/data/riwayat/{batch_id}/")
    status_after = ImportBatch.objects.get(pk=batch_id).status
    stop(server, signal.SIGTERM)
    return {"umkm_before": before, "umkm_after": after, "history_rows": changes, "batch_status": status_after}


def main():
    args = parse_args()
    Browser.think = tuple(args.think)
    database_url = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/purbalingga_load")
    static = prepare(database_url, args.umkm)
    env = server_env(database_url, static)
    world = people()
    from mapping.models import UMKM
    from mentoring.models import Visit

    server = start_server(env)
    timings, errors = {}, []
    sent = {"visits": 0, "names": {}}
    run_id = uuid.uuid4().hex[:8]
    deadline = time.monotonic() + args.seconds
    rng = random.Random(2026)
    threads = []
    n_mentors = min(len(world["pendamping"]), max(1, args.users * 3 // 10))
    n_staff = max(1, args.users // 10)
    for index in range(args.users):
        browser, seed = Browser(timings, errors), random.Random(rng.random())
        if index < n_mentors:
            target, extra = mentor, (world["pendamping"][index], deadline, seed, sent, run_id)
        elif index < n_mentors + n_staff:
            target, extra = staff, (deadline, seed)
        else:
            target, extra = reader, (deadline, seed)
        thread = threading.Thread(target=target, args=(browser, world, *extra))
        threads.append(thread)
        thread.start()
    time.sleep(min(60, args.seconds / 5))
    warm_rss = worker_rss_mb(server)
    for thread in threads:
        thread.join(args.seconds + 120)
    end_rss = worker_rss_mb(server)
    stop(server, signal.SIGTERM)

    visits_stored = Visit.objects.filter(notes=f"load-{run_id}").count()
    names_stored = dict(UMKM.objects.filter(pk__in=list(sent["names"])).values_list("pk", "name"))
    lost = (sent["visits"] - visits_stored) + sum(names_stored[pk] != name for pk, name in sent["names"].items())
    fault = kill_during_import(env, database_url, args.import_rows)
    from django.db import connections

    connections.close_all()
    import_bench.recreate_database(database_url, drop_only=True)

    total = sum(len(v) for v in timings.values())
    print(f"{args.users} users for {args.seconds} s, {args.think[0]:g}–{args.think[1]:g} s between actions: "
          f"{total} requests, {len(errors)} server errors")
    for kind, values in sorted(timings.items()):
        print(f"  {kind:<10} n={len(values):>6}  p50 {statistics.median(values) * 1000:7.0f} ms  "
              f"p95 {p95(values) * 1000:7.0f} ms")
    growth = (end_rss - warm_rss) / warm_rss * 100 if warm_rss else 0
    print(f"  workers' memory: {warm_rss:.0f} MB after warm-up, {end_rss:.0f} MB at the end ({growth:+.1f} %)")
    print(f"  sent {sent['visits']} visits and {len(sent['names'])} UMKM edits; lost: {lost}")
    print(f"  killed mid-import: UMKM {fault['umkm_before']} → {fault['umkm_after']}, history rows "
          f"{fault['history_rows']}, batch then '{fault['batch_status']}'")
    print(f"RESULT users={args.users} seconds={args.seconds} think_s={args.think[0]:g}-{args.think[1]:g} requests={total} errors_5xx={len(errors)} "
          f"dashboard_p95_ms={p95(timings.get('dashboard', [])) * 1000:.0f} "
          f"post_p95_ms={p95(timings.get('post', [])) * 1000:.0f} memory_growth_pct={growth:.1f} "
          f"lost_updates={lost} import_killed_rows_left={fault['umkm_after'] - fault['umkm_before']} "
          f"import_batch_after_kill={fault['batch_status']}")


if __name__ == "__main__":
    main()
