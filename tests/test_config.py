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
