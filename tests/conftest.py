"""Fixtures shared by the whole suite: users, a warm LibreOffice, and a way to run the queue."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest

os.environ.setdefault("WENKU_DATA_DIR", str(Path(__file__).resolve().parents[1] / "var" / "test"))


def pytest_configure(config):
    """Compile the translations once, if a .mo is missing or older than its .po, so that a
    plain `pytest` works in a fresh checkout (the .mo files are not committed)."""
    import contextlib

    from django.conf import settings
    from django.core.management import call_command

    for locale_dir in map(Path, settings.LOCALE_PATHS):
        stale = [
            po
            for po in locale_dir.glob("*/LC_MESSAGES/*.po")
            if not po.with_suffix(".mo").exists()
            or po.with_suffix(".mo").stat().st_mtime < po.stat().st_mtime
        ]
        if stale:
            # compilemessages also searches the working folder: search only the package's.
            with contextlib.chdir(locale_dir.parent):
                call_command("compilemessages", verbosity=0)


@pytest.fixture(autouse=True)
def site_language():
    """Each test starts in the site's language: a request in English leaves English active in
    its thread, and messages made outside a request (a worker's) would follow it."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def user(db, django_user_model):
    return django_user_model.objects.create_user("uploader1", password="pw-123456-abc")


@pytest.fixture
def admin_user(db, django_user_model):
    return django_user_model.objects.create_superuser("admin", "admin@example.com", "pw-admin-123")


@pytest.fixture(scope="session")
def office():
    """One warm LibreOffice (unoserver) for the whole test session, as a worker has."""
    from wenku.conversion import runner
    from wenku.conversion.office import OfficeConverter
    from wenku.settings import DATA_DIR

    converter = OfficeConverter(DATA_DIR / "run" / f"test-office-{os.getpid()}")
    converter.start()
    runner.set_worker_identity(runner.WORKER_ID, converter)
    yield converter
    converter.stop()


@pytest.fixture
def run_queue(office, monkeypatch):
    """Run every task that is due, in this process, as a worker would; returns how many ran."""
    from django_tasks_db.management.commands import db_worker
    from django_tasks_db.management.commands.db_worker import Worker

    # The worker closes connections between tasks; inside a test's transaction that would
    # close the test's own connection.
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    from django_tasks_db.models import DBTaskResult

    def run() -> int:
        before = DBTaskResult.objects.finished().count()
        Worker(
            queue_names=["*"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id="test-worker",
            excluded_queue_names=[],
        ).run()
        return DBTaskResult.objects.finished().count() - before

    cold_before = office.cold_conversions
    yield run
    # The warm LibreOffice is the product: a test that silently fell back to a cold soffice
    # would pass while measuring the fallback.
    assert office.cold_conversions == cold_before, "a conversion fell back to a cold soffice"


@pytest.fixture
def tmp_docs(tmp_path):
    """A folder for documents built by the test."""
    folder = tmp_path / "docs"
    folder.mkdir()
    return folder


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Site settings are cached; a test's rolled-back edits must not leak into the next test."""
    from django.core.cache import cache

    from wenku.site.models import SiteSettings

    SiteSettings.forget()
    cache.clear()
    yield
    SiteSettings.forget()
    cache.clear()


@pytest.fixture
def site_settings(db):
    """The site settings row, for tests that change a rule (saving clears the cache)."""
    from wenku.site.models import SiteSettings

    return SiteSettings.current()


@pytest.fixture
def make_document(db, user):
    """A published document with an original and a PDF rendition, built without LibreOffice."""
    from tests.factories import published_document

    def make(**kwargs):
        kwargs.setdefault("uploader", user)
        return published_document(**kwargs)

    return make


@pytest.fixture
def reader(db, django_user_model):
    return django_user_model.objects.create_user("reader88", password="pw-123456-abc")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The production hasher is slow on purpose; the tests log in hundreds of times.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def wenku_config(settings):
    """Change `WENKU_*` values for one test: `wenku_config(max_upload_mb=1)` (pytest-django's
    `settings` puts `settings.WENKU` back afterwards)."""

    def change(**values) -> None:
        settings.WENKU = dataclasses.replace(settings.WENKU, **values)

    return change


@pytest.fixture(autouse=True)
def _fresh_page_stamps(wenku_config):
    """Tests look at the database on every cached page view, so an edit shows on the next
    request (in production a process trusts its last look for a second)."""
    from wenku.web.views import document as views

    wenku_config(page_stamp_seconds=0)
    views._stamps.clear()


SITE_TIME_ZONE = "Asia/Shanghai"


@pytest.fixture
def at_utc(time_machine, settings):
    """Stop the clock at a UTC instant, and move it by calling again: `at_utc("2026-03-02 15:59")`.

    The site's day is Shanghai's (UTC+8): it begins at 16:00 UTC, so 15:59 and 16:01 UTC of one
    UTC date fall on two site days, and 16:01 of one UTC date and 15:59 of the next on one. The
    clock stands still (no tick), so a test never straddles a midnight by accident."""
    import datetime as dt

    # Pinned, so that an operator's WENKU_TIME_ZONE in the environment cannot move the midnights.
    settings.TIME_ZONE = SITE_TIME_ZONE

    def move_to(instant: str) -> dt.datetime:
        moment = dt.datetime.fromisoformat(instant).replace(tzinfo=dt.UTC)
        time_machine.move_to(moment, tick=False)
        return moment

    return move_to
