"""Byte ranges of a file, read a few kilobytes at a time: nothing here ever reads a whole file.

Every reader of a header (JPEG, TIFF, ISO boxes) asks for ranges through :class:`Reader`, and a range
larger than :data:`MAX_RANGE` is refused as damage, so a damaged or enormous file costs at most a few
megabytes of memory however large it claims to be.
"""

from __future__ import annotations

import os

HEAD_BYTES = 16 * 1024  # one read covers the EXIF segment of most photos
MAX_RANGE = 1024 * 1024  # no EXIF block, metadata box or tag value is larger in practice


class Damaged(Exception):
    """The file is not laid out as its type says (or claims a part too large to be a header)."""


class Reader:
    """Byte ranges of an open file, with one buffered window (most reads fall in the first one)."""

    def __init__(self, handle):
        self.handle = handle
        self.base = 0
        self.window = b""
        self.size = os.fstat(handle.fileno()).st_size

    def get(self, start: int, count: int) -> bytes:
        """Up to ``count`` bytes from ``start`` (fewer at the end of the file); Damaged past MAX_RANGE."""
        if count > MAX_RANGE:
            raise Damaged("a part far larger than any header")
        end = start + count
        if start >= self.base and end <= self.base + len(self.window):
            return self.window[start - self.base:end - self.base]
        if start < 0 or start >= self.size or count <= 0:
            return b""
        self.handle.seek(start)
        self.window = self.handle.read(max(count, HEAD_BYTES))
        self.base = start
        return self.window[:count]

    def exactly(self, start: int, count: int, what: str) -> bytes:
        """``count`` bytes from ``start``, or Damaged naming ``what`` when the file ends first."""
        data = self.get(start, count)
        if len(data) < count:
            raise Damaged(f"the file ends inside {what}")
        return data


class Bytes:
    """Byte ranges of a block already in memory (an EXIF segment), with the same ``get`` as :class:`Reader`."""

    def __init__(self, data: bytes):
        self.data = data
        self.size = len(data)

    def get(self, start: int, count: int) -> bytes:
        if start < 0 or count <= 0:
            return b""
        return self.data[start:start + count]

    def exactly(self, start: int, count: int, what: str) -> bytes:
        data = self.get(start, count)
        if len(data) < count:
            raise Damaged(f"{what} runs past the end")
        return data
