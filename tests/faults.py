"""Real faults under a SQLite database file, for the kiosk's and the command line's fault tests.

The tests run as root (CI too), and root writes a ``chmod 444`` file all the same, so a read-only file here is
one made immutable (``chattr +i``), which root cannot write either: SQLite then opens it read-only and says
"attempt to write a readonly database", as it does for a teacher's kiosk whose file was made read-only under it.
(A read-only bind mount also stops SQLite making its -wal and -shm files, which it reports as "unable to open
database file"; the kiosk looks at the disk to name it read-only, as it does a full one; a ``?mode=ro`` URI would
be the kiosk choosing to read only.) A full disk is a
real tmpfs a couple of megabytes big, filled to the last byte; a busy file is another Python process holding its
write lock; a read-only disk is a read-only bind mount. A test that cannot have one of these skips,
naming what is missing. The one fault made up here is the one nobody named: a database call that raises.
"""

from __future__ import annotations

import errno
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from db import phones

SURPRISE = "the ledger fell over in a way nobody foresaw"


def _run(*command: str) -> str | None:
    """Run a system command; None when it worked, else why not."""
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=False)
    except OSError as exc:
        return str(exc)
    if done.returncode:
        return done.stderr.strip() or f"exit {done.returncode}"
    return None


@contextmanager
def small_disk(folder: Path, size: str = "2m") -> Iterator[Path]:
    """A tmpfs of ``size`` mounted on ``folder``, unmounted at the end (needs root)."""
    folder.mkdir(exist_ok=True)
    problem = _run("mount", "-t", "tmpfs", "-o", f"size={size}", "kiosk-test", str(folder))
    if problem:
        pytest.skip(f"a full disk needs root to mount a small tmpfs (mount -t tmpfs): {problem}")
    try:
        yield folder
    finally:
        _run("umount", "--lazy", str(folder))


@contextmanager
def disk_full(folder: Path) -> Iterator[None]:
    """Every free byte of the disk holding ``folder`` taken by one file until the end."""
    filler = folder / "filler"
    with filler.open("wb", buffering=0) as out:
        try:
            while True:
                out.write(bytes(4096))
        except OSError as exc:
            if exc.errno != errno.ENOSPC:
                raise
    try:
        yield
    finally:
        filler.unlink()


@contextmanager
def read_only(path: Path) -> Iterator[None]:
    """The file made immutable (``chattr +i``) until the end; connections opened before keep writing, as any
    open file does: the caller's next connection meets the read-only file."""
    problem = _run("chattr", "+i", str(path))
    if problem:
        pytest.skip(f"a read-only file needs root and chattr +i on the test folder's file system: {problem}")
    try:
        yield
    finally:
        _run("chattr", "-i", str(path))


@contextmanager
def read_only_mount(folder: Path) -> Iterator[Path]:
    """``folder`` seen through a read-only bind mount (a share mounted ro, a disk remounted ro after errors)."""
    view = folder.with_name(f"{folder.name}-read-only")
    view.mkdir()
    problem = _run("mount", "--bind", str(folder), str(view)) or _run("mount", "-o", "remount,bind,ro", str(view))
    if problem:
        _run("umount", str(view))
        pytest.skip(f"a read-only mount needs root (mount --bind, then remount ro): {problem}")
    try:
        yield view
    finally:
        _run("umount", "--lazy", str(view))


# Another kiosk: its own Python process holding the file's write lock (BEGIN IMMEDIATE) until told to let go.
_HOLDER = """
import sqlite3, sys
other = sqlite3.connect(sys.argv[1], isolation_level=None)
other.execute("BEGIN IMMEDIATE")
print("held", flush=True)
sys.stdin.readline()
other.rollback()
"""


@contextmanager
def write_lock(path: Path) -> Iterator[None]:
    """Another kiosk's process holds the database's write lock until the end."""
    other = subprocess.Popen([sys.executable, "-c", _HOLDER, str(path)], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True)
    try:
        assert other.stdout.readline() == "held\n"
        yield
    finally:
        other.communicate("let go\n", timeout=30)


def fall_over(*_args, **_kwargs):
    raise RuntimeError(SURPRISE)


@contextmanager
def phone_in_falls_over(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A fault nobody named: checking a phone in raises RuntimeError until the end."""
    with monkeypatch.context() as patch:
        patch.setattr(phones, "phone_in", fall_over)
        patch.setattr(phones, "check_in_at_kiosk", fall_over)  # the kiosk's morning scan
        yield
