"""Browser tests: Playwright drives Debian's Chromium, offline, against live_server."""

import os

import pytest
from django.apps import apps as django_apps
from django.contrib.auth import get_user_model
from django.core import serializers
from django.test.testcases import _StaticFilesHandler
from playwright.sync_api import sync_playwright
from pytest_django.live_server_helper import LiveServer

from mapping import services
from mapping.models import Kecamatan
from mentoring.roles import roles_sync

# Playwright's sync API keeps an event loop in the test thread; the ORM calls made by
# the tests themselves are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
# Without these flags Chromium tries to reach Google's services at start-up.
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
VIEWPORTS = {
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
    "desktop": {"viewport": {"width": 1366, "height": 900}},
}


@pytest.fixture(scope="session")
def live_server():
    """Serves the collected, hashed static files (as in production), not the sources."""
    server = LiveServer("localhost", start=False)
    server.thread.static_handler = _StaticFilesHandler
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def open_page(browser, viewport_name):
    context = browser.new_context(locale="id-ID", **VIEWPORTS[viewport_name])
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.js_errors = errors
    return context, page


@pytest.fixture(params=list(VIEWPORTS))
def any_page(request, browser):
    context, page = open_page(browser, request.param)
    yield page
    context.close()


@pytest.fixture
def desktop_page(browser):
    context, page = open_page(browser, "desktop")
    yield page
    context.close()


# Rows that data migrations create; a flush between transactional tests removes them.
MIGRATION_DATA = ["mentoring.topic", "mapping.rubric", "mapping.criterion", "mapping.criterionlevel",
                  "mapping.ratingclass", "mapping.factbitcounter"]


@pytest.fixture(scope="session")
def migration_data(django_db_setup, django_db_blocker):
    """The rows the migrations made, as they are in the fresh test database."""
    with django_db_blocker.unblock():
        return serializers.serialize("json", [
            row for label in MIGRATION_DATA for row in django_apps.get_model(label)._default_manager.order_by("pk")
        ])


@pytest.fixture
def live_wilayah(transactional_db, migration_data):
    """Transactional tests start from a flushed database: reference data, role groups
    and the rows made by migrations (visit topics, rubric v1, rating classes) are put back."""
    if not django_apps.get_model("mentoring.topic").objects.exists():
        for row in serializers.deserialize("json", migration_data):
            row.save()
    if not Kecamatan.objects.exists():
        services.wilayah_load()
    roles_sync(django_apps)


@pytest.fixture
def staff_user(transactional_db):
    return get_user_model().objects.create_superuser(
        "staf.dinas", "staf@example.invalid", "kata-sandi-uji-123"
    )
