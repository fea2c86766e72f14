"""Sending a print job to a printer named by its address (URI).

Addresses::

    file:PATH               a device file such as /dev/usb/lp0, or an ordinary file (appended to)
    tcp://HOST[:PORT]       a network printer's raw port (9100 unless given); [v6::address] in brackets
    usb://VID:PID           a USB printer by vendor and product ID in hex, e.g. usb://04b8:0202
                            (optional ?out_ep=0x03&in_ep=0x81; needs pyusb and libusb)
    serial:DEVICE           a serial printer, e.g. serial:/dev/ttyUSB0 or serial:COM3
                            (optional ?baudrate=19200, default 9600; needs pyserial)
    preview:PATH.png        draw the job into a PNG instead of printing it

Every failure, a mistyped address included, is a :class:`PrinterError` whose
text is one plain sentence for the person at the kiosk. Nothing here retries
or queues: the caller (a worker in the kiosk) decides that.
"""

from __future__ import annotations

import errno
import os
import re
import select
import socket
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl

if TYPE_CHECKING:
    from labels.layouts import Paper

SCHEMES = "file:, tcp://, usb://, serial: or preview:"
DEFAULT_TCP_PORT = 9100
_CHUNK = 64 * 1024
# After the last byte, how long to listen for the printer dropping the job (a
# reset shows up then). A printer that keeps the connection open costs this much.
_SETTLE_SECONDS = 0.5


class PrinterError(Exception):
    """Printing failed; ``str(error)`` is one sentence saying what to check."""


@dataclass(frozen=True)
class PrinterAddress:
    """A parsed printer URI. ``kind`` is "file", "tcp", "usb", "serial" or "preview"."""

    uri: str
    kind: str
    path: str = ""  # file, serial and preview: the path or port name
    host: str = ""
    port: int = 0
    vendor_id: int = 0
    product_id: int = 0
    options: tuple[tuple[str, int], ...] = ()

    def option(self, name: str, default: int) -> int:
        return dict(self.options).get(name, default)

    @property
    def where(self) -> str:
        """How a sentence names this printer: "192.168.1.50:9100", "/dev/usb/lp0", "USB printer 04b8:0202"."""
        if self.kind == "tcp":
            host = f"[{self.host}]" if ":" in self.host else self.host
            return f"{host}:{self.port}"
        if self.kind == "usb":
            return f"USB printer {self.vendor_id:04x}:{self.product_id:04x}"
        return self.path


def parse_uri(uri: str) -> PrinterAddress:
    """Check a printer address without printing; PrinterError with a sentence if it is not one."""
    text = (uri or "").strip()
    if not text:
        raise PrinterError(f"No printer address was given: use {SCHEMES}.")
    lowered = text.lower()
    if lowered.startswith("file:"):
        path = text[5:]
        if path.startswith("//"):  # file:///dev/usb/lp0
            path = path[2:]
        if not path:
            raise PrinterError("“file:” needs a path after it, for example file:/dev/usb/lp0.")
        return PrinterAddress(text, "file", path=path)
    if lowered.startswith("tcp://"):
        return _parse_tcp(text)
    if lowered.startswith("usb://"):
        return _parse_usb(text)
    if lowered.startswith("serial:"):
        device, _, query = text[7:].partition("?")
        if device.startswith("//"):
            device = device[2:]
        if not device:
            raise PrinterError("“serial:” needs the port after it, for example serial:/dev/ttyUSB0 or serial:COM3.")
        options = _options(text, query, {"baudrate"})
        return PrinterAddress(text, "serial", path=device, options=options)
    if lowered.startswith("preview:"):
        path = text[8:]
        if not path.lower().endswith(".png") or len(path) <= 4:
            raise PrinterError(f"“{_short(text)}” must name a .png file, for example preview:tags.png.")
        return PrinterAddress(text, "preview", path=path)
    raise PrinterError(f"“{_short(text)}” is not a printer address: use {SCHEMES}.")


def send(uri: str | PrinterAddress, data: bytes, *, timeout: float = 5.0, paper: Paper | None = None) -> None:
    """Send one job's bytes to the printer at ``uri`` and return when it has taken them all.

    ``timeout``: seconds to wait for a connection, and for the printer to take
    more of the job before it counts as stuck (a long job may take longer in
    all). ``paper`` is used only by ``preview:`` (the width and code pages to
    draw with; 80 mm when not given). Raises :class:`PrinterError`.
    """
    address = uri if isinstance(uri, PrinterAddress) else parse_uri(uri)
    if address.kind == "file":
        _send_file(address, data, timeout)
    elif address.kind == "tcp":
        _send_tcp(address, data, timeout)
    elif address.kind == "usb":
        _send_usb(address, data, timeout)
    elif address.kind == "serial":
        _send_serial(address, data, timeout)
    else:
        _save_preview(address, data, paper)


# --- Parsing ---------------------------------------------------------------------


def _parse_tcp(text: str) -> PrinterAddress:
    rest = text[6:].split("/", 1)[0]
    example = "for example tcp://192.168.1.50:9100"
    match = re.fullmatch(r"\[([0-9A-Fa-f:.]+)\](?::(\w*))?|([^:\[\]]+)(?::(\w*))?", rest)
    if not rest or not match:
        raise PrinterError(f"“{_short(text)}” needs the printer's network address after tcp://, {example}.")
    host = match.group(1) or match.group(3)
    port_text = match.group(2) if match.group(1) else match.group(4)
    if port_text is None or port_text == "":
        port = DEFAULT_TCP_PORT
    elif port_text.isdigit() and 1 <= int(port_text) <= 65535:
        port = int(port_text)
    else:
        raise PrinterError(f"“{_short(text)}” has a port that is not a number from 1 to 65535: the usual one is 9100.")
    return PrinterAddress(text, "tcp", host=host, port=port)


def _parse_usb(text: str) -> PrinterAddress:
    ids, _, query = text[6:].partition("?")
    match = re.fullmatch(r"(?:0x)?([0-9A-Fa-f]{1,4}):(?:0x)?([0-9A-Fa-f]{1,4})", ids.strip("/"))
    if not match:
        raise PrinterError(f"“{_short(text)}” is not a USB printer address: give the vendor and product IDs "
                           "in hex as lsusb shows them, for example usb://04b8:0202.")
    options = _options(text, query, {"in_ep", "out_ep"})
    return PrinterAddress(text, "usb", vendor_id=int(match.group(1), 16), product_id=int(match.group(2), 16),
                          options=options)


def _options(text: str, query: str, allowed: set[str]) -> tuple[tuple[str, int], ...]:
    """``name=value`` settings after ``?``: whole numbers, in hex when written 0x..."""
    options = []
    for name, value in parse_qsl(query, keep_blank_values=True):
        try:
            number = int(value, 16) if value.lower().startswith("0x") else int(value, 10)
        except ValueError:
            number = -1
        if name not in allowed or number < 0:
            raise PrinterError(f"“{_short(text)}” has a setting the kiosk does not understand "
                               f"(“{_short(name + '=' + value, 20)}”): "
                               f"the ones it knows are {', '.join(sorted(allowed))}.")
        options.append((name, number))
    return tuple(options)


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- Sending -----------------------------------------------------------------------


def _stuck(where: str) -> PrinterError:
    return PrinterError(f"The printer at {where} stopped taking the job: "
                        "check it has paper and its cover is closed, then print again.")


def _send_file(address: PrinterAddress, data: bytes, timeout: float) -> None:
    path = address.path
    device = path.startswith("/dev/")
    # Never create a device node's name as a plain file: an unplugged printer must fail.
    flags = os.O_WRONLY | os.O_APPEND | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0)
    if not device:
        flags |= os.O_CREAT
    try:
        fd = os.open(path, flags, 0o644)
    except FileNotFoundError as error:
        if device:
            raise PrinterError(f"There is no printer at {path}: check it is plugged in and switched on.") from error
        raise PrinterError(f"The folder {Path(path).parent} does not exist: "
                           "check the path in the printer address.") from error
    except IsADirectoryError as error:
        raise PrinterError(f"{path} is a folder, not a printer or a file: "
                           "add a file name to the printer address.") from error
    except PermissionError as error:
        raise PrinterError(f"The kiosk is not allowed to write to {path}: ask whoever looks after this computer "
                           "to give it access (on Linux, the lp group).") from error
    except OSError as error:
        raise _device_error(path, error) from error
    try:
        _write_all(fd, data, timeout, path)
    finally:
        os.close(fd)


def _write_all(fd: int, data: bytes, timeout: float, where: str) -> None:
    """Write everything; a device that takes nothing for ``timeout`` seconds is stuck (usblp blocks forever)."""
    view = memoryview(data)
    deadline = time.monotonic() + timeout
    while view:
        try:
            written = os.write(fd, view[:_CHUNK])
        except BlockingIOError:
            written = 0
        except OSError as error:
            raise _device_error(where, error) from error
        if written:
            view = view[written:]
            deadline = time.monotonic() + timeout
            continue
        left = deadline - time.monotonic()
        if left <= 0:
            raise _stuck(where)
        select.select([], [fd], [], left)


def _device_error(where: str, error: OSError) -> PrinterError:
    if error.errno in (errno.ENODEV, errno.ENXIO, errno.EIO):
        return PrinterError(f"The printer at {where} is not answering: check it is switched on and plugged in.")
    if error.errno == errno.ENOSPC:
        return PrinterError(f"There is no room left to write to {where}: free some space or choose another file.")
    return PrinterError(f"The printer at {where} could not take the job ({error.strerror or error}): "
                        "check it is switched on and plugged in.")


def _send_tcp(address: PrinterAddress, data: bytes, timeout: float) -> None:
    where = address.where
    try:
        sock = socket.create_connection((address.host, address.port), timeout=timeout)
    except socket.gaierror as error:
        raise PrinterError(f"The printer name “{_short(address.host)}” was not found on the network: "
                           "check the printer address.") from error
    except TimeoutError as error:
        raise PrinterError(f"The printer at {where} did not answer: "
                           "check it is switched on and connected to the network.") from error
    except ConnectionRefusedError as error:
        raise PrinterError(f"The printer at {where} turned the connection away: check it is switched on "
                           "and that the address and port are right.") from error
    except OSError as error:
        raise PrinterError(f"The printer at {where} could not be reached: "
                           "check it is switched on and connected to the network.") from error
    with sock:
        try:
            # send() in chunks: a timeout then means "no progress", not "slower than 5 s in all"
            view = memoryview(data)
            while view:
                view = view[sock.send(view[:_CHUNK]) :]
            sock.shutdown(socket.SHUT_WR)
            _settle(sock, min(timeout, _SETTLE_SECONDS))
        except TimeoutError as error:
            raise _stuck(where) from error
        except (ConnectionResetError, BrokenPipeError, ConnectionAbortedError) as error:
            raise PrinterError(f"The printer at {where} closed the connection part-way through the job: "
                               "check it has paper and its cover is closed, then print again.") from error
        except OSError as error:
            raise PrinterError(f"The connection to the printer at {where} failed during the job: "
                               "check the printer and the network, then print again.") from error


def _settle(sock: socket.socket, seconds: float) -> None:
    """Read until the printer closes or goes quiet: a printer that dropped the job answers with a reset."""
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        sock.settimeout(left)
        try:
            if not sock.recv(4096):
                return
        except TimeoutError:
            return


def _send_usb(address: PrinterAddress, data: bytes, timeout: float) -> None:
    where = address.where
    from escpos.printer import Usb  # ~0.3 s to import: only when printing

    if not Usb.is_usable():
        raise PrinterError("Printing to a USB printer needs the pyusb package, which is not installed: "
                           "ask whoever installed the kiosk to add it, or use the printer's file: address.")
    import usb.core  # pyusb, present since Usb is usable

    options = dict(address.options)
    kwargs = {key: options[key] for key in ("in_ep", "out_ep") if key in options}
    printer = Usb(address.vendor_id, address.product_id, timeout=max(int(timeout * 1000), 1), **kwargs)
    try:
        printer.open()
    except usb.core.NoBackendError as error:
        raise PrinterError("Printing to a USB printer needs the libusb library, which was not found: "
                           "ask whoever looks after this computer to install it.") from error
    except Exception as error:  # escpos wraps "not found" and "access denied" alike
        cause = error.__context__ or error
        if getattr(cause, "errno", None) == errno.EACCES or "Access denied" in str(error):
            raise PrinterError(f"The kiosk is not allowed to use the {where}: ask whoever looks after this "
                               "computer to give it access (a udev rule on Linux).") from error
        raise PrinterError(f"No {where} was found: check it is plugged in and switched on.") from error
    try:
        if "out_ep" not in options:
            _use_bulk_out_endpoint(printer)
        printer._raw(data)
    except usb.core.USBTimeoutError as error:
        raise _stuck(where) from error
    except usb.core.USBError as error:
        raise PrinterError(f"The {where} stopped part-way through the job: "
                           "check it is switched on, has paper and its cover is closed.") from error
    finally:
        try:
            printer.close()
        except Exception:  # noqa: BLE001 - closing a printer that went away must not hide the real error
            pass


def _use_bulk_out_endpoint(printer) -> None:
    """Many 58 mm printers do not use python-escpos's default endpoint 0x01: take the printer's own OUT endpoint."""
    import usb.core
    import usb.util

    try:
        interface = printer.device.get_active_configuration()[(0, 0)]
    except (usb.core.USBError, IndexError):  # no configuration set, or no interface 0: keep the default endpoint
        return
    endpoint = usb.util.find_descriptor(
        interface,
        custom_match=lambda e: usb.util.endpoint_direction(e.bEndpointAddress) == usb.util.ENDPOINT_OUT,
    )
    if endpoint is not None:
        printer.out_ep = endpoint.bEndpointAddress


def _send_serial(address: PrinterAddress, data: bytes, timeout: float) -> None:
    where = address.path
    from escpos.printer import Serial  # ~0.3 s to import: only when printing

    if not Serial.is_usable():
        raise PrinterError("Printing to a serial printer needs the pyserial package, which is not installed: "
                           "ask whoever installed the kiosk to add it.")
    import serial  # pyserial, present since Serial is usable

    printer = Serial(devfile=address.path, baudrate=address.option("baudrate", 9600), timeout=timeout)
    try:
        printer.open()
    except Exception as error:  # escpos wraps every failure to open as DeviceNotFoundError
        raise PrinterError(f"There is no printer on the serial port {where}: "
                           "check the cable and the port name.") from error
    try:
        printer.device.write_timeout = timeout
        printer._raw(data)
        printer.device.flush()
    except serial.SerialTimeoutException as error:
        raise _stuck(where) from error
    except (serial.SerialException, OSError) as error:
        raise PrinterError(f"The printer on the serial port {where} stopped part-way through the job: "
                           "check it is switched on and the cable is in.") from error
    finally:
        try:
            printer.close()
        except Exception:  # noqa: BLE001 - a port that went away must not hide the real error
            pass


def _save_preview(address: PrinterAddress, data: bytes, paper: Paper | None) -> None:
    from labels.preview import preview_png

    try:
        image = preview_png(data, paper)
    except ValueError as error:
        raise PrinterError("The preview could not be drawn because the job holds printer commands "
                           "the kiosk does not know.") from error
    try:
        image.save(address.path, format="PNG")
    except FileNotFoundError as error:
        raise PrinterError(f"The folder {Path(address.path).parent} does not exist: "
                           "check the path in the preview address.") from error
    except PermissionError as error:
        raise PrinterError(f"The kiosk is not allowed to write {address.path}: choose another folder.") from error
    except OSError as error:
        raise PrinterError(f"The preview could not be saved to {address.path} ({error.strerror or error}): "
                           "choose another file.") from error
