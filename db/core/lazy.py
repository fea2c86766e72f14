"""A package whose names load from their modules on first use (PEP 562): a command imports only what it uses
(docs/performance.md, "Start-up")."""

from __future__ import annotations

import importlib
from collections.abc import Callable


def on_first_use(package: str, parts: dict[str, tuple[str, ...]], names: dict) -> Callable[[str], object]:
    """The ``__getattr__`` of ``package``: each name of ``parts`` (module -> names) imported from its module when
    first asked for, then kept in the package's ``names`` (its globals())."""
    home = {name: module for module, listed in parts.items() for name in listed}

    def __getattr__(name: str):
        if name not in home:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = names[name] = getattr(importlib.import_module(home[name]), name)
        return value

    return __getattr__
