"""School cameras and iPads: the lending rules, consent over time, checking the Drive folder, the review."""

from __future__ import annotations

import json
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from db import devices
from db.core import COMMAND_LINE, Refused
from db.core.models import ConsentEvent, DeviceLoan, LedgerEntry, Pupil
from db.devices import NoPhotoPupil, WeekImages, import_consent, import_devices, lending, matching
from db.records import verify
from db.records.projections import projection_problems
from db.tags import issue_device_tag, issue_phone_tag
from photos import NO_EXIF
from tagcodes import TagKind, new_code
from tests.conftest import LONDON
from tests.photos import canon, ipad, personal_phone, photo


@pytest.fixture(autouse=True)
def tables_follow_the_ledger(database):
    """After every change here, and every void, the held phones, tasks, confiscations and loans still follow from
    the ledger: `kiosk audit verify` finds nothing wrong with a record the rules wrote (issue 13)."""
    yield
    assert projection_problems(database) == []


ALL = ("Photos in school", "Website", "Social Media", "Press")
DEVICES = """Asset Tag,Type,Name,Make,Model,Serial
IPAD-03,ipad,iPad 3,Apple,iPad (9th generation),
IPAD-04,ipad,iPad 4,Apple,iPad (9th generation),
CAM-01,camera,Canon 1,Canon,EOS 2000D,12345678901
"""
CONSENT = """Adno,Photos in school,Website,Social Media,Press
1001,Yes,Yes,Yes,Yes
1002,Yes,No,,Yes
1003,,,,
1004,No,Yes,Yes,Yes
1005,Yes,Yes,Yes,Yes
"""


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8", newline="")
    return path


@pytest.fixture
def cameras(database, school, tmp_path):
    """The small school, two more pupils in 4B, three devices and everyone's consent."""
    with database.writing() as session:
        session.add_all([Pupil(adno="1004", legal_first="Oliver", surname="Smith", year=4, class_name="4B"),
                         Pupil(adno="1005", legal_first="Amelia", preferred_first="Mia", surname="Patel", year=4,
                               class_name="4B")])
        session.commit()
    import_devices(database, write(tmp_path / "devices.csv", DEVICES), by=COMMAND_LINE)
    import_consent(database, write(tmp_path / "consent.csv", CONSENT), by=COMMAND_LINE)
    return school


def ids(database) -> dict[str, int]:
    with database.reading() as session:
        return {p.adno: p.id for p in session.exec(select(Pupil)).all()}


def ledger(database) -> list[LedgerEntry]:
    with database.reading() as session:
        return session.exec(select(LedgerEntry).order_by(LedgerEntry.id)).all()


def at(clock, *args) -> datetime:
    """Move the hand clock to a London wall-clock time and return it as the camera would write it (naive)."""
    local = datetime(*args)
    clock.moment = local.replace(tzinfo=LONDON).astimezone(timezone.utc)
    return local


def lend_and_return(database, clock, code="CAM-01", images=3, class_name="4B", out=(2026, 11, 10, 9, 0),
                    back=(2026, 11, 10, 12, 0)):
    at(clock, *out)
    devices.lend_device(database, code, "HBR", class_name, "science walk")
    at(clock, *back)
    return devices.return_device(database, code, "HBR", images)


# --- Lending and the do-not-photograph list -----------------------------------------------------


def test_lending_shows_the_class_do_not_photograph_list_with_first_names_and_initials(database, cameras):
    pupils = ids(database)
    result = devices.lend_device(database, "ipad-03", "hbr", "4b", "  Trip to   the museum ")
    loan = result.loan
    assert (loan.device, loan.staff, loan.class_name, loan.purpose, loan.status) == (
        "IPAD-03 iPad 3", "Hannah Brooks", "4B", "Trip to the museum", "out")
    assert loan.out == datetime(2026, 11, 10, 8, 40, tzinfo=LONDON)
    assert result.no_photo.pupils == (NoPhotoPupil(pupils["1004"], "Oliver S.", ("Photos in school",)),
                                      NoPhotoPupil(pupils["1003"], "Zoë W.", ALL))
    assert result.no_photo.not_published == () and result.no_photo.on_roll == 3
    assert "Wiśniewski" not in repr(result.no_photo) and "Smith" not in repr(result.no_photo)  # R5
    assert result.no_photo.pupils[1].refused_text == "Photos in school, Website, Social Media, Press"


def test_photos_allowed_but_not_published_are_listed_apart(database, cameras):
    listing = devices.do_not_photograph(database, "6A")
    assert listing.pupils == ()
    assert listing.not_published == (NoPhotoPupil(ids(database)["1002"], "Ben O.", ("Website", "Social Media")),)


def test_a_device_that_is_out_cannot_be_lent_and_the_sentence_says_who_has_it(database, cameras, clock):
    devices.lend_device(database, "IPAD-03", "HBR", "4B", "trip")
    before = ledger(database)
    clock.advance(hours=1)
    with pytest.raises(Refused) as refused:
        devices.lend_device(database, "IPAD-03", "MJO", "6A", "assembly")
    assert str(refused.value) == ("IPAD-03 iPad 3 is out with Hannah Brooks for 4B since 08:40 today: "
                                  "it must be returned before it is lent again.")
    assert ledger(database) == before


def test_images_must_be_confirmed_on_the_drive_before_the_device_is_lent_again(database, cameras, clock, tmp_path):
    lend_and_return(database, clock, images=2)
    clock.advance(days=1)
    with pytest.raises(Refused) as refused:
        devices.lend_device(database, "CAM-01", "MJO", "6A", "sports day")
    assert str(refused.value) == (
        "CAM-01 Canon 1 still holds 2 images from Hannah Brooks's loan for 4B (09:00 on Tue 10 Nov) that are not "
        "confirmed uploaded to the Drive: confirm the upload before lending it again.")
    assert [loan.status for loan in devices.outstanding_uploads(database, by=COMMAND_LINE)] == ["upload outstanding"]
    devices.confirm_upload(database, "CAM-01", "HBR")
    assert devices.lend_device(database, "CAM-01", "MJO", "6A", "sports day").loan.status == "out"


def test_a_device_back_with_no_images_can_be_lent_at_once(database, cameras, clock):
    loan = lend_and_return(database, clock, images=0)
    assert loan.status == "no images" and not loan.outstanding
    assert devices.lend_device(database, "CAM-01", "MJO", "6A", "sports day").loan.staff == "Maria Jones"


@pytest.mark.parametrize(("call", "sentence"), [
    (lambda db: devices.lend_device(db, "NOPE-1", "HBR", "4B", "x"),
     "No school device has the tag or asset tag “NOPE-1”"),
    (lambda db: devices.lend_device(db, "CAM-01", "NOBODY", "4B", "x"), "No member of staff has the code"),
    (lambda db: devices.lend_device(db, "CAM-01", "HBR", "9Z", "x"), "No pupil on roll is in class “9Z”"),
    (lambda db: devices.lend_device(db, "CAM-01", "HBR", "4B", "   "), "Say what the device is for"),
    (lambda db: devices.return_device(db, "CAM-01", "HBR", 3), "CAM-01 Canon 1 is not out, so it cannot be returned"),
    (lambda db: devices.return_device(db, "CAM-01", "HBR", -1), "Give the number of images (videos included)"),
    (lambda db: devices.confirm_upload(db, "CAM-01", "HBR"), "CAM-01 Canon 1 has never been lent"),
])
def test_refusals_are_one_sentence_and_change_nothing(database, cameras, call, sentence):
    before = ledger(database)
    with pytest.raises(Refused) as refused:
        call(database)
    assert str(refused.value).startswith(sentence) and "\n" not in str(refused.value)
    assert ledger(database) == before


def test_uploads_cannot_be_confirmed_while_the_device_is_out(database, cameras):
    devices.lend_device(database, "CAM-01", "HBR", "4B", "x")
    with pytest.raises(Refused, match="is still out: record its return"):
        devices.confirm_upload(database, "CAM-01", "HBR", folder="/nowhere")


# --- Checking the Drive folder -------------------------------------------------------------------


def test_the_folder_check_counts_this_devices_photos_taken_during_the_loan(database, cameras, clock, tmp_path):
    drive = tmp_path / "Drive" / "4B"
    canon(drive / "IMG_1.JPG", datetime(2026, 11, 10, 9, 30))  # serial 012345678901: registered as 12345678901
    canon(drive / "walk" / "IMG_2.JPG", datetime(2026, 11, 10, 11, 59))
    canon(drive / "IMG_3.JPG", datetime(2026, 11, 10, 8, 57))  # camera clock 3 minutes slow: within the grace
    canon(drive / "before.JPG", datetime(2026, 11, 9, 14, 0))  # the day before the loan
    canon(drive / "another_canon.JPG", datetime(2026, 11, 10, 10, 0), serial="99999")  # same model, not ours
    ipad(drive / "ipad.HEIC", datetime(2026, 11, 10, 10, 0))
    personal_phone(drive / "phone.jpg", datetime(2026, 11, 10, 10, 0))
    (drive / "list.txt").write_text("names", encoding="utf-8")
    broken = canon(drive / "broken.jpg", datetime(2026, 11, 10, 10, 0))
    broken.write_bytes(broken.read_bytes()[:30])  # a real photo, cut short inside its EXIF
    lend_and_return(database, clock, images=4)
    clock.advance(minutes=30)
    # Fewer found than claimed is a decision: nothing is recorded without a reason, and the upload stays outstanding.
    with pytest.raises(devices.FewerFound, match=r"^Only 3 of the 4 images claimed from CAM-01 .* were found in .*: "
                       "nothing was recorded. Look again once Google Drive has finished syncing") as refused:
        devices.confirm_upload(database, "CAM-01", "MJO", folder=tmp_path / "Drive", wiped=True)
    assert (refused.value.claimed, refused.value.found) == (4, 3)
    assert [loan.device for loan in devices.outstanding_uploads(database, by="HTE")] == ["CAM-01 Canon 1"]
    assert ledger(database)[-1].action == "device_returned"
    result = devices.confirm_upload(database, "CAM-01", "MJO", folder=tmp_path / "Drive", wiped=True,
                                    reason="one blurred photo deleted on the camera")
    assert (result.claimed, result.verified, result.by_model_only, result.files) == (4, 3, 0, 9)
    assert result.note == ("Only 3 of the 4 images claimed were found in the folder. Confirmed with the reason: one "
                           "blurred photo deleted on the camera.")
    assert result.reason == "one blurred photo deleted on the camera"
    assert devices.outstanding_uploads(database, by="HTE") == []
    assert {(n.path, n.note) for n in result.notes} == {("4B/list.txt", "not an image"),
                                                        ("4B/broken.jpg", "damaged: its header could not be read")}
    loan = result.loan
    assert (loan.status, loan.verified, loan.uploaded_by, loan.wiped, loan.uploaded_at) == (
        "fewer found", 3, "Maria Jones", True, datetime(2026, 11, 10, 12, 30, tzinfo=LONDON))
    entry = ledger(database)[-1]
    assert entry.action == "device_uploaded" and json.loads(entry.detail)["verified"] == 3
    assert json.loads(entry.detail)["fewer_found_reason"] == "one blurred photo deleted on the camera"


def test_ipads_of_one_model_are_told_apart_by_make_and_model_only(database, cameras, clock, tmp_path):
    ipad(tmp_path / "IMG_0001.HEIC", datetime(2026, 11, 10, 10, 0))
    ipad(tmp_path / "IMG_0002.JPG", datetime(2026, 11, 10, 10, 5))
    lend_and_return(database, clock, code="IPAD-03", images=2)
    result = devices.confirm_upload(database, "IPAD-03", "HBR", folder=tmp_path)
    assert (result.verified, result.by_model_only, result.loan.status) == (2, 2, "verified")
    assert result.note == "The device is not marked as wiped: delete the images from it once they are on the Drive."


def test_a_bad_folder_or_no_photos_found_changes_nothing(database, cameras, clock, tmp_path):
    lend_and_return(database, clock, images=5)
    before = ledger(database)
    with pytest.raises(Refused, match="There is no folder at"):
        devices.confirm_upload(database, "CAM-01", "HBR", folder=tmp_path / "not-synced")
    canon(tmp_path / "old.jpg", datetime(2026, 10, 1, 10, 0))
    with pytest.raises(Refused) as refused:
        devices.confirm_upload(database, "CAM-01", "HBR", folder=tmp_path)
    assert str(refused.value) == (f"None of the 5 images from CAM-01 Canon 1's loan were found in {tmp_path}: wait for "
                                  "Google Drive to finish syncing and try again, or confirm without a folder to "
                                  "record it unverified.")
    assert ledger(database) == before
    assert devices.device_info(database, "CAM-01").status == "upload outstanding"


def test_a_stopped_check_records_nothing(database, cameras, clock, tmp_path):
    for n in range(5):
        canon(tmp_path / f"{n}.jpg", datetime(2026, 11, 10, 10, n))
    lend_and_return(database, clock, images=5)
    with pytest.raises(Refused, match="was stopped: nothing was recorded"):
        devices.confirm_upload(database, "CAM-01", "HBR", folder=tmp_path, cancelled=lambda: True)
    assert devices.device_info(database, "CAM-01").status == "upload outstanding"


def test_an_unverified_confirmation_can_be_checked_later_but_a_verified_one_stands(database, cameras, clock, tmp_path):
    lend_and_return(database, clock, images=1)
    first = devices.confirm_upload(database, "CAM-01", "HBR")
    assert (first.verified, first.loan.status, first.loan.outstanding) == (None, "unverified", False)
    with pytest.raises(Refused, match="already confirmed by Hannah Brooks at 12:00 today: give the Drive folder"):
        devices.confirm_upload(database, "CAM-01", "HBR")
    canon(tmp_path / "a.jpg", datetime(2026, 11, 10, 10, 0))
    progress = []
    second = devices.confirm_upload(database, "CAM-01", "MJO", folder=tmp_path, progress=progress.append)
    assert (second.verified, second.loan.status, second.loan.uploaded_by) == (1, "verified", "Maria Jones")
    assert progress[-1].done and progress[-1].photos == 1
    with pytest.raises(Refused, match="was already confirmed by Maria Jones at 12:00 today: 1 found on the Drive"):
        devices.confirm_upload(database, "CAM-01", "HBR", folder=tmp_path)
    assert [e.action for e in ledger(database)][-2:] == ["device_uploaded", "device_uploaded"]


def test_capture_times_across_the_clocks_going_back(database, cameras, clock, tmp_path):
    """Out 01:30 BST, back 02:30 GMT on 25 Oct 2026 (00:30–02:30 UTC). Photos without an offset read in London."""
    database.clock_checked = False  # back before the school was set up
    clock.moment = datetime(2026, 10, 25, 0, 30, tzinfo=timezone.utc)
    devices.lend_device(database, "IPAD-03", "HBR", "4B", "night sky")
    clock.moment = datetime(2026, 10, 25, 2, 30, tzinfo=timezone.utc)
    devices.return_device(database, "IPAD-03", "HBR", 3)
    ipad(tmp_path / "first_0145.heic", "2026:10:25 01:45:00")  # no offset: the first 01:45 (BST) = 00:45 UTC: in
    ipad(tmp_path / "second_0145.heic", "2026:10:25 01:45:00", offset="+00:00")  # 01:45 UTC: in
    ipad(tmp_path / "late_0245.jpg", "2026:10:25 02:45:00")  # GMT, 02:45 UTC: after the return
    ipad(tmp_path / "early_0020.jpg", "2026:10:25 00:20:00")  # BST, 23:20 UTC the day before: before the loan
    result = devices.confirm_upload(database, "IPAD-03", "HBR", folder=tmp_path, reason="one outside the loan")
    assert (result.claimed, result.verified) == (3, 2)


def test_a_summer_photo_without_an_offset_is_read_in_british_summer_time(database, cameras, clock, tmp_path):
    database.clock_checked = False  # back before the school was set up
    at(clock, 2026, 7, 10, 10, 0)  # 09:00 UTC
    devices.lend_device(database, "IPAD-03", "HBR", "4B", "sports day")
    at(clock, 2026, 7, 10, 11, 0)
    devices.return_device(database, "IPAD-03", "HBR", 1)
    ipad(tmp_path / "in.heic", "2026:07:10 10:30:00")  # 09:30 UTC: during the loan (10:30 UTC if misread)
    ipad(tmp_path / "out.heic", "2026:07:10 11:30:00")  # 10:30 UTC: after it (but inside if misread as UTC)
    assert devices.confirm_upload(database, "IPAD-03", "HBR", folder=tmp_path).verified == 1


# --- Consent over time ---------------------------------------------------------------------------


def test_a_withdrawal_applies_from_the_day_it_is_recorded(database, cameras, clock, tmp_path):
    pupils = ids(database)
    first_day = devices.lend_device(database, "IPAD-03", "HBR", "4B", "art")
    assert pupils["1005"] not in {p.pupil_id for p in first_day.no_photo.pupils}
    devices.return_device(database, "IPAD-03", "HBR", 0)
    lent_at = clock()

    clock.advance(days=1)
    report = import_consent(database, write(tmp_path / "c.csv", CONSENT.replace("1005,Yes,", "1005,No,")),
                            by=COMMAND_LINE)
    assert (report.pupils, report.changed, report.withdrawn, report.given) == (5, 1, 1, 0)
    second_day = devices.lend_device(database, "IPAD-03", "HBR", "4B", "art")
    assert NoPhotoPupil(pupils["1005"], "Mia P.", ("Photos in school",)) in second_day.no_photo.pupils

    then = devices.consent_of(database, "1005", at=lent_at)
    now = devices.consent_of(database, "1005")
    assert [a.given for a in then.answers] == [True, True, True, True]
    assert [a.given for a in now.answers] == [False, True, True, True]
    assert now.answers[0].since == datetime(2026, 11, 11, 8, 40, tzinfo=LONDON)
    # The first loan's record still holds the list as it was shown then.
    outs = [json.loads(e.detail) for e in ledger(database) if e.action == "device_out"]
    assert pupils["1005"] not in outs[0]["do_not_photograph"] and pupils["1005"] in outs[1]["do_not_photograph"]


def test_consent_history_is_kept_and_an_unchanged_reimport_adds_nothing(database, cameras, tmp_path):
    with database.reading() as session:
        before = len(session.exec(select(ConsentEvent)).all())
    report = import_consent(database, write(tmp_path / "same.csv", CONSENT), by=COMMAND_LINE)
    assert (report.changed, report.withdrawn, report.given) == (0, 0, 0)
    with database.reading() as session:
        assert len(session.exec(select(ConsentEvent)).all()) == before == 20


def test_the_office_records_a_withdrawal_letter(database, cameras, clock):
    with pytest.raises(Refused, match="recording photo consent is for office staff"):
        devices.set_consent(database, "1001", "Press", False, "HBR")
    clock.advance(hours=2)
    consent = devices.set_consent(database, "1001", "press", False, "MJO")
    assert [(a.label, a.given) for a in consent.answers] == [
        ("Photos in school", True), ("Website", True), ("Social Media", True), ("Press", False)]
    assert consent.answers[3].since == datetime(2026, 11, 10, 10, 40, tzinfo=LONDON)
    entry = ledger(database)[-1]
    assert (entry.action, json.loads(entry.detail)) == ("consent_changed", {"press": False, "source": "kiosk"})
    with pytest.raises(Refused, match="is not a consent category"):
        devices.set_consent(database, "1001", "Yearbook", False, "MJO")


def test_a_pupil_with_no_answers_recorded_is_not_photographed(database, school):
    listing = devices.do_not_photograph(database, "6A")
    assert [(p.short_name, p.refused) for p in listing.pupils] == [("Amira K.", ALL), ("Ben O.", ALL)]


# --- Provenance ------------------------------------------------------------------------------------


def test_provenance_traces_each_photo_or_flags_it(database, cameras, clock, tmp_path):
    tmp_path = tmp_path / "Drive"
    lend_and_return(database, clock, code="IPAD-03", images=1, out=(2026, 11, 10, 9, 0), back=(2026, 11, 10, 10, 0))
    lend_and_return(database, clock, code="CAM-01", images=1, out=(2026, 11, 10, 13, 0), back=(2026, 11, 10, 14, 0))
    ipad(tmp_path / "a_ipad_on_loan.heic", datetime(2026, 11, 10, 9, 30))
    ipad(tmp_path / "b_ipad_not_lent.jpg", datetime(2026, 11, 12, 9, 30))
    canon(tmp_path / "c_canon.jpg", datetime(2026, 11, 10, 13, 15), offset="+00:00")
    canon(tmp_path / "d_other_canon.jpg", datetime(2026, 11, 10, 13, 15), serial="555")
    personal_phone(tmp_path / "e_phone.jpg", datetime(2026, 11, 10, 13, 20))
    photo(tmp_path / "f_no_exif.jpg")
    (tmp_path / "g_notes.txt").write_text("x", encoding="utf-8")
    report = devices.provenance(database, tmp_path, by=COMMAND_LINE)
    rows = {r.file: r for r in report.rows}
    assert set(rows) == {"a_ipad_on_loan.heic", "b_ipad_not_lent.jpg", "c_canon.jpg", "d_other_canon.jpg",
                         "e_phone.jpg", "f_no_exif.jpg"}
    assert [(f, rows[f].device, rows[f].registered, rows[f].loan, rows[f].note) for f in sorted(rows)] == [
        ("a_ipad_on_loan.heic", "IPAD-03 iPad 3", True, "Hannah Brooks, 4B, Tue 10 Nov", None),
        ("b_ipad_not_lent.jpg", "IPAD-03 iPad 3 or IPAD-04 iPad 4", True, None,
         "taken when this device was not lent out"),
        ("c_canon.jpg", "CAM-01 Canon 1", True, "Hannah Brooks, 4B, Tue 10 Nov", None),
        ("d_other_canon.jpg", "Canon Canon EOS 2000D", False, None, "not taken on a registered school device"),
        ("e_phone.jpg", "samsung SM-S918B", False, None, "not taken on a registered school device"),
        ("f_no_exif.jpg", None, False, None, NO_EXIF),
    ]
    assert rows["c_canon.jpg"].captured == datetime(2026, 11, 10, 13, 15, tzinfo=LONDON)
    assert report.unregistered == 3 and [s.path for s in report.skipped] == ["g_notes.txt"]


@pytest.mark.parametrize(("registered", "exif", "matches"), [
    (("Canon", "EOS 2000D", "12345"), ("Canon", "Canon EOS 2000D", "0012345"), True),
    (("Nikon", "D3500", None), ("NIKON CORPORATION", "NIKON D3500", "6000123"), True),
    (("Nikon", "D3500", "6000123"), ("NIKON CORPORATION", "NIKON D3500", "6000999"), False),
    (("Apple", "iPad (9th generation)", None), ("Apple", "iPad (9th generation)", None), True),
    (("Apple", "iPad (9th generation)", None), ("Apple", "iPhone 13", None), False),
    (("Apple", "iPad Air", None), ("Samsung", "iPad Air", None), False),
    (("OLYMPUS", "TG-6", None), ("OLYMPUS IMAGING CORP.  ", "TG-6\x00\x00", None), True),
])
def test_matching_a_photo_to_a_registered_device(registered, exif, matches):
    from db.core.models import Device
    from photos import Photo

    device = Device(id=1, asset_tag="A", kind="camera", name="A", make=registered[0], model=registered[1],
                    serial=registered[2])
    found, _by_serial = matching._candidates(Photo("x.jpg", "jpeg", exif[0], exif[1], exif[2], None), [device])
    assert bool(found) is matches


# --- Tags, state and the database's own guard ---------------------------------------------------


def test_a_device_is_lent_by_its_tag_and_an_old_tag_is_refused(database, cameras):
    old = issue_device_tag(database, "cam-01", lambda: new_code(TagKind.DEVICE), by=COMMAND_LINE)
    assert (old.kind, old.label, old.description) == ("device", "CAM-01 Canon 1", "Canon EOS 2000D")
    new = issue_device_tag(database, "CAM-01", lambda: new_code(TagKind.DEVICE), by=COMMAND_LINE)
    with pytest.raises(Refused, match=f"The tag {old.code} is not in use any more"):
        devices.lend_device(database, old.code, "HBR", "4B", "x")
    loan = devices.lend_device(database, new.code.lower().replace("-", ""), "HBR", "4B", "x").loan
    assert loan.device == "CAM-01 Canon 1"
    assert ledger(database)[-1].tag_code == new.code
    phone = issue_phone_tag(database, "1001", lambda: new_code(TagKind.PHONE), by=COMMAND_LINE)
    with pytest.raises(Refused, match="is a phone tag, not a device tag"):
        devices.lend_device(database, phone.code, "HBR", "4B", "x")
    with pytest.raises(Refused, match="No school device has the asset tag “NOPE”"):
        issue_device_tag(database, "nope", lambda: new_code(TagKind.DEVICE), by=COMMAND_LINE)


def test_device_states_for_the_lending_screen(database, cameras, clock):
    lend_and_return(database, clock, code="CAM-01", images=2)
    devices.lend_device(database, "IPAD-03", "HBR", "4B", "x")
    states = {d.asset_tag: (d.status, d.loan.status if d.loan else None) for d in devices.list_devices(database)}
    assert states == {"CAM-01": ("upload outstanding", "upload outstanding"), "IPAD-03": ("out", "out"),
                      "IPAD-04": ("in", None)}


def test_the_database_itself_refuses_a_second_open_loan(database, cameras):
    devices.lend_device(database, "CAM-01", "HBR", "4B", "x")
    with database.reading() as session:
        first = session.exec(select(DeviceLoan)).one()
    with pytest.raises(IntegrityError):
        with database.writing() as session:
            session.add(DeviceLoan(device_id=first.device_id, staff_id=first.staff_id, class_name="6A",
                                   purpose="second kiosk", out_at=first.out_at, out_ledger_id=first.out_ledger_id))
            session.commit()


def test_every_operation_writes_a_chained_ledger_row(database, cameras, clock, tmp_path):
    canon(tmp_path / "a.jpg", datetime(2026, 11, 10, 10, 0))
    lend_and_return(database, clock, images=1)
    devices.confirm_upload(database, "CAM-01", "HBR", folder=tmp_path, wiped=True)
    actions = [e.action for e in ledger(database)]
    assert actions[-10:] == ["import_devices", *["consent_changed"] * 5, "import_consent", "device_out",
                             "device_returned", "device_uploaded"]
    assert verify(database, by=COMMAND_LINE) == len(actions)


# --- The leadership's review ---------------------------------------------------------------------


def test_loans_report_by_days_and_class(database, cameras, clock, tmp_path):
    lend_and_return(database, clock, code="CAM-01", class_name="4B", out=(2026, 11, 10, 9, 0),
                    back=(2026, 11, 10, 12, 0))
    lend_and_return(database, clock, code="IPAD-03", class_name="6A", images=0, out=(2026, 11, 12, 9, 0),
                    back=(2026, 11, 12, 10, 0))
    at(clock, 2026, 11, 13, 9, 0)
    assert [loan.class_name for loan in devices.loans_report(database, date(2026, 11, 1),
                                                             by=COMMAND_LINE)] == ["4B", "6A"]
    assert [loan.class_name for loan in devices.loans_report(database, date(2026, 11, 1), class_name="4b",
                                                             by=COMMAND_LINE)] == ["4B"]
    assert devices.loans_report(database, by=COMMAND_LINE) == []  # today only
    assert [loan.device for loan in devices.loans_report(database, date(2026, 11, 12), date(2026, 11, 12),
                                                         by=COMMAND_LINE)] == ["IPAD-03 iPad 3"]
    with pytest.raises(Refused, match="--to date is before the --from date"):
        devices.loans_report(database, date(2026, 11, 12), date(2026, 11, 10), by=COMMAND_LINE)


def test_devices_not_back_by_the_end_of_the_day(database, cameras, clock):
    at(clock, 2026, 11, 10, 13, 0)
    devices.lend_device(database, "IPAD-03", "HBR", "4B", "trip")
    at(clock, 2026, 11, 10, 17, 59)
    assert devices.devices_not_back(database, by=COMMAND_LINE) == []
    at(clock, 2026, 11, 10, 18, 1)
    [late] = devices.devices_not_back(database, by=COMMAND_LINE)
    assert (late.device, late.status, late.not_back) == ("IPAD-03 iPad 3", "not back", True)
    at(clock, 2026, 11, 11, 8, 30)
    loan = devices.return_device(database, "IPAD-03", "HBR", 3)
    assert loan.not_back and loan.status == "upload outstanding"  # back, but only the next morning
    assert devices.devices_not_back(database, by=COMMAND_LINE) == []


def test_images_per_week_for_the_chart(database, cameras, clock, tmp_path):
    canon(tmp_path / "a.jpg", datetime(2026, 11, 10, 10, 0))
    lend_and_return(database, clock, code="CAM-01", images=4, out=(2026, 11, 10, 9, 0), back=(2026, 11, 10, 12, 0))
    devices.confirm_upload(database, "CAM-01", "HBR", folder=tmp_path, reason="three deleted")
    lend_and_return(database, clock, code="IPAD-03", images=6, out=(2026, 11, 24, 9, 0), back=(2026, 11, 24, 12, 0))
    weeks = devices.images_per_week(database, date(2026, 11, 9), date(2026, 11, 27), by=COMMAND_LINE)
    assert weeks == [WeekImages("2026-W46", date(2026, 11, 9), 1, 4, 1),
                     WeekImages("2026-W47", date(2026, 11, 16), 0, 0, 0),
                     WeekImages("2026-W48", date(2026, 11, 23), 1, 6, 0)]


def test_devices_out_now(database, cameras, clock):
    devices.lend_device(database, "IPAD-04", "HBR", "4B", "x")
    assert [(loan.device, loan.staff) for loan in devices.devices_out(database, by=COMMAND_LINE)] == [
        ("IPAD-04 iPad 4", "Hannah Brooks")]
    assert devices.device_info(database, "ipad-04").loan.staff_code == "HBR"


def test_a_loan_report_row_has_every_field_the_review_needs(database, cameras, clock, tmp_path):
    canon(tmp_path / "a.jpg", datetime(2026, 11, 10, 10, 0))
    lend_and_return(database, clock, images=1)
    clock.advance(minutes=10)
    devices.confirm_upload(database, "CAM-01", "MJO", folder=tmp_path, wiped=True)
    [loan] = devices.loans_report(database, by=COMMAND_LINE)
    assert (loan.out, loan.returned, loan.returned_by, loan.images, loan.verified, loan.uploaded_by, loan.uploaded_at,
            loan.wiped, loan.status) == (
        datetime(2026, 11, 10, 9, 0, tzinfo=LONDON), datetime(2026, 11, 10, 12, 0, tzinfo=LONDON), "Hannah Brooks",
        1, 1, "Maria Jones", datetime(2026, 11, 10, 12, 10, tzinfo=LONDON), True, "verified")


def test_more_images_found_than_claimed_is_noted(database, cameras, clock, tmp_path):
    for minute in range(3):
        canon(tmp_path / "Drive" / f"{minute}.jpg", datetime(2026, 11, 10, 10, minute))
    lend_and_return(database, clock, images=1)
    result = devices.confirm_upload(database, "CAM-01", "HBR", folder=tmp_path / "Drive", wiped=True)
    assert (result.verified, result.loan.status) == (3, "verified")
    assert result.note == "3 images were found, more than the 1 claimed at the return."


def test_two_kiosks_lending_at_once_the_second_is_refused_by_the_database(database, cameras, monkeypatch):
    """PostgreSQL kiosks do not queue for one write lock: the partial unique index decides, in one sentence."""
    devices.lend_device(database, "CAM-01", "HBR", "4B", "x")
    before = ledger(database)
    monkeypatch.setattr(lending, "_refuse_if_outstanding", lambda *args: None)  # both kiosks read "in" at once
    with pytest.raises(Refused) as refused:
        devices.lend_device(database, "CAM-01", "MJO", "6A", "y")
    assert str(refused.value) == "CAM-01 Canon 1 has just been lent at another kiosk: scan it again to see who has it."
    assert ledger(database) == before
