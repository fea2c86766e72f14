"""Pupil imports as a real office hands them over (issue 11): SIMS, Bromcom and Arbor exports saved by Excel
as Windows-1252, UTF-16 "Unicode Text" or semicolon CSV, with report footers and columns we must not keep.

The files in tests/data are written by tests/data/make_excel_exports.py; the tests check their bytes first.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import select

from db.core import COMMAND_LINE, Refused
from db.core.models import LedgerEntry, Pupil
from db.core.spreadsheet import ImportReport
from db.people import import_pupils

DATA = Path(__file__).parent.parent / "data"


def write(path: Path, lines: list[str], encoding: str = "utf-8") -> Path:
    path.write_bytes("\r\n".join(lines + [""]).encode(encoding))
    return path


def by_adno(database) -> dict[str, tuple]:
    """What a person checks: first name, preferred name, surname, year, class, UPN and whether on roll."""
    with database.reading() as session:
        return {p.adno: (p.legal_first, p.preferred_first, p.surname, p.year, p.class_name, p.left_at is None)
                for p in session.exec(select(Pupil)).all()}


def test_sims_student_list_saved_by_excel_as_windows_1252(database):
    path = DATA / "sims_student_list_1252.csv"
    data = path.read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    assert b'"O\x92Brien","Zo\xeb"' in data and b"Si\xe2n" in data  # ’ and ë as Windows-1252 writes them
    assert data.rstrip().endswith(b"Total number of students: 6")

    report = import_pupils(database, path, by=COMMAND_LINE)

    assert report == ImportReport(added=6, updated=0, archived=0, skipped=())
    assert report.ignored == ("Gender", "DOB", "Year of Entry")
    assert by_adno(database) == {
        "000017": ("Zoë", None, "O’Brien", 6, "6A", True),
        "000018": ("Siân", None, "Kaur", 6, "6A", True),  # the preferred surname, the one staff use
        "000019": ("François", "Frankie", "Müller", 5, "5 Oak", True),
        "000020": ("Chloé", None, "Nowak", 4, "4B", True),
        "000021": ("Tolu", None, "Adebayo", 0, "RW", True),
        "000022": ("Aarav", None, "D’Souza", -1, "Nursery 1", True),
    }


def test_a_list_excel_re_saved_matches_the_same_pupils_and_archives_the_leaver(database, clock):
    resaved = DATA / "sims_student_list_resaved.csv"
    assert b"\r\n17,L801300100001," in resaved.read_bytes()  # Excel turned 000017 into 17
    import_pupils(database, DATA / "sims_student_list_1252.csv", by=COMMAND_LINE)
    clock.advance(days=60)

    report = import_pupils(database, resaved, by=COMMAND_LINE)

    assert (report.added, report.updated, report.archived, report.skipped) == (1, 0, 1, ())
    pupils = by_adno(database)
    assert sorted(pupils) == ["000017", "000018", "000019", "000020", "000021", "000022", "23"]  # numbers kept as first
    assert pupils["000020"] == ("Chloé", None, "Nowak", 4, "4B", False)  # archived, not deleted
    assert pupils["23"] == ("Róisín", None, "Ó Súilleabháin", 4, "4B", True)


def test_bromcom_unicode_text_is_utf16_with_tabs(database):
    path = DATA / "bromcom_unicode_text.txt"
    assert path.read_bytes().startswith(b"\xff\xfeL\x00e\x00g\x00") and "\t".encode("utf-16-le") in path.read_bytes()

    report = import_pupils(database, path, by=COMMAND_LINE)

    assert (report.added, report.skipped, report.ignored) == (4, (), ("Gender", "Primary Email"))
    assert by_adno(database) == {
        "3101": ("Thảo", "Tom", "Nguyễn", 6, "6W", True),
        "3102": ("Kacper", None, "Wiśniewski", 6, "6W", True),
        "3103": ("Ayşe", None, "Öztürk", 0, "RS", True),
        "3104": ("Mia", None, "Smith-Jones", -1, "N1", True),
    }


def test_arbor_export_from_a_european_excel_uses_semicolons(database):
    path = DATA / "arbor_semicolon.csv"
    assert path.read_bytes().startswith(b"\xef\xbb\xbfFirst Name;Last Name;")

    report = import_pupils(database, path, by=COMMAND_LINE)

    assert (report.added, report.skipped, report.ignored) == (3, (), ("Date of Birth", "SEN Status"))
    assert by_adno(database) == {  # the MIS ID is the admission number; "3 records" is the footer
        "A0042": ("Amelia", "Millie", "Jones", 6, "6 Oak", True),
        "A0043": ("Lars", None, "Østergård; Jr", 6, "6 Oak", True),
        "A0044": ("Élodie", None, "Lefèvre", 3, "3 Elm", True),
    }


def test_a_schools_own_report_with_every_early_years_spelling(database):
    report = import_pupils(database, DATA / "school_report_years.csv", by=COMMAND_LINE)

    assert (report.added, report.skipped, report.ignored) == (9, (), ("DOB", "Primary Email"))
    pupils = by_adno(database)
    assert pupils["4001"] == ("Ada", None, "Lovelace", 6, "Year 5/6 Oak", True)  # a mixed class is a class name
    assert pupils["4002"] == ("Tom", None, "Baker", 6, "Yr 6 Ash", True)
    assert [pupils[str(n)][3] for n in range(4003, 4010)] == [0, 0, 0, 0, -1, -1, -1]


@pytest.mark.parametrize("header, preferred", [
    ("Legal First Name,Legal Last Name,Preferred First Name,Year Taught In,Reg,MIS ID", "Ami"),
    ("First Name,Last Name,Known As,NC Year,Tutor Group,Adno", "Ami"),
    ("legal_first_name,LEGAL LAST NAME,preferred  first name:,year taught in,REG.,admission_no", "Ami"),
    ("Forenames,Family Name,Chosen Name,Curriculum Year,Form Group,Adm No", "Ami"),
    ("Forename,Legal Surname,Gender,Year,Class Name,Admission No.", None),
])
def test_header_spellings_from_sims_bromcom_arbor_and_schools(database, tmp_path, header, preferred):
    path = write(tmp_path / "list.csv", [header, "Amira,Khan,Ami,Year 6,6K,0042"])
    assert import_pupils(database, path, by=COMMAND_LINE).added == 1
    assert by_adno(database) == {"0042": ("Amira", preferred, "Khan", 6, "6K", True)}


def test_the_preferred_surname_is_the_one_kept_when_given(database, tmp_path):
    path = write(tmp_path / "list.csv", ["Forename,Legal Surname,Preferred Surname,Year,Class,Adno",
                                         "Siân,Fitzgerald-Kaur,Kaur,6,6A,1", "Tom,Baker,,6,6A,2"])
    import_pupils(database, path, by=COMMAND_LINE)
    assert {adno: row[2] for adno, row in by_adno(database).items()} == {"1": "Kaur", "2": "Baker"}


def test_year_of_entry_is_never_read_as_the_year(database, tmp_path):
    path = write(tmp_path / "entry.csv", ["Forename,Surname,Year of Entry,Reg,Adno", "Amira,Khan,2020,6K,42"])
    with pytest.raises(Refused) as refused:
        import_pupils(database, path, by=COMMAND_LINE)
    assert str(refused.value).startswith("The file entry.csv has no Year column (name it Year, Year Group or NC Year)")


def test_a_mixed_year_is_a_bad_row_that_says_what_to_give(database, tmp_path):
    path = write(tmp_path / "mixed.csv", ["Forename,Surname,Year,Class,Adno", "Ada,Lovelace,Year 6,5/6 Oak,1",
                                          "Alan,Turing,Year 5/6,5/6 Oak,2", "Grace,Hopper,5/6,5/6 Oak,3"])
    with pytest.raises(Refused) as refused:
        import_pupils(database, path, by=COMMAND_LINE)
    assert refused.value.details == (
        "line 3: the year 'Year 5/6' is a mixed class, not a year: give the pupil's own year (5 or 6) and keep "
        "the class in the class column",
        "line 4: the year '5/6' is a mixed class, not a year: give the pupil's own year (5 or 6) and keep "
        "the class in the class column")


# --- Footers --------------------------------------------------------------------------------------

HEADER = "Surname,Forename,Year,Reg Group,Adno"
ROLL = ["Adams,Amy,6,6A,1", "Baker,Ben,6,6A,2", "Cole,Cara,5,5B,3"]


@pytest.mark.parametrize("footer", [
    ["Total number of students: 3"], ["", "3 records"], ["Total,3"], ['"Count: 3",,,,'], ["", "Page 1 of 1", ""],
    ["Printed on 10/11/2026 by Office"], ["*** End of report ***"],
])
def test_a_report_footer_is_not_a_bad_row_so_a_re_import_still_archives_leavers(database, tmp_path, footer):
    import_pupils(database, write(tmp_path / "autumn.csv", [HEADER, *ROLL, *footer]), by=COMMAND_LINE)
    report = import_pupils(database, write(tmp_path / "spring.csv", [HEADER, *ROLL[:2], *footer]), by=COMMAND_LINE)
    assert (report.added, report.archived, report.skipped) == (0, 1, ())
    assert by_adno(database)["3"][-1] is False


def test_only_the_end_of_the_file_is_a_footer(database, tmp_path):
    """A count between pupils, or a half-empty pupil at the end, is a bad row with its line number."""
    path = write(tmp_path / "middle.csv", [HEADER, ROLL[0], "Total for 6A: 1", ROLL[2], "Page", "Total: 3"])
    with pytest.raises(Refused) as refused:
        import_pupils(database, path, by=COMMAND_LINE)
    assert refused.value.details == (
        "line 3: there is no UPN and no admission number; the first name is blank; the class is blank; "
        "the year is blank",
        "line 5: there is no UPN and no admission number; the first name is blank; the class is blank; "
        "the year is blank")
    with database.reading() as session:
        assert session.exec(select(Pupil)).all() == [] and session.exec(select(LedgerEntry)).all() == []
