"""Settings come from WENKU_* variables in one place; the data folder never moves with the cwd."""

import pytest

from wenku import config


def test_the_default_data_folder_is_the_checkouts_wherever_a_command_starts(monkeypatch):
    monkeypatch.delenv("WENKU_DATA_DIR", raising=False)
    expected = config.PACKAGE_DIR.parents[1] / "var"
    for folder in (
        config.PACKAGE_DIR,
        config.PACKAGE_DIR.parents[1],
        config.PACKAGE_DIR / "locale",
    ):
        monkeypatch.chdir(folder)
        assert config.load().data_dir == expected


def test_a_data_folder_inside_the_package_is_refused(monkeypatch):
    monkeypatch.setenv("WENKU_DATA_DIR", str(config.PACKAGE_DIR / "var"))
    with pytest.raises(SystemExit, match="inside the package"):
        config.load()


def test_a_malformed_value_names_its_variable(monkeypatch):
    monkeypatch.setenv("WENKU_MAX_UPLOAD_MB", "lots")
    with pytest.raises(SystemExit, match="WENKU_MAX_UPLOAD_MB"):
        config.load()


def _settings_of(env: dict, *names: str) -> str:
    import os
    import subprocess
    import sys

    code = (
        "import django; django.setup(); from django.conf import settings as s;"
        f"print(*(repr(eval('s.' + n)) for n in {list(names)!r}))"
    )
    full = {**os.environ, "DJANGO_SETTINGS_MODULE": "wenku.settings", **env}
    done = subprocess.run([sys.executable, "-c", code], env=full, capture_output=True, text=True)
    return done.stdout + done.stderr


def test_wenku_cache_url_selects_a_shared_redis_cache(tmp_path):
    out = _settings_of(
        {"WENKU_DATA_DIR": str(tmp_path), "WENKU_CACHE_URL": "redis://127.0.0.1:6390/2"},
        "CACHES['default']['BACKEND']",
        "CACHES['default']['LOCATION']",
    )
    assert "RedisCache" in out and "redis://127.0.0.1:6390/2" in out
    local = _settings_of({"WENKU_DATA_DIR": str(tmp_path)}, "CACHES['default']['BACKEND']")
    assert "LocMemCache" in local
    wrong = _settings_of(
        {"WENKU_DATA_DIR": str(tmp_path), "WENKU_CACHE_URL": "memcached://x"}, "CACHES"
    )
    assert "WENKU_CACHE_URL: not a Redis URL" in wrong


def test_a_publish_check_that_cannot_be_imported_stops_the_start(tmp_path):
    import os
    import subprocess
    import sys

    checks = "wenku.moderation.checks.sensitive_words,wenku.nowhere.check"
    env = {**os.environ, "WENKU_DATA_DIR": str(tmp_path), "WENKU_PUBLISH_CHECKS": checks}
    done = subprocess.run(
        [sys.executable, "-m", "wenku.cli", "check"], env=env, capture_output=True, text=True
    )
    assert done.returncode != 0
    assert "wenku.E001" in done.stderr and "cannot import 'wenku.nowhere.check'" in done.stderr
    env["WENKU_PUBLISH_CHECKS"] = "wenku.moderation.checks.sensitive_words"
    done = subprocess.run(
        [sys.executable, "-m", "wenku.cli", "check"], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
