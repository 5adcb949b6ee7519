"""Browser tests: Playwright drives Debian's Chromium, offline, against live_server."""

import os

import pytest
from django.contrib.auth import get_user_model
from django.test.testcases import _StaticFilesHandler
from playwright.sync_api import sync_playwright
from pytest_django.live_server_helper import LiveServer


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


@pytest.fixture
def live_wilayah(transactional_db, wilayah):
    """Transactional tests start from a flushed database: reference data, role groups
    and the rows made by migrations are put back (the `wilayah` fixture)."""


@pytest.fixture
def staff_user(transactional_db):
    return get_user_model().objects.create_superuser(
        "staf.dinas", "staf@example.invalid", "kata-sandi-uji-123"
    )


def log_in(page, base_url, username, password="kata-sandi-uji-123"):
    """Sign in through the login page, as a person does."""
    page.goto(base_url + "/masuk/")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(password)
    page.get_by_role("button", name="Masuk").click()
