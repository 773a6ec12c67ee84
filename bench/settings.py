"""Settings of the servers and processes the benchmarks run: the product's, plus a bench-only URLconf.

Everything else comes from the environment exactly as in production (DATABASE_URL, REDIS_URL,
DJANGO_DEBUG...). Static files are referred to by plain URLs (no manifest), so that the servers need no
``collectstatic`` run; the pages do not serve static files during the benchmark.
"""

from telemarketing.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
