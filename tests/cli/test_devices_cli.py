"""The cameras-and-iPads commands (shared/DESIGN.md): output, JSON keys, exit status, refusals that change nothing."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import datetime, timezone

import pytest

from tests.conftest import LONDON
from tests.photos import canon, ipad, personal_phone, photo, video
from tests.raw_files import cr3

DEVICES = ("Asset Tag,Type,Name,Make,Model,Serial\r\n"
           "IPAD-03,ipad,iPad 3,Apple,iPad (9th generation),\r\n"
           "CAM-01,camera,Canon 1,Canon,EOS 2000D,012345678901\r\n")
CONSENT = ("UPN,Adno,Photos in school,Website,Social Media,Press\r\n"
           "D801999924001,,Yes,Yes,Yes,Yes\r\n"
           ",1002,Yes,No,No,Yes\r\n"
           ",1003,,,,\r\n")


@pytest.fixture
def school_with_devices(kiosk, school, tmp_path):
    (tmp_path / "devices.csv").write_text(DEVICES, encoding="utf-8", newline="")
    (tmp_path / "consent.csv").write_text(CONSENT, encoding="utf-8", newline="")
    assert kiosk("import", "devices", str(tmp_path / "devices.csv"))[:2] == (
        0, "Imported devices from devices.csv: 2 added, 0 updated.\n")
    assert kiosk("import", "consent", str(tmp_path / "consent.csv"))[:2] == (
        0, "Imported consent from consent.csv: 3 pupils, 3 with new answers.\n")
    return school


def at(clock, *args) -> None:
    clock.moment = datetime(*args, tzinfo=LONDON)


def test_a_device_tag_is_issued_for_a_registered_device_and_lends_it(kiosk, school_with_devices):
    status, out, _ = kiosk("tags", "issue", "device", "--asset", "ipad-03")
    code = out.strip()
    assert status == 0 and code.startswith("D-") and len(code) == 10
    _, out, _ = kiosk("tags", "list", "--kind", "device", "--format", "json")
    assert [(t["code"], t["label"]) for t in json.loads(out)] == [(code, "IPAD-03 iPad 3")]
    status, out, _ = kiosk("device", "out", code, "--by", "HBR", "--class", "6A", "--purpose", "assembly")
    assert status == 0 and out.startswith("Lent IPAD-03 iPad 3 to Hannah Brooks for 6A (assembly) at 08:40.\n")
    status, _, err = kiosk("tags", "issue", "device", "--asset", "IPAD-99")
    assert status == 1 and err.startswith("No school device has the asset tag “IPAD-99”")


def test_device_out_prints_the_do_not_photograph_list(kiosk, school_with_devices):
    status, out, err = kiosk("device", "out", "IPAD-03", "--by", "HBR", "--class", "4B", "--purpose", "trip")
    assert status == 0 and err == ""
    assert out.splitlines() == [
        "Lent IPAD-03 iPad 3 to Hannah Brooks for 4B (trip) at 08:40.",
        "Do not photograph (4B: 1 of 1 pupils):",
        "  Zoë W.  not for: Photos in school, Website, Social Media, Press",
    ]
    assert "Wiśniewski" not in out  # R5
    status, out, _ = kiosk("device", "out", "CAM-01", "--by", "HBR", "--class", "6A", "--purpose", "assembly")
    assert out.splitlines()[1:] == ["Nobody in 6A is on the do-not-photograph list.",
                                    "May be photographed, but the images must not go on:",
                                    "  Ben O.  Website, Social Media"]


def test_lending_twice_is_refused_with_who_has_it_and_changes_nothing(kiosk, school_with_devices):
    kiosk("device", "out", "IPAD-03", "--by", "HBR", "--class", "4B", "--purpose", "trip")
    _, before, _ = kiosk("report", "devices", "--format", "json")
    for args, sentence in [
        (("device", "out", "IPAD-03", "--by", "MJO", "--class", "6A", "--purpose", "x"),
         "IPAD-03 iPad 3 is out with Hannah Brooks for 4B since 08:40 today: "
         "it must be returned before it is lent again."),
        (("device", "out", "CAM-01", "--by", "HBR", "--class", "9Z", "--purpose", "x"),
         "No pupil on roll is in class “9Z”"),
        (("device", "out", "CAM-01", "--by", "HBR", "--class", "4B", "--purpose", "x", "--printer", "lpt1"),
         "printer"),
        (("device", "return", "CAM-01", "--by", "HBR", "--images", "3"), "CAM-01 Canon 1 is not out"),
        (("device", "uploaded", "IPAD-03", "--by", "HBR"), "IPAD-03 iPad 3 is still out"),
        (("device", "out", "'; DROP TABLE device; --", "--by", "HBR", "--class", "4B", "--purpose", "x"),
         "No school device has the tag or asset tag"),
        (("report", "devices", "--from", "last week"), "is not a date"),
    ]:
        status, out, err = kiosk(*args)
        assert status == 1, args
        assert sentence in err and err.count("\n") == 1 and out == "", (args, err)
    _, after, _ = kiosk("report", "devices", "--format", "json")
    assert after == before


def test_the_slip_is_printed_with_first_names_and_initials_only(kiosk, school_with_devices, tmp_path):
    slip = tmp_path / "slip.bin"
    status, out, _ = kiosk("device", "out", "IPAD-03", "--by", "HBR", "--class", "4B", "--purpose", "trip",
                           "--printer", f"file:{slip}")
    assert status == 0 and out.splitlines()[-1] == f"Printed: Do not photograph: 4B (1) on file:{slip}."
    data = slip.read_bytes()
    assert b"DO NOT PHOTOGRAPH" in data and b"Class 4B" in data and b"IPAD-03 iPad 3" in data
    assert b"W." in data and b"Photos in school" in data
    assert b"Wi" not in data.replace(b"W.", b"")  # no surname (R5)


def test_return_then_uploaded_with_the_folder_as_json(kiosk, school_with_devices, clock, tmp_path):
    folder = tmp_path / "Drive" / "Trips"
    at(clock, 2026, 11, 10, 9, 0)
    kiosk("device", "out", "IPAD-03", "--by", "HBR", "--class", "4B", "--purpose", "trip")
    ipad(folder / "IMG_0001.HEIC", datetime(2026, 11, 10, 10, 0))
    ipad(folder / "IMG_0002.JPG", datetime(2026, 11, 10, 10, 1))
    personal_phone(folder / "from_a_phone.jpg", datetime(2026, 11, 10, 10, 2))
    (folder / "list.txt").write_text("x", encoding="utf-8")
    at(clock, 2026, 11, 10, 12, 0)
    status, out, _ = kiosk("device", "return", "IPAD-03", "--by", "HBR", "--images", "2")
    assert status == 0 and out.startswith("Returned: IPAD-03 iPad 3, 2 images.")
    status, out, err = kiosk("device", "uploaded", "IPAD-03", "--by", "MJO", "--folder", str(tmp_path / "Drive"),
                             "--wiped", "--format", "json")
    assert status == 0
    [row] = json.loads(out)
    assert {"device", "claimed", "verified"} <= set(row)
    assert (row["device"], row["claimed"], row["verified"], row["by_model_only"], row["wiped"], row["uploaded_by"]) == (
        "IPAD-03 iPad 3", 2, 2, 2, True, "Maria Jones")
    assert row["uploaded_at"] == "2026-11-10T12:00:00+00:00"
    assert (row["duplicates"], row["unregistered"], row["videos"]) == (0, 1, 0)  # the phone photo, during the loan
    assert err.splitlines() == ["1 file could not be checked:", "  Trips/list.txt: not an image"]


def test_uploaded_counts_each_photo_once_and_tells_of_a_device_the_school_does_not_own(kiosk, school_with_devices,
                                                                                      clock, tmp_path):
    drive, walk = tmp_path / "Drive", tmp_path / "Drive" / "Walk"
    at(clock, 2026, 11, 10, 9, 0)
    kiosk("device", "out", "CAM-01", "--by", "HBR", "--class", "4B", "--purpose", "walk")
    first = canon(walk / "IMG_0001.JPG", datetime(2026, 11, 10, 10, 0))
    canon(walk / "IMG_0002.JPG", datetime(2026, 11, 10, 10, 5))
    shutil.copy(first, walk / "IMG_0001 (1).JPG")  # uploaded twice
    (drive / "Archive").mkdir()
    shutil.copy(first, drive / "Archive" / "IMG_0001.JPG")
    personal_phone(walk / "phone.jpg", datetime(2026, 11, 10, 10, 10))  # during the loan
    personal_phone(walk / "last week.jpg", datetime(2026, 11, 3, 10, 10))  # not during the loan: not this check's
    video(walk / "MVI_0003.MP4", datetime(2026, 11, 10, 10, 20, tzinfo=timezone.utc), brand=b"mp42")
    cr3(walk / "IMG_0004.CR3", taken="2018:02:21 12:08:56")  # a raw from 2018: not during the loan
    at(clock, 2026, 11, 10, 12, 0)
    kiosk("device", "return", "CAM-01", "--by", "HBR", "--images", "4")
    status, out, err = kiosk("device", "uploaded", "CAM-01", "--by", "MJO", "--folder", str(drive), "--wiped")
    assert status == 1 and out == ""  # fewer found than claimed: a decision, not a confirmation
    assert err.strip().startswith(f"Only 2 of the 4 images claimed from CAM-01 Canon 1's loan were found in {drive}: "
                                  "nothing was recorded.")
    assert "To confirm it anyway, add --reason TEXT" in err
    status, out, err = kiosk("device", "uploaded", "CAM-01", "--by", "MJO", "--folder", str(drive), "--wiped",
                             "--reason", "the video")
    assert status == 0 and err == ""
    assert out.splitlines() == [
        f"Recorded: 2 images from CAM-01 Canon 1's loan found in {drive}, 4 claimed (8 files read).",
        "Only 2 of the 4 images claimed were found in the folder as images from this device. The folder also holds "
        "1 video made during the loan, which may be the rest: a video does not say which device made it, so videos "
        "are not in the count. Confirmed with the reason: the video.",
        "1 image in the folder was taken during the loan on a device the school has not registered, such as a "
        "personal phone: pupils may be photographed only on school devices. The leadership team's provenance "
        "report lists them.",
        "2 files were copies of an image already counted: each image is counted once."]
    status, out, _ = kiosk("device", "uploaded", "CAM-01", "--by", "MJO", "--folder", str(drive), "--format", "json",
                           "--reason", "the video")
    [row] = json.loads(out)
    assert (row["verified"], row["duplicates"], row["unregistered"], row["videos"], row["files"]) == (2, 2, 1, 1, 8)


def test_uploaded_with_fewer_found_is_refused_until_a_reason_is_given(kiosk, school_with_devices, clock, tmp_path):
    at(clock, 2026, 11, 10, 9, 0)
    kiosk("device", "out", "CAM-01", "--by", "HBR", "--class", "4B", "--purpose", "walk")
    drive = tmp_path / "Drive"
    canon(drive / "IMG_1.JPG", datetime(2026, 11, 10, 9, 30))
    canon(drive / "IMG_2.JPG", datetime(2026, 11, 10, 9, 40))
    at(clock, 2026, 11, 10, 11, 0)
    kiosk("device", "return", "CAM-01", "--by", "HBR", "--images", "3")
    status, out, err = kiosk("device", "uploaded", "CAM-01", "--by", "HBR", "--folder", str(drive))
    assert status == 1 and out == "" and err.count("\n") == 1
    assert err.startswith(f"Only 2 of the 3 images claimed from CAM-01 Canon 1's loan were found in {drive}: "
                          "nothing was recorded.")
    assert err.rstrip().endswith("To confirm it anyway, add --reason TEXT, e.g. --reason “2 blurred images deleted”.")
    _, out, _ = kiosk("report", "devices", "--format", "json")
    assert [(r["images"], r["verified"], r["status"]) for r in json.loads(out)] == [(3, None, "upload outstanding")]
    status, out, err = kiosk("device", "uploaded", "CAM-01", "--by", "HBR", "--folder", str(drive),
                             "--reason", "one blurred photo deleted on the camera")
    assert status == 0 and err == ""
    assert ("Only 2 of the 3 images claimed were found in the folder. Confirmed with the reason: one blurred photo "
            "deleted on the camera.") in out
    _, out, _ = kiosk("report", "devices", "--format", "json")
    assert [(r["images"], r["verified"], r["status"]) for r in json.loads(out)] == [(3, 2, "fewer found")]


def test_uploaded_without_a_folder_is_unverified(kiosk, school_with_devices, clock):
    kiosk("device", "out", "CAM-01", "--by", "HBR", "--class", "4B", "--purpose", "walk")
    kiosk("device", "return", "CAM-01", "--by", "HBR", "--images", "5")
    status, out, _ = kiosk("device", "uploaded", "CAM-01", "--by", "HBR")
    assert status == 0 and out.splitlines()[0] == ("Recorded: Hannah Brooks confirmed CAM-01 Canon 1's 5 images are on "
                                                   "the Drive (unverified: no folder was checked).")
    _, out, _ = kiosk("report", "devices", "--format", "json")
    assert [(r["images"], r["verified"], r["status"]) for r in json.loads(out)] == [(5, None, "unverified")]


def test_a_missing_folder_is_one_sentence_and_the_loan_stays_outstanding(kiosk, school_with_devices, tmp_path):
    kiosk("device", "out", "CAM-01", "--by", "HBR", "--class", "4B", "--purpose", "walk")
    kiosk("device", "return", "CAM-01", "--by", "HBR", "--images", "5")
    status, out, err = kiosk("device", "uploaded", "CAM-01", "--by", "HBR", "--folder", str(tmp_path / "G:" / "Drive"))
    assert status == 1 and out == "" and err.count("\n") == 1 and err.startswith("There is no folder at")
    status, _, err = kiosk("device", "out", "CAM-01", "--by", "MJO", "--class", "6A", "--purpose", "x")
    assert status == 1 and "not confirmed uploaded to the Drive" in err


def test_report_devices_keys_formats_and_class(kiosk, school_with_devices, clock, tmp_path):
    at(clock, 2026, 11, 10, 9, 0)
    kiosk("device", "out", "CAM-01", "--by", "HBR", "--class", "4B", "--purpose", "walk")
    at(clock, 2026, 11, 10, 11, 0)
    kiosk("device", "return", "CAM-01", "--by", "HBR", "--images", "1")
    canon(tmp_path / "d" / "a.jpg", datetime(2026, 11, 10, 10, 0))
    status, out, _ = kiosk("device", "uploaded", "CAM-01", "--by", "MJO", "--folder", str(tmp_path / "d"), "--wiped")
    assert status == 0 and out == (f"Recorded: 1 image from CAM-01 Canon 1's loan found in {tmp_path / 'd'}, "
                                   "1 claimed (1 file read).\n")
    at(clock, 2026, 11, 12, 9, 0)
    kiosk("device", "out", "IPAD-03", "--by", "HBR", "--class", "6A", "--purpose", "assembly")
    status, out, _ = kiosk("report", "devices", "--from", "2026-11-09", "--format", "json")
    rows = json.loads(out)
    keys = {"device", "staff", "class", "purpose", "out", "returned", "images", "verified", "uploaded_by",
            "uploaded_at"}
    assert status == 0 and all(keys <= set(r) for r in rows)
    assert [(r["device"], r["class"], r["images"], r["verified"], r["uploaded_by"], r["status"]) for r in rows] == [
        ("CAM-01 Canon 1", "4B", 1, 1, "Maria Jones", "verified"), ("IPAD-03 iPad 3", "6A", None, None, None, "out")]
    assert rows[0]["out"] == "2026-11-10T09:00:00+00:00" and rows[1]["returned"] is None
    _, out, _ = kiosk("report", "devices", "--from", "09/11/2026", "--class", "4b", "--format", "csv")
    lines = out.splitlines()
    assert lines[0] == ("device,staff,class,purpose,out,returned,images,verified,uploaded_by,uploaded_at,wiped,status")
    assert len(lines) == 2 and lines[1].startswith("CAM-01 Canon 1,Hannah Brooks,4B,walk,2026-11-10T09:00:00+00:00,")
    _, out, _ = kiosk("report", "devices")
    assert out.splitlines()[0].split()[:4] == ["DEVICE", "STAFF", "CLASS", "PURPOSE"] and "IPAD-03" in out
    _, out, _ = kiosk("report", "devices", "--from", "2026-11-11", "--to", "2026-11-11")
    assert out == "No device was lent on those days.\n"


def test_report_provenance_flags_a_personal_phone(kiosk, school_with_devices, clock, tmp_path):
    folder = tmp_path / "Drive"
    canon(folder / "school.jpg", datetime(2026, 11, 10, 8, 0))
    personal_phone(folder / "phone.jpg", datetime(2026, 11, 10, 8, 5))
    photo(folder / "stripped.jpg")
    broken = ipad(folder / "broken.heic", datetime(2026, 11, 10, 8, 6))
    broken.write_bytes(broken.read_bytes()[:60])  # a real HEIC, cut short
    status, out, err = kiosk("report", "provenance", "--folder", str(folder), "--format", "json")
    assert status == 0
    rows = {r["file"]: r for r in json.loads(out)}
    assert all({"file", "device", "captured", "registered"} <= set(r) for r in rows.values())
    assert (rows["school.jpg"]["device"], rows["school.jpg"]["registered"]) == ("CAM-01 Canon 1", True)
    assert rows["school.jpg"]["captured"] == "2026-11-10T08:00:00+00:00"
    assert (rows["phone.jpg"]["device"], rows["phone.jpg"]["registered"]) == ("samsung SM-S918B", False)
    assert rows["stripped.jpg"]["registered"] is False and rows["broken.heic"]["registered"] is False
    assert err.splitlines() == ["3 of 4 images could not be traced to a registered school device."]
    status, out, _ = kiosk("report", "provenance", "--folder", str(folder))
    assert out.splitlines()[0].split()[:4] == ["FILE", "DEVICE", "CAPTURED", "REGISTERED"]
    status, _, err = kiosk("report", "provenance", "--folder", str(tmp_path / "nowhere"))
    assert status == 1 and err.startswith("There is no folder at")


def test_report_provenance_marks_copies_reads_raws_and_counts_videos(kiosk, school_with_devices, tmp_path):
    folder = tmp_path / "Drive"
    school = canon(folder / "a_school.jpg", datetime(2026, 11, 10, 8, 0))
    shutil.copy(school, folder / "b_school copy.jpg")
    phone = personal_phone(folder / "c_phone.jpg", datetime(2026, 11, 10, 8, 5))
    shutil.copy(phone, folder / "d_phone again.jpg")
    cr3(folder / "e_IMG_0004.CR3", taken="2018:02:21 12:08:56")
    video(folder / "f_clip.mov", datetime(2026, 11, 10, 8, 10, tzinfo=timezone.utc))
    status, out, err = kiosk("report", "provenance", "--folder", str(folder), "--format", "json")
    assert status == 0
    rows = [(r["file"], r["device"], r["registered"], r["duplicate_of"], r["note"]) for r in json.loads(out)]
    copy = "a copy of another file in the folder: counted once"
    assert rows == [
        ("a_school.jpg", "CAM-01 Canon 1", True, None, "taken when this device was not lent out"),
        ("b_school copy.jpg", "CAM-01 Canon 1", True, "a_school.jpg", copy),
        ("c_phone.jpg", "samsung SM-S918B", False, None, "not taken on a registered school device"),
        ("d_phone again.jpg", "samsung SM-S918B", False, "c_phone.jpg", copy),
        ("e_IMG_0004.CR3", "Canon Canon EOS M50", False, None, "not taken on a registered school device")]
    assert err.splitlines() == [
        "2 of 3 images could not be traced to a registered school device.",
        "2 files were copies of an image already listed: each image is counted once.",
        "1 video in the folder: counted, not traced (a video does not say which device made it)."]


def test_import_consent_reports_withdrawals_and_bad_rows(kiosk, school_with_devices, tmp_path):
    path = tmp_path / "consent2.csv"
    path.write_text(CONSENT.replace("D801999924001,,Yes,", "D801999924001,,No,"), encoding="utf-8", newline="")
    assert kiosk("import", "consent", str(path))[:2] == (
        0, "Imported consent from consent2.csv: 3 pupils, 1 with new answers (1 consent withdrawn).\n")
    path.write_text("Adno,Photos\r\n1001,Yes\r\n4444,No\r\n", encoding="utf-8", newline="")
    status, out, err = kiosk("import", "consent", str(path))
    assert status == 1 and out == "" and err.splitlines() == [
        "1 row in consent2.csv could not be imported, so nothing was imported: fix them and import again.",
        "  line 3: no pupil has the admission number 4444: import the pupils first, or check it"]


def test_images_must_be_a_number(kiosk, school_with_devices):
    with pytest.raises(SystemExit) as exc:
        kiosk("device", "return", "CAM-01", "--by", "HBR", "--images", "lots")
    assert exc.value.code == 2


def test_the_device_commands_never_import_textual(db_path, school_with_devices, tmp_path):
    code = ("import sys, kiosk.cli as c; "
            "c.main(['--db', sys.argv[1], 'report', 'provenance', '--folder', sys.argv[2]]);"
            " print('textual' in sys.modules)")
    canon(tmp_path / "p" / "a.jpg", datetime(2026, 11, 10, 8, 0))
    out = subprocess.run([sys.executable, "-c", code, f"sqlite:///{db_path}", str(tmp_path / "p")],
                         capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "False"
