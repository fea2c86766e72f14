"""Where the review screens save what they export: the user's Documents folder, never over an earlier file."""

from __future__ import annotations

from pathlib import Path


def export_folder() -> Path:
    """The user's Documents folder where there is one, else the home folder."""
    from platformdirs import user_documents_dir

    documents = Path(user_documents_dir())
    return documents if documents.is_dir() else Path.home()


def fresh_path(folder: Path, name: str, suffix: str = "") -> Path:
    """``folder/name+suffix``, or ``name-2``, ``name-3``… when an earlier export is there (it is never replaced)."""
    path, number = folder / f"{name}{suffix}", 2
    while path.exists():
        path = folder / f"{name}-{number}{suffix}"
        number += 1
    return path
