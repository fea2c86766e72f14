"""Printers on 127.0.0.1 for the kiosk to print to over tcp://: one that takes jobs, one that never answers."""

from __future__ import annotations

import socket
import threading


def free_port() -> int:
    """A port with nothing listening on it (a printer that is switched off: the connection is turned away)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class NetworkPrinter:
    """A receipt printer's raw port: accepts each job, reads it to the end, keeps the bytes.

    ``port`` may be one the kiosk already failed to reach (the printer switched on again).
    """

    def __init__(self, port: int = 0) -> None:
        self._server = socket.socket()
        self._server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._server.bind(("127.0.0.1", port))
        self._server.listen()
        self._server.settimeout(0.1)  # so the thread notices close() within a tenth of a second
        self.port = self._server.getsockname()[1]
        self.jobs: list[bytes] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, name=f"printer:{self.port}", daemon=True)
        self._thread.start()

    @property
    def uri(self) -> str:
        return f"tcp://127.0.0.1:{self.port}"

    @property
    def received(self) -> bytes:
        return b"".join(self.jobs)

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self._server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with connection:
                connection.settimeout(5)
                chunks = []
                try:
                    while chunk := connection.recv(65536):  # the kiosk closes its side after the job
                        chunks.append(chunk)
                except OSError:
                    pass
                self.jobs.append(b"".join(chunks))

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self._server.close()

    def __enter__(self) -> NetworkPrinter:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class UnansweringPrinter:
    """A printer on the network that does not answer: a connection to it waits until the kiosk's timeout.

    A full accept queue does this reliably (the handshake is never answered). A listener that accepts
    and never reads would not: loopback buffers take a few megabytes before a sender has to wait.
    """

    def __init__(self) -> None:
        self._server = socket.socket()
        self._server.bind(("127.0.0.1", 0))
        self._server.listen(0)  # room for one connection, which the filler below takes
        self.port = self._server.getsockname()[1]
        self._filler = socket.create_connection(("127.0.0.1", self.port), timeout=1)

    @property
    def uri(self) -> str:
        return f"tcp://127.0.0.1:{self.port}"

    def close(self) -> None:
        self._filler.close()
        self._server.close()

    def __enter__(self) -> UnansweringPrinter:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
