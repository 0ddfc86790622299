"""Argon2id for passwords (AUTH-2) with its cost bounded per process.

Each hash or check holds ``ARGON2_MEMORY_COST`` KiB (about 100 MB) for its duration, so
a burst of sign-ins could take a process's memory with it: at most
``ARGON2_MAX_CONCURRENT`` hashes run at once in one process and the rest wait their
turn. The parameters come from settings; ``ARGON2_PARALLELISM`` (lanes and threads of
one hash) defaults to the machine's cores. A stored hash made with other parameters
still verifies, and Django's ``must_update`` makes the sign-in that proves it store a
new hash with the current ones (``check_password``'s setter), so changing a setting
rehashes each password at its owner's next sign-in.
"""

import threading

from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher as DjangoArgon2PasswordHasher

_TYPES = {"argon2id": "ID", "argon2i": "I", "argon2d": "D"}


class HashGate:
    """A counting gate: at most ``limit`` holders; ``running`` and ``waiting`` are the
    numbers of threads inside and queued (what a metrics endpoint may show)."""

    def __init__(self, limit: int):
        self.limit = max(1, int(limit))
        self.running = 0
        self.waiting = 0
        self._condition = threading.Condition()

    def __enter__(self):
        with self._condition:
            self.waiting += 1
            try:
                self._condition.wait_for(lambda: self.running < self.limit)
            finally:
                self.waiting -= 1
            self.running += 1
        return self

    def __exit__(self, *exc_info):
        with self._condition:
            self.running -= 1
            self._condition.notify()


class Argon2PasswordHasher(DjangoArgon2PasswordHasher):
    """Django's Argon2id hasher with parameters from settings and a per-process cap.

    Django keeps one instance of each configured hasher per process (``get_hashers`` is
    cached), so the gate made here is the process's.
    """

    def __init__(self):
        self.time_cost = settings.ARGON2_TIME_COST
        self.memory_cost = settings.ARGON2_MEMORY_COST
        self.parallelism = settings.ARGON2_PARALLELISM
        self.gate = HashGate(settings.ARGON2_MAX_CONCURRENT)

    def encode(self, password, salt):
        with self.gate:
            return super().encode(password, salt)

    def verify(self, password, encoded):
        argon2 = self._load_library()
        algorithm, rest = encoded.split("$", 1)
        assert algorithm == self.algorithm
        kind = _TYPES.get(rest.split("$", 1)[0])
        if kind is None:
            return False
        with self.gate:
            try:
                return argon2.low_level.verify_secret(
                    ("$" + rest).encode("ascii"),
                    password.encode(),
                    getattr(argon2.low_level.Type, kind),
                )
            except argon2.exceptions.VerificationError:
                return False
