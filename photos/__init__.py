"""Photos in the school Drive folder: which camera took each one, and when, from the headers alone.

Stills (JPEG, HEIC, Canon CR3, Fujifilm RAF, and TIFF-based raws such as CR2, NEF, DNG, ARW) are read for
their EXIF make, model, body serial and capture time; videos (MOV, MP4, M4V, 3GP) are counted with their
creation time; a copy of an image already met in the folder is marked so that it counts once. No file is
ever read whole.

No database and no Textual here (an import-linter contract): ``db.devices`` matches what this reads
to the school's registered cameras and iPads.
"""

from photos.folder import MAX_FILES, FolderProblem, FolderScan, Progress, check_folder, read_folder, scan
from photos.headers import NO_EXIF, NO_TIME, Photo, Skipped, Video, capture_time, read_photo

__all__ = ["MAX_FILES", "NO_EXIF", "NO_TIME", "FolderProblem", "FolderScan", "Photo", "Progress", "Skipped",
           "Video", "capture_time", "check_folder", "read_folder", "read_photo", "scan"]
