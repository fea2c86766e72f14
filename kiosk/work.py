"""One way a database call runs in a thread worker and comes back: exactly one message, done, refused or failed.

A refusal (a rule, a wrong code: ``db.core.Refused``) carries its sentence, and the refusal itself for the scan
screen's follow-up question (``AnswerNeeded``). A fault (unreachable, busy, disk full, read-only, damaged) carries
its own sentence; anything else is logged with its traceback and told as a fault the kiosk does not know
(kiosk.failures). Only ``Done`` means the call went through.

The messages go to the node that asked and stop there (no bubbling): each screen handles its own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from textual.message import Message
from textual.message_pump import MessagePump
from textual.worker import get_current_worker

from db.core import NotAllowed, Refused
from kiosk.failures import sentence_for


@dataclass
class Done(Message, bubble=False):
    """The call went through and returned ``value``."""

    task: str  # which call, e.g. "scan", "lend": a screen may have several on their way
    key: Any  # what the screen needs to place the answer, e.g. a scan's sequence number
    value: Any


@dataclass
class Refusal(Message, bubble=False):
    """A rule or a wrong code stopped the call: nothing changed."""

    task: str
    key: Any
    refusal: Refused

    @property
    def sentence(self) -> str:
        """Said to the person signed in: a role's refusal is "You are signed in as …", not their name."""
        return self.refusal.to_you if isinstance(self.refusal, NotAllowed) else str(self.refusal)


@dataclass
class Failed(Message, bubble=False):
    """A fault stopped the call: nothing was saved. ``sentence`` names it (or says where its details were logged)."""

    task: str
    key: Any
    sentence: str


def carry_out(node: MessagePump, task: str, key: Any, call: Callable[..., Any], /, *args: Any,
              not_done: str = "Not saved", **kwargs: Any) -> None:
    """Call ``call(*args, **kwargs)`` in this thread worker and post one Done, Refusal or Failed to ``node``.

    ``not_done`` (kept, not passed on) opens an unknown fault's sentence: "Not printed" for a print job.
    A worker cancelled meanwhile (a newer one of its exclusive group replaced it) posts nothing: its answer is
    older than the newer one's. An unknown fault is logged all the same.
    """
    try:
        message: Message = Done(task, key, call(*args, **kwargs))
    except Refused as exc:
        message = Refusal(task, key, exc)
    except Exception as exc:  # noqa: BLE001 - every fault is one sentence, and the kiosk stays up
        message = Failed(task, key, sentence_for(exc, not_done))
    if not get_current_worker().is_cancelled:
        node.post_message(message)
