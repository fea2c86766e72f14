"""textual-serve's server with a gate: the page's own origin only, a limit on tabs, the database URL kept off `ps`.

Imported only by `kiosk serve` (aiohttp). textual-serve starts one kiosk process per websocket; its own
handler accepts any Origin and any number of them.
"""

from __future__ import annotations

import asyncio
import html
import logging

from aiohttp import web
from textual_serve.app_service import AppService
from textual_serve.server import Server, to_int

from kiosk.origins import origin_allowed

FULL = ("This kiosk is full: {n} browser tabs are already open on it. Close one (sign out and close the tab) "
        "and try again.")

log = logging.getLogger("textual-serve")
TRY_LATER = 1013  # the websocket close code for "try again later"


class KioskProcess(AppService):
    """One tab's kiosk, given the database URL in its environment (readable by this user only, unlike argv)."""

    def __init__(self, *args, database_url: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.database_url = database_url

    def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
        return {**super()._build_environment(width, height), "KIOSK_DB": self.database_url}


class GatedServer(Server):
    def __init__(self, command: str, *, database_url: str, sessions: int, allowed: set[str], **kwargs) -> None:
        super().__init__(command, **kwargs)
        self.database_url = database_url
        self.sessions = sessions
        self.allowed = allowed
        self.live = 0

    def full_sentence(self) -> str:
        return FULL.format(n=self.live)

    async def handle_index(self, request: web.Request) -> web.StreamResponse:
        if self.live >= self.sessions:
            text = html.escape(self.full_sentence())
            return web.Response(status=503, content_type="text/html", text=(
                f"<!doctype html><html><head><title>{html.escape(self.title)}</title></head>"
                f"<body><h1>{html.escape(self.title)}</h1><p>{text}</p></body></html>"))
        return await super().handle_index(request)

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        origin = request.headers.get("Origin")
        if not origin_allowed(origin, request.host, self.allowed):
            log.warning("Refused a browser tab from %s (not this page's address; see --allow-origin)", origin)
            raise web.HTTPForbidden(text=f"This kiosk does not accept pages from {origin or 'no address'}: "
                                         "start `kiosk serve` with --allow-origin if it is the school's own.\n")
        websocket = web.WebSocketResponse(heartbeat=15)
        if self.live >= self.sessions:
            await websocket.prepare(request)
            await websocket.send_bytes(f"\r\n{self.full_sentence()}\r\n".encode())
            await websocket.close(code=TRY_LATER, message=b"full")
            return websocket
        self.live += 1  # counted before any await, so tabs opening together cannot pass the limit
        try:
            return await self._run_kiosk(request, websocket)
        finally:
            self.live -= 1

    async def _run_kiosk(self, request: web.Request, websocket: web.WebSocketResponse) -> web.WebSocketResponse:
        # textual-serve's handle_websocket, with KioskProcess for AppService.
        width = to_int(request.query.get("width", "80"), 80)
        height = to_int(request.query.get("height", "24"), 24)
        app_service: AppService | None = None
        try:
            await websocket.prepare(request)
            app_service = KioskProcess(self.command, write_bytes=websocket.send_bytes, write_str=websocket.send_str,
                                       close=websocket.close, download_manager=self.download_manager,
                                       debug=self.debug, database_url=self.database_url)
            await app_service.start(width, height)
            await self._process_messages(websocket, app_service)
        except asyncio.CancelledError:
            await websocket.close()
        except Exception as error:  # as textual-serve: one tab's failure is logged, the server goes on
            log.exception(error)
        finally:
            if app_service is not None:
                await app_service.stop()
        return websocket
