"""A pendamping's phone journey at the regency's real size: page weight and save time.

    python bench/field_bench.py [--umkm 100000] [--repeat 10] [--rebuild]

Uses the dashboard bench's PostgreSQL database (`purbalingga_bench`, built or reused by
bench/dashboard_bench.py's code; override with BENCH_DATABASE_URL). Measures:

* every save of the field journey — quick survey (new UMKM + product + photo), UMKM
  edit, product edit, assessment draft, visit — through Django's test client, the server
  time of each POST, median and worst of --repeat saves;
* the weight of every page of the journey on a first visit, in Debian's Chromium at
  390 px with an empty cache: each response as it would travel compressed (gzip level 6
  for text, as WhiteNoise and nginx send it; images as they are), map data included.

Prints a table and, last, a machine-readable RESULT line.
"""

import argparse
import gzip
import io
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import dashboard_bench  # noqa: E402  its database and Django set-up are shared

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
TEXT_TYPES = ("text/", "application/javascript", "application/json", "image/svg", "application/manifest")
PASSWORD = "bench-Purbalingga-2026"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--umkm", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--rebuild", action="store_true", help="Drop and regenerate the data.")
    return parser.parse_args()


def photo_upload(name="produk.jpg"):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (1600, 1200), (150, 110, 60)).save(buffer, "JPEG", quality=85)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def save_timings(client, mentor, repeat: int) -> dict:
    """{save: [ms, …]} for each save of the journey, every POST checked to have saved."""
    from mapping.models import UMKM, Product, Sector
    from mentoring.models import Topic

    umkm_list = list(UMKM.objects.editable_by(mentor).active().select_related("desa").order_by("pk")[:repeat * 3])
    desa = umkm_list[0].desa
    lng, lat = desa.centre["coordinates"]
    sector = Sector.objects.get(code="kerajinan").pk
    topic = Topic.objects.first().pk
    samples = {name: [] for name in ("quick survey", "umkm edit", "product edit", "assessment draft", "visit")}

    def post(name, url, data, expect=302):
        started = time.perf_counter()
        response = client.post(url, data)
        samples[name].append((time.perf_counter() - started) * 1000)
        if response.status_code != expect:
            context = response.context or {}
            errors = [form.errors for key in ("form", "product_form") if (form := context.get(key)) is not None]
            raise SystemExit(f"{name}: HTTP {response.status_code} {errors}")
        return response

    for i in range(repeat):
        base = {"name": f"Bench Sapu {uuid.uuid4().hex[:6]}", "owner_name": "Bench", "address": "Dusun I",
                "kecamatan": desa.kecamatan_id, "desa": desa.pk, "workers": 2, "capital": 5_000_000,
                "annual_turnover": 40_000_000, "is_active": "on", "latitude": f"{lat:.6f}", "longitude": f"{lng:.6f}",
                "version": "", "submission_token": str(uuid.uuid4())}
        product = {"produk-name": "Sapu glagah", "produk-sector": sector, "produk-market_reach": "nasional",
                   "produk-capacity_unit": Product.CapacityUnit.PCS,
                   "produk-is_active": "on", "produk-version": "", "produk-submission_token": str(uuid.uuid4()),
                   "produk-photo": photo_upload()}
        post("quick survey", "/survei/cepat/", {**base, **product})

        umkm = umkm_list[i]
        umkm.refresh_from_db()
        edit = {"name": umkm.name, "owner_name": umkm.owner_name, "nik": umkm.nik, "phone": umkm.phone,
                "phone_other": "", "address": umkm.address, "kecamatan": umkm.desa.kecamatan_id, "desa": umkm.desa_id,
                "nib": umkm.nib, "founded_year": umkm.founded_year or "", "workers": umkm.workers + 1,
                "capital": umkm.capital or 1_000_000, "annual_turnover": umkm.annual_turnover, "is_active": "on",
                "version": umkm.version, "submission_token": str(uuid.uuid4())}
        post("umkm edit", f"/umkm/{umkm.pk}/ubah/", edit)

        item = Product.objects.filter(umkm__in=umkm_list).order_by("pk")[i]
        changed = {"name": item.name, "sector": item.sector_id, "description": item.description,
                   "monthly_capacity": item.monthly_capacity or "", "capacity_unit": item.capacity_unit,
                   "price": item.price or "", "market_reach": item.market_reach,
                   "local_material_pct": (item.local_material_pct or 0) % 100 + 1, "is_active": "on",
                   "version": item.version, "submission_token": str(uuid.uuid4())}
        post("product edit", f"/produk/{item.pk}/ubah/", changed)

        form = client.get(f"/produk/{item.pk}/penilaian/").context["form"]
        scores = {field.html_name: form.initial.get(field.html_name) or 3 for _c, field in form.criterion_fields()}
        post("assessment draft", f"/produk/{item.pk}/penilaian/",
             {**scores, "note": "", "lq_override_reason": "bench", "version": form.initial["version"], "aksi": "simpan"})

        post("visit", "/kunjungan/baru/", {"umkm": umkm_list[repeat + i].pk, "date": time.strftime("%Y-%m-%d"),
                                            "topics": [topic], "notes": "bench", "submission_token": str(uuid.uuid4()),
                                            "tindak-TOTAL_FORMS": 0, "tindak-INITIAL_FORMS": 0})
    return samples


def travelling_size(body: bytes, content_type: str) -> int:
    if content_type.startswith(TEXT_TYPES):
        return len(gzip.compress(body, compresslevel=6))
    return len(body)


def page_weights(base_url: str, username: str, pages: dict) -> dict:
    """{page: (KB travelling on a first visit, requests)} in a fresh 390 px browser per page."""
    from playwright.sync_api import sync_playwright

    weights = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for name, path in pages.items():
            context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                                          service_workers="block")
            page = context.new_page()
            page.goto(base_url + "/masuk/")
            page.get_by_label("Nama pengguna").fill(username)
            page.get_by_label("Kata sandi").fill(PASSWORD)
            page.get_by_role("button", name="Masuk").click()
            page.wait_for_load_state("networkidle")
            sizes = []
            page.on("response", lambda response: sizes.append(response))
            page.goto(base_url + path)
            page.wait_for_load_state("networkidle")
            total = 0
            for response in sizes:
                try:
                    body = response.body()
                except Exception:  # a redirect has no body
                    continue
                total += travelling_size(body, response.headers.get("content-type", ""))
            weights[name] = (total / 1024, len(sizes))
            context.close()
        browser.close()
    return weights


def main():
    args = parse_args()
    database_url = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/purbalingga_bench")
    dashboard_bench.ensure_database(database_url, args.rebuild)
    dashboard_bench.configure(database_url)
    dashboard_bench.populate(args.umkm)

    from django.conf import settings
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.test.testcases import LiveServerThread

    from mapping.models import UMKM, Product
    from mentoring.models import Pendamping

    settings.MEDIA_ROOT = os.environ.get("BENCH_MEDIA_ROOT", "/tmp/field-bench-media")
    settings.TASKS_BACKEND = "immediate"
    setup_test_environment()  # responses keep their context: a refused save names its errors
    settings.ALLOWED_HOSTS = ["*"]
    mentor = Pendamping.objects.filter(assignments__isnull=False).order_by("pk").first().user
    mentor.set_password(PASSWORD)
    mentor.save(update_fields=["password"])
    print(f"data: {UMKM.objects.count()} UMKM, {Product.objects.count()} products; mentor {mentor.username}")

    client = Client()
    client.force_login(mentor)
    client.get("/tugas-saya/")  # warm connections and caches
    samples = save_timings(client, mentor, args.repeat)

    umkm = UMKM.objects.editable_by(mentor).active().order_by("pk").first()
    product = Product.objects.filter(umkm__in=UMKM.objects.editable_by(mentor)).order_by("pk").first()
    pages = {"login": "/masuk/", "tugas saya": "/tugas-saya/", "survei cepat": "/survei/cepat/",
             "umkm": f"/umkm/{umkm.pk}/", "penilaian": f"/produk/{product.pk}/penilaian/",
             "kunjungan": f"/kunjungan/baru/?umkm={umkm.pk}"}
    server = LiveServerThread("localhost", StaticFilesHandler, port=0)  # static files from the finders
    server.daemon = True
    server.start()
    server.is_ready.wait()
    try:
        weights = page_weights(f"http://localhost:{server.port}", mentor.username, pages)
    finally:
        server.terminate()

    print(f"{'save (server time)':<24}{'median ms':>10}{'worst ms':>10}")
    medians = {}
    for name, values in samples.items():
        medians[name] = statistics.median(values)
        print(f"{name:<24}{medians[name]:>10.0f}{max(values):>10.0f}")
    print(f"{'page (first visit)':<24}{'KB':>10}{'requests':>10}")
    for name, (kb, requests) in weights.items():
        print(f"{name:<24}{kb:>10.0f}{requests:>10}")
    worst_save = max(medians, key=medians.get)
    heaviest = max(weights, key=lambda n: weights[n][0])
    print(f"RESULT umkm={UMKM.objects.count()} save_worst={worst_save.replace(' ', '_')} "
          f"save_worst_median_ms={medians[worst_save]:.0f} "
          f"save_max_ms={max(max(v) for v in samples.values()):.0f} page_heaviest={heaviest.replace(' ', '_')} "
          f"page_heaviest_kb={weights[heaviest][0]:.0f}")


if __name__ == "__main__":
    main()
