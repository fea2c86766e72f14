"""What every kiosk screen shares: the app, typed (posting's pattern), its one handler for failed workers, and the
guard that keeps the kiosk up when a handler, a timer or a dialog's callback hits a bug."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from textual.dom import DOMNode
from textual.message import Message
from textual.worker import Worker

if TYPE_CHECKING:  # the app imports the screens: the screens name its class for type checkers only
    from kiosk.app import KioskApp


class StaysUp:
    """Mixed into the app and every screen: a bug in a message handler, a timer or a callback is logged and said.

    Textual's own answer to an exception in a handler is to stop that node's message loop and close the app
    (``App._handle_exception``): a kiosk that closes itself leaves nobody able to scan. Here the error goes to
    ``KioskApp.unexpected`` (kiosk.log and a red notice) and the node goes on with its next message.
    """

    async def _dispatch_message(self, message: Message) -> None:
        try:
            await super()._dispatch_message(message)  # type: ignore[misc]
        except Exception as error:  # noqa: BLE001 - whatever it was, the kiosk says so and stays up
            unexpected(self, error)

    async def _flush_next_callbacks(self) -> None:
        # A dialog's answer reaches the screen that asked through call_next: one failing must not stop the rest.
        callbacks = self._next_callbacks.copy()  # type: ignore[attr-defined]
        self._next_callbacks.clear()  # type: ignore[attr-defined]
        for callback in callbacks:
            try:
                with self.prevent(*callback._prevent):  # type: ignore[attr-defined]
                    await _invoke(callback.callback)
            except Exception as error:  # noqa: BLE001 - as above
                unexpected(self, error)


async def _invoke(callback: Any) -> None:
    from textual._callback import invoke

    await invoke(callback)


def unexpected(node: Any, error: Exception) -> None:
    app = node if hasattr(node, "unexpected") else getattr(node, "app", None)
    if app is None or not hasattr(app, "unexpected"):
        raise error
    app.unexpected(error)


class KioskScreen(StaysUp):
    """Mixed into each screen: ``self.kiosk`` is the running ``KioskApp`` (``self.app`` is any Textual App)."""

    @property
    def kiosk(self: DOMNode) -> KioskApp:
        return cast("KioskApp", self.app)

    @property
    def signed_out(self: DOMNode) -> bool:
        """Nobody is signed in: the screen is on its way out (sign-out or the idle lock) and loads nothing more."""
        return cast("KioskApp", self.app).staff is None

    def offers(self, action: str) -> bool:
        """Whether the person signed in can use this key here: the footer and the help (? or F1) leave out the rest.

        A key left out still answers if pressed, with a sentence saying who it is for (amber, not a refusal).
        """
        return True

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # Worker.StateChanged stays with the node that ran the worker: the app's handler says it for every screen.
        self.kiosk.on_worker_state_changed(event)
