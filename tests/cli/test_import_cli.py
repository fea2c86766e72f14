"""`kiosk import pupils` with the files a real office saves (issue 11): what the office manager reads."""

import json
from pathlib import Path

DATA = Path(__file__).parent.parent / "data"


def test_an_excel_saved_sims_list_then_its_re_saved_copy(kiosk):
    assert kiosk("import", "staff", str(DATA / "staff.csv"))[0] == 0
    assert kiosk("import", "pupils", str(DATA / "sims_student_list_1252.csv")) == (
        0, "Imported pupils from sims_student_list_1252.csv: 6 added, 0 updated, 0 archived as leavers. "
           "Ignored columns: Gender, DOB, Year of Entry — not kept.\n", "")
    assert kiosk("import", "pupils", str(DATA / "sims_student_list_resaved.csv")) == (
        0, "Imported pupils from sims_student_list_resaved.csv: 1 added, 0 updated, 1 archived as leavers. "
           "Ignored columns: Gender, DOB, Year of Entry — not kept.\n", "")
    # The office types the number as the MIS shows it, or as Excel left it.
    assert kiosk("pupil", "permit", "17", "--walk-home", "--by", "OFF")[:2] == (
        0, "Recorded: Zoë O’Brien (6A) may walk home alone.\n")
    assert kiosk("pupil", "permit", "000018", "--walk-home", "--by", "OFF")[:2] == (
        0, "Recorded: Siân Kaur (6A) may walk home alone.\n")
    status, out, err = kiosk("pupil", "permit", "20", "--walk-home", "--by", "OFF")
    assert (status, out, err) == (1, "", "Chloé Nowak has left the school (archived at the last import).\n")


def test_unicode_text_and_semicolon_files(kiosk):
    assert kiosk("import", "pupils", str(DATA / "bromcom_unicode_text.txt"))[:2] == (
        0, "Imported pupils from bromcom_unicode_text.txt: 4 added, 0 updated, 0 archived as leavers. "
           "Ignored columns: Gender, Primary Email — not kept.\n")
    assert kiosk("import", "pupils", str(DATA / "arbor_semicolon.csv"))[:2] == (
        0, "Imported pupils from arbor_semicolon.csv: 3 added, 0 updated, 4 archived as leavers. "
           "Ignored columns: Date of Birth, SEN Status — not kept.\n")


def test_a_file_that_would_archive_most_of_the_school_needs_yes(kiosk, tmp_path):
    header = "Surname,Forename,Year,Reg Group,Adno"
    whole = tmp_path / "whole.csv"
    whole.write_text("\r\n".join([header] + [f"P{n},Pupil,{n % 6 + 1},{n % 6 + 1}A,{n}" for n in range(40)]
                                 + ["Total number of students: 40", ""]), encoding="cp1252")
    one_class = tmp_path / "6A.csv"
    one_class.write_text("\r\n".join([header] + [f"P{n},Pupil,6,6A,{n}" for n in range(5, 40, 6)] + [""]))
    assert kiosk("import", "pupils", str(whole))[:2] == (
        0, "Imported pupils from whole.csv: 40 added, 0 updated, 0 archived as leavers.\n")

    assert kiosk("import", "pupils", str(one_class)) == (
        1, "", "Importing 6A.csv would archive 34 of the 40 pupils on roll as leavers, so nothing was imported: "
               "check it is the whole school's file (not one class or an old list), then import it again with --yes.\n")
    status, out, _ = kiosk("export", "pupil", "0")  # nothing was changed: still on roll
    assert status == 0 and json.loads(out)["pupil"]["left_at"] is None
    assert kiosk("import", "pupils", str(one_class), "--yes")[:2] == (
        0, "Imported pupils from 6A.csv: 0 added, 0 updated, 34 archived as leavers.\n")
