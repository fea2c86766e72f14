"""Printer addresses and connections: a real TCP listener, real files, a FIFO and a pty; one sentence per failure."""

from __future__ import annotations

import os
import re
import socket
import socketserver
import threading
import time
from pathlib import Path

import pytest

from labels.printers import PrinterAddress, PrinterError, parse_uri, send

JOB = b"\x1b@" + b"Amira K. 6A\n" * 40 + b"\x1dV\x00"
BIG_JOB = bytes(range(256)) * (64 * 1024)  # 16 MiB: far more than the socket buffers hold


def assert_sentence(error: PrinterError) -> str:
    """One plain sentence: a single line, ending in a full stop, no second sentence, no traceback text."""
    text = str(error)
    assert re.fullmatch(r"[^\n]+\.", text), text
    assert ". " not in text and "Error" not in text and "errno" not in text.lower(), text
    return text


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- Addresses -----------------------------------------------------------------------------


@pytest.mark.parametrize("uri, expected", [
    ("tcp://192.168.1.50", PrinterAddress("tcp://192.168.1.50", "tcp", host="192.168.1.50", port=9100)),
    ("tcp://printer.school.local:9101", PrinterAddress("tcp://printer.school.local:9101", "tcp",
                                                       host="printer.school.local", port=9101)),
    ("tcp://[::1]:9100", PrinterAddress("tcp://[::1]:9100", "tcp", host="::1", port=9100)),
    ("file:/dev/usb/lp0", PrinterAddress("file:/dev/usb/lp0", "file", path="/dev/usb/lp0")),
    ("file:///dev/usb/lp0", PrinterAddress("file:///dev/usb/lp0", "file", path="/dev/usb/lp0")),
    ("usb://04b8:0202", PrinterAddress("usb://04b8:0202", "usb", vendor_id=0x04B8, product_id=0x0202)),
    ("usb://0416:5011?out_ep=0x03", PrinterAddress("usb://0416:5011?out_ep=0x03", "usb", vendor_id=0x0416,
                                                   product_id=0x5011, options=(("out_ep", 3),))),
    ("serial:/dev/ttyUSB0?baudrate=19200", PrinterAddress("serial:/dev/ttyUSB0?baudrate=19200", "serial",
                                                          path="/dev/ttyUSB0", options=(("baudrate", 19200),))),
    ("serial:COM3", PrinterAddress("serial:COM3", "serial", path="COM3")),
    ("preview:/tmp/tags.PNG", PrinterAddress("preview:/tmp/tags.PNG", "preview", path="/tmp/tags.PNG")),
])
def test_good_addresses_parse(uri, expected):
    assert parse_uri(uri) == expected


@pytest.mark.parametrize("uri, says", [
    ("lpt1", "“lpt1” is not a printer address: use file:, tcp://, usb://, serial: or preview:."),
    ("", "No printer address was given"),
    ("http://printer", "is not a printer address"),
    ("tcp://", "needs the printer's network address"),
    ("tcp://printer:99999", "port that is not a number from 1 to 65535"),
    ("tcp://printer:ipp", "port that is not a number"),
    ("usb://epson", "give the vendor and product IDs in hex"),
    ("usb://04b8:0202?speed=9", "setting the kiosk does not understand"),
    ("serial:", "needs the port after it"),
    ("serial:/dev/ttyS0?baudrate=fast", "setting the kiosk does not understand"),
    ("file:", "needs a path after it"),
    ("preview:tags.jpg", "must name a .png file"),
])
def test_bad_addresses_get_a_sentence(uri, says):
    with pytest.raises(PrinterError) as caught:
        parse_uri(uri)
    assert says in assert_sentence(caught.value)
    with pytest.raises(PrinterError):
        send(uri, JOB)


def test_where_names_the_printer_as_a_teacher_reads_it():
    assert parse_uri("tcp://10.0.0.9").where == "10.0.0.9:9100"
    assert parse_uri("tcp://[fe80::1]:9101").where == "[fe80::1]:9101"
    assert parse_uri("usb://4b8:202").where == "USB printer 04b8:0202"


# --- TCP -------------------------------------------------------------------------------------


class Recorder(socketserver.BaseRequestHandler):
    def handle(self):
        chunks = []
        while chunk := self.request.recv(65536):
            chunks.append(chunk)
        self.server.received.append(b"".join(chunks))
        self.server.done.set()


@pytest.fixture
def printer_server():
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Recorder)
    server.daemon_threads = True
    server.received, server.done = [], threading.Event()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_a_job_reaches_a_network_printer_byte_for_byte(printer_server):
    port = printer_server.server_address[1]
    started = time.monotonic()
    send(f"tcp://127.0.0.1:{port}", JOB, timeout=2)
    assert printer_server.done.wait(2)
    assert printer_server.received == [JOB]
    assert time.monotonic() - started < 1.5  # the printer closed after the job: no waiting about


def test_a_large_job_arrives_whole(printer_server):
    send(f"tcp://127.0.0.1:{printer_server.server_address[1]}", BIG_JOB, timeout=2)
    assert printer_server.done.wait(5)
    assert printer_server.received[0] == BIG_JOB


def test_nothing_listening_is_a_sentence_and_quick():
    port = free_port()
    started = time.monotonic()
    with pytest.raises(PrinterError) as caught:
        send(f"tcp://127.0.0.1:{port}", JOB, timeout=0.5)
    assert time.monotonic() - started < 1
    assert assert_sentence(caught.value) == (
        f"The printer at 127.0.0.1:{port} turned the connection away: "
        "check it is switched on and that the address and port are right.")


def test_a_printer_that_never_answers_the_connection_times_out_with_a_sentence():
    # A listener whose queue is full and that never accepts: the connection attempt goes unanswered.
    with socket.socket() as full:
        full.bind(("127.0.0.1", 0))
        full.listen(0)
        port = full.getsockname()[1]
        fillers = []
        try:
            for _ in range(4):
                filler = socket.socket()
                filler.setblocking(False)
                filler.connect_ex(("127.0.0.1", port))
                fillers.append(filler)
            time.sleep(0.1)
            started = time.monotonic()
            with pytest.raises(PrinterError) as caught:
                send(f"tcp://127.0.0.1:{port}", JOB, timeout=0.3)
            assert time.monotonic() - started < 2
        finally:
            for filler in fillers:
                filler.close()
    text = assert_sentence(caught.value)
    assert text.startswith(f"The printer at 127.0.0.1:{port} ")
    assert "did not answer" in text or "stopped taking the job" in text


def test_a_printer_that_closes_the_connection_mid_job_is_a_sentence():
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        port = listener.getsockname()[1]

        def hang_up():
            connection, _ = listener.accept()
            connection.recv(1024)  # take a little of the job, then drop it
            connection.close()

        thread = threading.Thread(target=hang_up, daemon=True)
        thread.start()
        with pytest.raises(PrinterError) as caught:
            send(f"tcp://127.0.0.1:{port}", BIG_JOB, timeout=2)
        thread.join(2)
    assert assert_sentence(caught.value) == (
        f"The printer at 127.0.0.1:{port} closed the connection part-way through the job: "
        "check it has paper and its cover is closed, then print again.")


def test_a_printer_that_stops_reading_is_stuck_not_hung():
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        port = listener.getsockname()[1]
        accepted = []
        thread = threading.Thread(target=lambda: accepted.append(listener.accept()[0]), daemon=True)
        thread.start()
        started = time.monotonic()
        with pytest.raises(PrinterError) as caught:
            send(f"tcp://127.0.0.1:{port}", BIG_JOB, timeout=0.3)  # out of paper: it takes nothing more
        assert time.monotonic() - started < 3
        for connection in accepted:
            connection.close()
    assert "stopped taking the job: check it has paper" in assert_sentence(caught.value)


# --- Files and devices ---------------------------------------------------------------------


def test_file_writes_the_job_and_appends_the_next(tmp_path):
    target = tmp_path / "printer.bin"
    send(f"file:{target}", JOB)
    assert target.read_bytes() == JOB
    send(f"file:{target}", b"second")
    assert target.read_bytes() == JOB + b"second"


def test_file_in_a_missing_folder_is_a_sentence(tmp_path):
    missing = tmp_path / "no such folder" / "printer.bin"
    with pytest.raises(PrinterError) as caught:
        send(f"file:{missing}", JOB)
    assert assert_sentence(caught.value) == (
        f"The folder {missing.parent} does not exist: check the path in the printer address.")


def test_file_that_is_a_folder_is_a_sentence(tmp_path):
    with pytest.raises(PrinterError) as caught:
        send(f"file:{tmp_path}", JOB)
    assert "is a folder" in assert_sentence(caught.value)


def test_an_unplugged_usb_device_file_is_a_sentence_and_is_not_created():
    path = "/dev/usb/lp-custody-kiosk-test"
    with pytest.raises(PrinterError) as caught:
        send(f"file:{path}", JOB)
    assert assert_sentence(caught.value) == f"There is no printer at {path}: check it is plugged in and switched on."
    assert not os.path.exists(path)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs a POSIX FIFO to stand in for a device")
def test_a_device_that_stops_taking_data_is_stuck_not_hung(tmp_path):
    fifo = tmp_path / "lp0"
    os.mkfifo(fifo)
    with pytest.raises(PrinterError) as caught:  # nobody at the other end: the device is off
        send(f"file:{fifo}", JOB, timeout=0.3)
    assert "is not answering" in assert_sentence(caught.value)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # a printer that reads nothing more (out of paper)
    try:
        started = time.monotonic()
        with pytest.raises(PrinterError) as caught:
            send(f"file:{fifo}", BIG_JOB, timeout=0.3)
        assert time.monotonic() - started < 2
    finally:
        os.close(reader)
    assert assert_sentence(caught.value) == (
        f"The printer at {fifo} stopped taking the job: check it has paper and its cover is closed, then print again.")


# --- USB and serial ----------------------------------------------------------------------


def test_usb_without_the_printer_is_a_sentence():
    with pytest.raises(PrinterError) as caught:
        send("usb://04b8:0e15", JOB, timeout=0.5)
    text = assert_sentence(caught.value)
    # which sentence depends on what this machine has: pyusb, libusb, the printer
    assert any(part in text for part in ("needs the pyusb package", "needs the libusb library",
                                         "No USB printer 04b8:0e15 was found"))


def test_serial_to_a_missing_port_is_a_sentence():
    with pytest.raises(PrinterError) as caught:
        send("serial:/dev/ttyCUSTODY9", JOB, timeout=0.5)
    text = assert_sentence(caught.value)
    assert "needs the pyserial package" in text or text == (
        "There is no printer on the serial port /dev/ttyCUSTODY9: check the cable and the port name.")


def test_serial_delivers_the_job_to_the_port():
    pytest.importorskip("serial", reason="pyserial (python-escpos[serial]) is not installed")
    pty = pytest.importorskip("pty", reason="needs a POSIX pseudo-terminal to stand in for the port")
    import tty

    master, slave = pty.openpty()
    try:
        tty.setraw(master)
        send(f"serial:{os.ttyname(slave)}?baudrate=19200", JOB, timeout=2)
        received = b""
        while len(received) < len(JOB):
            received += os.read(master, 65536)
        assert received == JOB
    finally:
        os.close(master)
        os.close(slave)


# --- Preview ---------------------------------------------------------------------------------


def test_preview_writes_a_png(tmp_path):
    from PIL import Image

    target = tmp_path / "job.png"
    send(f"preview:{target}", b"\x1b@\x1ba\x01Amira K. 6A\n\x1dV\x00")
    with Image.open(target) as image:
        assert image.format == "PNG" and image.width == 512
        assert image.convert("L").getextrema()[0] < 100  # something dark was drawn


def test_preview_into_a_missing_folder_is_a_sentence(tmp_path):
    with pytest.raises(PrinterError) as caught:
        send(f"preview:{tmp_path / 'nope' / 'job.png'}", b"\x1b@hello\n")
    assert "does not exist" in assert_sentence(caught.value)
    assert not Path(tmp_path / "nope").exists()
