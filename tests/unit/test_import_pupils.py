"""Importing pupils from SIMS, Arbor and Bromcom exports: real files on disk, a real SQLite database."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import select
from stdnum.gb import upn as upn_number

from db.core import COMMAND_LINE, Refused
from db.core.models import LedgerEntry, Location, Pupil
from db.core.spreadsheet import NOT_UTF8, ImportReport
from db.people import NOBODY_ARCHIVED, import_pupils, parse_year

DATA = Path(__file__).parent.parent / "data"
BOM = b"\xef\xbb\xbf"


def make_upn(serial: int, *, la: str = "801", school: str = "2000", year: str = "05") -> str:
    """A valid UPN: stdnum's check letter in front of the 12 digits."""
    body = f"{la}{school}{year}{serial:03d}"
    return upn_number.calc_check_digit(body) + body


def wrong_check_letter(upn: str) -> str:
    return ("A" if upn[0] != "A" else "B") + upn[1:]


def write(path: Path, lines: list[str], *, bom: bool = True, newline: str = "\r\n",
          encoding: str = "utf-8") -> Path:
    """Bytes exactly as an MIS export would save them (Excel's CSV UTF-8: BOM and CRLF)."""
    path.write_bytes((BOM if bom else b"") + newline.join(lines + [""]).encode(encoding))
    return path


def pupils(database) -> dict[str, Pupil]:
    """Every pupil, keyed by UPN (else admission number)."""
    with database.reading() as session:
        return {p.upn or p.adno: p for p in session.exec(select(Pupil)).all()}


def ledger(database) -> list[LedgerEntry]:
    with database.reading() as session:
        return session.exec(select(LedgerEntry).order_by(LedgerEntry.id)).all()


def locations(database) -> dict[str, Location]:
    with database.reading() as session:
        return {loc.name: loc for loc in session.exec(select(Location)).all()}


U1, U2, U3, U4, U5, U6 = (make_upn(n) for n in range(1, 7))

SIMS_HEADER = "Surname,Forename,Preferred Forename,Year,Reg Group,UPN,Adno"


def sims_export(tmp_path: Path) -> Path:
    """A SIMS student list: title lines above the header, a BOM, CRLF, quoted fields."""
    return write(tmp_path / "sims.csv", [
        "Student List",
        "Printed 10/11/2026 08:15",
        "",
        SIMS_HEADER,
        f"O'Connor,Siobhán,,Year 6,6A,{U1},1001",
        f"Nguyễn,Thảo,Tom,Y6,6B,{U2},1002",
        f'"Wiśniewski, Jr",Zoë,,5,5C,{U3},1003',
        f'Smith,"Mary-Jane","Mary Jane",Reception,RB,{U4},1004',
        ",,,,,,",
        f"Ó Briain,Aoife,,N1,Nursery,{U5},1005",
    ])


# --- Reading the files --------------------------------------------------------------------------


def test_sims_export_with_title_lines_bom_and_crlf(database, tmp_path):
    report = import_pupils(database, sims_export(tmp_path), by=COMMAND_LINE)

    assert report == ImportReport(added=5, updated=0, archived=0, skipped=())
    rows = pupils(database)
    assert {u: (p.legal_first, p.preferred_first, p.surname, p.year, p.class_name, p.adno)
            for u, p in rows.items()} == {
        U1: ("Siobhán", None, "O'Connor", 6, "6A", "1001"),
        U2: ("Thảo", "Tom", "Nguyễn", 6, "6B", "1002"),
        U3: ("Zoë", None, "Wiśniewski, Jr", 5, "5C", "1003"),
        U4: ("Mary-Jane", "Mary Jane", "Smith", 0, "RB", "1004"),
        U5: ("Aoife", None, "Ó Briain", -1, "Nursery", "1005"),
    }
    assert all(p.left_at is None and p.walk_home is False for p in rows.values())


def test_accented_and_apostrophised_names_round_trip_exactly(database, tmp_path):
    names = ["O'Connor", "Zoë", "Nguyễn", "Wiśniewski", "Mary-Jane", "D’Souza", "Ærøskøbing",
             "Müller-Łukasz"]
    lines = ["First Name,Last Name,Year,Class,UPN"]
    lines += [f'"{name}","{name}",6,6A,{make_upn(10 + i)}' for i, name in enumerate(names)]
    import_pupils(database, write(tmp_path / "names.csv", lines), by=COMMAND_LINE)

    stored = pupils(database)
    assert [(stored[make_upn(10 + i)].legal_first, stored[make_upn(10 + i)].surname)
            for i in range(len(names))] == [(n, n) for n in names]


def test_decomposed_accents_are_stored_composed_and_control_characters_refused(database, tmp_path):
    path = write(tmp_path / "mac.csv", ["Forename,Surname,Year,Class,UPN",
                                        f"Zoe\u0308,Nguye\u0302\u0303n,6,6A,{U1}", f'"Tab\tby",Mistake,6,6A,{U2}'])
    with pytest.raises(Refused) as refused:
        import_pupils(database, path, by=COMMAND_LINE)
    assert refused.value.details == ("line 3: the first name contains a line break or another control character",)

    import_pupils(database, path, skip_bad=True, by=COMMAND_LINE)
    assert (pupils(database)[U1].legal_first, pupils(database)[U1].surname) == ("Zoë", "Nguyễn")


def test_arbor_style_headers(database, tmp_path):
    path = write(tmp_path / "arbor.csv", [
        "First Name,Last Name,Preferred Name,Year Group,Registration Form,UPN,Admission No",
        f"Amelia,Jones,Millie,Year 6,6 Oak,{U1},A0042",
        f"Ravi,Patel,,Reception,R Ash,{U2},A0043",
    ], bom=False, newline="\n")

    assert import_pupils(database, path, by=COMMAND_LINE).added == 2
    rows = pupils(database)
    assert (rows[U1].preferred_first, rows[U1].year, rows[U1].class_name, rows[U1].adno) == \
        ("Millie", 6, "6 Oak", "A0042")
    assert (rows[U2].preferred_first, rows[U2].year, rows[U2].class_name) == (None, 0, "R Ash")


def test_bromcom_style_headers_in_any_case_and_spacing(database, tmp_path):
    path = write(tmp_path / "bromcom.csv", [
        "Bromcom Student Export",
        " LEGAL FORENAME , legal  surname,Known As,NC Year,Registration Group,upn,Admission Number,Gender",
        f"Leo,Brown,,NC Year 6,6W,{U1},77,M",
        f"Isla,Green,Izzy,NC Year 2,2E,{U2},78,F",
    ])

    assert import_pupils(database, path, by=COMMAND_LINE).added == 2
    rows = pupils(database)
    assert (rows[U1].legal_first, rows[U1].surname, rows[U1].year, rows[U1].class_name) == ("Leo", "Brown", 6, "6W")
    assert (rows[U2].preferred_first, rows[U2].year, rows[U2].adno) == ("Izzy", 2, "78")


def test_committed_sample_exports_import(database):
    """The sample files in tests/data import as they stand (their BOM and CRLF are checked first)."""
    sims = DATA / "sims_student_list.csv"
    assert sims.read_bytes().startswith(BOM) and b"\r\n" in sims.read_bytes()
    assert import_pupils(database, sims, by=COMMAND_LINE).added == 6
    assert import_pupils(database, DATA / "arbor_students.csv", full=False, by=COMMAND_LINE).added == 3
    assert import_pupils(database, DATA / "bromcom_students.csv", full=False, by=COMMAND_LINE).added == 3
    assert len(pupils(database)) == 12


@pytest.mark.parametrize("text, year", [
    ("Year 6", 6), ("6", 6), ("Y6", 6), ("Yr 6", 6), ("NC Year 6", 6), ("year6", 6), (" 3 ", 3), ("Year 1", 1),
    ("Reception", 0), ("R", 0), ("Rec", 0), ("YR", 0), ("Year R", 0), ("reception", 0),
    ("Nursery", -1), ("N", -1), ("N1", -1), ("N2", -1),
    ("7", None), ("Year 7", None), ("0", None), ("Blue", None), ("", None), ("6A", None), ("-1", None),
])
def test_year_values(text, year):
    assert parse_year(text) == year


def test_year_values_in_a_file(database, tmp_path):
    values = ["Year 6", "6", "Y6", "Yr 6", "NC Year 6", "Reception", "R", "Rec", "YR", "Nursery", "N", "N1", "N2"]
    lines = ["Forename,Surname,Year,Class,UPN"]
    lines += [f"Pupil,Number{i},{value},C{i},{make_upn(100 + i)}" for i, value in enumerate(values)]
    import_pupils(database, write(tmp_path / "years.csv", lines), by=COMMAND_LINE)

    stored = pupils(database)
    assert [stored[make_upn(100 + i)].year for i in range(len(values))] == [6] * 5 + [0] * 4 + [-1] * 4


def test_an_admission_number_is_enough_without_a_upn_column(database, tmp_path):
    path = write(tmp_path / "adno.csv", ["Forename,Surname,Year,Form,Adno", "Ada,Lovelace,4,4L,  0815  "])
    assert import_pupils(database, path, by=COMMAND_LINE).added == 1
    assert pupils(database)["0815"].upn is None


# --- Refusals about the whole file --------------------------------------------------------------


def test_missing_file(database, tmp_path):
    missing = tmp_path / "nope.csv"
    with pytest.raises(Refused) as refused:
        import_pupils(database, missing, by=COMMAND_LINE)
    assert str(refused.value) == f"There is no file at {missing}: check the name and folder."


@pytest.mark.parametrize("content", [b"", BOM, b"\r\n\r\n  \r\n", BOM + b"\n"])
def test_empty_file(database, tmp_path, content):
    path = tmp_path / "empty.csv"
    path.write_bytes(content)
    with pytest.raises(Refused) as refused:
        import_pupils(database, path, by=COMMAND_LINE)
    assert str(refused.value) == "The file empty.csv is empty: export the list again and import that file."


def test_windows_1252_file_is_read_exactly(database, tmp_path):
    """Excel's plain "CSV (Comma delimited)" is Windows-1252: once refused (issue 11 reversed that), now read."""
    path = write(tmp_path / "excel.csv", [
        "Forename,Surname,Year,Class,UPN", f"Zoë,O’Connor,6,6A,{U1}",
    ], bom=False, encoding="cp1252")
    assert b"\x92" in path.read_bytes() and b"\xeb" in path.read_bytes()

    import_pupils(database, path, by=COMMAND_LINE)
    assert (pupils(database)[U1].legal_first, pupils(database)[U1].surname) == ("Zoë", "O’Connor")


def test_bytes_none_of_the_encodings_read_are_refused_not_guessed(database, tmp_path):
    """0x81 is undefined in Windows-1252 and starts no UTF-8 character: the file is refused, not garbled."""
    path = tmp_path / "mac.csv"
    path.write_bytes(b"Forename,Surname,Year,Class,UPN\r\nZo\x81,Smith,6,6A," + U1.encode() + b"\r\n")
    with pytest.raises(Refused) as refused:
        import_pupils(database, path, by=COMMAND_LINE)
    assert str(refused.value) == NOT_UTF8
    assert NOT_UTF8 == ("The file is not saved as UTF-8: in Excel choose Save As → 'CSV UTF-8 (Comma delimited)' "
                        "and import it again.")
    assert pupils(database) == {} and ledger(database) == []


def test_utf16_file_is_read(database, tmp_path):
    path = tmp_path / "unicode.txt"
    path.write_bytes(f"Forename,Surname,Year,Class,UPN\r\nZoë,Nguyễn,6,6A,{U1}\r\n".encode("utf-16"))
    import_pupils(database, path, by=COMMAND_LINE)
    assert (pupils(database)[U1].legal_first, pupils(database)[U1].surname) == ("Zoë", "Nguyễn")


def test_no_header_row(database, tmp_path):
    path = write(tmp_path / "list.csv", ["Student List", "Name,Age", "Ada,9"])
    with pytest.raises(Refused) as refused:
        import_pupils(database, path, by=COMMAND_LINE)
    assert str(refused.value) == (
        "No header row was found in the first 20 rows of list.csv: it needs columns named "
        "Legal Forename, Forename or First Name and Legal Surname, Surname or Last Name.")


def test_header_below_20_rows_is_not_found(database, tmp_path):
    path = write(tmp_path / "deep.csv", ["Title"] * 20 + ["Forename,Surname,Year,Class,UPN", f"A,B,6,6A,{U1}"])
    with pytest.raises(Refused, match="No header row"):
        import_pupils(database, path, by=COMMAND_LINE)


def test_missing_column_names_it_and_its_synonyms(database, tmp_path):
    path = write(tmp_path / "noyear.csv", ["Forename,Surname,Reg Group,UPN", f"A,B,6A,{U1}"])
    with pytest.raises(Refused) as refused:
        import_pupils(database, path, by=COMMAND_LINE)
    assert str(refused.value) == ("The file noyear.csv has no Year column (name it Year, Year Group or NC Year): "
                                  "fix the header row and import it again.")


def test_missing_upn_and_adno_and_class_columns(database, tmp_path):
    path = write(tmp_path / "few.csv", ["Forename,Surname,Year", "A,B,6"])
    with pytest.raises(Refused) as refused:
        import_pupils(database, path, by=COMMAND_LINE)
    assert str(refused.value) == (
        "The file few.csv has no Class column (name it Reg Group, Registration Group, Registration Form, Form, "
        "Tutor Group or Class); no UPN or Admission Number column (name it UPN, Adno, Admission No or "
        "Admission Number): fix the header row and import it again.")


def test_header_but_no_pupils(database, tmp_path):
    path = write(tmp_path / "header.csv", [SIMS_HEADER, ",,,,,,"])
    with pytest.raises(Refused) as refused:
        import_pupils(database, path, by=COMMAND_LINE)
    assert str(refused.value) == "The file header.csv has a header row but no pupils below it: nothing was imported."


# --- Bad rows -----------------------------------------------------------------------------------


def bad_rows_file(tmp_path: Path) -> Path:
    """Line numbers count the title lines and the physical lines of a quoted multi-line field."""
    return write(tmp_path / "bad.csv", [
        "Student List",                                              # 1
        "",                                                          # 2
        "Surname,Forename,Year,Reg Group,UPN,Adno,Notes",            # 3
        f"Good,One,6,6A,{U1},1,",                                    # 4
        f"Bad,Check,6,6A,{wrong_check_letter(U2)},2,",               # 5
        f'Good,Two,5,5B,{U3},3,"allergic to nuts,',                  # 6
        'carries an EpiPen"',                                        # 7
        f"Bad,Year,7,7A,{U4},4,",                                    # 8
        "Bad,Numbers,6,6A,,,",                                       # 9
        f",Nameless,6,6A,{U5},5,",                                   # 10
        f"Dup,Upn,6,6A,{U1},6,",                                     # 11
        f"Dup,Adno,6,6A,{U6},3,",                                    # 12
        "Bad,Short,6,6A,801200005,7,",                              # 13
        f"Long,{'x' * 101},6,6A,{make_upn(50)},8,",                  # 14
        f"Long,Class,6,{'6' * 33},{make_upn(51)},9,",                # 15
        f"Bad,Blank year,,6A,{make_upn(52)},10,",                    # 16
    ])


BAD_LINES = (
    f"line 5: the UPN {wrong_check_letter(U2)} is not valid (wrong check letter)",
    "line 8: the year '7' is not a primary year (use Nursery, Reception or 1 to 6)",
    "line 9: there is no UPN and no admission number",
    "line 10: the surname is blank",
    f"line 11: the UPN {U1} is also on line 4",
    "line 12: the admission number 3 is also on line 6",
    "line 13: the UPN 801200005 is not valid (it must be 13 characters)",
    "line 14: the first name is longer than 100 characters",
    "line 15: the class is longer than 32 characters",
    "line 16: the year is blank",
)


def test_bad_rows_refuse_the_whole_import_and_write_nothing(database, tmp_path):
    with pytest.raises(Refused) as refused:
        import_pupils(database, bad_rows_file(tmp_path), by=COMMAND_LINE)

    assert str(refused.value) == ("10 rows in bad.csv could not be imported, so nothing was imported: "
                                  "fix them and import again, or use --skip-bad.")
    assert refused.value.details == BAD_LINES
    assert pupils(database) == {} and ledger(database) == [] and locations(database) == {}


def test_one_bad_row_is_reported_in_the_singular(database, tmp_path):
    path = write(tmp_path / "one.csv", ["Forename,Surname,Year,Class,UPN", f"A,B,6,6A,{U1}",
                                        f"C,D,6,6A,{wrong_check_letter(U2)}"])
    with pytest.raises(Refused) as refused:
        import_pupils(database, path, by=COMMAND_LINE)
    assert str(refused.value).startswith("1 row in one.csv could not be imported")
    assert refused.value.details == (f"line 3: the UPN {wrong_check_letter(U2)} is not valid (wrong check letter)",)


def test_several_problems_on_one_row_are_reported_together(database, tmp_path):
    path = write(tmp_path / "multi.csv", ["Forename,Surname,Year,Class,UPN",
                                          f",Smith,Blue,6A,{wrong_check_letter(U1)}"])
    with pytest.raises(Refused) as refused:
        import_pupils(database, path, by=COMMAND_LINE)
    assert refused.value.details == (
        f"line 2: the UPN {wrong_check_letter(U1)} is not valid (wrong check letter); the first name is blank; "
        "the year 'Blue' is not a primary year (use Nursery, Reception or 1 to 6)",)


def test_skip_bad_imports_the_good_rows_and_archives_nobody(database, tmp_path, clock):
    import_pupils(database, write(tmp_path / "first.csv", [
        "Forename,Surname,Year,Class,UPN,Adno", f"Already,Here,4,4A,{make_upn(60)},60"]), by=COMMAND_LINE)

    report = import_pupils(database, bad_rows_file(tmp_path), skip_bad=True, by=COMMAND_LINE)

    assert report == ImportReport(added=2, updated=0, archived=0, skipped=BAD_LINES + (NOBODY_ARCHIVED,))
    rows = pupils(database)
    assert set(rows) == {U1, U3, make_upn(60)}
    assert rows[make_upn(60)].left_at is None  # not in the file, but rows were skipped
    assert (rows[U3].legal_first, rows[U3].surname, rows[U3].year) == ("Two", "Good", 5)
    assert json.loads(ledger(database)[-1].detail) == {
        "file": "bad.csv", "added": 2, "updated": 0, "archived": 0, "skipped": 10}


# --- Re-imports -----------------------------------------------------------------------------------


def test_reimport_updates_by_upn_then_adno_and_archives_leavers(database, tmp_path, clock):
    temporary_upn = make_upn(70, year="99")
    import_pupils(database, write(tmp_path / "september.csv", [
        "Forename,Surname,Year,Class,UPN,Adno",
        f"Amy,Adams,5,5A,{U1},101",
        f"Ben,Baker,5,5A,{temporary_upn},102",
        "Cara,Cole,5,5B,,103",
        f"Dev,Dutta,5,5B,{U4},104",
    ]), by=COMMAND_LINE)
    with database.writing() as session:  # a walk-home permission given between the imports
        amy = session.exec(select(Pupil).where(Pupil.upn == U1)).one()
        amy.walk_home = True
        session.commit()
    clock.advance(days=300)

    report = import_pupils(database, write(tmp_path / "july.csv", [
        "Forename,Surname,Year,Class,UPN,Adno",
        f"Amy,Adams-Smith,6,6A,{U1},",         # by UPN: the admission number is kept
        f"Ben,Baker,6,6A,{U2},102",            # by admission number: the permanent UPN replaces the temporary one
        "Cara,Cole,6,6B,,103",                 # by admission number
        f"Eve,Evans,6,6B,{U5},105",            # new
    ]), by=COMMAND_LINE)

    assert report == ImportReport(added=1, updated=3, archived=1, skipped=())
    rows = pupils(database)
    assert (rows[U1].surname, rows[U1].year, rows[U1].class_name, rows[U1].adno) == ("Adams-Smith", 6, "6A", "101")
    assert rows[U1].walk_home is True
    assert (rows[U2].adno, rows[U2].year) == ("102", 6) and temporary_upn not in rows
    assert rows["103"].class_name == "6B"
    assert rows[U4].left_at == clock() and rows[U4].surname == "Dutta"  # archived, never deleted
    assert all(rows[key].left_at is None for key in (U1, U2, "103", U5))
    assert json.loads(ledger(database)[-1].detail) == {
        "file": "july.csv", "added": 1, "updated": 3, "archived": 1, "skipped": 0}

    # Dev comes back: un-archived; an identical row is not counted as updated.
    back = import_pupils(database, write(tmp_path / "back.csv", [
        "Forename,Surname,Year,Class,UPN,Adno", f"Dev,Dutta,5,5B,{U4},104", f"Eve,Evans,6,6B,{U5},105"]),
        full=False, by=COMMAND_LINE)
    assert back == ImportReport(added=0, updated=1, archived=0, skipped=())
    assert pupils(database)[U4].left_at is None


def test_already_archived_pupils_are_not_archived_again(database, tmp_path, clock):
    header = "Forename,Surname,Year,Class,UPN"
    import_pupils(database, write(tmp_path / "a.csv", [header, f"A,A,6,6A,{U1}", f"B,B,6,6A,{U2}"]), by=COMMAND_LINE)
    left = clock()
    clock.advance(days=1)
    assert import_pupils(database, write(tmp_path / "b.csv", [header, f"A,A,6,6A,{U1}"]), by=COMMAND_LINE).archived == 1
    clock.advance(days=1)
    assert import_pupils(database, write(tmp_path / "c.csv", [header, f"A,A,6,6A,{U1}"]), by=COMMAND_LINE).archived == 0
    assert pupils(database)[U2].left_at == left + timedelta(days=1)


def test_a_file_without_a_preferred_name_column_keeps_stored_preferred_names(database, tmp_path):
    import_pupils(database, write(tmp_path / "a.csv", ["Forename,Known As,Surname,Year,Class,UPN",
                                                       f"Thomas,Tom,Ng,6,6A,{U1}", f"Ann,Annie,Lee,6,6A,{U2}"]),
                  by=COMMAND_LINE)
    import_pupils(database, write(tmp_path / "b.csv", ["Forename,Known As,Surname,Year,Class,UPN",
                                                       f"Ann,,Lee,6,6A,{U2}", f"Thomas,Tom,Ng,6,6A,{U1}"]),
                  by=COMMAND_LINE)
    import_pupils(database, write(tmp_path / "c.csv", ["Forename,Surname,Year,Class,UPN",
                                                       f"Thomas,Ng,6,6B,{U1}", f"Ann,Lee,6,6A,{U2}"]), by=COMMAND_LINE)
    rows = pupils(database)
    assert (rows[U1].preferred_first, rows[U1].class_name) == ("Tom", "6B")
    assert rows[U2].preferred_first is None  # a blank cell in a preferred-name column does clear it


def test_partial_import_archives_nobody(database, tmp_path):
    header = "Forename,Surname,Year,Class,UPN"
    import_pupils(database, write(tmp_path / "a.csv", [header, f"A,A,6,6A,{U1}", f"B,B,6,6A,{U2}"]), by=COMMAND_LINE)
    assert import_pupils(database, write(tmp_path / "b.csv", [header, f"C,C,6,6A,{U3}"]), full=False,
                         by=COMMAND_LINE).archived == 0
    assert all(p.left_at is None for p in pupils(database).values())


def test_numbers_of_two_different_known_pupils_on_one_row_is_a_bad_row(database, tmp_path):
    header = "Forename,Surname,Year,Class,UPN,Adno"
    import_pupils(database, write(tmp_path / "a.csv", [header, f"A,A,6,6A,{U1},1", f"B,B,6,6A,{U2},2"]),
                  by=COMMAND_LINE)
    with pytest.raises(Refused) as refused:
        import_pupils(database, write(tmp_path / "b.csv", [header, f"A,A,6,6A,{U1},2", f"B,B,6,6A,{U2},9"]),
                      by=COMMAND_LINE)
    assert refused.value.details == (
        f"line 2: the UPN {U1} and the admission number 2 belong to two different pupils already imported: "
        "check both",)
    assert len(ledger(database)) == 1


def test_two_rows_reaching_the_same_known_pupil_is_a_bad_row(database, tmp_path):
    header = "Forename,Surname,Year,Class,UPN,Adno"
    import_pupils(database, write(tmp_path / "a.csv", [header, f"A,A,6,6A,{U1},1"]), by=COMMAND_LINE)
    with pytest.raises(Refused) as refused:
        import_pupils(database, write(tmp_path / "b.csv", [header, f"A,A,6,6A,{U1},", f"A,A,6,6A,{U2},1"]),
                      by=COMMAND_LINE)
    assert refused.value.details == ("line 3: this is the same pupil as line 2 (matched by UPN or admission number)",)


# --- Locations and the ledger -------------------------------------------------------------------


def test_year6_cupboards_and_the_office_are_made_once(database, tmp_path):
    import_pupils(database, sims_export(tmp_path), by=COMMAND_LINE)
    made = locations(database)
    assert {name: (loc.kind, loc.class_name) for name, loc in made.items()} == {
        "6A cupboard": ("cupboard", "6A"), "6B cupboard": ("cupboard", "6B"), "Office": ("office", None)}

    import_pupils(database, sims_export(tmp_path), by=COMMAND_LINE)
    assert set(locations(database)) == set(made)


def test_one_ledger_row_per_import(database, tmp_path, clock):
    import_pupils(database, sims_export(tmp_path), by=COMMAND_LINE)
    entries = ledger(database)
    assert [(e.action, e.at, e.staff_id, e.kiosk) for e in entries] == [("import_pupils", clock(), None, "test-kiosk")]
    assert json.loads(entries[0].detail) == {"file": "sims.csv", "added": 5, "updated": 0, "archived": 0, "skipped": 0}


# --- Whatever the file holds: a report or a refusal ---------------------------------------------

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _report_or_refusal(database, path: Path) -> None:
    try:
        assert isinstance(import_pupils(database, path, skip_bad=True, by=COMMAND_LINE), ImportReport)
    except Refused as refusal:
        assert str(refusal) and all(isinstance(line, str) for line in refusal.details)


@FUZZ
@given(st.text())
def test_any_text_gives_a_report_or_a_refusal(database, tmp_path, text):
    path = tmp_path / "fuzz.csv"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    _report_or_refusal(database, path)


@FUZZ
@given(st.binary())
def test_any_bytes_give_a_report_or_a_refusal(database, tmp_path, data):
    path = tmp_path / "fuzz.csv"
    path.write_bytes(data)
    _report_or_refusal(database, path)


_name = st.one_of(st.sampled_from(["O'Connor", "Zoë", "Nguyễn", "Mary-Jane", "Ó Briain", ""]),
                  st.text(st.characters(exclude_categories=("Cs", "Cc")), max_size=12))
_pupil_row = st.tuples(  # mostly plausible values, so that many rows are good and reach the database
    _name, _name, _name,
    st.sampled_from(["6", "Year 6", "R", "N1", "3", "Y6", "5", "4", "7", "Blue", ""]),
    st.sampled_from(["6A", "6B", "5C", "RB", "3W", "4E", "N", "", "x" * 33]),
    st.sampled_from([make_upn(n) for n in range(200, 230)] + [wrong_check_letter(U1), "801200005", ""]),
    st.sampled_from([str(n) for n in range(1000, 1030)] + [""]),
)


@FUZZ
@given(st.lists(_pupil_row, max_size=6), st.booleans(), st.booleans())
def test_random_rows_under_a_real_header_give_a_report_or_a_refusal(database, tmp_path, rows, skip_bad, full):
    """Properly quoted rows (so many are good): re-imports, clashes and leavers get exercised too."""
    out = io.StringIO(newline="")
    csv.writer(out).writerows([SIMS_HEADER.split(","), *rows])
    path = tmp_path / "fuzz.csv"
    path.write_text(out.getvalue(), encoding="utf-8", newline="")
    try:
        assert isinstance(import_pupils(database, path, skip_bad=skip_bad, full=full, by=COMMAND_LINE), ImportReport)
    except Refused as refusal:
        assert str(refusal)
