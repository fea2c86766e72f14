"""`python -m kiosk`: the `kiosk` command (what `kiosk serve` runs for each browser tab)."""

import sys

from kiosk.cli import main

sys.exit(main())
