"""`kiosk report policy`: the phone-rules figures as a table, CSV and JSON; a wrong date, class or period refused in
one sentence (exit 1)."""

from __future__ import annotations

import csv
import io
import json

import pytest

from tests.unit.test_policy_figures import SCHOOL, SIX_A, Fortnight

HEADER = ("class,school_days,phones_in,pupils_with_phones,cupboard_phones,office_phones,handed_back,left_overnight,"
          "early_hand_backs,parents_told,parents_not_told,parents_told_median_minutes,parents_told_max_minutes,"
          "cupboard_unconfirmed_days,confiscations,confiscation_repeat_pupils,confiscation_median_hours,"
          "exceptions_active,exceptions_review_due")
PERIOD = ("--from", "2026-11-10", "--to", "2026-11-20")


@pytest.fixture
def fortnight(database, school, clock) -> Fortnight:
    return Fortnight(database, school, clock)


def test_json_is_one_object_per_class_then_the_school(kiosk, fortnight):
    status, out, err = kiosk("report", "policy", *PERIOD, "--format", "json")
    assert (status, err) == (0, "")
    rows = json.loads(out)
    assert [row["class"] for row in rows] == ["2C", "4B", "6A", "school"]
    assert rows[2] == {"class": "6A", **SIX_A}
    assert rows[3] == {"class": "school", **SCHOOL}
    assert list(rows[0]) == HEADER.split(",")


def test_csv_has_the_keys_as_its_header_and_numbers_as_numbers(kiosk, fortnight):
    status, out, _ = kiosk("report", "policy", *PERIOD, "--class", "6A", "--format", "csv")
    assert status == 0
    assert out.splitlines() == [HEADER, "6A,9,5,2,3,2,4,1,1,1,1,30.0,30.0,1,0,0,,0,0",
                                "school,9,7,3,3,4,5,1,1,3,1,30.0,70.0,1,2,1,28.0,1,1"]


def test_the_table_says_the_period_and_what_each_heading_means(kiosk, fortnight):
    status, out, _ = kiosk("report", "policy", "--period", "this-half-term")
    assert status == 0
    lines = out.splitlines()
    assert lines[0] == "Phone rules, Mon 2 Nov 2026 to Fri 20 Nov 2026 (15 school days):"
    assert lines[2].split() == ["CLASS", "DAYS", "IN", "PUPILS", "CUPBD", "OFFICE", "BACK", "NIGHT", "EARLY", "TOLD",
                                "UNTOLD", "MED", "MIN", "MAX", "MIN", "UNLOCKED", "CONFISC", "REPEAT", "MED", "HRS",
                                "EXCEPT", "REVIEW"]
    assert lines[5].split() == ["6A", "15", "5", "2", "3", "2", "4", "1", "1", "1", "1", "30.0", "30.0", "1", "0",
                                "0", "0", "0"]
    assert lines[6].split() == ["school", "15", "7", "3", "3", "4", "5", "1", "1", "3", "1", "30.0", "70.0", "1", "2",
                                "1", "28.0", "1", "1"]
    assert "CUPBD to the class cupboard (R1)" in out and "Ledger anchor: K1-" in out


def test_by_week_adds_the_week_and_by_year_the_pupils_in_each_year(kiosk, fortnight):
    rows = json.loads(kiosk("report", "policy", *PERIOD, "--by", "week", "--format", "json")[1])
    assert [(row["week"], row["class"], row["phones_in"]) for row in rows if row["class"] in ("6A", "school")] == [
        ("2026-11-09", "6A", 4), ("2026-11-09", "school", 6), ("2026-11-16", "6A", 1), ("2026-11-16", "school", 1)]
    assert list(rows[0])[:2] == ["week", "class"]
    _, out, _ = kiosk("report", "policy", *PERIOD, "--by", "year", "--format", "csv")
    table = list(csv.DictReader(io.StringIO(out)))
    assert [(r["year"], r["pupils_in_year"], r["class"], r["pupils_with_phones"], r["office_phones"])
            for r in table] == [("Year 2", "1", "school", "0", "0"), ("Year 4", "1", "school", "1", "2"),
                                ("Year 6", "2", "school", "2", "2"), ("all", "4", "school", "3", "4")]
    days = json.loads(kiosk("report", "policy", "--from", "2026-11-13", "--to", "2026-11-16", "--by", "day",
                            "--class", "4B", "--format", "json")[1])
    assert [(row["day"], row["class"], row["confiscations"]) for row in days] == [
        ("2026-11-13", "4B", 0), ("2026-11-13", "school", 0), ("2026-11-16", "4B", 1), ("2026-11-16", "school", 1)]


@pytest.mark.parametrize(("args", "said"), [
    (("--from", "31/02/2026"), "“31/02/2026” is not a date for --from: write it like 2026-11-10 or 10/11/2026.\n"),
    (("--class", "7Z"), "No pupil is in class “7Z”: check the class, e.g. 4B.\n"),
    (("--period", "last-week"), "“last-week” is not a period: use this-half-term, this-term or this-year.\n"),
    (("--by", "month"), "“month” is not a way to split the figures: use --by week, --by day or --by year.\n"),
])
def test_a_wrong_date_class_or_period_is_one_sentence(kiosk, school, args, said):
    assert kiosk("report", "policy", *args) == (1, "", said)


def test_term_dates_from_the_setting(kiosk, fortnight, monkeypatch):
    monkeypatch.setenv("KIOSK_TERM_DATES", json.dumps({"terms": ["2026-09-03..2026-12-16"],
                                                       "half_terms": ["2026-10-26..2026-11-06"],
                                                       "closed": ["2026-11-13"]}))
    rows = json.loads(kiosk("report", "policy", "--period", "this-half-term", "--format", "json")[1])
    assert rows[-1]["school_days"] == 9  # Mon 9 to Fri 20 November, less the INSET day on Friday 13th
    monkeypatch.setenv("KIOSK_TERM_DATES", json.dumps({"terms": ["2026-09-03..2026-12-16"],
                                                       "half_terms": ["2026-10-26..2026-13-06"]}))
    assert kiosk("report", "policy") == (1, "", "“2026-10-26..2026-13-06” in the term_dates setting (half_terms) is "
                                                "not a date or a range of dates: write it like 2026-09-02..2026-12-18, "
                                                "or 2026-11-27 for one day.\n")


def test_the_evidence_pack_holds_the_same_figures_and_the_anchor(kiosk, fortnight, tmp_path):
    import subprocess

    assert kiosk("cupboard", "check", "6A", "--by", "HTE")[0] == 0  # a stock-take on the clock's day, in the period
    status, out, err = kiosk("report", "policy", *PERIOD, "--pack", str(tmp_path / "pack.pdf"))
    assert (status, err) == (0, "")
    assert out.strip() == f"Evidence pack for Tue 10 Nov 2026 to Fri 20 Nov 2026 written to {tmp_path / 'pack.pdf'}"
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "pack.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    anchor = kiosk("audit", "anchor")[1].strip()
    assert f"Ledger anchor {anchor.removeprefix('Ledger anchor: ')}" in " ".join(text.split())
    by_class = next(line.split() for line in text.splitlines() if line.strip().startswith("Phones checked in"))
    rows = json.loads(kiosk("report", "policy", *PERIOD, "--format", "json")[1])
    assert by_class[3:] == [str(row["phones_in"]) for row in rows] == ["0", "2", "5", "7"]  # 2C, 4B, 6A, school
    [take] = [line.split() for line in text.splitlines() if "6A" in line and "Helen T." in line]
    assert take[-8:] == ["6A", "cupboard", "Helen", "T.", "0", "0", "0", "0"]  # after home-time: an empty cupboard
    assert not list(tmp_path.glob(".*.part"))


WHOLE_SCHOOL = "The evidence pack covers the whole school, by class, year and week: leave out --class and --by."


@pytest.mark.parametrize("args", [("--class", "6A"), ("--by", "week")])
def test_the_pack_is_for_the_whole_school(kiosk, fortnight, tmp_path, args):
    status, out, err = kiosk("report", "policy", *PERIOD, *args, "--pack", str(tmp_path / "pack.pdf"))
    assert (status, out, err.strip()) == (1, "", WHOLE_SCHOOL)
    assert not (tmp_path / "pack.pdf").exists()


def test_a_pack_into_a_missing_folder_is_one_sentence_and_writes_nothing(kiosk, fortnight, tmp_path):
    status, out, err = kiosk("report", "policy", *PERIOD, "--pack", str(tmp_path / "nowhere" / "pack.pdf"))
    assert (status, out) == (1, "")
    assert err.strip() == (f"The evidence pack could not be written to {tmp_path / 'nowhere' / 'pack.pdf'} (No such "
                           "file or directory): choose a folder that exists and has room.")
