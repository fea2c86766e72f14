"""Opening a CSV file as a spreadsheet would: LibreOffice Calc (headless) converts it to .xlsx, openpyxl reads the
cells back: their values, and whether LibreOffice made a formula of one (``data_type == "f"``).

LibreOffice is slow to start (about two seconds here), so each call converts every file given in one start.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
NO_SOFFICE = ("LibreOffice is not installed (no soffice on the PATH; Debian: apt-get install "
              "libreoffice-calc-nogui, as .ci/run does): it opens the kiosk's CSV as a spreadsheet would")
# Comma, double quote, UTF-8, from line 1: what Excel and LibreOffice read from a file with a UTF-8 byte-order mark.
# Without it, LibreOffice headless takes the system's 8-bit character set, whatever the file's BOM says.
UTF8_CSV = "CSV:44,34,76,1"


def open_as_spreadsheet(files: list[Path], profile: Path) -> list[list[tuple]]:
    """Each CSV file's cells as LibreOffice reads them: a list of rows, each a tuple of openpyxl cells.

    ``profile`` is LibreOffice's user folder for the test session (never the user's own).
    """
    from openpyxl import load_workbook

    out = files[0].parent / "as-xlsx"
    out.mkdir(exist_ok=True)
    result = subprocess.run(
        [SOFFICE, f"-env:UserInstallation={profile.resolve().as_uri()}", "--headless", "--norestore",
         f"--infilter={UTF8_CSV}", "--convert-to", "xlsx", "--outdir", str(out), *map(str, files)],
        capture_output=True, text=True, timeout=300)
    sheets = []
    for file in files:
        converted = out / f"{file.stem}.xlsx"
        assert converted.is_file(), f"LibreOffice did not convert {file.name}: {result.stdout}{result.stderr}"
        sheets.append(list(load_workbook(converted).active.iter_rows()))
    return sheets


def shown(cell) -> str:
    """A text cell's value as the spreadsheet holds it ("" for an empty cell)."""
    return "" if cell.value is None else cell.value
