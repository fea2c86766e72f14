"""Receipt layouts against python-escpos's Dummy printer: the markers, the text, the widths, R5."""

from __future__ import annotations

import random
import re
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from labels.escpos_reader import Cut, NativeQR, RasterImage, TextLine, read_job
from labels.layouts import (
    PAPER,
    CheckInReceipt,
    HeldLine,
    NoPhotoLine,
    Paper,
    TagLabel,
    UnsafeText,
    check_in_receipt_job,
    no_photo_slip_job,
    paper_named,
    still_held_job,
    tags_job,
)
from tagcodes import BadCode, TagKind, new_code

NATIVE_QR = b"\x1d(k"
RASTER = b"\x1dv0"
FULL_CUT = b"\x1dV\x00"
RNG = random.Random(6)
PHONE = new_code(TagKind.PHONE, RNG)
CUPBOARD = new_code(TagKind.LOCATION, RNG)
LONG = ("Galaxy A15 in a purple glitter case with a cat sticker, cracked at the top left corner "
        "and a PopSocket on the back")


def lines_of(job: bytes, paper: Paper) -> list[TextLine]:
    return [block for block in read_job(job, paper.escpos_profile) if isinstance(block, TextLine)]


def assert_fits(job: bytes, paper: Paper) -> None:
    for line in lines_of(job, paper):
        assert line.cells <= paper.columns, (line.text, line.cells, paper.name)


def test_80mm_tag_uses_the_printers_own_qr_with_level_h_and_is_cut():
    paper = PAPER["80mm"]
    job = tags_job([TagLabel(PHONE, "Amira K. 6A", "Blue iPhone 12")], paper)
    assert NATIVE_QR in job and RASTER not in job
    assert b"\x1d(k\x03\x001E3" in job  # GS ( k fn 69: error correction H (48 + 3)
    assert b"\x1d(k\x03\x001C\x07" in job  # GS ( k fn 67: 7 dots a module (0.99 mm at 180 dpi)
    assert PHONE.encode() in job and b"Amira K. 6A" in job and b"Blue iPhone 12" in job
    assert job.endswith(FULL_CUT)
    blocks = read_job(job, paper.escpos_profile)
    qr = [block for block in blocks if isinstance(block, NativeQR)]
    assert [(q.data, q.error_correction, q.module_dots, q.align) for q in qr] == [(PHONE, "H", 7, "center")]
    # the code under the QR, in large bold type
    code_line = next(block for block in blocks if isinstance(block, TextLine) and block.text == PHONE)
    style = code_line.runs[0][1]
    assert (style.bold, style.width, style.height, code_line.align) == (True, 2, 2, "center")
    assert blocks.index(code_line) > blocks.index(qr[0])
    assert_fits(job, paper)


def test_58mm_tag_sends_the_qr_as_a_raster_image_and_never_native_qr():
    paper = PAPER["58mm"]
    job = tags_job([TagLabel(PHONE, "Amira K. 6A", "Blue iPhone 12")], paper)
    assert RASTER in job and NATIVE_QR not in job
    assert PHONE.encode() in job and b"Amira K. 6A" in job
    images = [block for block in read_job(job, paper.escpos_profile) if isinstance(block, RasterImage)]
    assert len(images) == 1
    assert images[0].image.width == paper.dots  # centred across the whole 48 mm
    assert images[0].image.height == (21 + 8) * 8  # 8 dots (1.0 mm at 203 dpi) a module, quiet zone included
    assert_fits(job, paper)


@pytest.mark.parametrize("scale, profile", [(8, "POS-5890"), (3, "POS-5890"), (7, "TM-T88V"), (17, "TM-T88V")])
def test_the_raster_qr_is_byte_for_byte_what_python_escpos_image_sends(scale, profile):
    from escpos.printer import Dummy

    from labels.layouts import raster_command
    from labels.qr import qr_matrix, qr_png

    printer = Dummy(profile=profile)
    printer.image(qr_png(PHONE, scale), center=True, impl="bitImageRaster")
    width = int(printer.profile.profile_data["media"]["width"]["pixels"])
    assert raster_command(qr_matrix(PHONE), scale, width) == printer.output


def test_every_tag_in_a_batch_ends_in_a_cut_or_a_tear_line():
    tags = [TagLabel(new_code(TagKind.PHONE, RNG), f"Pupil{i} K. 6A") for i in range(5)]
    job80 = tags_job(tags, PAPER["80mm"])
    assert job80.count(FULL_CUT) == 5
    assert [type(b) for b in read_job(job80, "TM-T88V") if isinstance(b, (Cut, NativeQR))] == [NativeQR, Cut] * 5
    # POS-5890 has no cutter: each tag ends in a dashed line fed up to the tear bar instead
    job58 = tags_job(tags, PAPER["58mm"])
    assert FULL_CUT not in job58
    tear = [line for line in lines_of(job58, PAPER["58mm"]) if set(line.text) == {"-", " "}]
    assert len(tear) == 5
    assert job58.endswith(b"\x1bd\x04")
    # a 58 mm printer that does have a cutter can say so
    assert tags_job(tags, Paper("58mm", 32, 384, 203, "POS-5890", 8, cutter=True)).count(FULL_CUT) == 5


def test_long_text_is_wrapped_or_shortened_to_the_columns_on_both_papers():
    tags = [TagLabel(PHONE, "Maximiliana-Alexandrina Q. 6A " * 3, LONG),
            TagLabel(CUPBOARD, "Reception and Year 1 shared cupboard by the library door")]
    held = [HeldLine("Office (main reception, behind the desk)", "Bartholomew-Jones Q.", "6A", "08:41",
                     "parents not told yet: no answer on the first two numbers tried"),
            HeldLine("6A cupboard", "Amira K.", "6A", "08:43")]
    slip = [NoPhotoLine("Amira K.", "Photos in school, Website, Social Media, Press")]
    receipt = CheckInReceipt("Maximiliana-Alexandrina Q.", "6A", "6A cupboard", "08:41 Tuesday 10 November 2026",
                             PHONE)
    for paper in PAPER.values():
        jobs = [tags_job(tags, paper), still_held_job("Phones still held at 15:40 on Tuesday 10 November", held, paper),
                no_photo_slip_job("4B", slip, paper, device="iPad 3 (trip)", at="13:00"),
                check_in_receipt_job(receipt, paper)]
        for job in jobs:
            assert_fits(job, paper)
            assert job.endswith(FULL_CUT) or job.endswith(b"\x1bd\x04")
        text = " ".join(line.text for line in lines_of(jobs[0], paper))
        assert "Galaxy A15 in a purple" in text and "..." in text  # the description is cut short, visibly


def test_the_end_of_day_list_groups_phones_by_location_with_the_time_on_the_right():
    paper = PAPER["58mm"]
    held = [HeldLine("6A cupboard", "Amira K.", "6A", "08:41"),
            HeldLine("Office", "Ben T.", "4B", "08:50", "parents not told yet"),
            HeldLine("6A cupboard", "Zoë W.", "6A", "08:43")]
    texts = [line.text for line in lines_of(still_held_job("Phones still held", held, paper), paper)]
    assert texts.index("6A cupboard") < texts.index("Amira K. 6A".ljust(21) + "since 08:41")
    assert texts.index("Zoë W. 6A".ljust(21) + "since 08:43") < texts.index("Office")
    assert "  parents not told yet" in texts
    assert "3 phones still held." in texts
    empty = [line.text for line in lines_of(still_held_job("Phones still held", [], paper), paper)]
    assert "No phones are still held." in empty


def test_the_do_not_photograph_slip_names_each_pupil_and_what_was_refused():
    paper = PAPER["80mm"]
    job = no_photo_slip_job("4B", [NoPhotoLine("Amira K.", "Website, Press"),
                                   NoPhotoLine("Ben T.", "Photos in school")],
                            paper, device="iPad 3", at="13:00")
    texts = [line.text for line in lines_of(job, paper)]
    assert texts[:4] == ["DO NOT PHOTOGRAPH", "Class 4B", "iPad 3", "13:00"]
    assert texts.index("Amira K.") + 1 == texts.index("  Not for: Website, Press")
    assert "  Not for: Photos in school" in texts
    nobody = " ".join(line.text for line in lines_of(no_photo_slip_job("5C", [], paper), paper))
    assert "No pupil in 5C is on the do-not-photograph list." in nobody


def test_the_slip_also_prints_whose_images_must_not_go_on_the_website_social_media_or_press():
    for paper in PAPER.values():
        job = no_photo_slip_job("4B", [NoPhotoLine("Ben T.", "Photos in school")], paper, device="iPad 3",
                                at="13:00", not_published=[NoPhotoLine("Amira K.", "Website, Social Media"),
                                                           NoPhotoLine("Zoë W.", "Press")])
        assert_fits(job, paper)
        texts = [line.text for line in lines_of(job, paper)]
        words = " ".join(texts)
        assert "Ben T.   Not for: Photos in school  May be photographed, but the images must not go on: Amira K." \
            in words  # the do-not-photograph list first, then the publishing list under its heading
        assert texts.index("Amira K.") + 1 == texts.index("  Not on: Website, Social Media")
        assert texts.index("Zoë W.") + 1 == texts.index("  Not on: Press")
    # Nobody with publishing refused: no heading over an empty list.
    texts = [line.text for line in lines_of(no_photo_slip_job("5C", [], PAPER["80mm"]), PAPER["80mm"])]
    assert not any(t.startswith("May be photographed") for t in texts)


def test_the_end_of_day_list_carries_the_time_printed_and_each_phones_description_and_tag_code():
    paper = PAPER["80mm"]
    held = [HeldLine("Office", "Ben T.", "4B", "08:50", "confiscated: used in class", "white Samsung", PHONE),
            HeldLine("6A cupboard", "Amira K.", "6A", "08:41", code=PHONE)]
    job = still_held_job("Phones still held Tue 10 Nov 2026, printed at 15:40", held, paper)
    assert_fits(job, paper)
    texts = [line.text for line in lines_of(job, paper)]
    assert " ".join(texts[:3]).startswith("Phones still held Tue 10 Nov 2026, printed at 15:40")
    ben = texts.index("Ben T. 4B".ljust(paper.columns - len("since 08:50")) + "since 08:50")
    assert texts[ben + 1:ben + 3] == [f"  tag {PHONE} · white Samsung", "  confiscated: used in class"]
    amira = next(i for i, t in enumerate(texts) if t.startswith("Amira K. 6A"))
    assert texts[amira + 1] == f"  tag {PHONE}"


def test_the_check_in_receipt_says_who_where_when_and_which_tag():
    paper = PAPER["80mm"]
    job = check_in_receipt_job(CheckInReceipt("Amira K.", "6A", "6A cupboard", "08:41", PHONE.lower()), paper)
    texts = [line.text for line in lines_of(job, paper)]
    assert ["Amira K. 6A", "Kept in: 6A cupboard", "At: 08:41", f"Tag: {PHONE}"] == texts[2:6]


# --- R5 ---------------------------------------------------------------------------------


@pytest.mark.parametrize("heading", ["Amira K. 6A A123456789012", "K801200109003 6A", "Amira (x12345678901y)",
                                     "Ｋ８０１２００１０９００３", "A123456\u200b789012 (a hidden space)"])
def test_a_heading_holding_a_upn_is_refused(heading):
    with pytest.raises(UnsafeText, match="UPN"):
        TagLabel(PHONE, heading)


@pytest.mark.parametrize("make", [
    lambda: HeldLine("6A cupboard", "Amira K.", "A123456789012", "08:41"),
    lambda: NoPhotoLine("Amira K. A123456789012", "Website"),
    lambda: CheckInReceipt("Amira K.", "6A", "Office", "A12345678901Z", PHONE),
    lambda: TagLabel(PHONE, "Amira K. 6A", detail="UPN A123456789012"),
])
def test_every_printed_field_is_guarded(make):
    with pytest.raises(UnsafeText):
        make()


def test_the_guard_also_covers_text_passed_straight_to_a_job():
    with pytest.raises(UnsafeText):
        still_held_job("Held: A123456789012", [], PAPER["80mm"])
    with pytest.raises(UnsafeText):
        no_photo_slip_job("4B", [], PAPER["80mm"], device="B123456789012")


def test_numbers_that_are_not_upn_shaped_are_printed():
    for text in ["iPhone 12 IMEI 356938035643809", "A12345678901", "Room 12345678901234", "AB1234567890123"]:
        job = tags_job([TagLabel(PHONE, "Amira K. 6A", text)], PAPER["80mm"])
        assert text.encode() in job


def test_a_phone_tag_carries_the_first_name_and_initial_and_nothing_else_of_the_name():
    # The pupil is Amira Khanum-Rahman (the caller reduces the name per R5).
    job = tags_job([TagLabel(PHONE, "Amira K. 6A", "Blue iPhone 12")], PAPER["80mm"])
    assert b"Amira K. 6A" in job
    assert b"Khanum" not in job and b"Rahman" not in job
    words = {w for line in lines_of(job, PAPER["80mm"]) if line.text != PHONE
             for w in re.findall(r"[A-Za-z]{2,}", line.text)}
    assert words == {"Amira", "Blue", "iPhone"}


def test_a_bad_code_is_refused_before_anything_is_made():
    with pytest.raises(BadCode):
        TagLabel("P-0000-000", "Amira K. 6A")
    with pytest.raises(ValueError, match="no tags"):
        tags_job([], PAPER["80mm"])


def test_control_characters_cannot_smuggle_printer_commands_in():
    job = tags_job([TagLabel(PHONE, "Amira\x1dV\x00 K.\n6A", "blue\x1b@\x1d(k phone\t")], PAPER["80mm"])
    assert job.count(FULL_CUT) == 1 and job.count(b"\x1b@") == 1
    texts = [line.text for line in lines_of(job, PAPER["80mm"])]
    assert "Amira V K. 6A" in texts and "blue @ (k phone" in texts


def test_letters_the_printer_lacks_lose_their_accents_rather_than_print_as_question_marks():
    job = tags_job([TagLabel(PHONE, "Zoë W. 6A", "Nguyễn's phone ✓")], PAPER["58mm"])
    texts = [line.text for line in lines_of(job, PAPER["58mm"])]
    assert "Zoë W. 6A" in texts  # CP437 has ë
    assert any(t.startswith("Nguy") and "'s phone ?" in t for t in texts)
    assert "�" not in " ".join(texts)


def test_paper_names():
    assert paper_named("58 mm") is PAPER["58mm"] and paper_named("80MM") is PAPER["80mm"]
    with pytest.raises(ValueError, match="80mm or 58mm"):
        paper_named("A4")
    assert round(PAPER["58mm"].module_mm, 2) == 1.0 and round(PAPER["80mm"].module_mm, 2) == 0.99


# --- Any text at all -----------------------------------------------------------------------

UPN_SHAPE = re.compile(r"(?<![0-9A-Za-z])[A-Za-z][0-9]{11}[0-9A-Za-z](?![0-9A-Za-z])")


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(heading=st.text(max_size=120), detail=st.none() | st.text(max_size=200), wide=st.booleans())
def test_any_text_fits_the_paper_and_only_the_upn_guard_refuses(heading, detail, wide):
    paper = PAPER["80mm" if wide else "58mm"]
    try:
        tag = TagLabel(PHONE, heading, detail)
    except UnsafeText:
        visible = ["".join(ch for ch in unicodedata.normalize("NFKC", t or "") if unicodedata.category(ch)[0] != "C")
                   for t in (heading, detail)]
        assert any(UPN_SHAPE.search(t) for t in visible)
        return
    job = tags_job([tag], paper)
    blocks = read_job(job, paper.escpos_profile)  # raises on any command the layout did not mean to send
    assert all(line.cells <= paper.columns for line in blocks if isinstance(line, TextLine))
    assert sum(isinstance(b, (NativeQR, RasterImage)) for b in blocks) == 1
    assert sum(isinstance(b, Cut) for b in blocks) == (1 if wide else 0)
    assert [line.text for line in blocks if isinstance(line, TextLine) and line.runs and
            line.runs[0][1].width == 2] == [PHONE]


@settings(max_examples=60, deadline=None)
@given(location=st.text(max_size=60), pupil=st.text(max_size=60), status=st.text(max_size=80))
def test_any_list_text_fits_both_papers(location, pupil, status):
    try:
        line = HeldLine(location, pupil, "6A", "08:41", status)
    except UnsafeText:
        return
    for paper in PAPER.values():
        job = still_held_job(status or "Held", [line], paper)
        assert all(t.cells <= paper.columns for t in lines_of(job, paper))
