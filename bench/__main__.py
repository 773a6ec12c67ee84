"""``python -m bench``: run every benchmark and write the report (``--help`` for the options)."""

import sys

from bench.runner import main

if __name__ == "__main__":
    main()
    sys.exit(0)
