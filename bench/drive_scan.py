"""Scanning a school Drive folder of 10,000 images for which device took each one, and when.

What it measures
    ``photos.read_folder`` over a folder tree of ``--n`` different real images, as a term's trips and
    weeks would leave them in 50-odd sub-folders:

    - JPEGs from Pillow with the EXIF a camera writes (Make, Model, DateTimeOriginal, OffsetTimeOriginal on
      some, BodySerialNumber on the cameras'), and phone photos;
    - one in seven a HEIC from pillow-heif, as iPads save them;
    - one in ten a raw still: a Canon CR3 or CR2, Nikon NEF or DNG as tests/raw_files.py makes them (laid
      out as those cameras lay them out), each with its own capture time, so each is a different image;
    - one image in ten saved twice: half as a copy in an "Archive" folder, half renamed beside the first
      ("IMG_00042 (1).jpg", as Drive names a second upload);
    - one video (MOV) per hundred images, as a real container.

    The tree is made once into ``bench/out/drive-N/`` (git-ignored) and reused. Each run walks the whole
    tree and reads every file's header, as ``kiosk device uploaded --folder`` and ``kiosk report
    provenance`` do; every image must be found with its camera and time, each copy marked as one, and
    each video counted, or the run fails.

The floor, measured in the same run
    ``os.scandir`` over the same tree plus opening each file and reading its first 64 KiB: what any reader
    of the files' headers must at least do. Floor and scan runs alternate, so both meet the same load. The
    page cache is warm for both (the tree was just made or read): on a Drive mount that fetches files on
    demand, both the floor and the scan grow by the fetching.

Peak memory
    Each of ``--runs`` fresh processes reads the tree once and reports its peak resident memory (VmHWM;
    ``ru_maxrss`` where /proc is absent): ``photos.read_folder`` alone, and ``db.devices.provenance``
    (the whole report, rows and all) against the demo school's SQLite database. Their floors are the same
    processes with everything imported and the database opened, but no folder read. Target: a provenance
    scan under 200 MB whatever the folder holds (``--n 100000`` is the most a scan reads: photos.MAX_FILES).

``--compare`` also times the obvious alternative, Pillow's ``Image.open(path).getexif()`` with
pillow-heif's opener registered (no pixel decoding either, but pillow-heif reads a whole HEIC into memory;
it reads JPEG and HEIC only, so it is timed over those).

Target
    median and p99 <= 10 s for 10,000 images. With a handful of runs p99 is the slowest run (nearest rank).

    .venv/bin/python bench/drive_scan.py                 # 10,000 images, 5 runs
    .venv/bin/python bench/drive_scan.py --runs 9 --compare
    .venv/bin/python bench/drive_scan.py --n 100000 --runs 3
    .venv/bin/python bench/drive_scan.py --small          # 60 images, one run, in a temporary folder: the tests' run
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from figures import add_common, figure, percentile  # noqa: E402 - bench/ is the script's own folder

TARGET_SECONDS = 10.0
TARGET_MB = 200
OUT = Path(__file__).resolve().parent / "out"
LAYOUT_VERSION = "3"
CAMERAS = [("Canon", "Canon EOS 2000D", "012345678901"), ("Canon", "Canon EOS 2000D", "012345678902"),
           ("NIKON CORPORATION", "NIKON D3500", "6001234"), ("OLYMPUS CORPORATION", "TG-6", "BHK201234")]
IPADS = [("Apple", "iPad (9th generation)"), ("Apple", "iPad (10th generation)")]
PHONES = [("samsung", "SM-S918B"), ("Apple", "iPhone 13")]
RAWS = (".CR3", ".CR2", ".NEF", ".DNG")  # made by tests/raw_files.py


def build(folder: Path, n: int, seed: int = 7) -> dict[str, int]:
    """Make the tree (once); returns how many of each kind, and of copies and videos."""
    from PIL import Image

    from tests import raw_files

    makers = {".CR3": raw_files.cr3, ".CR2": raw_files.cr2, ".NEF": raw_files.nef, ".DNG": raw_files.dng}
    marker = folder / ".complete"
    if marker.is_file() and marker.read_text().split("\n")[0] == f"{LAYOUT_VERSION} {n} {seed}":
        return json.loads(marker.read_text().split("\n")[1])
    import pillow_heif

    pillow_heif.register_heif_opener()
    shutil.rmtree(folder, ignore_errors=True)
    rng = random.Random(seed)
    start = datetime(2026, 9, 7, 8, 30)
    counts = {"jpeg": 0, "heic": 0, "raw": 0, "copies": 0, "videos": 0}
    made = time.perf_counter()
    for i in range(n):
        taken = start + timedelta(minutes=7 * i + rng.randrange(5))
        sub = folder / f"Week {taken.isocalendar()[1]:02d}" / f"{taken:%a %d %b}"
        sub.mkdir(parents=True, exist_ok=True)
        roll = rng.random()
        if roll < 0.10:
            suffix = rng.choice(RAWS)
            path = makers[suffix](sub / f"IMG_{i:05d}{suffix}", taken=taken)
            counts["raw"] += 1
        else:
            exif = Image.Exif()
            if roll < 0.24:
                make, model = rng.choice(IPADS)
                serial, offset, suffix = None, rng.choice([None, "+00:00", "+01:00"]), "heic"
            elif roll < 0.95:
                make, model, serial = rng.choice(CAMERAS)
                offset, suffix = None, "jpg"
            else:
                make, model = rng.choice(PHONES)
                serial, offset, suffix = None, "+00:00", "jpg"
            exif[0x010F], exif[0x0110] = make, model
            sub_ifd = exif.get_ifd(0x8769)
            sub_ifd[0x9003] = taken.strftime("%Y:%m:%d %H:%M:%S")
            if offset:
                sub_ifd[0x9011] = offset
            if serial:
                sub_ifd[0xA431] = serial
            image = Image.new("RGB", (64, 48), (rng.randrange(256), rng.randrange(256), rng.randrange(256)))
            path = sub / f"IMG_{i:05d}.{suffix}"
            if suffix == "heic":
                image.save(path, format="HEIF", quality=30, exif=exif.tobytes())
                counts["heic"] += 1
            else:
                image.save(path, format="JPEG", quality=75, exif=exif.tobytes())
                counts["jpeg"] += 1
        if i % 10 == 3:  # saved twice
            if i % 20 == 3:
                copy = folder / "Archive" / path.relative_to(folder)
                copy.parent.mkdir(parents=True, exist_ok=True)
            else:
                copy = path.with_name(f"{path.stem} (1){path.suffix}")
            shutil.copyfile(path, copy)
            counts["copies"] += 1
        if i % 100 == 50:
            _video(sub / f"IMG_{i:05d}.MOV", taken)
            counts["videos"] += 1
    marker.write_text(f"{LAYOUT_VERSION} {n} {seed}\n{json.dumps(counts)}")
    print(f"made {n:,} images in {time.perf_counter() - made:.1f} s", file=sys.stderr)
    return counts


def _video(path: Path, taken: datetime) -> None:
    """A real QuickTime container: ftyp, moov with its mvhd (creation time), and a little media data."""
    import struct

    def box(kind: bytes, content: bytes) -> bytes:
        return struct.pack(">I4s", 8 + len(content), kind) + content

    seconds = int((taken.replace(tzinfo=timezone.utc) - datetime(1904, 1, 1, tzinfo=timezone.utc)).total_seconds())
    mvhd = box(b"mvhd", bytes(4) + struct.pack(">IIII", seconds, seconds, 600, 600) + bytes(80))
    path.write_bytes(box(b"ftyp", b"qt  \x00\x00\x02\x00qt  ") + box(b"moov", mvhd) + box(b"mdat", bytes(2048)))


def floor(folder: Path) -> int:
    """Walk with os.scandir and read the first 64 KiB of every file."""
    files = 0
    stack = [str(folder)]
    while stack:
        with os.scandir(stack.pop()) as entries:
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                if entry.is_dir():
                    stack.append(entry.path)
                else:
                    with open(entry.path, "rb") as handle:
                        handle.read(65536)
                    files += 1
    return files


def ours(folder: Path, zone: ZoneInfo, counts: dict[str, int]) -> int:
    from photos import read_folder

    scan = read_folder(folder, zone)
    images = counts["jpeg"] + counts["heic"] + counts["raw"]
    good = sum(1 for p in scan.photos if p.model and p.captured and not p.duplicate_of)
    videos = sum(1 for v in scan.videos if v.created and not v.duplicate_of)
    if (good, scan.duplicates, videos, len(scan.skipped)) != (images, counts["copies"], counts["videos"], 0):
        raise SystemExit(f"the scan found {good} of {images} images with a camera and time, {scan.duplicates} of "
                         f"{counts['copies']} copies, {videos} of {counts['videos']} videos; "
                         f"skipped {len(scan.skipped)}")
    return scan.files


def pillow_open(folder: Path) -> int:
    from PIL import Image

    files = 0
    for path in folder.rglob("IMG_*"):
        if path.suffix not in (".jpg", ".heic"):
            continue
        with Image.open(path) as image:
            exif = image.getexif()
            exif.get(0x010F), exif.get_ifd(0x8769).get(0x9003)
        files += 1
    return files


PEAK = """
def peak_mb():
    try:
        with open("/proc/self/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")) / 1024
    except OSError:
        import resource
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
"""
SCAN_CHILD = PEAK + """
import sys, zoneinfo
from photos import read_folder
if sys.argv[2] == "scan":
    read_folder(sys.argv[1], zoneinfo.ZoneInfo("Europe/London"))
print(peak_mb())
"""
PROVENANCE_CHILD = PEAK + """
import sys
from db.core import COMMAND_LINE, open_database
from db.devices import provenance
database = open_database(sys.argv[3])
if sys.argv[2] == "scan":
    report = provenance(database, sys.argv[1], by=COMMAND_LINE)
    assert report.rows
else:
    with database.reading():
        pass
print(peak_mb())
"""


def child_peak(code: str, *args: str) -> float:
    """Peak resident memory (MB) of a fresh Python process running ``code``."""
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=ROOT, check=True)
    return float(done.stdout.split()[-1])


def demo_database(out: Path) -> str:
    """The demo school in its own SQLite file (made once; again when an older version of the kiosk made it)."""
    path = out / "drive-demo.db"
    url = f"sqlite:///{path}"
    if path.exists() and not current_schema(url):
        path.unlink()
    if not path.exists():
        subprocess.run([sys.executable, "-m", "kiosk.cli", "--db", url, "demo", "--fill-only"], cwd=ROOT, check=True,
                       capture_output=True)
    return url


def current_schema(url: str) -> bool:
    from db.core import HEAD_REVISION, open_database, schema_revision

    database = open_database(url)
    try:
        return schema_revision(database) == HEAD_REVISION
    finally:
        database.engine.dispose()


def line(label: str, values: list[float], unit: str, floor: list[float] | None = None, extra: str = "") -> str:
    med, p99 = statistics.median(values), percentile(values, 99)
    text = f"  {label:<34} median {med:7.1f} {unit}   p99 {p99:7.1f} {unit}" if unit == "MB" else \
        f"  {label:<34} median {med:7.3f} {unit}    p99 {p99:7.3f} {unit} "
    if floor:
        f_med, f_p99 = statistics.median(floor), percentile(floor, 99)
        text += f"   {med / f_med:4.1f}x floor (p99 {p99 / f_p99:4.1f}x)" if unit == "s" else \
            f"   floor {f_med:5.1f} MB, +{med - f_med:5.1f} MB"
    return text + extra


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=10_000, help="different images in the tree (default 10,000)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--compare", action="store_true", help="also time Pillow's Image.open().getexif()")
    add_common(parser)
    args = parser.parse_args()
    out = OUT
    if args.small:
        args.n, args.runs, out = 60, 1, Path(tempfile.mkdtemp(prefix="drive-scan-"))
    folder = out / f"drive-{args.n}"
    counts = build(folder, args.n)
    files = args.n + counts["copies"] + counts["videos"]
    images = counts["jpeg"] + counts["heic"] + counts["raw"]
    zone = ZoneInfo("Europe/London")
    if args.compare:
        import pillow_heif

        pillow_heif.register_heif_opener()
    floor(folder)  # warm the page cache for both
    ours(folder, zone, counts)  # and import Pillow once, outside the timings
    times: dict[str, list[float]] = {"floor": [], "scan": [], "pillow": []}
    for _ in range(args.runs):
        for name, run in (("floor", lambda: floor(folder)), ("scan", lambda: ours(folder, zone, counts)),
                          ("pillow", lambda: pillow_open(folder))):
            if name == "pillow" and not args.compare:
                continue
            began = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - began)
    url = demo_database(out)
    peaks: dict[str, list[float]] = {"bare": [], "read_folder": [], "db bare": [], "provenance": []}
    for _ in range(args.runs):
        peaks["bare"].append(child_peak(SCAN_CHILD, str(folder), "floor"))
        peaks["read_folder"].append(child_peak(SCAN_CHILD, str(folder), "scan"))
        peaks["db bare"].append(child_peak(PROVENANCE_CHILD, str(folder), "floor", url))
        peaks["provenance"].append(child_peak(PROVENANCE_CHILD, str(folder), "scan", url))
    print(f"drive_scan: {images:,} images ({counts['jpeg']:,} JPEG, {counts['heic']:,} HEIC, {counts['raw']:,} raw: "
          f"CR3 CR2 NEF DNG) + {counts['copies']:,} copies + {counts['videos']:,} videos = {files:,} files in "
          f"{folder}, {args.runs} runs, warm page cache")
    print(f"Python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} CPUs")
    print(line("floor (scandir + first 64 KiB)", times["floor"], "s"))
    s_med = statistics.median(times["scan"])
    print(line("photos.read_folder", times["scan"], "s", times["floor"],
               f"   {images / s_med:,.0f} images/s ({files / s_med:,.0f} files/s)"))
    if args.compare:
        rate = (counts["jpeg"] + counts["heic"]) / statistics.median(times["pillow"])
        print(line("Pillow Image.open().getexif()", times["pillow"], "s", times["floor"],
                   f"   JPEG and HEIC only: {rate:,.0f} images/s"))
    scaled = TARGET_SECONDS * args.n / 10_000
    s_p99 = percentile(times["scan"], 99)
    verdict = "PASS" if s_med <= scaled and s_p99 <= scaled else "MISS"
    print(f"  target: median and p99 <= {scaled:.1f} s for {args.n:,} images: {verdict}")
    print("peak resident memory of a fresh process (VmHWM), floor = the same process reading no folder")
    print(line("photos.read_folder", peaks["read_folder"], "MB", peaks["bare"]))
    print(line("db.devices.provenance (demo db)", peaks["provenance"], "MB", peaks["db bare"]))
    worst = percentile(peaks["provenance"], 99)
    print(f"  target: a provenance scan under {TARGET_MB} MB: {'PASS' if worst < TARGET_MB else 'MISS'}")
    ms = lambda values: [v * 1000 for v in values]  # noqa: E731
    figure("drive_scan", f"photos.read_folder, {files:,} files", ms(times["scan"]), ms(times["floor"]), backend="none",
           note="floor: os.scandir + the first 64 KiB of every file")
    figure("drive_scan", "peak memory, photos.read_folder", peaks["read_folder"], peaks["bare"], unit="MB",
           backend="none", note="floor: the same process reading no folder")
    figure("drive_scan", "peak memory, db.devices.provenance (demo school)", peaks["provenance"], peaks["db bare"],
           unit="MB", note="floor: the same process reading no folder")
    if args.small:
        shutil.rmtree(out, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
