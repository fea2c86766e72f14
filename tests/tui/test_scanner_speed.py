"""A scanner types a code and Enter in a few milliseconds: 200 phones in a row, none lost."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable

from db.core import COMMAND_LINE
from db.demo import upn_for
from db.people import import_pupils, import_staff, set_pin
from db.phones import custody_report, phones_held
from db.tags import issue_phone_tag
from tagcodes import TagKind, new_code
from tests.tui.helpers import build_app, list_caught_up, panel, scanner_types, signed_in

PHONES = 200


@pytest.fixture
def busy_school(database, tmp_path):
    """A school of 200 Year 5 pupils, every one with a tagged phone, and one office member of staff."""
    pupils = tmp_path / "pupils.csv"
    pupils.write_text("Forename,Surname,Year,Reg Group,UPN,Adno\n" + "".join(
        f"Pupil{n},Number{n:03d},5,5Z,{upn_for(n)},{9000 + n}\n" for n in range(1, PHONES + 1)), encoding="utf-8")
    staff = tmp_path / "staff.csv"
    staff.write_text("Staff Code,First Name,Surname,Role,Class\nOFF,Olive,Office,office,\n", encoding="utf-8")
    import_pupils(database, pupils, by=COMMAND_LINE)
    import_staff(database, staff, by=COMMAND_LINE)
    set_pin(database, "OFF", "2468", by=COMMAND_LINE)
    codes = [issue_phone_tag(database, str(9000 + n), lambda: new_code(TagKind.PHONE), by=COMMAND_LINE).code
             for n in range(1, PHONES + 1)]
    return database, codes


@pytest.mark.slow
async def test_200_scans_at_scanner_speed_are_all_recorded(busy_school):
    database, codes = busy_school
    app = build_app(database)
    async with app.run_test(size=(120, 36)) as pilot:
        await signed_in(pilot, "OFF", "2468")
        for code in codes:
            scanner_types(pilot, code)
            await pilot.pause(0.05)
        await app.workers.wait_for_complete()
        await list_caught_up(pilot)
        assert "refused" not in app.chimes
        assert "Number200" in panel(pilot).text  # only the newest result is on the panel
        assert app.screen.query_one("#phones", DataTable).row_count == PHONES
    checked_in = [event.code for event in custody_report(database, by=COMMAND_LINE) if event.action == "phone in"]
    assert sorted(checked_in) == sorted(codes)
    assert {row.code for row in phones_held(database, by=COMMAND_LINE)} == set(codes)


async def test_codes_scanned_with_no_pause_at_all_are_each_recorded(busy_school):
    # Every key of ten codes queued before the kiosk handles the first Enter: each Enter ends one code, so none
    # is glued to the next ("P-AAAA-AAAP-BBBB-BBB") or lost when the field empties.
    database, codes = busy_school
    app = build_app(database)
    async with app.run_test(size=(120, 36)) as pilot:
        await signed_in(pilot, "OFF", "2468")
        for code in codes[:10]:
            scanner_types(pilot, code)
        await app.workers.wait_for_complete()
        await list_caught_up(pilot)
        assert "refused" not in app.chimes
    checked_in = [event.code for event in custody_report(database, by=COMMAND_LINE) if event.action == "phone in"]
    assert sorted(checked_in) == sorted(codes[:10])
