"""`python -m bench`: the Open311 API benchmark (see bench/run.py)."""

import sys

from bench.run import main

sys.exit(main())
