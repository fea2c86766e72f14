"""Retention (R7): `purge` blanks and deletes what is past its period, keeps what is live; the chain still verifies."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa

from db import devices, phones
from db.core import COMMAND_LINE, LEDGER, Refused, find_pupil, find_staff, open_database, row_hash
from db.core.models import Pupil
from db.devices import import_devices
from db.people import import_pupils, set_pin
from db.records import Retention, cutoffs, export_pupil, purge, redacted_digest, verify
from db.tags import issue_phone_tag
from kiosk.config import SettingNotValid, Settings
from tagcodes import TagKind, new_code
from tests.conftest import LONDON, SmallSchool

DEVICES = """Asset Tag,Type,Name,Make,Model,Serial
IPAD-03,ipad,iPad 3,Apple,iPad (9th generation),
IPAD-04,ipad,iPad 4,Apple,iPad (9th generation),
CAM-01,camera,Canon 1,Canon,EOS 2000D,12345678901
"""
# The December import: Oliver (1004) is not in it, so he is archived as a leaver.
ROLL = """First Name,Preferred Name,Surname,Year,Class,Adno
Amira,,Khan,6,6A,1001
Benjamin,Ben,O'Connor,6,6A,1002
Zoë,,Wiśniewski,4,4B,1003
"""
PURGE_DAY = (2026, 11, 22, 10, 0)  # a Sunday: with one year kept, the cut-off is 1 September 2025
PURGED_AT = datetime(*PURGE_DAY, tzinfo=LONDON).astimezone(timezone.utc)


def at(clock, *args) -> None:
    clock.moment = datetime(*args, tzinfo=LONDON).astimezone(timezone.utc)


@dataclass
class History:
    school: SmallSchool
    leaver_tag: str


def old_history(database, clock, folder: Path) -> History:
    """Autumn 2024 in the small school, recorded by the real functions; the clock is left on 22 November 2026.

    Amira (6A) walks home, checks in and out, and is put on the exceptions register (never ended: live).
    Ben (6A, no permission) checks in and his phone is still held, parents never told (live).
    Oliver (4B) checks in, parents told, has his phone confiscated and released to his mother, then leaves.
    Loans: CAM-01 back with no images, IPAD-04 back and uploaded (both finished), IPAD-03 back with
    5 images not confirmed on the Drive (live). Ben's exception and Lucy Patel's staff phone agreement ended.
    """
    database.clock_checked = False  # two years in a minute, and back to 2024 after the school's set-up
    at(clock, 2024, 10, 8, 8, 30)
    school = SmallSchool(database)
    with database.writing() as session:
        session.add(Pupil(adno="1004", legal_first="Oliver", surname="Smith", year=4, class_name="4B"))
        session.commit()
    leaver_tag = issue_phone_tag(database, "1004", lambda: new_code(TagKind.PHONE), by=COMMAND_LINE).code
    (folder / "devices.csv").write_text(DEVICES, encoding="utf-8")
    import_devices(database, folder / "devices.csv", by=COMMAND_LINE)

    at(clock, 2024, 10, 8, 8, 40)  # Tuesday
    phones.phone_in(database, school.walker, "HBR")
    phones.phone_in(database, school.year6_no_permit, "HBR")
    phones.phone_in(database, leaver_tag, "LPA")
    phones.cupboard_locked(database, "6A", "HBR")
    phones.parents_told(database, "1004", "MJO", "phoned mum at 10:05")
    devices.set_consent(database, "1004", "photos", False, "MJO")
    for asset, images in (("CAM-01", 0), ("IPAD-04", 2), ("IPAD-03", 5)):
        devices.lend_device(database, asset, "LPA", "4B", "science walk")
        devices.return_device(database, asset, "LPA", images)
    devices.confirm_upload(database, "IPAD-04", "LPA")
    at(clock, 2024, 10, 8, 15, 30)
    phones.phone_out(database, school.walker, "HBR")
    phones.phone_out(database, leaver_tag, "MJO")

    at(clock, 2024, 10, 9, 10, 0)
    phones.confiscate(database, leaver_tag, "LPA", "used in class")
    phones.add_exception(database, "1002", "young carer", "phone on silent in bag", date(2025, 7, 1), by="HTE")
    phones.add_exception(database, "1001", "medical", "glucose app only", date(2025, 7, 1), by="HTE")
    phones.agree_staff_phone(database, "LPA", "on call for a parent in hospital", date(2024, 11, 4),
                                 date(2024, 11, 29), by="HTE")
    at(clock, 2024, 10, 9, 15, 30)
    phones.phone_out(database, leaver_tag, "MJO", to="Mrs Smith")
    at(clock, 2024, 11, 1, 9, 0)
    phones.end_exception(database, "1002", by="HTE")
    at(clock, 2024, 12, 2, 9, 0)
    (folder / "roll.csv").write_text(ROLL, encoding="utf-8")
    assert import_pupils(database, folder / "roll.csv", by=COMMAND_LINE).archived == 1

    at(clock, *PURGE_DAY)
    # The kiosk in use until the purge (a kiosk a year idle would be a PC's wrong clock to the record's check).
    set_pin(database, "MJO", "1357", by=COMMAND_LINE)
    return History(school, leaver_tag)


@pytest.fixture
def history(database, clock, tmp_path) -> History:
    return old_history(database, clock, tmp_path)


def dump(path: Path) -> list[str]:
    with sqlite3.connect(path) as conn:
        return list(conn.iterdump())


def ledger_rows(database) -> list[dict]:
    with database.engine.connect() as conn:
        return [dict(row) for row in conn.execute(sa.select(LEDGER).order_by(LEDGER.c.id)).mappings()]


def staff_id(database, code: str) -> int:
    with database.engine.connect() as conn:
        return find_staff(conn, code).id


def actions(export: dict) -> list[str]:
    return [event["action"] for event in export["record"]]


def tamper(path, *statements):
    with sqlite3.connect(path) as conn:
        for statement in statements:
            conn.execute(statement)


# --- the periods ---------------------------------------------------------------------------------


def test_a_period_counts_whole_school_years_before_the_current_one():
    assert cutoffs(date(2026, 11, 22), Retention())["custody"] == date(2025, 9, 1)
    assert cutoffs(date(2026, 8, 31), Retention())["custody"] == date(2024, 9, 1)  # still the 2025-26 school year
    assert cutoffs(date(2026, 9, 1), Retention(custody_years=0))["custody"] == date(2026, 9, 1)
    assert cutoffs(date(2026, 11, 22), Retention()) == {
        "custody": date(2025, 9, 1), "device_loans": date(2025, 9, 1), "confiscations": date(2023, 9, 1),
        "exceptions": date(2020, 9, 1), "leavers": date(2025, 9, 1)}


def test_a_negative_period_is_refused_in_the_settings_and_the_db_layer(monkeypatch):
    with pytest.raises(ValueError):
        Retention(custody_years=-1)
    with pytest.raises(SettingNotValid):
        Settings(keep_custody_years=-1)
    monkeypatch.setenv("KIOSK_KEEP_CONFISCATIONS_YEARS", "5")
    assert (Settings().keep_confiscations_years, Settings().keep_custody_years, Settings().keep_exceptions_years) == (
        5, 1, 6)


# --- what a purge does ---------------------------------------------------------------------------


def test_the_default_periods_blank_old_custody_and_loans_and_keep_what_is_live(database, history):
    report = purge(database, Retention(), by="ADM")

    assert report.cutoffs["custody"] == date(2025, 9, 1) and not report.dry_run
    # 4 tags issued, a walk-home permission, 3 check-ins (Ben's still held), a cupboard, parents told, 2 hand-backs.
    assert report.redacted == {"custody": 11, "device_loans": 5, "confiscations": 0, "exceptions": 0, "leavers": 0}
    assert report.deleted == {"parent_task": 1, "device_loan": 2, "confiscation": 0, "phone_exception": 0,
                              "staff_phone_exception": 0, "consent_event": 0, "tag": 0, "pupil": 0}
    assert report.leavers == 0

    # Amira: her old custody record is gone; her exception (kept six years, and still current) stays.
    assert actions(export_pupil(database, "1001", by=COMMAND_LINE)) == ["exception_added"]
    # Ben's phone has been held since 2024: still held, parents still to tell, his check-in still recorded.
    ben = export_pupil(database, "1002", by=COMMAND_LINE)
    assert actions(ben) == ["phone_in", "exception_added", "exception_ended"]
    assert len(ben["phone_held_now"]) == 1 and ben["parents_to_tell"][0]["told_at"] is None
    assert [row.pupil for row in phones.phones_held(database, by=COMMAND_LINE)] == ["Ben O'Connor"]
    # Oliver left in December 2024 but his confiscation is kept three years, so he stays, with only that.
    oliver = export_pupil(database, "1004", by=COMMAND_LINE)
    assert actions(oliver) == ["consent_changed", "phone_confiscated", "confiscation_released"]
    assert oliver["parents_to_tell"] == []
    # IPAD-03's images are not confirmed on the Drive: that loan stays whole.
    assert [loan.device for loan in devices.loans_report(database, date(2024, 10, 8), by=COMMAND_LINE)] == [
        "IPAD-03 iPad 3"]

    rows = ledger_rows(database)
    blanked = [r for r in rows if r["purged_at"] is not None]
    assert len(blanked) == 16
    for row in blanked:
        assert row["purged_at"] == PURGED_AT
        assert (row["pupil_id"], row["staff_id"], row["tag_code"], row["from_location_id"], row["to_location_id"],
                row["voids_id"], row["detail"]) == (None, None, None, None, None, None, "{}")
        assert row["action"] and row["at"].year == 2024 and row["kiosk"] == "test-kiosk"  # counts per day survive
    checkpoint = rows[-1]
    assert (checkpoint["action"], checkpoint["staff_id"], checkpoint["at"]) == (
        "purge", staff_id(database, "ADM"), PURGED_AT)
    assert checkpoint["id"] == report.checkpoint_id
    detail = json.loads(checkpoint["detail"])
    assert detail == {"cutoffs": {k: v.isoformat() for k, v in report.cutoffs.items()}, "redacted": 16,
                      "redacted_digest": redacted_digest(r["id"] for r in blanked), "deleted": report.deleted}
    assert verify(database, by=COMMAND_LINE) == len(rows)


def test_a_leaver_goes_once_no_longer_record_refers_to_them(database, history):
    report = purge(database, Retention(confiscations_years=1), by=COMMAND_LINE)

    assert report.leavers == 1 and report.redacted["confiscations"] == 2
    assert report.redacted["leavers"] == 1  # the consent answer, which no period of its own covers
    assert {t: n for t, n in report.deleted.items() if n} == {
        "parent_task": 1, "device_loan": 2, "confiscation": 1, "consent_event": 1, "tag": 1, "pupil": 1}
    with database.reading() as session, pytest.raises(Refused, match="No pupil has"):
        find_pupil(session, "1004", include_leavers=True)
    with pytest.raises(Refused, match="No pupil has"):
        export_pupil(database, history.leaver_tag, by=COMMAND_LINE)
    leaver_rows = [r for r in ledger_rows(database) if history.leaver_tag in (r["tag_code"] or "")
                   or "Smith" in r["detail"]]
    assert leaver_rows == []
    assert verify(database, by=COMMAND_LINE) == len(ledger_rows(database))


def test_with_nothing_kept_before_this_year_only_live_records_stay(database, history):
    report = purge(database, Retention(0, 0, 0, 0, 0), by="HTE")

    assert report.redacted["exceptions"] == 3  # Ben's exception added and ended, the staff phone agreement
    assert report.deleted["phone_exception"] == 1 and report.deleted["staff_phone_exception"] == 1
    kept = [(r["action"], r["pupil_id"] is not None) for r in ledger_rows(database)
            if r["purged_at"] is None and r["action"] in {"phone_in", "device_out", "device_returned",
                                                           "exception_added"}]
    # Ben's held phone, IPAD-03's loan awaiting its upload, Amira's current exception.
    assert kept == [("phone_in", True), ("device_out", False), ("device_returned", False), ("exception_added", True)]
    assert [e.pupil for e in phones.exceptions_register(database, by=COMMAND_LINE)] == ["Amira Khan"]
    assert phones.parents_pending(database, by=COMMAND_LINE)[0].pupil == "Ben O'Connor"
    assert verify(database, by=COMMAND_LINE) == len(ledger_rows(database))


def test_a_second_purge_blanks_nothing_more_and_both_checkpoints_verify(database, history, clock):
    first = purge(database, Retention(), by=COMMAND_LINE)
    second = purge(database, Retention(), by=COMMAND_LINE)  # the clock has not moved: a distinct moment anyway
    assert first.total_redacted == 16 and second.total_redacted == 0 and not any(second.deleted.values())
    rows = ledger_rows(database)
    assert [r["action"] for r in rows[-2:]] == ["purge", "purge"] and rows[-1]["at"] > rows[-2]["at"]
    clock.advance(days=365 * 3)  # 2029: Oliver's confiscation is past its three years, and then Oliver himself
    third = purge(database, Retention(), by=COMMAND_LINE)
    assert (third.redacted["confiscations"], third.leavers, third.redacted["leavers"]) == (2, 1, 1)
    assert verify(database, by=COMMAND_LINE) == len(ledger_rows(database))


def test_a_dry_run_reports_exactly_what_a_purge_does_and_changes_nothing(database, history, db_path):
    before = dump(db_path)
    dry = purge(database, Retention(confiscations_years=1), by="ADM", dry_run=True)
    assert dump(db_path) == before
    assert dry.dry_run and dry.checkpoint_id is None
    real = purge(database, Retention(confiscations_years=1), by="ADM")
    assert (dry.cutoffs, dry.redacted, dry.deleted, dry.leavers) == (
        real.cutoffs, real.redacted, real.deleted, real.leavers)


def test_only_the_leadership_and_administrators_may_purge(database, history, db_path):
    before = dump(db_path)
    for who, role in (("HBR", "a teacher"), ("MJO", "office staff")):
        with pytest.raises(Refused, match=rf"is {role}: purging old records is for the leadership team or "
                                          "administrators\\.$"):
            purge(database, Retention(), by=who)
    assert dump(db_path) == before


# --- the audit still finds tampering -------------------------------------------------------------


def test_a_record_blanked_by_hand_outside_a_purge_is_named(database, history, db_path):
    purge(database, Retention(), by=COMMAND_LINE)
    target = next(r for r in ledger_rows(database) if r["action"] == "exception_added" and r["purged_at"] is None)
    tamper(db_path, "UPDATE ledger_entry SET purged_at = '2026-11-01 09:00:00.000000', pupil_id = NULL, "
                    f"staff_id = NULL, detail = '{{}}' WHERE id = {target['id']}")
    with pytest.raises(Refused, match=rf"^Ledger record {target['id']} \(exception_added at 09 Oct 2024 10:00\) "
                                      "was blanked outside a purge: no purge checkpoint records it\\.$"):
        verify(database, by=COMMAND_LINE)


def test_a_record_blanked_by_hand_at_a_purge_s_own_time_is_found(database, history, db_path):
    purge(database, Retention(), by=COMMAND_LINE)
    target = next(r for r in ledger_rows(database) if r["action"] == "exception_added" and r["purged_at"] is None)
    tamper(db_path, "UPDATE ledger_entry SET purged_at = (SELECT purged_at FROM ledger_entry WHERE purged_at "
                    "IS NOT NULL LIMIT 1), pupil_id = NULL, staff_id = NULL, detail = '{}' "
                    f"WHERE id = {target['id']}")
    with pytest.raises(Refused, match=r"was blanked outside a purge: the purge checkpoint \(ledger record \d+\) "
                                      r"lists 16 blanked records, and the 17 found"):
        verify(database, by=COMMAND_LINE)


def test_an_edited_checkpoint_is_found_even_with_its_hash_made_again(database, history, db_path):
    report = purge(database, Retention(), by=COMMAND_LINE)
    tamper(db_path, f"UPDATE ledger_entry SET detail = replace(detail, '\"redacted\": 16', '\"redacted\": 15') "
                    f"WHERE id = {report.checkpoint_id}")
    with pytest.raises(Refused, match=rf"^Ledger record {report.checkpoint_id} \(purge at .*\) was changed after"):
        verify(database, by=COMMAND_LINE)

    # A forger who also rewrites the last row's hash (nothing follows it) still meets the blanked rows.
    checkpoint = ledger_rows(database)[-1]
    detail = json.loads(checkpoint["detail"])
    detail["redacted_digest"] = redacted_digest([1, 2, 3])
    detail["redacted"] = 16
    checkpoint["detail"] = json.dumps(detail, sort_keys=True, ensure_ascii=False)
    with database.engine.begin() as conn:
        conn.execute(LEDGER.update().where(LEDGER.c.id == checkpoint["id"]).values(
            detail=checkpoint["detail"], hash=row_hash(checkpoint)))
    with pytest.raises(Refused, match=r"was blanked outside a purge: the purge checkpoint"):
        verify(database, by=COMMAND_LINE)


def test_a_blanked_record_still_links_so_deleting_one_is_still_found(database, history, db_path):
    purge(database, Retention(), by=COMMAND_LINE)
    target = next(r for r in ledger_rows(database) if r["purged_at"] is not None)
    tamper(db_path, "PRAGMA foreign_keys = OFF", f"DELETE FROM ledger_entry WHERE id = {target['id']}")
    with pytest.raises(Refused, match=rf"^Ledger record {target['id'] + 1} .* does not follow the record before it"):
        verify(database, by=COMMAND_LINE)


# --- in short batches: nothing waits for the whole purge ------------------------------------------


def test_each_batch_is_committed_with_its_checkpoint_and_verifies_as_it_goes(database, history, monkeypatch,
                                                                              database_url):
    """Batches of two rows: another kiosk's connection sees each batch's rows blanked as soon as it is done,
    the chain verifies between batches, and the whole comes to what one batch does."""
    monkeypatch.setattr("db.records.retention.BATCH", 2)
    monkeypatch.setattr("db.records.retention.SMALLEST", 2)
    monkeypatch.setattr("db.records.retention.LARGEST", 2)
    seen = []

    def look(report):
        with database.engine.connect() as other:  # a connection of its own: only committed rows show
            blanked = other.execute(sa.select(sa.func.count()).where(LEDGER.c.purged_at.is_not(None))).scalar()
            checkpoints = other.execute(sa.select(LEDGER.c.detail).where(LEDGER.c.action == "purge")).scalars()
            accounted = sum(json.loads(detail)["redacted"] for detail in checkpoints)
        seen.append((report.total_redacted, blanked, accounted, verify(database, by=COMMAND_LINE)))

    report = purge(database, Retention(confiscations_years=1), by="ADM", progress=look)
    assert report.batches > 5 and len(seen) == report.batches - 1
    assert all(told == blanked == accounted for told, blanked, accounted, _ in seen)
    assert [told for told, *_ in seen] == sorted(told for told, *_ in seen) and seen[-1][0] > seen[0][0]
    # The same work as in one batch (test_a_leaver_goes_once_no_longer_record_refers_to_them).
    assert (report.redacted, report.leavers) == (
        {"custody": 11, "device_loans": 5, "confiscations": 2, "exceptions": 0, "leavers": 1}, 1)
    assert {t: n for t, n in report.deleted.items() if n} == {
        "parent_task": 1, "device_loan": 2, "confiscation": 1, "consent_event": 1, "tag": 1, "pupil": 1}
    rows = ledger_rows(database)
    assert [r["action"] for r in rows].count("purge") == report.batches
    assert verify(database, by=COMMAND_LINE) == len(rows)


def test_a_dry_run_takes_no_write_lock_so_a_scan_gets_through_while_it_counts(database, history, database_url,
                                                                               clock):
    """Half-way through the dry run's reads another kiosk checks a phone in, waiting no more than 0.2 s for
    the write lock: it gets through (a dry run that took the lock would keep it busy until the end)."""
    kiosk = open_database(database_url, clock=clock, kiosk_name="other-kiosk", lock_wait_ms=200)
    scanned = []

    def scan_meanwhile(_conn, _cursor, statement, *_args):
        if not scanned and statement.lstrip().upper().startswith("SELECT") and "ledger_entry" in statement:
            scanned.append(phones.phone_in(kiosk, history.school.walker, "HBR"))

    sa.event.listen(database.engine, "before_cursor_execute", scan_meanwhile)
    try:
        dry = purge(database, Retention(), by="ADM", dry_run=True)
    finally:
        sa.event.remove(database.engine, "before_cursor_execute", scan_meanwhile)
        kiosk.engine.dispose()
    assert len(scanned) == 1 and scanned[0].pupil.startswith("Amira")
    assert dry.dry_run and dry.total_redacted == 16
    # The scan (Amira is on the exceptions register: her phone is seen, and kept), and no purge checkpoint.
    assert [r["action"] for r in ledger_rows(database)][-1] == "phone_kept"
