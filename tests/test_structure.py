"""The house has one direction: infrastructure ← spreadsheets ← mapping ← mentoring.

Nothing points back: no import, no lookup through another app's tables, no template
link to an app that its own app may not import.
"""

import ast
import re
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ["purbalingga_umkm", "spreadsheets", "mapping", "mentoring"]


def python_files(package: str):
    return [p for p in (ROOT / package).rglob("*.py") if "migrations" not in p.parts]


def imported_modules(path: Path) -> set[str]:
    """The top-level modules a file imports."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


def imported_apps(path: Path) -> set[str]:
    return imported_modules(path) & set(LAYERS)


@pytest.mark.parametrize("package", LAYERS)
def test_no_package_imports_a_layer_above_it(package):
    above = set(LAYERS[LAYERS.index(package) + 1:])
    offenders = {str(p.relative_to(ROOT)): sorted(imported_apps(p) & above) for p in python_files(package)}

    assert {path: apps for path, apps in offenders.items() if apps} == {}


def test_long_work_goes_on_the_job_queue_not_into_threads_of_the_web_server():
    starts_threads = [str(p.relative_to(ROOT)) for package in LAYERS for p in python_files(package)
                      if {"threading", "concurrent", "multiprocessing"} & imported_modules(p)]

    assert starts_threads == []


def test_mapping_never_reaches_mentorings_tables_through_relation_names():
    pattern = re.compile(r"assignments__|pendamping__")
    hits = [f"{p.relative_to(ROOT)}:{n}" for p in python_files("mapping")
            for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if pattern.search(line)]

    assert hits == []


@pytest.mark.parametrize("folder, allowed", [
    ("spreadsheets", {"spreadsheets"}),
    ("mapping", {"spreadsheets", "mapping"}),
])
def test_templates_link_only_to_apps_their_app_may_import(folder, allowed):
    used = set()
    for template in (ROOT / "templates" / folder).rglob("*.html"):
        used.update(re.findall(r"{%\s*url\s+['\"](\w+):", template.read_text(encoding="utf-8")))

    assert used - allowed == set()


@pytest.mark.django_db
def test_the_umkm_page_shows_the_history_link_that_mentoring_adds(client, world):
    client.force_login(world.users["pimpinan"])
    response = client.get(reverse("mapping:umkm-detail", args=[world.umkm["X"].pk]))

    assert response.status_code == 200
    assert reverse("mentoring:umkm-history", args=[world.umkm["X"].pk]) in response.content.decode()


# String literals in static/js that are code, not words a person reads.
JS_CODE_WORDS = {"use strict", "Point", "Feature", "FeatureCollection", "Polygon", "MultiPolygon"}  # GeoJSON types


def js_literals_outside_gettext(path: Path):
    """Double-quoted literals of a script that read like Indonesian text and are not the
    argument of gettext()/interpolate()."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        code = "" if line.strip().startswith("//") else line
        for match in re.finditer(r'"((?:[^"\\]|\\.)*)"', code):
            literal = match.group(1)
            before = code[:match.start()]
            if literal in JS_CODE_WORDS or re.search(r"(gettext|interpolate)\(\s*$|ngettext\([^()]*,\s*$", before):
                continue
            if re.fullmatch(r"[a-z0-9 _-]*", literal):
                continue  # CSS classes, event names, keys
            if re.search(r"[A-Za-z]{2,}[ …][A-Za-z]{2,}|…|^[A-Z][a-z]{3,}", literal):
                yield f"{path.name}:{number}: {literal}"


def test_every_sentence_in_the_scripts_goes_through_the_translation_catalog():
    scripts = sorted((ROOT / "static" / "js").glob("*.js"))
    assert scripts
    assert [hit for path in scripts for hit in js_literals_outside_gettext(path)] == []


def test_the_scan_catches_a_sentence_typed_into_a_script(tmp_path):
    script = tmp_path / "x.js"
    script.write_text('status.textContent = "Lokasi tersimpan.";\nok = gettext("Mencari lokasi…");\n')
    assert list(js_literals_outside_gettext(script)) == ["x.js:1: Lokasi tersimpan."]


@pytest.mark.django_db
def test_pages_load_the_javascript_catalog(client):
    catalog = client.get(reverse("javascript-catalog"))
    assert catalog.status_code == 200
    assert b"django.gettext" in catalog.content and b"django.interpolate" in catalog.content
    assert reverse("javascript-catalog").encode() in client.get(reverse("login")).content


@pytest.mark.django_db
def test_the_javascript_catalog_speaks_the_language_the_buyer_chose(client):
    """The landing page's map script in English after the switch (locale/en/LC_MESSAGES/djangojs.mo),
    and the catalogue, cached per language, in Indonesian again after switching back."""
    english = "The district boundaries could not be loaded (%s)."
    assert english not in client.get(reverse("javascript-catalog")).content.decode()

    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    catalog = client.get(reverse("javascript-catalog"))
    assert catalog["Content-Language"] == "en" and english in catalog.content.decode()
    # The back office's scripts stay Indonesian: a hand-over reason offline.js sends is read by the office.
    assert "ditolak server" not in catalog.content.decode() and "refused by the server" not in catalog.content.decode()

    client.post(reverse("set_language"), {"language": "id", "next": "/"})
    assert english not in client.get(reverse("javascript-catalog")).content.decode()
