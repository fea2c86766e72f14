"""`python -m kiosk.cli`, as scripts and the tests run it: the same as `kiosk` and `python -m kiosk`."""

import sys

from kiosk.cli import main

sys.exit(main())
