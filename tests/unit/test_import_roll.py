"""Re-importing the roll (issue 11): admission numbers Excel stripped of their zeros, a wrong file that would
archive the school, names carrying invisible characters, and columns that are never stored."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlmodel import select
from stdnum.gb import upn as upn_number

from db.core import COMMAND_LINE, Refused, adno_key, find_pupil
from db.core.models import LedgerEntry, Pupil, Staff
from db.people import ARCHIVE_ASK_MIN, import_pupils, import_staff

DATA = Path(__file__).parent.parent / "data"
HEADER = "Forename,Surname,Year,Reg Group,Adno"


def write(path: Path, lines: list[str]) -> Path:
    path.write_bytes("\r\n".join(lines + [""]).encode("utf-8"))
    return path


def roll(database) -> dict[str, tuple]:
    with database.reading() as session:
        return {p.adno: (p.legal_first, p.surname, p.left_at is None) for p in session.exec(select(Pupil)).all()}


def ledger_size(database) -> int:
    with database.reading() as session:
        return len(session.exec(select(LedgerEntry)).all())


# --- Admission numbers ----------------------------------------------------------------------------


@pytest.mark.parametrize("a, b, same", [
    ("000017", "17", True), ("0017", "017", True), ("0", "000", True), ("A0042", "a0042", True),
    ("17", "170", False), ("A0042", "A42", False), ("A0042", "0A0042", False), ("١٧", "17", False),
])
def test_admission_numbers_compare_as_the_mis_means_them(a, b, same):
    assert (adno_key(a) == adno_key(b)) is same


def test_excel_stripped_zeros_match_the_same_pupil_without_a_upn(database, tmp_path, clock):
    import_pupils(database, write(tmp_path / "mis.csv", [
        HEADER, "Amy,Adams,6,6A,000017", "Ben,Baker,6,6A,000018", "Cara,Cole,5,5B,A0042"]), by=COMMAND_LINE)
    clock.advance(days=1)

    report = import_pupils(database, write(tmp_path / "resaved.csv", [
        HEADER, "Amy,Adams,6,6B,17", "Cara,Cole,5,5B,a0042", "Dev,Dutta,5,5B,19"]), by=COMMAND_LINE)

    assert (report.added, report.updated, report.archived) == (1, 1, 1)
    assert roll(database) == {"000017": ("Amy", "Adams", True), "000018": ("Ben", "Baker", False),
                              "A0042": ("Cara", "Cole", True), "19": ("Dev", "Dutta", True)}


def test_one_number_twice_in_a_file_once_with_its_zeros_is_a_bad_row(database, tmp_path):
    with pytest.raises(Refused) as refused:
        import_pupils(database, write(tmp_path / "twice.csv", [HEADER, "Amy,Adams,6,6A,17", "Ann,Adams,6,6A,0017"]),
                      by=COMMAND_LINE)
    assert refused.value.details == ("line 3: the admission number 0017 is also on line 2",)


def test_a_upn_and_another_pupils_stripped_number_on_one_row_is_a_bad_row(database, tmp_path):
    header = "Forename,Surname,Year,Class,UPN,Adno"
    upn = upn_number.calc_check_digit("801200005001") + "801200005001"
    import_pupils(database, write(tmp_path / "a.csv", [header, f"Amy,Adams,6,6A,{upn},000001",
                                                       "Ben,Baker,6,6A,,000002"]), by=COMMAND_LINE)
    with pytest.raises(Refused) as refused:
        import_pupils(database, write(tmp_path / "b.csv", [header, f"Amy,Adams,6,6A,{upn},2"]), by=COMMAND_LINE)
    assert refused.value.details == (f"line 2: the UPN {upn} and the admission number 2 belong to two different "
                                     "pupils already imported: check both",)


def test_a_pupil_is_found_by_the_number_typed_with_or_without_zeros(database, tmp_path):
    import_pupils(database, write(tmp_path / "mis.csv", [HEADER, "Amy,Adams,6,6A,000017", "Cara,Cole,5,5B,A0042"]),
                  by=COMMAND_LINE)
    with database.writing() as session:  # two numbers equal but for zeros, as an import before issue 11 could store
        session.add(Pupil(adno="017", legal_first="Old", surname="Seventeen", year=5, class_name="5B"))
        session.commit()
    with database.reading() as session:
        assert [find_pupil(session, typed).legal_first for typed in ("17", "0017", "000017", " 17 ", "a0042",
                                                                       "A0042", "017")] == \
            ["Amy", "Amy", "Amy", "Amy", "Cara", "Cara", "Old"]  # the number exactly as stored wins
        for typed in ("170", "A42", "0A0042", "1 7"):
            with pytest.raises(Refused, match="No pupil has the UPN, admission number or phone tag"):
                find_pupil(session, typed)


# --- A wrong file must not archive the school -----------------------------------------------------


def school(tmp_path: Path, size: int, name: str = "school.csv") -> Path:
    return write(tmp_path / name, [HEADER] + [f"Pupil,Number{n},{n % 6 + 1},{n % 6 + 1}A,{n}" for n in range(size)])


def test_archiving_more_than_a_third_of_the_roll_asks_first_and_changes_nothing(database, tmp_path):
    import_pupils(database, school(tmp_path, 30), by=COMMAND_LINE)
    year6 = write(tmp_path / "year6.csv", [HEADER] + [f"Pupil,Number{n},6,6A,{n}" for n in range(5, 30, 6)])
    before = ledger_size(database)

    with pytest.raises(Refused) as refused:
        import_pupils(database, year6, by=COMMAND_LINE)

    assert str(refused.value) == ("Importing year6.csv would archive 25 of the 30 pupils on roll as leavers, so "
                                  "nothing was imported: check it is the whole school's file (not one class or an "
                                  "old list), then import it again with --yes.")
    assert all(on_roll for *_, on_roll in roll(database).values()) and ledger_size(database) == before
    assert roll(database)["5"] == ("Pupil", "Number5", True)

    assert import_pupils(database, year6, archive_many=True, by=COMMAND_LINE).archived == 25
    assert import_pupils(database, year6, full=False, by=COMMAND_LINE).archived == 0  # a partial file never asks


@pytest.mark.parametrize("on_roll, kept, asks", [
    (30, 20, False),  # 10 of 30: exactly a third
    (30, 19, True),   # 11 of 30
    (12, 3, False),   # 9 of 12: fewer than ARCHIVE_ASK_MIN leavers never ask
    (13, 3, True),    # 10 of 13
])
def test_where_the_question_starts(database, tmp_path, on_roll, kept, asks):
    assert ARCHIVE_ASK_MIN == 10
    import_pupils(database, school(tmp_path, on_roll), by=COMMAND_LINE)
    smaller = school(tmp_path, kept, "smaller.csv")
    if asks:
        with pytest.raises(Refused, match=f"would archive {on_roll - kept} of the {on_roll} pupils"):
            import_pupils(database, smaller, by=COMMAND_LINE)
    else:
        assert import_pupils(database, smaller, by=COMMAND_LINE).archived == on_roll - kept


# --- Names as they are, and nothing else --------------------------------------------------------

INVISIBLE = ["\u202e", "\u200b", "\u200e", "\u200f", "\u2066", "\u2067", "\u2068", "\u2069", "\ufeff", "\u00ad"]


def test_invisible_and_direction_characters_are_removed_so_no_name_shows_reversed(database, tmp_path):
    names = [(f"{mark}Zo{mark}ë", f"O’{mark}Brien{mark}") for mark in INVISIBLE]
    lines = [HEADER] + [f"{first},{surname},6,6A,{n}" for n, (first, surname) in enumerate(names)]
    lines += ["Zoe\u200b\u0308,Nguye\u0302\u0303n,6,6A,98",  # decomposed, a zero-width space inside: composed after
              "Mahsa,\u0646\u06cc\u06a9\u200c\u0646\u0627\u0645,6,6A,99",  # Persian Niknam: its ZWNJ is spelling
              "Amira,Kh\u200dan,6,6A,97"]  # a joiner between Latin letters is not
    import_pupils(database, write(tmp_path / "names.csv", lines), by=COMMAND_LINE)

    pupils = roll(database)
    assert {pupils[str(n)][:2] for n in range(len(INVISIBLE))} == {("Zoë", "O’Brien")}
    assert pupils["98"][:2] == ("Zoë", "Nguyễn")
    assert pupils["99"][1] == "\u0646\u06cc\u06a9\u200c\u0646\u0627\u0645"
    assert pupils["97"][1] == "Khan"


def test_staff_names_lose_them_too(database, tmp_path):
    path = write(tmp_path / "staff.csv", ["Staff Code,First Name,Surname,Role", "AB,\u202eAnn,Bee\u200b,teacher"])
    import_staff(database, path, by=COMMAND_LINE)
    with database.reading() as session:
        assert [(s.first_name, s.surname) for s in session.exec(select(Staff))] == [("Ann", "Bee")]


def test_columns_not_read_are_never_stored(database, db_path):
    """The Bromcom file's email address and the SIMS file's dates of birth are nowhere in the database file."""
    import_pupils(database, DATA / "bromcom_unicode_text.txt", full=False, by=COMMAND_LINE)
    import_pupils(database, DATA / "sims_student_list_1252.csv", full=False, by=COMMAND_LINE)
    database.engine.dispose()
    stored = b"".join(p.read_bytes() for p in db_path.parent.glob(db_path.name + "*"))
    assert "Nguyễn".encode() in stored and "O’Brien".encode() in stored
    for never in (b"parent.nguyen@example.org", b"14/03/2015", b"2015-03-14"):
        assert never not in stored
    with database.reading() as session:
        details = [json.loads(e.detail) for e in session.exec(select(LedgerEntry))]
    assert [d["file"] for d in details] == ["bromcom_unicode_text.txt", "sims_student_list_1252.csv"]
