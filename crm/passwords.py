"""Password hashing with scrypt (standard library), one self-describing string per user.

Format: ``scrypt$<n>$<r>$<p>$<salt, base64>$<hash, base64>``, so the cost can be raised
later without breaking the hashes already stored.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

# 16 MiB of memory per hash: ~50 ms on a classroom PC, expensive for an attacker.
N, R, P = 2**14, 8, 1
SALT_BYTES = 16
KEY_BYTES = 32


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    """The stored form of `password`, with a fresh random salt unless one is given."""
    salt = os.urandom(SALT_BYTES) if salt is None else salt
    key = hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=N, r=R, p=P, maxmem=64 * 1024 * 1024, dklen=KEY_BYTES
    )
    return f"scrypt${N}${R}${P}${_b64(salt)}${_b64(key)}"


def verify_password(password: str, stored: str) -> bool:
    """Whether `password` matches `stored`; a malformed stored hash never matches."""
    try:
        scheme, n, r, p, salt_b64, key_b64 = stored.split("$")
        if scheme != "scrypt":
            return False
        salt = base64.b64decode(salt_b64, validate=True)
        expected = base64.b64decode(key_b64, validate=True)
        key = hashlib.scrypt(
            password.encode("utf-8"),
            salt=salt,
            n=int(n),
            r=int(r),
            p=int(p),
            maxmem=256 * 1024 * 1024,
            dklen=len(expected),
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(key, expected)
