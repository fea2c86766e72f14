"""A TCP proxy on 127.0.0.1 that can stop forwarding: a network link that dies while both ends stay up.

Stopped, it keeps both connections open and reads nothing more, as a stuck switch, VPN or NAT does: the kernel
still acknowledges every packet, so neither TCP keepalives nor ``tcp_user_timeout`` see anything wrong, and
the server never hears the kiosk's next statement (issue 14).
"""

from __future__ import annotations

import socket
import threading


class LinkProxy:
    """``127.0.0.1:port`` forwards to ``target_port`` until ``stop_forwarding()``; ``close()`` at the end."""

    def __init__(self, target_port: int):
        self.target_port = target_port
        self.forwarding = threading.Event()
        self.forwarding.set()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._sockets: list[socket.socket] = [self._listener]
        threading.Thread(target=self._accept, daemon=True).start()

    def stop_forwarding(self) -> None:
        self.forwarding.clear()

    def close(self) -> None:
        for sock in self._sockets:
            sock.close()

    def _accept(self) -> None:
        while True:
            try:
                kiosk, _ = self._listener.accept()
            except OSError:
                return  # closed
            server = socket.create_connection(("127.0.0.1", self.target_port))
            self._sockets += [kiosk, server]
            threading.Thread(target=self._pipe, args=(kiosk, server), daemon=True).start()
            threading.Thread(target=self._pipe, args=(server, kiosk), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket) -> None:
        while True:
            try:
                data = source.recv(65536)
            except OSError:
                return
            if not data:
                return
            self.forwarding.wait()  # once stopped, this chunk and everything after it is held for ever
            try:
                sink.sendall(data)
            except OSError:
                return
