"""Shared fixtures. Tests run against a real PostGIS test database (no mocks).

The Bungo reference data is loaded once when the test database is created. Tests that need a truly
committed database (browser tests through `live_server`) flush it when they end, so `reference_data`
reloads it whenever it finds the table empty.
"""

import os
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

from dusun.wilayah.models import Wilayah
from dusun.wilayah.reference import DEFAULT_DATASET


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("load_wilayah", verbosity=0)
        call_command("load_legends", verbosity=0)


@pytest.fixture
def reference_data(db):
    if not Wilayah.objects.filter(kode="15.08").exists():
        call_command("load_wilayah", verbosity=0)
        call_command("load_legends", verbosity=0)
    return Wilayah.objects.get(kode="15.08")


@pytest.fixture
def dataset_copy(tmp_path) -> Path:
    """A writable copy of the shipped Bungo dataset, for tests that edit or break files."""
    target = tmp_path / "bungo"
    shutil.copytree(DEFAULT_DATASET, target)
    return target


# --- Headless Chromium ------------------------------------------------------------------------------------
# Debian's /usr/bin/chromium driven by Playwright; no browser download. One session-wide browser for the
# whole suite: Playwright's sync API allows one instance per thread, so it lives here and nowhere else.
#
# Playwright's sync API runs an event loop in the test thread, which makes Django refuse ORM calls there
# ("async context"); browser tests read and set up data around the live server, so that guard is relaxed.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("DUSUN_CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root
    "--disable-background-networking",  # the machine has no network; stop Chromium from trying
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--use-angle=swiftshader",  # software WebGL for MapLibre without a GPU
    "--enable-unsafe-swiftshader",
]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A fresh browser context per test (no shared cookies), Bahasa locale; console errors collected."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID")
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda msg: msg.type == "error" and page.console_errors.append(msg.text))
    page.on("pageerror", lambda exc: page.console_errors.append(str(exc)))
    yield page
    context.close()
