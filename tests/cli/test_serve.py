"""`kiosk serve`: a real HTTP server in a subprocess, fetched with urllib; the kiosk runs behind its websocket."""

from __future__ import annotations

import asyncio
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from kiosk.serve import public_url, warning

pytestmark = pytest.mark.slow
START_SECONDS = 30  # aiohttp and the kiosk's imports on a busy 2-core machine


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def served(db_path, monkeypatch):
    """`kiosk --db … serve --port P` in its own process; stopped (and its kiosks with it) at the end."""
    monkeypatch.setenv("KIOSK_SCHOOL_NAME", "Larkrise Primary")  # a setting from the environment, as in a school
    with serving(f"sqlite:///{db_path}", subprocess.PIPE) as running:
        yield running


@contextmanager
def serving(database_url: str, output: int) -> Iterator[tuple[int, subprocess.Popen]]:
    """`kiosk --db URL serve --port P` in its own process group; stopped (and its kiosks with it) at the end."""
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "kiosk", "--db", database_url, "serve", "--port", str(port)],
                               stdout=output, stderr=output, start_new_session=True)
    try:
        yield port, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
            process.wait()


def fetch(port: int) -> str:
    deadline = time.monotonic() + START_SECONDS
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
                assert response.status == 200
                return response.read().decode()
        except (ConnectionError, urllib.error.URLError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def listening_addresses(port: int) -> set[str]:
    """The local addresses with a socket listening on ``port``, from the kernel's own table."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                found.add(socket.inet_ntop(socket.AF_INET if len(address) == 8 else socket.AF_INET6,
                                           bytes.fromhex(address)[::-1] if len(address) == 8 else
                                           b"".join(bytes.fromhex(address[i:i + 8])[::-1] for i in range(0, 32, 8))))
    return found


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="reads Linux's /proc/net/tcp to see the bound address")
def test_kiosk_serve_answers_with_the_textual_serve_page_on_127_0_0_1_only(served):
    port, process = served
    page = fetch(port)
    assert "textual.js" in page and "xterm.css" in page  # textual-serve's page, which runs the terminal
    assert f'ws://127.0.0.1:{port}/ws' in page
    assert "Custody Kiosk" in page
    assert listening_addresses(port) == {"127.0.0.1"}
    assert process.poll() is None


async def test_a_browser_tab_gets_the_kiosk_sign_in_screen_on_the_same_database(served):
    """Through the websocket, as the page's script does: the sign-in screen of a kiosk that found its database.

    Without the database passed through, the tab's kiosk would find no database in the (empty) user data folder
    and exit; the school name comes from the environment, as settings do.
    """
    import aiohttp

    port, _process = served
    await asyncio.to_thread(fetch, port)
    async with aiohttp.ClientSession() as session:
        async with session.ws_connect(f"http://127.0.0.1:{port}/ws?width=120&height=36",
                                      origin=f"http://127.0.0.1:{port}") as ws:
            await screen_showing(ws, "Scan your badge", "Larkrise Primary")


async def screen_showing(ws, *texts: str) -> str:
    """What the tab's terminal shows (escape codes removed), read until every one of ``texts`` is on it."""
    import aiohttp

    await ws.send_json(["resize", {"width": 120, "height": 36}])
    screen = ""
    deadline = time.monotonic() + START_SECONDS
    while not all(text in screen for text in texts):
        left = deadline - time.monotonic()
        assert left > 0, f"the kiosk did not appear in the browser tab; it sent: {screen[-500:]!r}"
        # wait_for, not receive(timeout=): the server's heartbeat pings restart receive's own timeout.
        try:
            message = await asyncio.wait_for(ws.receive(), timeout=left)
        except TimeoutError:
            pytest.fail(f"the kiosk did not appear in the browser tab; it sent: {screen[-500:]!r}")
        assert message.type in (aiohttp.WSMsgType.BINARY, aiohttp.WSMsgType.TEXT), (message, screen[-500:])
        data = message.data if isinstance(message.data, str) else message.data.decode("utf-8", "replace")
        screen += re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", data)  # the terminal's escape codes
    return screen


def test_only_a_host_other_computers_can_reach_gets_the_warning():
    assert warning("127.0.0.1", 8000) is None
    assert warning("localhost", 8000) is None
    line = warning("0.0.0.0", 8080)
    assert "port 8080" in line and "sign-in screen" in line and "\n" not in line
    assert public_url("127.0.0.1", 8000) == "http://127.0.0.1:8000"
    assert "0.0.0.0" not in public_url("0.0.0.0", 8000)  # a browser on another PC needs a real address


def test_a_non_loopback_host_prints_the_warning_when_it_starts(db_path, tmp_path):
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "kiosk", "--db", f"sqlite:///{db_path}", "serve",
                                "--host", "0.0.0.0", "--port", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        line = process.stderr.readline()
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert line.startswith("Warning: anyone who can reach port")
