"""The command line says the same one sentence as the kiosk's banner when the school database is down."""

from __future__ import annotations

import socket

from db.core import UNREACHABLE
from kiosk.cli import main


def test_a_database_server_that_does_not_answer_is_one_sentence_and_exit_1(capsys):
    with socket.socket() as s:  # a port nothing listens on: the connection is refused for real
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"postgresql+psycopg://postgres@127.0.0.1:{port}/kiosk"
    assert main(["--db", url, "phone", "in", "P-ABCD-X", "--by", "HBR"]) == 1
    out, err = capsys.readouterr()
    assert err.strip() == UNREACHABLE
    assert out == ""
