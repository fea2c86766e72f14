"""One picture per screen, at a classroom PC's 120×36 and at an old 80×24 terminal.

Regenerate after a deliberate change with ``pytest tests/snapshots --snapshot-update`` and look at
the new SVGs before committing them.
"""

from __future__ import annotations

from kiosk.screens.office import OfficeScreen
from tests.tui.helpers import build_app, list_caught_up, phone_of, scan, settle, signed_in


async def steady(pilot) -> None:
    """Workers done and every DataTable's column widths worked out (Textual does that when idle)."""
    await settle(pilot)
    await pilot.pause(0.2)
    await settle(pilot)


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
    pupil = phone_of(school, walker=False, held=False)

    async def run_before(pilot):
        await signed_in(pilot, "LPA", "3456")
        await scan(pilot, pupil.phone_tag)
        await list_caught_up(pilot)
        await steady(pilot)

    assert snap_compare(build_app(school), terminal_size=(80, 24), run_before=run_before)


def test_office_screen(snap_compare, school, monkeypatch):
    monkeypatch.setattr(OfficeScreen, "refresh_seconds", 3600)  # no reload in the middle of the picture

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
