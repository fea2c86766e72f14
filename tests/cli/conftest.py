"""What the command-line tests share."""

import pytest

from kiosk.cli import main


@pytest.fixture
def kiosk(database_url, capsys, clock):
    """Run `kiosk --db … ARGS`; returns (exit status, stdout, stderr)."""

    def run(*args: str):
        status = main(["--db", database_url, *args], clock=clock)
        out, err = capsys.readouterr()
        return status, out, err

    return run
