"""The environment of the test run, set before pytest-django reads the settings (loaded by `-p` in pyproject).

The settings default to production mode; the tests, and the servers they start, run in development mode.
Staff pages need a second factor; the tests of the other parts sign staff in with force_login, so the tests
that are about it turn it on (settings.STAFF_TWO_FACTOR_REQUIRED, tests/security/test_two_factor.py).
"""

import os

os.environ.setdefault("DJANGO_DEBUG", "true")
os.environ.setdefault("DJANGO_STAFF_TWO_FACTOR", "false")
