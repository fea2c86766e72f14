"""The command-line contract (shared/DESIGN.md): output, exit status, and refusals that change nothing."""

import io
import json
import subprocess
import sys
from datetime import datetime, timezone

import pytest

from kiosk.cli import main
from kiosk.config import data_dir


@pytest.fixture
def kiosk(database_url, capsys, clock):
    """Run `kiosk --db … ARGS`; returns (exit status, stdout, stderr)."""

    def run(*args: str, stdin: str | None = None):
        if stdin is not None:
            sys.stdin = io.StringIO(stdin)
        try:
            status = main(["--db", database_url, *args], clock=clock)
        finally:
            sys.stdin = sys.__stdin__
        out, err = capsys.readouterr()
        return status, out, err

    return run


@pytest.fixture
def filled(kiosk, database, school):
    return school


def test_init_is_idempotent(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'new.db'}"
    assert main(["--db", url, "init"]) == 0
    assert "Created the database" in capsys.readouterr().out
    assert main(["init", "--db", url]) == 0
    assert "is ready" in capsys.readouterr().out


def test_a_command_on_a_database_never_set_up_says_run_init(tmp_path, capsys):
    assert main(["--db", f"sqlite:///{tmp_path / 'none.db'}", "phone", "where"]) == 1
    assert capsys.readouterr().err.strip() == "This database is not set up yet: run `kiosk init` first."


def test_default_database_lives_in_the_user_data_folder(tmp_path, capsys):
    assert main(["phone", "where"]) == 1
    assert "run `kiosk init` first" in capsys.readouterr().err
    assert main(["init"]) == 0
    assert "custody-kiosk/kiosk.db" in capsys.readouterr().out
    assert main(["phone", "where"]) == 0


def test_kiosk_db_environment_variable_is_used(db_path, monkeypatch, filled, capsys):
    monkeypatch.setenv("KIOSK_DB", f"sqlite:///{db_path}")
    assert main(["tags", "list", "--format", "json"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 3


def test_morning_check_in_and_where(kiosk, filled):
    status, out, _ = kiosk("phone", "in", filled.walker.lower().replace("-", ""), "--by", "hbr")
    assert status == 0 and out == "Amira Khan (6A): the phone goes to the 6A cupboard.\n"
    status, out, _ = kiosk("phone", "in", filled.year4, "--by", "LPA")
    assert status == 0 and out.splitlines() == [
        "Zoë Wiśniewski (4B): the phone goes to the Office.",
        "Parents to be told: only Year 6 pupils who walk home alone may bring a phone."]
    status, out, _ = kiosk("phone", "where", "--format", "json")
    rows = json.loads(out)
    assert [(r["pupil"], r["class"], r["location"], r["by"]) for r in rows] == [
        ("Amira Khan", "6A", "6A cupboard", "Hannah Brooks"), ("Zoë Wiśniewski", "4B", "Office", "Lucy Patel")]
    assert rows[0]["since"] == "2026-11-10T08:40:00+00:00"  # 08:40 in London in November (GMT)
    assert {"code", "pupil", "class", "location", "since", "by"} <= set(rows[0])


def test_where_as_table_and_csv(kiosk, filled):
    kiosk("phone", "in", filled.walker, "--by", "HBR")
    _, table, _ = kiosk("phone", "where")
    assert table.splitlines()[0].split()[:6] == ["CODE", "PUPIL", "CLASS", "LOCATION", "SINCE", "BY"]
    assert "Amira Khan" in table and "6A cupboard" in table
    _, csv_text, _ = kiosk("phone", "where", "--format", "csv")
    assert csv_text.splitlines()[0] == "code,pupil,class,location,since,by,status,description"
    assert f"{filled.walker},Amira Khan,6A,6A cupboard," in csv_text


def test_refusals_exit_1_with_one_sentence_and_change_nothing(kiosk, filled):
    kiosk("phone", "in", filled.walker, "--by", "HBR")
    _, before, _ = kiosk("report", "custody", "--format", "json")
    for args, sentence in [
        (("phone", "in", filled.walker, "--by", "HBR"), "already held in the 6A cupboard"),
        (("phone", "in", "'; DROP TABLE pupil; --", "--by", "HBR"), "is not a Custody Kiosk tag code"),
        (("phone", "in", filled.year4[:-1] + ("0" if filled.year4[-1] != "0" else "1"), "--by", "LPA"),
         "has a mistake in it"),
        (("phone", "in", "x" * 10_000, "--by", "HBR"), "far too long"),
        (("phone", "in", "\x1b[2J\x07", "--by", "HBR"), "is not a Custody Kiosk tag code"),
        (("phone", "in", filled.year4, "--by", "NOBODY"), "No member of staff has the code"),
        (("phone", "out", filled.year4, "--by", "MJO", "--reason", "early"), "not being held"),
        (("phone", "out", filled.walker, "--by", "MJO"), "before home-time"),
        (("parents", "told", "1003", "--by", "MJO", "--how", "phoned"), "nothing to tell"),
        (("pupil", "permit", "1003", "--walk-home", "--by", "HBR"), "is for office staff"),
        (("cupboard", "locked", "9Z", "--by", "HBR"), "no cupboard for class"),
        (("report", "custody", "--from", "yesterday"), "is not a date"),
        (("tags", "issue", "phone", "--pupil", "nobody"), "No pupil has the UPN"),
    ]:
        status, out, err = kiosk(*args)
        assert status == 1, args
        assert sentence in err and err.count("\n") == 1 and out == "", (args, err)
    _, after, _ = kiosk("report", "custody", "--format", "json")
    assert after == before


def test_usage_errors_exit_2(kiosk):
    with pytest.raises(SystemExit) as exc:
        kiosk("phone", "in")
    assert exc.value.code == 2


def test_hand_back_with_reason_and_report(kiosk, filled):
    kiosk("phone", "in", filled.walker, "--by", "HBR")
    status, out, _ = kiosk("phone", "out", filled.walker, "--by", "MJO", "--reason", "orthodontist", "--to", "Dad")
    assert status == 0 and out == "Hand the phone back to Amira Khan (6A): it was in the 6A cupboard.\n"
    _, report, _ = kiosk("report", "custody", "--from", "2026-11-10", "--to", "10/11/2026", "--format", "json")
    events = [(e["action"], e["pupil"], e["note"]) for e in json.loads(report) if e["code"] == filled.walker]
    assert events == [("phone in", "Amira Khan", None), ("phone out", "Amira Khan", "reason: orthodontist; to: Dad")]
    _, other_day, _ = kiosk("report", "custody", "--from", "2026-11-11", "--format", "json")
    assert json.loads(other_day) == []


def test_parents_pending_and_told(kiosk, filled):
    kiosk("phone", "in", filled.year4, "--by", "LPA")
    _, out, _ = kiosk("parents", "pending", "--format", "json")
    [row] = json.loads(out)
    assert ((row["pupil"], row["class"]) == ("Zoë Wiśniewski", "4B")
            and {"pupil", "class", "reason", "since"} <= set(row))
    status, out, _ = kiosk("parents", "told", filled.year4, "--by", "MJO", "--how", "phoned mum")
    assert status == 0 and "parents were told" in out
    _, out, _ = kiosk("parents", "pending")
    assert out == "No parents are waiting to be told.\n"


def test_cupboard_locked(kiosk, filled):
    kiosk("phone", "in", filled.walker, "--by", "HBR")
    status, out, _ = kiosk("cupboard", "locked", "6A", "--by", "HBR")
    assert status == 0 and out == "The 6A cupboard is confirmed locked with 1 phone inside.\n"


def test_set_pin_from_standard_input_then_sign_in(kiosk, filled, database):
    status, out, _ = kiosk("staff", "set-pin", "HBR", stdin="8642\nignored\n")
    assert status == 0 and "Hannah Brooks" in out
    from db.people import sign_in

    assert sign_in(database, "HBR", "8642").code == "HBR"
    status, _, err = kiosk("staff", "set-pin", "HBR", stdin="12\n")
    assert status == 1 and "4 to 12 digits" in err


def test_set_pin_lifts_a_lockout_and_says_so(kiosk, filled, database):
    from db.core import Refused
    from db.people import sign_in

    kiosk("staff", "set-pin", "HBR", stdin="8642\n")
    for attempt in range(5):
        with pytest.raises(Refused):
            sign_in(database, "HBR", f"100{attempt}")
    status, out, _ = kiosk("staff", "set-pin", "HBR", stdin="2468\n")
    assert status == 0 and out == ("The PIN for Hannah Brooks (HBR) is set.\n"
                                   "HBR was locked after wrong PINs: the new PIN lifts that now.\n")
    assert sign_in(database, "HBR", "2468").code == "HBR"


def test_permit_and_revoke_walk_home(kiosk, filled):
    status, out, _ = kiosk("pupil", "permit", filled.year6_no_permit, "--walk-home", "--by", "MJO")
    assert status == 0 and out == "Recorded: Ben O'Connor (6A) may walk home alone.\n"
    _, out, _ = kiosk("phone", "in", filled.year6_no_permit, "--by", "HBR")
    assert "6A cupboard" in out
    status, out, _ = kiosk("pupil", "permit", "T801999924002", "--walk-home", "--revoke", "--by", "MJO")
    assert status == 0 and "may no longer walk home alone" in out


def test_tags_issue_prints_only_the_code_and_list_shows_labels(kiosk, filled):
    status, out, _ = kiosk("tags", "issue", "phone", "--pupil", "1003", "--description", "red Nokia")
    code = out.strip()
    assert status == 0 and len(code) == 10 and code.startswith("P-")
    status, out, _ = kiosk("tags", "issue", "location", "--name", "Office")
    assert status == 0 and out.strip().startswith("R-")
    status, out, _ = kiosk("tags", "issue", "staff", "--staff", "HBR")
    assert status == 0 and out.strip().startswith("S-")
    _, out, _ = kiosk("tags", "list", "--kind", "phone", "--format", "json")
    labels = {t["code"]: t["label"] for t in json.loads(out)}
    assert labels[code] == "Zoë W. 4B" and filled.year4 not in labels  # the old tag was replaced
    _, out, _ = kiosk("tags", "list", "--kind", "staff", "--format", "json")
    assert [t["label"] for t in json.loads(out)] == ["HBR Hannah Brooks"]


def test_audit_verify(kiosk, filled, db_path):
    status, out, _ = kiosk("audit", "verify")
    assert status == 0 and "intact" in out
    import sqlite3

    with sqlite3.connect(db_path) as conn:
        conn.execute("DELETE FROM ledger_entry WHERE id = 2")
    status, _, err = kiosk("audit", "verify")
    assert status == 1 and "Ledger record 3" in err and "deleted or changed" in err


def test_demo_fill_only_uses_its_own_database_and_refuses_a_school(tmp_path, capsys, db_path, filled):
    assert main(["demo", "--fill-only"]) == 0
    out = capsys.readouterr().out
    assert "HBR" in out and "1234" in out and "demo.db" in out
    assert main(["--db", f"sqlite:///{db_path}", "demo", "--fill-only"]) == 1
    assert "already holds a school" in capsys.readouterr().err
    # A second demo starts afresh rather than refusing its own file.
    assert main(["demo", "--fill-only"]) == 0


def test_the_demo_school_has_six_weeks_of_camera_and_ipad_loans_on_a_verified_chain(capsys, clock):
    # Filled on a Sunday: the loans count back over school days, and one iPad was lent this morning.
    clock.moment = datetime(2026, 11, 29, 10, 30, tzinfo=timezone.utc)
    assert main(["demo", "--fill-only"], clock=clock) == 0
    demo_db = f"sqlite:///{data_dir() / 'demo.db'}"
    capsys.readouterr()
    assert main(["--db", demo_db, "report", "devices", "--from", "2026-10-12", "--by", "HTE", "--format", "json"],
                clock=clock) == 0
    loans = json.loads(capsys.readouterr().out)
    assert 10 <= len(loans) <= 15
    statuses = [loan["status"] for loan in loans]
    assert {"verified", "unverified", "upload outstanding", "no images", "out"} <= set(statuses)
    assert statuses.count("upload outstanding") == 1 and statuses[-1] == "out"
    assert all(loan["returned"] and loan["returned"][:10] == loan["out"][:10] for loan in loans[:-1])
    assert {loan["staff"] for loan in loans} == {"Hannah Brooks", "David Okafor", "Lucy Patel"}
    # The verified loan's photos are real JPEGs in the demo's own Drive folder.
    [verified] = [loan for loan in loans if loan["status"] == "verified"]
    assert len(list((data_dir() / "demo-drive").rglob("*.JPG"))) == verified["verified"] == verified["images"] > 0
    assert main(["--db", demo_db, "audit", "verify"], clock=clock) == 0
    assert "The ledger is intact" in capsys.readouterr().out


def test_the_command_line_never_imports_textual(db_path, filled):
    code = ("import sys, kiosk.cli as c; c.main(['--db', sys.argv[1], 'phone', 'where']); "
            "print('textual' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code, f"sqlite:///{db_path}"], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip().splitlines()[-1] == "False"


def test_import_pupils_and_staff_from_the_command_line(kiosk, tmp_path):
    from stdnum.gb import upn

    staff = tmp_path / "staff.csv"
    staff.write_text("Staff Code,First Name,Surname,Role,Class\r\nHBR,Hannah,Brooks,teacher,6A\r\n", encoding="utf-8")
    assert kiosk("import", "staff", str(staff))[:2] == (0, "Imported staff from staff.csv: 1 added, 0 updated.\n")
    good = "801999924001"
    pupils = tmp_path / "pupils.csv"
    pupils.write_bytes(("\ufeffStudent List\r\n\r\nSurname,Forename,Year,Reg Group,UPN,Adno\r\n"
                        f"Khan,Amira,Year 6,6A,{upn.calc_check_digit(good) + good},1001\r\n"
                        "O'Connor,Ben,Y6,6A,A801999924002,1002\r\n").encode())
    status, out, err = kiosk("import", "pupils", str(pupils))
    assert status == 1 and out == ""
    assert err.splitlines()[0].startswith("1 row in pupils.csv could not be imported, so nothing was imported")
    assert "line 5: the UPN A801999924002 is not valid (wrong check letter)" in err
    status, out, err = kiosk("import", "pupils", str(pupils), "--skip-bad")
    assert status == 0 and out == "Imported pupils from pupils.csv: 1 added, 0 updated, 0 archived as leavers.\n"
    assert "skipped line 5" in err


def test_export_pupil_holds_everything_about_that_pupil_and_nobody_else(kiosk, filled):
    kiosk("phone", "in", filled.year4, "--by", "LPA")
    kiosk("parents", "told", "1003", "--by", "MJO", "--how", "phoned mum")
    kiosk("phone", "in", filled.walker, "--by", "HBR")
    status, out, _ = kiosk("export", "pupil", "1003")
    data = json.loads(out)
    assert status == 0
    assert data["pupil"]["surname"] == "Wiśniewski" and data["pupil"]["admission_number"] == "1003"
    assert [t["code"] for t in data["phone_tags"]] == [filled.year4]
    assert data["phone_held_now"][0]["location"] == "Office"
    assert data["parents_to_tell"][0]["how"] == "phoned mum" and data["parents_to_tell"][0]["told_by"] == "Maria Jones"
    assert [e["action"] for e in data["record"]] == ["tag_issued", "phone_in", "parents_told"]
    assert "Khan" not in out and filled.walker not in out  # another pupil's data never appears
    status, _, err = kiosk("export", "pupil", "nobody")
    assert status == 1 and "No pupil has" in err
