"""`kiosk serve` safe by default: a real server on 127.0.0.1, real websockets from aiohttp's client, real processes.

A page on another site is refused, the page's own is let in, tabs past the limit get a "full" page, and the
database URL is on no kiosk's command line (what `ps` shows every user of the PC).
"""

from __future__ import annotations

import asyncio
import subprocess
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from kiosk.config import Settings
from kiosk.origins import origin_allowed
from kiosk.serve_gate import FULL
from tests.cli.test_serve import fetch, screen_showing, serving

pytestmark = pytest.mark.slow
SESSIONS = 2  # the limit under test: two real kiosks, not eight, on a 2-core machine; the rule is the same


@pytest.fixture
def served(database_url, monkeypatch):
    """`kiosk --db URL serve` with a limit of two tabs; stopped (and its kiosks with it) at the end."""
    monkeypatch.setenv("KIOSK_SERVE_SESSIONS", str(SESSIONS))
    monkeypatch.delenv("KIOSK_DB", raising=False)
    with serving(database_url, subprocess.DEVNULL) as (port, process):
        fetch(port)
        yield port, process


def descendants(pid: int) -> list[int]:
    """Every process below ``pid``, from /proc (the tabs' shells and kiosks)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def command_line(pid: int) -> str:
    return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")


async def status_of_a_tab(port: int, origin: str | None, host: str | None = None) -> int:
    """The HTTP status a websocket from a page at ``origin`` gets (101 when it is let in)."""
    import aiohttp

    headers = {"Host": host} if host else {}
    async with aiohttp.ClientSession() as session:
        try:
            async with session.ws_connect(f"http://127.0.0.1:{port}/ws", origin=origin, headers=headers):
                return 101
        except aiohttp.WSServerHandshakeError as refused:
            return refused.status


async def test_a_page_on_another_site_cannot_open_the_kiosk_but_its_own_page_can(served):
    port, _process = served
    assert await status_of_a_tab(port, "http://evil.example") == 403
    assert await status_of_a_tab(port, None) == 403
    # DNS rebinding: an attacker's name pointed at this PC; the Host matches the Origin but is not an address.
    assert await status_of_a_tab(port, f"http://evil.example:{port}", host=f"evil.example:{port}") == 403
    assert await status_of_a_tab(port, f"http://127.0.0.1:{port}") == 101
    assert await status_of_a_tab(port, f"http://localhost:{port}", host=f"localhost:{port}") == 101
    assert await status_of_a_tab(port, f"http://localhost:{port}") == 101  # opened as localhost, served as 127.0.0.1


@pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="reads Linux's /proc for command lines")
async def test_tabs_past_the_limit_get_the_full_page_and_no_kiosk_shows_the_database_url(served, database_url):
    import aiohttp

    port, process = served
    own = f"http://127.0.0.1:{port}"
    async with aiohttp.ClientSession() as session:
        tabs = [await session.ws_connect(f"{own}/ws", origin=own) for _ in range(SESSIONS)]
        for tab in tabs:
            await screen_showing(tab, "Scan your badge")  # a kiosk that found its database

        kiosks = [pid for pid in descendants(process.pid) if "-m kiosk" in command_line(pid)]
        assert len(kiosks) >= SESSIONS
        secret = urlsplit(database_url).password or database_url.removeprefix("sqlite:///")
        for pid in kiosks:
            assert database_url not in command_line(pid) and secret not in command_line(pid)
        # The URL is in the kiosk's environment instead, which only this user (and root) can read.
        environment = Path(f"/proc/{kiosks[-1]}/environ").read_bytes().split(b"\0")
        assert f"KIOSK_DB={database_url}".encode() in environment
        assert Path(f"/proc/{kiosks[-1]}/environ").stat().st_mode & 0o077 == 0

        one_too_many = await session.ws_connect(f"{own}/ws", origin=own)
        message = await asyncio.wait_for(one_too_many.receive(), timeout=30)
        assert FULL.format(n=SESSIONS) in message.data.decode()
        closing = await asyncio.wait_for(one_too_many.receive(), timeout=30)
        assert closing.type is aiohttp.WSMsgType.CLOSE and closing.data == 1013  # "try again later"
        with pytest.raises(urllib.error.HTTPError) as page:
            urllib.request.urlopen(f"{own}/", timeout=10)
        assert page.value.code == 503 and "This kiosk is full" in page.value.read().decode()

        for tab in tabs:
            await tab.close()


def test_origins_the_gate_accepts():
    assert origin_allowed("http://10.0.0.5:8000", "10.0.0.5:8000", set())
    assert origin_allowed("HTTPS://Kiosk.School.lan", "127.0.0.1:8000", {"https://kiosk.school.lan"})
    assert not origin_allowed("http://kiosk.school.lan:8000", "kiosk.school.lan:8000", set())  # a name: named only
    assert not origin_allowed("http://10.0.0.6:8000", "10.0.0.5:8000", set())
    assert not origin_allowed("null", "10.0.0.5:8000", set())  # a sandboxed frame or a file:// page
    assert Settings().serve_sessions == 8
