"""The same image saved twice counts once: a copy beside it, a copy in an archive folder, a renamed file.

Two files are the same image when they have the same size to the byte, the same EXIF identity (make,
model, body serial, capture time with its subseconds; for a video, its creation time), and the same
BLAKE2 digest of their first and last 64 KiB. Size and identity are already known from the header, so
only a file that matches an earlier one on both is hashed: a folder without copies costs nothing more,
and a copy costs at most 128 KiB of reading however large it is (a Drive that fetches files on demand
fetches those two ends, not the whole file).

Why that is enough: two different photos do not share a camera's clock to the subsecond *and* a size to
the byte; if they ever did (a burst from a camera that writes no subseconds), the first 64 KiB hold the
EXIF and the start of the compressed picture and the last 64 KiB its end, which differ between any two
pictures. A file re-saved, resized or edited is a different file and counts as its own image.
"""

from __future__ import annotations

import hashlib
import os

SAMPLE = 64 * 1024


class Duplicates:
    """Feed it every photo and video of a scan in order; it names the earlier file each repeats.

    Memory per file is one key and one reference to the path the scan already holds: a file's digest is
    kept only once a second file shares its key.
    """

    def __init__(self, root: str) -> None:
        self.root = root
        self._groups: dict[tuple, str | dict[bytes, str]] = {}  # key -> the first file, or digest -> file

    def original_of(self, item) -> str | None:
        """The path (relative, as in the scan) of the earlier file ``item`` is a copy of, or None."""
        key = identity(item)
        if key is None:
            return None
        group = self._groups.get(key)
        if group is None:
            self._groups[key] = item.path
            return None
        if isinstance(group, str):  # the second file with this key: now the first is worth hashing
            first = _digest(self._where(group), item.size)
            group = self._groups[key] = {first: group} if first is not None else {}
        digest = _digest(self._where(item.path), item.size)
        if digest is None:
            return None
        original = group.setdefault(digest, item.path)
        return None if original == item.path else original

    def _where(self, rel: str) -> str:
        return os.path.join(self.root, *rel.split("/"))


def identity(item) -> tuple | None:
    """What two copies of one image share before their bytes are compared; None for an empty file."""
    if not item.size:
        return None
    if hasattr(item, "created"):  # a Video
        return (item.size, "video", item.created)
    return (item.size, item.make, item.model, item.serial, item.captured, item.subsec)


def _digest(path: str, size: int) -> bytes | None:
    """BLAKE2 of the first and last 64 KiB (the whole file when it is smaller); None if it cannot be read."""
    digest = hashlib.blake2b(digest_size=16)
    try:
        with open(path, "rb") as handle:
            whole = size <= 2 * SAMPLE
            digest.update(handle.read(size if whole else SAMPLE))
            if not whole:
                handle.seek(size - SAMPLE)
                digest.update(handle.read(SAMPLE))
    except OSError:
        return None
    return digest.digest()
