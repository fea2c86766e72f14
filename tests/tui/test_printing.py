"""Printing from the kiosk: tags and receipts reach a real printer; a dead one costs no record, blocks no scan."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable

from db.core import COMMAND_LINE, PupilSummary
from db.people import pupil_summary
from db.phones import phones_held
from db.tags import list_tags
from kiosk import printing
from kiosk.print_queue import FAILED, PRINTED, PRINTING
from kiosk.screens.ask import AskScreen
from kiosk.screens.confirm import ConfirmScreen
from kiosk.screens.find_pupil import FindPupilScreen
from kiosk.screens.print_queue import PrintQueueScreen
from kiosk.screens.scan import ScanScreen
from kiosk.screens.tag_preview import TagPreviewScreen
from kiosk.widgets.status_bar import StatusBar
from tests.tui.helpers import (
    build_app,
    notes,
    panel,
    phone_of,
    scan,
    scanner_types,
    settle,
    signed_in,
    tag_with_f3,
    untagged_pupil,
    wait_until,
)
from tests.tui.network_printer import NetworkPrinter, UnansweringPrinter, free_port

NATIVE_QR = b"\x1d(k"  # GS ( k: the 80 mm profile prints the QR itself


@pytest.fixture
def printer():
    with NetworkPrinter() as listening:
        yield listening


def states(app) -> list[tuple[str, str]]:
    return [(job.title, job.state) for job in app.print_queue.jobs()]


def queue_rows(app) -> list[list[str]]:
    table = app.screen.query_one("#jobs", DataTable)
    return [[str(cell).strip() for cell in table.get_row_at(i)] for i in range(table.row_count)]


def printer_line(app) -> str:
    return str(app.screen.query_one(StatusBar).query_one("#printing").content)


def plain_named(database, **kind) -> PupilSummary:
    """A pupil whose name is plain ASCII, so it can be looked for in the printer's bytes as typed."""
    for tag in list_tags(database, "phone"):
        pupil = pupil_summary(database, tag.code)
        if pupil.name.isascii() and tag.code not in held(database):
            return pupil
    raise LookupError("the demo school has no such pupil")


def held(database) -> set[str]:
    return {row.code for row in phones_held(database, by=COMMAND_LINE)}


async def all_printed(pilot) -> bool:
    return await wait_until(pilot, lambda: all(job.state in (PRINTED, FAILED) for job in pilot.app.print_queue.jobs())
                            and pilot.app.print_queue.jobs())


async def test_f7_prints_the_teachers_class_tags_on_a_network_printer(school, printer):
    tags = list_tags(school, "phone", class_name="6A")
    app = build_app(school, printer=printer.uri)
    async with app.run_test(size=(120, 36)) as pilot:
        await signed_in(pilot, "HBR", "1234")  # 6A's teacher
        await pilot.press("f7")
        await settle(pilot)
        # A whole class's tags at one key press: asked first, with the count, and nothing printed until yes.
        assert isinstance(app.screen, ConfirmScreen)
        assert app.screen.question.startswith(f"Print 6A's phone tags: {len(tags)} tags?")
        assert str(app.screen.query_one("#yes").label) == f"Print {len(tags)} tags"
        assert app.screen.focused is app.screen.query_one("#no") and app.print_queue.jobs() == []
        await pilot.click("#yes")
        assert await wait_until(pilot, lambda: printer.jobs)
        await settle(pilot)
        assert states(app) == [(f"Tags for 6A ({len(tags)})", PRINTED)]
        assert printer_line(app) == ""  # nothing left to print: the status bar says nothing
        await pilot.press("f9")
        assert isinstance(app.screen, PrintQueueScreen)
        assert [row[1:3] for row in queue_rows(app)] == [[f"Tags for 6A ({len(tags)})", PRINTED]]
        await pilot.press("escape")
        assert app.focused is app.screen.query_one("#scan")
    [job] = printer.jobs
    assert NATIVE_QR in job
    for tag in tags:
        assert tag.code.encode() in job


async def test_staff_without_a_class_are_asked_which_class_to_print(school, tmp_path):
    out = tmp_path / "tags.prn"
    app = build_app(school, printer=f"file:{out}")
    async with app.run_test(size=(120, 36)) as pilot:
        await signed_in(pilot, "HTE", "5678")  # leadership: no class of her own
        await pilot.press("f7")
        assert isinstance(app.screen, AskScreen)
        await pilot.press(*"6b", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        count = len(list_tags(school, "phone", class_name="6B"))
        assert app.screen.question.startswith(f"Print 6b's phone tags: {count}")
        await pilot.click("#yes")
        await settle(pilot)
        assert isinstance(app.screen, ScanScreen) and app.focused is app.screen.query_one("#scan")
        assert states(app) == [(f"Tags for 6b ({len(list_tags(school, 'phone', class_name='6B'))})", PRINTED)]
    data = out.read_bytes()
    assert all(tag.code.encode() in data for tag in list_tags(school, "phone", class_name="6B"))
    assert not any(tag.code.encode() in data for tag in list_tags(school, "phone", class_name="6A"))


async def test_a_dead_printer_loses_no_check_in_and_the_jobs_wait_for_r_or_x(school):
    pupil = plain_named(school)
    port = free_port()  # the printer is switched off: nothing listens there
    app = build_app(school, printer=f"tcp://127.0.0.1:{port}", receipt_on_check_in=True)
    async with app.run_test(size=(120, 36)) as pilot:
        await signed_in(pilot, "HBR", "1234")
        await scan(pilot, pupil.phone_tag)
        assert pupil.phone_tag in held(school)  # saved first, whatever the printer does
        assert panel(pilot).mood == "-done"
        assert states(app) == [(f"Receipt for {pupil.short_name}", FAILED)]
        [said] = notes(app)
        assert said.startswith(f"Not printed: Saved. The printer at 127.0.0.1:{port} turned the connection away")
        assert said.endswith("The receipt waits in the print queue (F9).")
        # Reprint the tag of the phone just scanned: it fails too, and waits behind the receipt.
        await pilot.press("f8")
        await settle(pilot)
        assert isinstance(app.screen, TagPreviewScreen)
        await pilot.press("enter")
        await settle(pilot)
        assert states(app) == [(f"Receipt for {pupil.short_name}", FAILED), (f"Tag {pupil.phone_tag}", FAILED)]
        assert printer_line(app) == "Printer: 2 failed · F9"

        await pilot.press("f9")
        assert [row[2] for row in queue_rows(app)] == [FAILED, FAILED]
        sentence = str(app.screen.query_one("#problem").content)
        assert "turned the connection away" in sentence and "Press R to print it again" in sentence
        with NetworkPrinter(port) as switched_on:
            await pilot.press("r")  # the receipt, first in the list
            assert await wait_until(pilot, lambda: switched_on.jobs)
            await settle(pilot)
            assert [row[2] for row in queue_rows(app)] == [PRINTED, FAILED]
            await pilot.press("down", "x")  # the tag: cancelled, never printed
            await settle(pilot)
            assert states(app) == [(f"Receipt for {pupil.short_name}", PRINTED)]
            assert printer_line(app) == ""
        assert len(switched_on.jobs) == 1 and pupil.short_name.encode() in switched_on.jobs[0]
        await pilot.press("escape")
        assert app.focused is app.screen.query_one("#scan")
    assert pupil.phone_tag in held(school)


async def test_scans_are_recorded_while_the_printer_does_not_answer(school, monkeypatch):
    monkeypatch.setattr(printing, "SEND_TIMEOUT", 3.0)  # a printer that is off times out; 5 s in a school
    pupils = [phone_of(school, walker=True, held=False, class_name="6A", nth=n) for n in range(3)]
    with UnansweringPrinter() as dead:
        app = build_app(school, printer=dead.uri, paper="58mm")
        async with app.run_test(size=(120, 36)) as pilot:
            await signed_in(pilot, "HBR", "1234")
            await pilot.press("f7")
            await settle(pilot)
            await pilot.click("#yes")
            assert await wait_until(pilot, lambda: [j.state for j in app.print_queue.jobs()] == [PRINTING])
            for pupil in pupils:
                scanner_types(pilot, pupil.phone_tag)
                await pilot.pause(0.05)
            assert await wait_until(pilot, lambda: {p.phone_tag for p in pupils} <= held(school), timeout=2)
            assert [j.state for j in app.print_queue.jobs()] == [PRINTING]  # still waiting for the printer
            assert app.focused is app.screen.query_one("#scan") and app.screen.query_one("#scan").value == ""
            assert await all_printed(pilot)
            [job] = app.print_queue.jobs()
            assert job.state == FAILED and "did not answer" in job.problem


async def test_check_in_receipt_names_the_pupil_by_first_name_and_initial_only(school, tmp_path):
    pupil = plain_named(school)
    surname = pupil.name.split()[-1]
    out = tmp_path / "receipts.prn"
    app = build_app(school, printer=f"file:{out}", receipt_on_check_in=True)
    async with app.run_test(size=(120, 36)) as pilot:
        await signed_in(pilot, "HBR", "1234")
        await scan(pilot, pupil.phone_tag)
        assert await all_printed(pilot)
    data = out.read_bytes()
    assert pupil.short_name.encode() in data  # e.g. "Amira K."
    assert surname.encode() not in data  # R5: never the full surname
    assert pupil.phone_tag.encode() in data


async def test_a_new_tag_from_find_pupil_is_previewed_then_printed(school, tmp_path):
    import zxingcpp
    from PIL import Image


    pupil = untagged_pupil(school)
    out = tmp_path / "tag.prn"
    app = build_app(school, printer=f"file:{out}")
    async with app.run_test(size=(120, 36)) as pilot:
        await signed_in(pilot, "MJO", "4567")
        await tag_with_f3(pilot, pupil)
        assert isinstance(app.screen, FindPupilScreen)
        await pilot.press("enter")  # "Print tag…" has the focus when a printer is set
        preview = app.screen
        assert isinstance(preview, TagPreviewScreen)
        code = preview.tag.code
        assert preview.text == f"{pupil.short_name} {pupil.class_name}\nblue Nokia\n{code}"
        assert str(preview.query_one("#label").content) == f"{pupil.short_name} {pupil.class_name}"
        # The QR on screen is the tag's: drawn as pixels (a block lit = a light module), a decoder reads the code.
        lines = str(preview.query_one("#qr").content).split("\n")
        image = Image.new("L", (len(lines[0]), 2 * len(lines)), 0)
        for y, line in enumerate(lines):
            for x, ch in enumerate(line):
                image.putpixel((x, 2 * y), 255 if ch in "▀█" else 0)
                image.putpixel((x, 2 * y + 1), 255 if ch in "▄█" else 0)
        image = image.resize((image.width * 8, image.height * 8), Image.Resampling.NEAREST)
        assert [r.text for r in zxingcpp.read_barcodes(image)] == [code]
        await pilot.press("enter")  # Print
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen) and "phone in now?" in app.screen.question
        await pilot.press("escape")  # not now
        assert isinstance(app.screen, ScanScreen)
        assert states(app) == [(f"Tag {code}", PRINTED)]
    data = out.read_bytes()
    assert code.encode() in data and pupil.short_name.encode() in data
    assert pupil.name.encode() not in data  # R5


async def test_without_a_printer_nothing_is_queued_and_the_kiosk_says_how_to_set_one(school):
    app = build_app(school)
    async with app.run_test(size=(120, 36)) as pilot:
        await signed_in(pilot, "MJO", "4567")
        await pilot.press("f7")
        await pilot.press("f2", "p")  # the still-held list, from the office screen
        await settle(pilot)
        assert app.print_queue.jobs() == []
        said = notes(app)
        assert len(said) == 2 and all("KIOSK_PRINTER" in s and "settings.toml" in s for s in said)


async def test_f8_before_any_scan_says_what_it_reprints(school, tmp_path):
    app = build_app(school, printer=f"file:{tmp_path / 'tag.prn'}")
    async with app.run_test(size=(80, 24)) as pilot:
        await signed_in(pilot, "HBR", "1234")
        await pilot.press("f8")
        await settle(pilot)
        assert notes(app) == ["Nothing printed: Scan a phone first: F8 reprints the tag of the phone just scanned."]
        assert isinstance(app.screen, ScanScreen) and app.print_queue.jobs() == []


def printed_lines(path) -> list[str]:
    """The text lines of what was sent to a file printer, decoded back from ESC/POS (80 mm paper)."""
    from labels import paper_named
    from labels.escpos_reader import TextLine, read_job

    return [block.text for block in read_job(path.read_bytes(), paper_named("80mm").escpos_profile)
            if isinstance(block, TextLine)]


async def test_the_do_not_photograph_slip_prints_the_publishing_list_the_screen_shows(school, tmp_path):
    from db import devices
    from tests.tui.helpers import device_tag, on_screen

    out = tmp_path / "slip.prn"
    app = build_app(school, printer=f"file:{out}")
    async with app.run_test(size=(120, 36)) as pilot:
        await signed_in(pilot, "HBR", "1234")
        await scan(pilot, device_tag(school, "IPAD-03"))
        await pilot.click("#purpose-0")
        await settle(pilot)
        assert await all_printed(pilot)
        listing = devices.do_not_photograph(school, "6A")
        assert listing.not_published, "the demo school's 6A has pupils whose photos must not be published"
        assert "May be photographed, but the images must not go on" in on_screen(app)
    lines = printed_lines(out)
    words = " ".join(lines)
    assert "May be photographed, but the images must not go on:" in words
    for pupil in listing.not_published:  # the same names and places as on the screen
        assert lines[lines.index(pupil.short_name) + 1] == f"  Not on: {pupil.refused_text}"
    for pupil in listing.pupils:
        assert lines[lines.index(pupil.short_name) + 1] == f"  Not for: {pupil.refused_text}"


async def test_the_still_held_list_says_when_it_was_printed_and_each_phones_description_and_tag(school, clock,
                                                                                                tmp_path):
    out = tmp_path / "held.prn"
    clock.set_local(15, 40)
    held = phones_held(school, by=COMMAND_LINE)
    app = build_app(school, printer=f"file:{out}")
    async with app.run_test(size=(120, 36)) as pilot:
        await signed_in(pilot, "MJO", "4567")
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        assert await all_printed(pilot)
    lines = printed_lines(out)
    assert " ".join(lines[:3]).startswith("Phones still held Tue 10 Nov 2026, printed at 15:40")
    assert held
    for phone in held:
        [row] = [i for i, line in enumerate(lines) if line.startswith(f"{phone.short_name} {phone.class_name}")
                 and line.endswith(f"since {phone.since:%H:%M}")]
        assert lines[row + 1].startswith(f"  tag {phone.code}")
        if phone.description:
            following = " ".join(line.strip() for line in lines[row + 1:row + 3])
            assert following.startswith(f"tag {phone.code} · {phone.description}")
