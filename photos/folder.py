"""Reading the school Drive folder: every photo and video in it, with what its header says (photos.headers).

``scan`` walks a folder (sub-folders too, links followed once: a link back to a folder already read is
skipped, so a loop ends) and yields one :class:`Photo` per image, one :class:`Video` per video and one
:class:`Skipped` per file or folder it could not check. A photo or video that is a copy of one met
earlier carries ``duplicate_of`` (photos.duplicates), so it can be counted once. It is an iterator so that
the kiosk can run it in a worker: it reports progress every few hundred files and stops as soon as
``cancelled()`` says so. Memory stays small: one header at a time, and a few hundred bytes per file kept.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from zoneinfo import ZoneInfo

from photos.duplicates import Duplicates
from photos.headers import IGNORED_NAMES, Photo, Skipped, Video, read_photo, reason

MAX_FILES = 100_000  # a whole school's photo archive; past this, the person is asked for a narrower folder
MAX_DEPTH = 64
PROGRESS_EVERY = 250


class FolderProblem(ValueError):
    """The folder itself cannot be read; the message is one sentence for a teacher."""


@dataclass(frozen=True)
class Progress:
    files: int  # files looked at so far
    photos: int
    skipped: int
    done: bool = False
    videos: int = 0


@dataclass(frozen=True)
class FolderScan:
    folder: str
    photos: tuple[Photo, ...]  # copies included, each with ``duplicate_of`` naming the file it repeats
    skipped: tuple[Skipped, ...]
    files: int
    complete: bool  # False when stopped by ``cancelled`` or at MAX_FILES
    videos: tuple[Video, ...] = ()  # copies included, as for photos

    @property
    def duplicates(self) -> int:
        """Photos and videos that repeat one met earlier in the folder (each image is counted once)."""
        return sum(1 for photo in self.photos if photo.duplicate_of) + sum(1 for v in self.videos if v.duplicate_of)


def check_folder(folder: Path | str) -> Path:
    """The folder as a Path, or FolderProblem in one sentence if it is missing, not a folder, or cannot be read."""
    path = Path(folder).expanduser()
    shown = str(folder)[:200]
    try:
        if not path.exists():
            raise FolderProblem(f"There is no folder at {shown}: check the path to the school Drive folder "
                          "(is Google Drive running and signed in on this computer?).")
        if not path.is_dir():
            raise FolderProblem(f"{shown} is a file, not a folder: give the Drive folder the photos were uploaded to.")
        with os.scandir(path) as entries:
            next(entries, None)
    except PermissionError:
        raise FolderProblem(f"The folder {shown} cannot be read by this computer's user: ask IT to give it "
                      "read access.") from None
    except OSError as exc:
        raise FolderProblem(f"The folder {shown} cannot be read ({exc.strerror or exc}): check that the Drive is "
                      "connected.") from None
    return path


def scan(folder: Path | str, zone: ZoneInfo, *, progress: Callable[[Progress], None] | None = None,
         cancelled: Callable[[], bool] | None = None, every: int = PROGRESS_EVERY,
         max_files: int = MAX_FILES) -> Iterator[Photo | Video | Skipped]:
    """Every photo, video and skipped file under ``folder``, in name order, folder by folder.

    FolderProblem at once (before the first item) if the folder itself cannot be
    read; anything inside that cannot be read is a :class:`Skipped`, never an
    exception. ``progress`` is called every ``every`` files and at the end;
    the scan stops quietly when ``cancelled()`` turns true.
    """
    root = check_folder(folder)
    return _scan(root, zone, progress, cancelled or (lambda: False), max(1, every), max_files)


def read_folder(folder: Path | str, zone: ZoneInfo, *, progress: Callable[[Progress], None] | None = None,
                cancelled: Callable[[], bool] | None = None, max_files: int = MAX_FILES) -> FolderScan:
    """The whole scan collected (see :func:`scan`)."""
    photos: list[Photo] = []
    videos: list[Video] = []
    skipped: list[Skipped] = []
    kept = {Photo: photos, Video: videos, Skipped: skipped}
    counts = {"files": 0}

    def count(update: Progress) -> None:
        counts["files"] = update.files
        if progress:
            progress(update)

    stop = cancelled or (lambda: False)
    for item in scan(folder, zone, progress=count, cancelled=stop, max_files=max_files):
        kept[type(item)].append(item)
    complete = not stop() and not any(s.note.startswith("stopped after") for s in skipped)
    return FolderScan(str(folder), tuple(photos), tuple(skipped), counts["files"], complete, tuple(videos))


def _scan(root: Path, zone: ZoneInfo, progress, cancelled, every: int,
          max_files: int) -> Iterator[Photo | Video | Skipped]:
    files = photos = videos = skipped = 0
    copies = Duplicates(str(root))
    for found in _walk(root, cancelled):
        if isinstance(found, Skipped):
            skipped += 1
            yield found
            continue
        path, rel = found
        if files >= max_files:
            skipped += 1
            yield Skipped(rel, f"stopped after {max_files:,} files: scan a narrower folder, e.g. this term's")
            break
        files += 1
        item = read_photo(path, zone, rel)
        if isinstance(item, Skipped):
            skipped += 1
        else:
            original = copies.original_of(item)
            if original is not None:
                item = replace(item, duplicate_of=original)
            photos += isinstance(item, Photo)
            videos += isinstance(item, Video)
        yield item
        if progress and files % every == 0:
            progress(Progress(files, photos, skipped, videos=videos))
        if cancelled():
            break
    if progress:
        progress(Progress(files, photos, skipped, done=True, videos=videos))


def _walk(root: Path, cancelled) -> Iterator[tuple[str, str] | Skipped]:
    """(path, path relative to the root) for each file, or a Skipped for what cannot be read.

    Links to folders are followed, but each real folder is read once (by
    device and inode, or by its resolved path where the file system reports
    no inode numbers), so a loop of links ends.
    """
    seen = {_identity(str(root))}
    stack: list[tuple[str, str, int]] = [(str(root), "", 0)]
    while stack:
        if cancelled():
            return
        folder, rel, depth = stack.pop()
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=_name_order)
        except OSError as exc:
            yield Skipped(rel or ".", f"this folder could not be opened ({reason(exc)})")
            continue
        subfolders = []
        for entry in entries:
            name = entry.name
            if name.startswith(".") or name.lower() in IGNORED_NAMES:
                continue  # hidden files, Drive's partial downloads, folder furniture
            child = f"{rel}/{name}" if rel else name
            try:
                is_dir = entry.is_dir()  # follows a link
                is_file = not is_dir and entry.is_file()
            except OSError as exc:
                yield Skipped(child, f"could not be looked at ({reason(exc)})")
                continue
            if is_dir:
                try:
                    identity = _identity(entry.path)
                except OSError as exc:
                    yield Skipped(child, f"this folder could not be opened ({reason(exc)})")
                    continue
                if identity in seen:
                    yield Skipped(child, "a link to a folder already read: skipped, so a loop of links ends")
                elif depth + 1 > MAX_DEPTH:
                    yield Skipped(child, f"folders nested deeper than {MAX_DEPTH}: not read")
                else:
                    seen.add(identity)
                    subfolders.append((entry.path, child, depth + 1))
            elif is_file:
                yield entry.path, child
            elif entry.is_symlink():
                yield Skipped(child, "a link to something that is not there")
        stack.extend(reversed(subfolders))


def _name_order(entry: os.DirEntry) -> tuple[str, str]:
    """Name order, the name before its extension first: "IMG_1.JPG" comes before Drive's "IMG_1 (1).JPG"."""
    return os.path.splitext(entry.name)


def _identity(path: str) -> tuple:
    status = os.stat(path)
    if status.st_ino:
        return status.st_dev, status.st_ino
    return ("path", os.path.realpath(path))


