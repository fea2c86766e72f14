"""Where a setting comes from (kiosk/config.py reads the three sources itself): the command line first, then a
KIOSK_ variable, then settings.toml, then the default."""

import os
from dataclasses import asdict, fields, replace
from datetime import time
from pathlib import Path

import pytest

from kiosk.config import Settings, config_file


@pytest.fixture
def toml():
    path = config_file()
    assert str(path).startswith(os.environ["XDG_CONFIG_HOME"])  # tests/conftest.py gives each test its own folder
    path.parent.mkdir(parents=True, exist_ok=True)

    def write(text: str) -> Path:
        path.write_text(text, encoding="utf-8")
        return path

    return write


def test_each_source_in_its_order(toml, monkeypatch):
    toml('school_name = "Larkrise Primary"\nkeep_custody_years = 2\nhome_time = "15:10"\npaper = "58mm"\n')
    monkeypatch.setenv("KIOSK_KEEP_CUSTODY_YEARS", "3")
    monkeypatch.setenv("kiosk_paper", "80mm")  # any case, as pydantic-settings read them
    settings = Settings(keep_custody_years=5)
    assert (settings.school_name, settings.keep_custody_years, settings.home_time, settings.paper,
            settings.timezone) == ("Larkrise Primary", 5, time(15, 10), "80mm", "Europe/London")
    assert Settings().keep_custody_years == 3


def test_a_variable_that_names_no_setting_is_ignored(monkeypatch):
    monkeypatch.setenv("KIOSK_NOT_A_SETTING", "1")
    monkeypatch.setenv("KIOSK_TEST_POSTGRES", "start")
    settings = Settings()
    assert not hasattr(settings, "not_a_setting") and not hasattr(settings, "test_postgres")
    assert asdict(settings).keys() == {setting.name for setting in fields(Settings)}


def test_a_bad_value_names_its_setting(toml):
    toml('keep_daily_backups = 0\n')
    with pytest.raises(ValueError) as caught:
        Settings()
    assert (caught.value.name, caught.value.why) == ("keep_daily_backups", "input should be greater than or equal to 1")


def test_a_file_that_is_not_toml_is_a_value_error(toml):
    toml('school_name = "Lark\n')
    with pytest.raises(ValueError, match="line 1"):
        Settings()


def test_the_term_dates_as_a_toml_table_or_json_in_their_variable(toml, monkeypatch):
    toml('[term_dates]\nterms = ["2026-09-03..2026-12-18"]\nclosed = ["2026-10-02"]\n')
    assert (Settings().term_dates.terms, Settings().term_dates.closed) == (["2026-09-03..2026-12-18"], ["2026-10-02"])
    monkeypatch.setenv("KIOSK_TERM_DATES", '{"terms": ["2027-01-05..2027-03-26"]}')
    assert (Settings().term_dates.terms, Settings().term_dates.closed) == (["2027-01-05..2027-03-26"], [])
    monkeypatch.setenv("KIOSK_TERM_DATES", "autumn")
    with pytest.raises(ValueError) as caught:
        Settings()
    assert caught.value.name == "term_dates"


def test_yes_no_times_and_numbers_read_from_their_text(toml, monkeypatch):
    toml('home_time = 15:05:00\nsounds = false\n')  # a TOML time and a TOML boolean
    monkeypatch.setenv("KIOSK_RECEIPT_ON_CHECK_IN", "Yes")
    monkeypatch.setenv("KIOSK_BACKUP_TIME", "16:30")
    monkeypatch.setenv("KIOSK_IDLE_LOCK_SECONDS", " 300 ")
    settings = Settings()
    assert (settings.home_time, settings.sounds, settings.receipt_on_check_in, settings.backup_time,
            settings.idle_lock_seconds) == (time(15, 5), False, True, time(16, 30), 300)
    for variable, value, why in (("KIOSK_SOUNDS", "maybe",
                                  "input should be a valid boolean, unable to interpret input"),
                                 ("KIOSK_HOME_TIME", "quarter past three",
                                  "input should be in a valid time format, e.g. 15:15"),
                                 ("KIOSK_SERVE_SESSIONS", "eight",
                                  "input should be a valid integer, unable to parse string as an integer")):
        monkeypatch.setenv(variable, value)
        with pytest.raises(ValueError) as caught:
            Settings()
        assert (caught.value.name, caught.value.why) == (variable.removeprefix("KIOSK_").lower(), why)
        monkeypatch.delenv(variable)


def test_a_copy_with_one_setting_changed(toml):
    toml('school_name = "Larkrise Primary"\n')
    settings = Settings(kiosk_name="office-pc")
    changed = replace(settings, db="sqlite:///demo.db")
    assert (changed.db, changed.school_name, changed.kiosk_name, settings.db) == (
        "sqlite:///demo.db", "Larkrise Primary", "office-pc", None)
