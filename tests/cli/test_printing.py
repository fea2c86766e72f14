"""Printing from the command line: tags and the end-of-day list to a file, a TCP printer and a PNG.

The round trip: the QR printed on a tag, decoded by an independent decoder, is
what `kiosk phone in` accepts, and it finds the same phone.
"""

from __future__ import annotations

import socket
import threading

import pytest
from PIL import Image

from db import phones
from db.core import COMMAND_LINE
from tests.cli.test_cli import kiosk  # noqa: F401 - the `kiosk` fixture
from tests.qr_decode import decode_all, raster_images


@pytest.fixture
def filled(kiosk, database, school):  # noqa: F811
    return school


def _libusb() -> bool:
    import usb.backend.libusb1

    return usb.backend.libusb1.get_backend() is not None


class Listener:
    """A printer on 127.0.0.1: takes one job and keeps its bytes."""

    def __init__(self):
        self.server = socket.create_server(("127.0.0.1", 0))
        self.server.settimeout(10)
        self.port = self.server.getsockname()[1]
        self.received = b""
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        conn, _ = self.server.accept()
        with conn:
            conn.settimeout(10)
            while chunk := conn.recv(65536):
                self.received += chunk

    def close(self):
        self.thread.join(timeout=10)
        self.server.close()


def test_class_tags_as_a_png_decode_to_codes_the_kiosk_checks_in(kiosk, filled, tmp_path, database):  # noqa: F811
    png = tmp_path / "6a.png"
    status, out, err = kiosk("tags", "print", "--class", "6A", "--printer", f"preview:{png}")
    assert (status, err) == (0, "") and out == f"Printed: Tags for 6A (2) on preview:{png}.\n"
    with Image.open(png) as image:
        decoded = decode_all(image)
    assert decoded == sorted([filled.walker, filled.year6_no_permit])
    status, out, _ = kiosk("phone", "in", filled.walker, "--by", "HBR")
    status, out, _ = kiosk("phone", "in", decoded[decoded.index(filled.year6_no_permit)], "--by", "HBR")
    assert status == 0 and out.startswith("Ben O'Connor (6A)")
    assert {r.code for r in phones.phones_held(database, by=COMMAND_LINE)} == set(decoded)


def test_a_58mm_job_raster_qr_decodes_back_to_the_phone(kiosk, filled, tmp_path):  # noqa: F811
    job = tmp_path / "lp0"
    status, _, _ = kiosk("tags", "print", "--code", filled.year4.lower(), "--printer", f"file:{job}", "--paper", "58mm")
    data = job.read_bytes()
    assert status == 0 and b"\x1dv0" in data and b"\x1d(k" not in data  # POS-5890: no native QR
    assert b"Zo" in data and b"W. 4B" in data and "Wiśniewski".encode() not in data and b"Wisniewski" not in data
    [image] = raster_images(data)
    [decoded] = decode_all(image)
    status, out, _ = kiosk("phone", "in", decoded, "--by", "LPA")
    assert status == 0 and out.startswith("Zoë Wiśniewski (4B): the phone goes to the Office.")


def test_tags_go_to_a_network_printer(kiosk, filled):  # noqa: F811
    printer = Listener()
    status, out, _ = kiosk("tags", "print", "--kind", "phone", "--printer", f"tcp://127.0.0.1:{printer.port}")
    printer.close()
    assert status == 0 and out.startswith("Printed: Tags for phone (3)")
    assert b"\x1d(k" in printer.received  # 80 mm: the printer draws the QR itself
    for code in (filled.walker, filled.year6_no_permit, filled.year4):
        assert code.encode() in printer.received


def test_end_of_day_list_prints_first_names_and_initials_only(kiosk, filled, tmp_path):  # noqa: F811
    kiosk("phone", "in", filled.walker, "--by", "HBR")
    kiosk("phone", "in", filled.year4, "--by", "LPA")
    job = tmp_path / "held.bin"
    status, out, _ = kiosk("phone", "where", "--printer", f"file:{job}")
    data = job.read_bytes()
    assert status == 0 and out == f"Printed: Phones still held (2) on file:{job}.\n"
    assert b"Amira K. 6A" in data and b"6A cupboard" in data and b"Office" in data
    assert b"Khan" not in data and b"D801999924001" not in data


def test_a_dead_printer_gets_one_sentence_and_exit_1(kiosk, filled, tmp_path):  # noqa: F811
    with socket.socket() as probe:  # a port with nobody listening
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    for printer, sentence in [
        (f"tcp://127.0.0.1:{port}", "turned the connection away"),
        ("lpt1", "is not a printer address"),
        (f"file:{tmp_path / 'missing' / 'lp0'}", "does not exist: check the path in the printer address"),
        # Without the libusb system library (a bare machine) the sentence says that instead.
        ("usb://04b8:0202", "No USB printer 04b8:0202 was found" if _libusb() else "needs the libusb library"),
    ]:
        status, out, err = kiosk("tags", "print", "--code", filled.walker, "--printer", printer)
        assert status == 1 and out == "" and sentence in err and err.count("\n") == 1, err
    status, _, err = kiosk("tags", "print", "--code", filled.walker)
    assert status == 1 and err.startswith("No printer is set")


def test_printer_and_paper_come_from_the_settings(kiosk, filled, tmp_path, monkeypatch):  # noqa: F811
    job = tmp_path / "lp0"
    monkeypatch.setenv("KIOSK_PRINTER", f"file:{job}")
    monkeypatch.setenv("KIOSK_PAPER", "58mm")
    status, _, _ = kiosk("tags", "print", "--code", filled.walker)
    assert status == 0 and b"\x1dv0" in job.read_bytes()


def test_unknown_code_or_class_is_refused(kiosk, filled, tmp_path):  # noqa: F811
    status, _, err = kiosk("tags", "print", "--class", "9Z", "--printer", f"file:{tmp_path / 'x'}")
    assert status == 1 and "No pupil in class “9Z” has a phone tag" in err
    status, _, err = kiosk("tags", "print", "--code", "P-0000-000", "--printer", f"file:{tmp_path / 'x'}")
    assert status == 1 and ("mistake" in err or "No tag in use" in err)
    assert not (tmp_path / "x").exists()
