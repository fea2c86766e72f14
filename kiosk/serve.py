"""`kiosk serve`: the same kiosk in a web browser (textual-serve), for the office or the leadership team.

Each browser tab runs its own kiosk process with the same settings and database, and starts at the same sign-in
screen (staff code and PIN). It listens on 127.0.0.1 unless told otherwise. Safe by default: a websocket is
accepted only from the page's own origin (or one named with --allow-origin), at most ``serve_sessions`` tabs run
at once, and the database URL (perhaps with a password) reaches each tab's kiosk in its environment, which only
this PC's same user can read, never on its command line, which `ps` shows to every user.
"""

from __future__ import annotations

import ipaddress
import shlex
import socket
import sys

from kiosk.config import Settings
from kiosk.origins import origin_of

DEFAULT_PORT = 8000
WILDCARDS = ("0.0.0.0", "::", "")


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def kiosk_command() -> str:
    """The shell command each browser tab runs: this Python, this kiosk; the database comes in KIOSK_DB."""
    return shlex.join([sys.executable, "-m", "kiosk"])


def public_url(host: str, port: int) -> str:
    """The address browsers use for the page, its scripts and its websocket.

    Listening on every interface, "0.0.0.0" would mean nothing to a browser on another PC: use this PC's
    address on the school network.
    """
    if host in WILDCARDS:
        host = _lan_address()
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


def _lan_address() -> str:
    # Connecting a UDP socket sends nothing; it only asks which local address would be used.
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("10.255.255.255", 1))
            return probe.getsockname()[0]
    except OSError:
        return socket.gethostname()


def warning(host: str, port: int) -> str | None:
    """One line for a host other PCs can reach; None for 127.0.0.1."""
    if is_loopback(host):
        return None
    return (f"Warning: anyone who can reach port {port} on this computer sees the kiosk's sign-in screen "
            "(a staff code and PIN are still needed to go further).")


def serve(settings: Settings, host: str = "127.0.0.1", port: int = DEFAULT_PORT, url: str | None = None,
          allow_origins: list[str] | tuple[str, ...] = ()) -> None:
    """Serve the kiosk until Ctrl+C."""
    from kiosk.serve_gate import GatedServer  # aiohttp and friends: only for `kiosk serve`

    note = warning(host, port)
    if note:
        print(note, file=sys.stderr, flush=True)
    title = f"Custody Kiosk · {settings.school_name or settings.kiosk_name}"
    address = url or public_url(host, port)
    allowed = {origin_of(address), *(origin_of(o) for o in allow_origins)}
    if is_loopback(host):  # the page opened as localhost or 127.0.0.1: both are this PC
        allowed |= {f"http://localhost:{port}", f"http://127.0.0.1:{port}", f"http://[::1]:{port}"}
    GatedServer(kiosk_command(), host=host, port=port, title=title, public_url=address,
                database_url=settings.database_url(), sessions=settings.serve_sessions, allowed=allowed).serve()
