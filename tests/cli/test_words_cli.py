"""The command line's text listings read as words: no Python lists, None or True in a table (issue 12, point 16).
JSON and CSV keys are the contract and do not change; the custody report's note is text in every format."""

import re

import pytest

from db.phones import check_in_at_kiosk


@pytest.fixture
def filled(kiosk, database, school):
    return school


def test_the_custody_report_reads_as_words(kiosk, filled, database, clock):
    kiosk("phone", "in", filled.year4, "--by", "LPA")  # a Year 4 phone: the parents are to be told
    kiosk("parents", "told", filled.year4, "--by", "MJO", "--how", "phoned mum")
    kiosk("phone", "in", filled.walker, "--by", "HBR")
    kiosk("cupboard", "locked", "6A", "--by", "HBR")
    clock.advance(days=1)  # Wednesday: the 6A phone spent the night in the cupboard
    check_in_at_kiosk(database, filled.walker, "HBR")
    status, out, _ = kiosk("report", "custody", "--from", "2026-11-10", "--to", "2026-11-11")
    assert status == 0
    assert re.search(r"parents told .*how: phoned mum; parents task \d+$", out, re.M)
    assert re.search(r"cupboard locked .*1 phone in it$", out, re.M)
    assert re.search(r"phone in again .*held since Tue 10 Nov 08:40$", out, re.M)
    for python in ("[", "]", "{", "None", "True", "False", "+00:00"):
        assert python not in out


def test_a_role_refusal_on_the_command_line_names_the_staff_given_with_by(kiosk, filled):
    kiosk("phone", "in", filled.walker, "--by", "HBR")
    status, _, err = kiosk("phone", "out", filled.walker, "--by", "HBR", "--reason", "dentist")
    assert status == 1
    assert err.startswith("Hannah Brooks is a teacher: handing a phone back before home-time is for office staff")


def test_dates_in_a_table_read_as_days_and_stay_iso_in_csv(kiosk, filled):
    kiosk("exception", "add", "1003", "--kind", "medical", "--conditions", "Glucose app", "--review", "2027-03-31",
          "--by", "HTE")
    kiosk("staff", "phone-agree", "HBR", "--reason", "a carer", "--from", "2026-11-10", "--to", "2027-09-30",
          "--by", "HTE")
    _, register, _ = kiosk("exception", "list")
    _, staff_phones, _ = kiosk("staff", "phones", "--by", "HTE")
    assert "Wed 31 Mar " in register and "2027-03-31" not in register  # this school year: no year needed
    assert "Tue 10 Nov " in staff_phones and "Thu 30 Sep 2027" in staff_phones  # next school year: with it
    _, csv_out, _ = kiosk("exception", "list", "--format", "csv")
    assert csv_out.splitlines()[1].endswith(",2027-03-31,current")
