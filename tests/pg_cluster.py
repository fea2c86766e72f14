"""A throw-away PostgreSQL server for tests, CI and benchmarks: initdb + pg_ctl in a temp folder.

Standard library only, so CI can run it before any virtualenv exists:

    url=$(python3 -m tests.pg_cluster start /tmp/kiosk-pg)   # prints the URL
    python3 -m tests.pg_cluster stop /tmp/kiosk-pg            # stops it and removes the folder

From Python: ``cluster = start()`` … ``cluster.stop()`` (see tests/conftest.py, bench/load_test.py).

initdb refuses to run as root (CI runs as root), so as root the server runs as
the ``postgres`` user (runuser) in a folder that user owns. The server listens
on 127.0.0.1 only, on a free port, with trust authentication: it is for tests.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

SERVICE_USER = "postgres"


def bin_dir() -> Path:
    """Where initdb and pg_ctl are: on PATH, or Debian's /usr/lib/postgresql/<newest>/bin."""
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    if not candidates:
        raise FileNotFoundError("PostgreSQL is not installed (no initdb): apt-get install postgresql")
    return Path(candidates[-1]).parent


def available() -> bool:
    try:
        bin_dir()
    except FileNotFoundError:
        return False
    return True


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_server_user(command: list[str]) -> list[str]:
    if os.geteuid() == 0:  # initdb and postgres refuse root
        return ["runuser", "-u", SERVICE_USER, "--", *command]
    return command


@dataclass
class Cluster:
    folder: Path
    port: int

    @property
    def data(self) -> Path:
        return self.folder / "data"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def stop(self, *, remove: bool = True) -> None:
        stop(self.folder, remove=remove)


def start(folder: Path | str | None = None, *, durable: bool = False, max_connections: int = 200) -> Cluster:
    """Create and start a cluster in ``folder`` (a new temp folder if None) on a free 127.0.0.1 port.

    ``durable=False`` turns fsync off: tests need a real server, not a real disk.
    A benchmark passes ``durable=True`` to measure what a school would get.
    """
    folder = Path(folder) if folder else Path(tempfile.mkdtemp(prefix="kiosk-pg-"))
    folder.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        shutil.chown(folder, SERVICE_USER, SERVICE_USER)
    tools = bin_dir()
    data = folder / "data"
    subprocess.run(_as_server_user([str(tools / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust",
                                    "-E", "UTF8", "--locale=C", "--no-sync"]),
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    options = ["-c listen_addresses=127.0.0.1", f"-k {folder}", f"-c max_connections={max_connections}",
               "-c timezone=UTC"]
    if not durable:
        options += ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]
    for _attempt in range(5):  # another process may take the port between choosing and binding it
        port = free_port()
        run = subprocess.run(_as_server_user([str(tools / "pg_ctl"), "-D", str(data), "-l", str(folder / "server.log"),
                                              "-o", " ".join([f"-p {port}", *options]), "-w", "-t", "60", "start"]),
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if run.returncode == 0:
            (folder / "port").write_text(str(port))
            return Cluster(folder, port)
        time.sleep(0.2)
    log = (folder / "server.log").read_text(errors="replace")[-2000:] if (folder / "server.log").exists() else ""
    raise RuntimeError(f"PostgreSQL did not start: {run.stderr}\n{log}")


def stop(folder: Path | str, *, remove: bool = True) -> None:
    """Stop the cluster in ``folder`` (if running) and remove the folder."""
    folder = Path(folder)
    data = folder / "data"
    if (data / "postmaster.pid").exists():
        subprocess.run(_as_server_user([str(bin_dir() / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"]),
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if remove:
        shutil.rmtree(folder, ignore_errors=True)


def main(argv: list[str]) -> int:
    if len(argv) == 2 and argv[0] == "start":
        print(start(argv[1]).url())
        return 0
    if len(argv) == 2 and argv[0] == "stop":
        stop(argv[1])
        return 0
    print("usage: python3 -m tests.pg_cluster start FOLDER | stop FOLDER", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
