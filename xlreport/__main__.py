"""`python -m xlreport`: the command line."""

import sys

from xlreport.cli import main

sys.exit(main())
