"""Importing staff: same reading rules as pupils, matched by staff code, PINs never touched."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from db.core import COMMAND_LINE, Refused
from db.core.models import LedgerEntry, Staff
from db.core.spreadsheet import ImportReport
from db.people import import_staff

DATA = Path(__file__).parent.parent / "data"
BOM = b"\xef\xbb\xbf"
HEADER = "Staff Code,First Name,Surname,Role,Class"


def write(path: Path, lines: list[str], *, bom: bool = True, newline: str = "\r\n",
          encoding: str = "utf-8") -> Path:
    path.write_bytes((BOM if bom else b"") + newline.join(lines + [""]).encode(encoding))
    return path


def staff(database) -> dict[str, Staff]:
    with database.reading() as session:
        return {s.code: s for s in session.exec(select(Staff)).all()}


def ledger(database) -> list[LedgerEntry]:
    with database.reading() as session:
        return session.exec(select(LedgerEntry).order_by(LedgerEntry.id)).all()


def test_import_with_title_line_bom_crlf_and_any_case_roles(database, tmp_path, clock):
    path = write(tmp_path / "staff.csv", [
        "Staff List – Autumn 2026",
        "",
        HEADER,
        "jsm,Joanna,Smith,Teacher,6A",
        " OFF1 ,Siân,O'Neill,OFFICE,",
        "hd_01,Émile,Nguyễn,slt,",
        "IT-2,Sam,\"Wiśniewski, Jr\",Admin,",
    ])

    assert import_staff(database, path, by=COMMAND_LINE) == ImportReport(added=4, updated=0, archived=0, skipped=())
    rows = staff(database)
    assert {code: (s.first_name, s.surname, s.role, s.class_name, s.pin_hash) for code, s in rows.items()} == {
        "JSM": ("Joanna", "Smith", "teacher", "6A", None),
        "OFF1": ("Siân", "O'Neill", "office", None, None),
        "HD_01": ("Émile", "Nguyễn", "slt", None, None),
        "IT-2": ("Sam", "Wiśniewski, Jr", "admin", None, None),
    }
    entries = ledger(database)
    assert [(e.action, e.at) for e in entries] == [("import_staff", clock())]
    assert json.loads(entries[0].detail) == {"file": "staff.csv", "added": 4, "updated": 0, "archived": 0, "skipped": 0}


def test_header_synonyms(database, tmp_path):
    path = write(tmp_path / "synonyms.csv", ["code,forename,last name,ROLE,Reg Group", "AB,Ann,Bee,teacher,3C"],
                 bom=False, newline="\n")
    import_staff(database, path, by=COMMAND_LINE)
    assert (staff(database)["AB"].first_name, staff(database)["AB"].surname, staff(database)["AB"].class_name) == \
        ("Ann", "Bee", "3C")


def test_class_column_is_optional(database, tmp_path):
    import_staff(database, write(tmp_path / "noclass.csv", ["Code,First Name,Surname,Role", "AB,Ann,Bee,office"]),
                 by=COMMAND_LINE)
    assert staff(database)["AB"].class_name is None


def test_committed_sample_file(database):
    assert import_staff(database, DATA / "staff.csv", by=COMMAND_LINE).added == 5
    assert staff(database)["KWI"].surname == "Wiśniewski"


def test_bad_rows_refuse_everything_with_line_numbers(database, tmp_path):
    path = write(tmp_path / "bad.csv", [
        "Staff",                                    # 1
        HEADER,                                     # 2
        "AB,Ann,Bee,teacher,4B",                    # 3
        "CD,Cal,Dee,Teaching Assistant,",           # 4
        "ab,Ann,Bee,office,",                       # 5
        "J SMITH,Jo,Smith,teacher,",                # 6
        ",No,Code,teacher,",                        # 7
        f"{'X' * 33},Long,Code,office,",            # 8
        "EF,,Eff,,",                                # 9
    ])
    with pytest.raises(Refused) as refused:
        import_staff(database, path, by=COMMAND_LINE)

    assert str(refused.value) == ("6 rows in bad.csv could not be imported, so nothing was imported: "
                                  "fix them and import again.")
    assert refused.value.details == (
        "line 4: the role 'Teaching Assistant' is not one of teacher, office, slt or admin",
        "line 5: the staff code AB is also on line 3",
        "line 6: the staff code 'J SMITH' must be 1 to 32 letters, digits, - or _",
        "line 7: the staff code is blank",
        f"line 8: the staff code '{'X' * 33}' must be 1 to 32 letters, digits, - or _",
        "line 9: the first name is blank; the role 'blank' is not one of teacher, office, slt or admin",
    )
    assert staff(database) == {} and ledger(database) == []


def test_reimport_updates_by_code_keeps_pins_and_keeps_staff_not_in_the_file(database, tmp_path):
    import_staff(database, write(tmp_path / "a.csv", [HEADER, "AB,Ann,Bee,teacher,4B", "CD,Cal,Dee,office,"]),
                 by=COMMAND_LINE)
    with database.writing() as session:
        for member in session.exec(select(Staff)).all():
            member.pin_hash = f"hash-of-{member.code}"
        session.commit()

    report = import_staff(database, write(tmp_path / "b.csv", [HEADER, "ab,Ann,Bee-Jones,slt,", "EF,Eve,Eff,admin,"]),
                          by=COMMAND_LINE)

    assert report == ImportReport(added=1, updated=1, archived=0, skipped=())
    rows = staff(database)
    assert (rows["AB"].surname, rows["AB"].role, rows["AB"].class_name, rows["AB"].pin_hash) == \
        ("Bee-Jones", "slt", None, "hash-of-AB")
    assert (rows["CD"].surname, rows["CD"].pin_hash, rows["CD"].left_at) == ("Dee", "hash-of-CD", None)
    assert rows["EF"].pin_hash is None
    assert import_staff(database, write(tmp_path / "c.csv", [HEADER, "EF,Eve,Eff,admin,"]),
                        by=COMMAND_LINE).updated == 0


def test_a_file_without_a_class_column_keeps_stored_classes(database, tmp_path):
    import_staff(database, write(tmp_path / "a.csv", [HEADER, "AB,Ann,Bee,teacher,4B"]), by=COMMAND_LINE)
    assert import_staff(database, write(tmp_path / "b.csv", ["Code,First Name,Surname,Role",
                                                             "AB,Ann,Bee,slt"]), by=COMMAND_LINE).updated == 1
    assert (staff(database)["AB"].role, staff(database)["AB"].class_name) == ("slt", "4B")


def test_missing_role_column(database, tmp_path):
    with pytest.raises(Refused) as refused:
        import_staff(database, write(tmp_path / "norole.csv", ["Code,First Name,Surname", "AB,Ann,Bee"]),
                     by=COMMAND_LINE)
    assert str(refused.value) == ("The file norole.csv has no Role column (name it Role): "
                                  "fix the header row and import it again.")


def test_windows_1252_is_read(database, tmp_path):
    """Once refused (issue 11 reversed that): Excel's plain CSV is Windows-1252, and Siân O’Neill comes out exactly."""
    path = write(tmp_path / "staff.csv", [HEADER, "AB,Siân,O’Neill,teacher,"], bom=False, encoding="cp1252")
    assert b"\x92" in path.read_bytes()
    assert import_staff(database, path, by=COMMAND_LINE).added == 1
    assert (staff(database)["AB"].first_name, staff(database)["AB"].surname) == ("Siân", "O’Neill")


def test_missing_and_empty_files(database, tmp_path):
    with pytest.raises(Refused, match="There is no file at"):
        import_staff(database, tmp_path / "missing.csv", by=COMMAND_LINE)
    (tmp_path / "empty.csv").write_bytes(BOM)
    with pytest.raises(Refused, match="is empty"):
        import_staff(database, tmp_path / "empty.csv", by=COMMAND_LINE)
    with pytest.raises(Refused) as refused:
        import_staff(database, write(tmp_path / "header.csv", [HEADER]), by=COMMAND_LINE)
    assert str(refused.value) == "The file header.csv has a header row but no staff below it: nothing was imported."


_cell = st.one_of(st.text(max_size=10), st.sampled_from(["AB", "teacher", "office", "SLT", "6A", '"', ""]))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(st.binary(), st.text().map(str.encode),
                 st.lists(st.lists(_cell, max_size=6), max_size=5).map(
                     lambda rows: "\r\n".join([HEADER] + [",".join(r) for r in rows]).encode())))
def test_any_file_gives_a_report_or_a_refusal(database, tmp_path, data):
    path = tmp_path / "fuzz.csv"
    path.write_bytes(data)
    try:
        assert isinstance(import_staff(database, path, by=COMMAND_LINE), ImportReport)
    except Refused as refusal:
        assert str(refusal)
