"""Settings the type checker loads: development mode unless the shell says otherwise, so mypy needs no secrets."""

import os

os.environ.setdefault("DJANGO_DEBUG", "true")

from telemarketing.settings import *  # noqa: F403
