"""The evidence pack (R8): one PDF a head teacher hands to governors or an inspector, showing how the phone rules
worked over a period. It takes plain data (``PackData``, gathered by kiosk/evidence_pack.py) and writes the PDF:
no database, no Textual."""

from evidence.pack import PackData
from evidence.pdf import FIGURES, MAX_ROWS, TITLE, write_pack

__all__ = ["FIGURES", "MAX_ROWS", "PackData", "TITLE", "write_pack"]
