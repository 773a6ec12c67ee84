"""How passwords are stored: Argon2id at the parameters OWASP recommends, not Django's heavier defaults.

Django's defaults (100 MiB, 2 passes, 8 lanes) cost about 350 ms of CPU and 100 MiB per sign-in, which made
sign-in 60% of the server's CPU under a working day's load (docs/benchmarks.md, "Capacity") and lets a burst of
sign-ins exhaust memory. OWASP's Password Storage Cheat Sheet gives 19 MiB, 2 passes, 1 lane as its first
configuration for Argon2id (the others it lists are of equal strength): about 38 ms. A hash made with other
parameters still verifies, and Django stores it again with these at the next sign-in.
"""

from __future__ import annotations

from django.contrib.auth.hashers import Argon2PasswordHasher


class BankArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
