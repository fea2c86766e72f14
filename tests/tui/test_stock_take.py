"""The stock-take at the kiosk, driven as a teacher or the office does it: the cupboard's location tag, then every
phone in it, then F4; read the screen, and check the ledger row."""

from __future__ import annotations

import json

import pytest
from sqlmodel import select

from db import tags
from db.core import COMMAND_LINE
from db.core.models import LedgerEntry
from db.phones import phones_held
from kiosk.screens.help import HelpScreen
from kiosk.screens.scan import ScanScreen
from kiosk.screens.stock_take import StockTakeScreen
from tagcodes import TagKind, new_code
from tests.tui.helpers import build_app, on_screen, panel, phone_of, scan, settle, signed_in


def location_tag(database, name: str) -> str:
    return tags.issue_location_tag(database, name, lambda: new_code(TagKind.LOCATION), by=COMMAND_LINE).code


def held_in(database, place: str):
    return [row for row in phones_held(database, by=COMMAND_LINE) if row.location == place]


def stock_rows(database) -> list[LedgerEntry]:
    with database.reading() as session:
        return list(session.exec(select(LedgerEntry).where(LedgerEntry.action == "stock_take")).all())


def found_lines(app) -> list[str]:
    table = app.screen.query_one("#found")
    return [" | ".join(str(cell) for cell in table.get_row_at(i)) for i in range(table.row_count)]


@pytest.mark.both_backends
async def test_a_teacher_takes_stock_of_the_class_cupboard(school):
    cupboard = location_tag(school, "6A cupboard")
    inside = held_in(school, "6A cupboard")
    left_out, *scanned = inside
    stray = held_in(school, "Office")[0]  # an office phone put in the cupboard by mistake
    before = sorted((row.code, row.location) for row in phones_held(school, by=COMMAND_LINE))
    app = build_app(school)
    async with app.run_test(size=(120, 36)) as pilot:
        await signed_in(pilot, "HBR", "1234")
        await scan(pilot, cupboard)
        assert isinstance(app.screen, StockTakeScreen)
        assert f"Stock-take of the 6A cupboard: the record says {len(inside)} phones are here" in on_screen(app)
        for row in scanned:
            await scan(pilot, row.code)
        assert panel(pilot).mood == "-done" and scanned[-1].short_name in panel(pilot).text
        await scan(pilot, stray.code)
        assert panel(pilot).mood == "-note"
        assert f"Not expected here: the record says in the Office since {stray.since:%H:%M} today." \
            in panel(pilot).text
        assert found_lines(app)[0].startswith(f"✓ found | {scanned[0].short_name} | 6A")
        assert f"Scanned: {len(inside)} ({len(scanned)} found, 1 not expected)" in on_screen(app)
        assert stock_rows(school) == []  # nothing is recorded until F4

        await pilot.press("f4")
        await settle(pilot)
        shown = panel(pilot)
        assert shown.mood == "-note" and shown.kind == "! Note this"
        assert shown.text.splitlines()[0] == "1 phone missing"
        assert (f"6A cupboard · Expected {len(inside)}, found {len(inside)}, missing 1, not expected 1 · "
                "recorded at 08:55") in shown.text
        assert f"Missing: {left_out.short_name}: look for it, then tell the office." in shown.text
        lines = found_lines(app)
        assert lines[0].startswith(f"✗ missing | {left_out.short_name} | 6A")
        assert lines[1].startswith(f"! not expected | {stray.short_name} | {stray.class_name}")
        assert "Recorded by Hannah B. · Esc: back to scanning" in on_screen(app)

        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ScanScreen)
        assert (f"Stock-take of the 6A cupboard recorded: expected {len(inside)}, found {len(inside)}, missing 1, "
                "not expected 1.") in panel(pilot).text
    [row] = stock_rows(school)
    detail = json.loads(row.detail)
    assert (detail["expected"], detail["found"], list(detail["missing"]), list(detail["not_expected"])) == (
        len(inside), len(inside), [left_out.code], [stray.code])
    assert sorted((r.code, r.location) for r in phones_held(school, by=COMMAND_LINE)) == before  # custody unchanged


async def test_the_office_takes_stock_at_80_by_24_with_ctrl_t_and_every_phone_found(school):
    office = held_in(school, "Office")
    app = build_app(school)
    async with app.run_test(size=(80, 24)) as pilot:
        await signed_in(pilot, "MJO", "4567")
        await pilot.press("ctrl+t")
        assert isinstance(app.screen, StockTakeScreen)
        assert "Scan the location tag" in panel(pilot).text
        await pilot.press("f4")  # too soon: no place yet
        assert panel(pilot).text.startswith("Scan the location tag first")
        await scan(pilot, "office")
        assert "Stock-take of the Office: the record says 3 phones are here" in on_screen(app)
        for row in office:
            await scan(pilot, row.code)
        await scan(pilot, office[0].code)  # a pouch scanned twice counts once
        assert panel(pilot).text.startswith("Already scanned")
        await pilot.press("f4")
        await settle(pilot)
        assert panel(pilot).mood == "-done" and panel(pilot).kind == "✓ Done"
        screen = on_screen(app)
        assert "Office · Expected 3, found 3, missing 0, not expected 0" in screen
        assert "✓ found" in screen and office[0].short_name in screen
    assert len(stock_rows(school)) == 1


async def test_refusals_count_nothing_and_esc_records_nothing(school):
    cupboard = location_tag(school, "6A cupboard")
    app = build_app(school)
    async with app.run_test(size=(120, 36)) as pilot:
        await signed_in(pilot, "LPA", "3456")  # 4B's teacher
        await scan(pilot, cupboard)
        assert isinstance(app.screen, ScanScreen) and panel(pilot).mood == "-refused"
        assert "A stock-take of the 6A cupboard is for 6A's teacher, the office or the leadership team" \
            in panel(pilot).text
        await pilot.press("ctrl+t")
        await scan(pilot, "4B")
        assert "There is no cupboard for class “4B”" in panel(pilot).text
        await scan(pilot, "office")
        assert "A stock-take of the office is for office staff and the leadership team" in panel(pilot).text
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ScanScreen)
    app = build_app(school)
    async with app.run_test(size=(120, 36)) as pilot:
        await signed_in(pilot, "HBR", "1234")
        await scan(pilot, cupboard)
        await scan(pilot, "HELLO123")
        assert panel(pilot).mood == "-refused" and panel(pilot).text.startswith("Not counted")
        await scan(pilot, phone_of(school, walker=False, held=False).phone_tag)  # not checked in: not expected
        assert "Not expected here: the record says not checked in." in panel(pilot).text
        await pilot.press("escape")
        await settle(pilot)
        assert "Stock-take stopped: nothing was recorded." in panel(pilot).text
    assert stock_rows(school) == []


async def test_the_keys_help_names_ctrl_t_for_a_teacher(school):
    app = build_app(school)
    async with app.run_test(size=(120, 36)) as pilot:
        await signed_in(pilot, "HBR", "1234")
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        assert ("Ctrl+T  Stock-take: scan a cupboard's or the office's location tag, then every phone in it"
                in app.screen.text)
