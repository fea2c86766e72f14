"""`kiosk serve`: the kiosk in a web browser."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from db.core import Database

SAFETY = """\
The kiosk's sign-in (a staff code and PIN, locked after five wrong tries) is the only gate: anyone who can
reach the port sees the sign-in screen. Keep it on 127.0.0.1, or on the school network behind its firewall,
never on the internet.

It speaks plain HTTP. For other PCs, put it behind a reverse proxy that holds the school's TLS certificate,
e.g. Caddy:   kiosk.school.lan { reverse_proxy 127.0.0.1:8000 }
and start it with  kiosk serve --public-url https://kiosk.school.lan
(the proxy must pass websockets and the Host header; see the README, "In a browser").

A browser tab is accepted only from the page's own address (--public-url, or the address it was opened at
when that is a number such as 10.0.0.5); name others with --allow-origin. At most serve_sessions tabs
(setting KIOSK_SERVE_SESSIONS, default 8) run at once; the next gets a "full" page. Give the database URL
in KIOSK_DB or settings.toml rather than --db, which `ps` shows to every user of this PC.
"""


def add_commands(sub, options) -> None:
    serve = options.command(sub, "serve", cmd_serve,
                            "the kiosk in a web browser, for the office or the leadership team")
    serve.epilog = SAFETY
    serve.formatter_class = argparse.RawDescriptionHelpFormatter
    serve.add_argument("--host", default="127.0.0.1",
                       help="the address to listen on (default 127.0.0.1: this computer only; 0.0.0.0: the network)")
    serve.add_argument("--port", type=int, default=8000, help="the port to listen on (default 8000)")
    serve.add_argument("--public-url", metavar="URL",
                       help="the address browsers use, if not http://HOST:PORT (e.g. behind a proxy)")
    serve.add_argument("--allow-origin", metavar="URL", action="append", default=[],
                       help="also accept browser tabs from a page at this address (e.g. https://office.school.lan); "
                            "may be given more than once")


def cmd_serve(args, database: Database) -> None:
    from kiosk.serve import serve  # textual-serve only for this command

    database.engine.dispose()  # checked it is ready; each browser tab's kiosk opens its own connections
    serve(args.settings, host=args.host, port=args.port, url=args.public_url, allow_origins=args.allow_origin)
