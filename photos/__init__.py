"""Photos in the school Drive folder: which camera took each one, and when, from the headers alone.

No database and no Textual here (an import-linter contract): ``db.devices`` matches what this reads
to the school's registered cameras and iPads.
"""

from photos.folder import MAX_FILES, FolderProblem, FolderScan, Progress, check_folder, read_folder, scan
from photos.headers import NO_EXIF, NO_TIME, Photo, Skipped, capture_time, read_photo

__all__ = ["MAX_FILES", "NO_EXIF", "NO_TIME", "FolderProblem", "FolderScan", "Photo", "Progress", "Skipped",
           "capture_time", "check_folder", "read_folder", "read_photo", "scan"]
