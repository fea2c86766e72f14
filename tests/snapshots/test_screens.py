"""One picture per screen, at a classroom PC's 120×36 and at an old 80×24 terminal.

Regenerate after a deliberate change with ``pytest tests/snapshots --snapshot-update`` and look at
the new SVGs before committing them.
"""

from __future__ import annotations

from textual.widgets import DataTable

from kiosk.screens.office import OfficeScreen
from tests.tui.helpers import build_app, device_tag, list_caught_up, phone_of, scan, settle, signed_in
from tests.tui.test_devices import history


async def steady(pilot) -> None:
    """Workers done and every DataTable's column widths worked out (Textual does that when idle)."""
    await settle(pilot)
    await pilot.pause(0.2)
    await settle(pilot)
    # Textual 8's DataTable keeps lines it drew before its idle-time column widths came in (their cache
    # key leaves the widths out), so now and then a picture shows columns cut to their headings' width.
    for table in pilot.app.screen.query(DataTable):
        table._clear_caches()
        table.refresh()
    await pilot.pause()


def test_sign_in_screen(snap_compare, school):
    assert snap_compare(build_app(school), terminal_size=(120, 36))


def test_scan_screen_after_a_green_scan(snap_compare, school):
    pupil = phone_of(school, walker=True, held=False, class_name="6A")

    async def run_before(pilot):
        await signed_in(pilot, "HBR", "1234")
        await scan(pilot, pupil.phone_tag)
        await list_caught_up(pilot)
        await steady(pilot)

    assert snap_compare(build_app(school), terminal_size=(120, 36), run_before=run_before)


def test_scan_screen_amber_result_at_80_by_24(snap_compare, school):
    pupil = phone_of(school, walker=False, held=False, class_name="4B")

    async def run_before(pilot):
        await signed_in(pilot, "LPA", "3456")
        await scan(pilot, pupil.phone_tag)
        await list_caught_up(pilot)
        await steady(pilot)

    assert snap_compare(build_app(school), terminal_size=(80, 24), run_before=run_before)


def test_scan_screen_high_contrast_after_a_refused_scan(snap_compare, school):
    """theme = "high-contrast": black, white and yellow, the panel's kind in words, the mode marked ● … · on."""

    async def run_before(pilot):
        await signed_in(pilot, "HBR", "1234")
        await pilot.press("f6")
        await scan(pilot, "HELLO123")
        await list_caught_up(pilot)
        await steady(pilot)

    assert snap_compare(build_app(school, theme="high-contrast"), terminal_size=(120, 36), run_before=run_before)


def test_office_screen(snap_compare, school, monkeypatch):
    monkeypatch.setattr(OfficeScreen, "refresh_seconds", 3600)  # no reload in the middle of the picture

    async def run_before(pilot):
        await signed_in(pilot, "MJO", "4567")
        await pilot.press("f2")
        await steady(pilot)

    assert snap_compare(build_app(school), terminal_size=(120, 36), run_before=run_before)


def test_office_screen_with_a_confiscated_phone(snap_compare, school, monkeypatch):
    from db import phones

    monkeypatch.setattr(OfficeScreen, "refresh_seconds", 3600)
    phones.confiscate(school, phone_of(school, walker=True, held=False, class_name="6A").phone_tag, "HBR",
                      "Used in class")

    async def run_before(pilot):
        await signed_in(pilot, "MJO", "4567")
        await pilot.press("f2")
        await steady(pilot)

    assert snap_compare(build_app(school), terminal_size=(120, 36), run_before=run_before)


def test_find_pupil_modal(snap_compare, school):
    async def run_before(pilot):
        await signed_in(pilot, "MJO", "4567")
        await pilot.press("f3", *"finley")
        await steady(pilot)

    assert snap_compare(build_app(school), terminal_size=(120, 36), run_before=run_before)


def test_tag_preview_modal_at_80_by_24(snap_compare, school, tmp_path):
    pupil = phone_of(school, walker=True, held=False, class_name="6A")

    async def run_before(pilot):
        await signed_in(pilot, "HBR", "1234")
        await scan(pilot, pupil.phone_tag)
        await pilot.press("f8")  # reprint the tag just scanned: the preview comes first
        await steady(pilot)

    app = build_app(school, printer=f"file:{tmp_path / 'tags.prn'}")
    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_print_queue_screen_with_failed_jobs(snap_compare, school):
    pupil = phone_of(school, walker=True, held=False, class_name="6A")

    async def run_before(pilot):
        await signed_in(pilot, "HBR", "1234")
        await scan(pilot, pupil.phone_tag)  # checked in; its receipt fails
        await pilot.press("f7")  # the class's tags fail too
        await steady(pilot)
        await pilot.click("#yes")  # "Print 3 tags?"
        await steady(pilot)
        await pilot.press("f9")
        await steady(pilot)
        pilot.app.clear_notifications()  # toasts come and go with the wall clock
        await pilot.pause()

    # A folder that does not exist: the same sentence on every machine, with no port number in it.
    app = build_app(school, printer="file:/nonexistent/kiosk/tags.prn", receipt_on_check_in=True)
    assert snap_compare(app, terminal_size=(120, 36), run_before=run_before)


def test_device_lent_with_the_do_not_photograph_list(snap_compare, school):
    code = device_tag(school, "IPAD-03")

    async def run_before(pilot):
        await signed_in(pilot, "HBR", "1234")
        await scan(pilot, code)
        await pilot.click("#purpose-0")  # Trip: lent for 6A, no printer on this kiosk
        await steady(pilot)

    assert snap_compare(build_app(school), terminal_size=(120, 36), run_before=run_before)


def test_devices_review_screen(snap_compare, school, clock, tmp_path):
    history(school, clock, tmp_path)

    async def run_before(pilot):
        await signed_in(pilot, "HTE", "5678")
        await pilot.press("f11")
        await steady(pilot)

    assert snap_compare(build_app(school), terminal_size=(120, 36), run_before=run_before)


# 80×24 (issue 12, point 15): the same screens on an old terminal, nothing a person needs cut.

def test_sign_in_pin_box_at_80_by_24(snap_compare, school):
    async def run_before(pilot):
        await pilot.press(*"HBR", "enter")
        await steady(pilot)

    assert snap_compare(build_app(school), terminal_size=(80, 24), run_before=run_before)


def test_office_screen_at_80_by_24(snap_compare, school, monkeypatch):
    monkeypatch.setattr(OfficeScreen, "refresh_seconds", 3600)

    async def run_before(pilot):
        await signed_in(pilot, "MJO", "4567")
        await pilot.press("f2")
        await steady(pilot)

    assert snap_compare(build_app(school), terminal_size=(80, 24), run_before=run_before)


def test_devices_review_screen_at_80_by_24(snap_compare, school, clock, tmp_path):
    history(school, clock, tmp_path)

    async def run_before(pilot):
        await signed_in(pilot, "HTE", "5678")
        await pilot.press("f11")
        await steady(pilot)

    assert snap_compare(build_app(school), terminal_size=(80, 24), run_before=run_before)


def test_device_lent_at_80_by_24(snap_compare, school):
    code = device_tag(school, "IPAD-03")

    async def run_before(pilot):
        await signed_in(pilot, "HBR", "1234")
        await scan(pilot, code)
        await pilot.click("#purpose-0")
        await steady(pilot)

    assert snap_compare(build_app(school), terminal_size=(80, 24), run_before=run_before)


def keys_of(code: str, pin: str):
    async def run_before(pilot):
        await signed_in(pilot, code, pin)
        await pilot.press("question_mark")
        await steady(pilot)

    return run_before


def test_a_teachers_keys_at_80_by_24(snap_compare, school):
    assert snap_compare(build_app(school), terminal_size=(80, 24), run_before=keys_of("HBR", "1234"))


def test_the_leaderships_keys(snap_compare, school):
    assert snap_compare(build_app(school), terminal_size=(120, 36), run_before=keys_of("HTE", "5678"))


def test_office_staffs_scan_screen_at_80_by_24(snap_compare, school):
    async def run_before(pilot):  # every phone held: the descriptions wrap in their column
        await signed_in(pilot, "MJO", "4567")
        await list_caught_up(pilot)
        await steady(pilot)

    assert snap_compare(build_app(school), terminal_size=(80, 24), run_before=run_before)


def stock_take_of_6a(school, *, finish: bool):
    """6A's teacher scans the cupboard's tag, every phone in it but one, and an office phone put there by mistake."""
    import random

    from db import tags
    from db.core import COMMAND_LINE
    from db.phones import phones_held
    from tagcodes import TagKind, new_code

    cupboard = tags.issue_location_tag(school, "6A cupboard", lambda: new_code(TagKind.LOCATION, random.Random(1)),
                                       by=COMMAND_LINE).code
    held = phones_held(school, by=COMMAND_LINE)
    codes = [row.code for row in held if row.location == "6A cupboard"][1:]
    codes.append(next(row.code for row in held if row.location == "Office"))

    async def run_before(pilot):
        await signed_in(pilot, "HBR", "1234")
        await scan(pilot, cupboard)
        for code in codes:
            await scan(pilot, code)
        if finish:
            await pilot.press("f4")
        await steady(pilot)

    return run_before


def test_stock_take_finished_at_80_by_24(snap_compare, school):
    assert snap_compare(build_app(school), terminal_size=(80, 24), run_before=stock_take_of_6a(school, finish=True))


def test_stock_take_scanning(snap_compare, school):
    assert snap_compare(build_app(school), terminal_size=(120, 36), run_before=stock_take_of_6a(school, finish=False))
