"""`kiosk serve`: the kiosk in a web browser."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from db.core import Database


def add_commands(sub, options) -> None:
    serve = options.command(sub, "serve", cmd_serve,
                            "the kiosk in a web browser, for the office or the leadership team")
    serve.add_argument("--host", default="127.0.0.1",
                       help="the address to listen on (default 127.0.0.1: this computer only; 0.0.0.0: the network)")
    serve.add_argument("--port", type=int, default=8000, help="the port to listen on (default 8000)")
    serve.add_argument("--public-url", metavar="URL",
                       help="the address browsers use, if not http://HOST:PORT (e.g. behind a proxy)")


def cmd_serve(args, database: Database) -> None:
    from kiosk.serve import serve  # textual-serve only for this command

    database.engine.dispose()  # checked it is ready; each browser tab's kiosk opens its own connections
    serve(args.settings, host=args.host, port=args.port, url=args.public_url)
