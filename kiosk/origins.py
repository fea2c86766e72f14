"""Which browser pages may drive a kiosk through `kiosk serve` (the gate's rule, kept apart so it needs no web
server to test)."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit


def origin_of(url: str) -> str:
    """``scheme://host[:port]``, as a browser's Origin header writes it (lower case, no path)."""
    parts = urlsplit(url.strip())
    return f"{parts.scheme}://{parts.netloc}".lower()


def origin_allowed(origin: str | None, host_header: str, allowed: set[str]) -> bool:
    """Whether a websocket from the page at ``origin`` may drive a kiosk.

    A page on another site (a phishing mail's link) must not: its browser sends that site's Origin. The page's
    own origin is the Host it asked for, but only when that is an address (or localhost): a name could be an
    attacker's, pointed at this PC (DNS rebinding). Names the school uses come through --public-url or
    --allow-origin. No Origin at all: not a browser page; refused too, there is no page to serve it to.
    """
    if not origin:
        return False
    origin = origin_of(origin)
    if origin in allowed:
        return True
    netloc = urlsplit(origin).netloc
    if netloc != host_header.lower():
        return False
    host = urlsplit(origin).hostname or ""
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        return host == "localhost"
