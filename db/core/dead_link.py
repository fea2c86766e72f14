"""A kiosk whose link to the PostgreSQL server dies mid-scan gives up instead of waiting for ever.

Inside a write transaction the server cancels any statement after ``STATEMENT_MS`` (db/core/engine.py), so
an answer that has not come a couple of seconds after that will not come: the link is dead. TCP keepalives
and ``tcp_user_timeout`` find a pulled cable, but not a peer whose kernel still acknowledges every packet
while nothing reaches the server (a stuck proxy or VPN, a half-open NAT): only a deadline of our own does.
One thread per process looks twice a second and shuts a late connection's socket down; libpq then reports
a lost connection, which the engine turns into ``Unreachable``. Nothing was committed, so nothing is saved.
"""

from __future__ import annotations

import os
import socket
import threading
import time

_due: dict[int, tuple[float, object]] = {}
_lock = threading.Lock()
_watcher: threading.Thread | None = None


def arm(dbapi_connection, seconds: float) -> None:
    """Cut ``dbapi_connection`` (a psycopg connection) unless ``disarm`` comes within ``seconds``."""
    global _watcher
    with _lock:
        _due[id(dbapi_connection)] = (time.monotonic() + seconds, dbapi_connection)
        if _watcher is None:
            _watcher = threading.Thread(target=_watch, name="kiosk-dead-link", daemon=True)
            _watcher.start()


def disarm(dbapi_connection) -> None:
    with _lock:
        _due.pop(id(dbapi_connection), None)


def _watch() -> None:
    while True:
        time.sleep(0.5)
        now = time.monotonic()
        with _lock:
            late = [key for key, (due, _) in _due.items() if due <= now]
            connections = [_due.pop(key)[1] for key in late]
        for connection in connections:
            _cut(connection)


def _cut(dbapi_connection) -> None:
    """Shut the socket down under libpq: the thread waiting on it wakes to "server closed the connection"."""
    try:
        descriptor = dbapi_connection.pgconn.socket
        with socket.socket(fileno=os.dup(descriptor)) as link:
            link.shutdown(socket.SHUT_RDWR)
    except Exception:  # noqa: BLE001 - already closed, or closing by itself: nothing left to cut
        pass
