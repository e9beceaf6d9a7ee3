"""Password hashing: Argon2id with the parameters OWASP recommends for interactive logins.

Django's Argon2 default (memory 100 MiB, 8 lanes, 2 passes) costs about 150 ms of CPU per
login on a 2-core server and several seconds when a few logins arrive together under load
(docs/performance.md, *Load*). OWASP's Password Storage Cheat Sheet lists Argon2id with
19 MiB of memory, 2 iterations and 1 degree of parallelism as its first recommended
configuration; it costs about 25 ms here. Hashes made with other parameters (older accounts)
are re-hashed with these at the next successful login (``must_update``).
"""

from __future__ import annotations

from django.contrib.auth.hashers import Argon2PasswordHasher


class PortalArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id, m=19 MiB, t=2, p=1 (OWASP); keeps Django's algorithm name and format."""

    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
