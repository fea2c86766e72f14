"""What every kiosk screen shares: the app, typed (posting's pattern), and its one handler for failed workers."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.dom import DOMNode
from textual.worker import Worker

if TYPE_CHECKING:  # the app imports the screens: the screens name its class for type checkers only
    from kiosk.app import KioskApp


class KioskScreen:
    """Mixed into each screen: ``self.kiosk`` is the running ``KioskApp`` (``self.app`` is any Textual App)."""

    @property
    def kiosk(self: DOMNode) -> KioskApp:
        return cast("KioskApp", self.app)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # Worker.StateChanged stays with the node that ran the worker: the app's handler says it for every screen.
        self.kiosk.on_worker_state_changed(event)
