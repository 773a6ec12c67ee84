"""``python -m bench``: run every benchmark and write the report (``--help`` for the options);
``python -m bench capacity``: the working-day load with Locust (``python -m bench capacity --help``)."""

import sys

if __name__ == "__main__":
    if sys.argv[1:2] == ["capacity"]:
        from bench.capacity.run import main as capacity

        capacity(sys.argv[2:])
    else:
        from bench.runner import main

        main()
    sys.exit(0)
