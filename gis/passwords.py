"""Password hashing with scrypt (a memory-hard KDF from the standard library)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

N, R, P = 2**15, 8, 1  # about 32 MiB and 50 ms per hash on the 2-core reference machine
DKLEN, SALT_BYTES = 64, 16


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(SALT_BYTES)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=N, r=R, p=P, maxmem=64 * 1024 * 1024, dklen=DKLEN)
    b64 = base64.b64encode
    return f"scrypt${N}${R}${P}${b64(salt).decode()}${b64(digest).decode()}"


def spend_verification(password: str) -> None:
    """The work of one verify_password with today's parameters, for a name that has no account:
    the answer then costs the same either way."""
    verify_password(password, _DUMMY)


def verify_password(password: str, stored: str) -> bool:
    try:
        kind, n, r, p, salt, digest = stored.split("$")
        if kind != "scrypt":
            return False
        expected = base64.b64decode(digest)
        actual = hashlib.scrypt(password.encode(), salt=base64.b64decode(salt), n=int(n),
                                r=int(r), p=int(p), maxmem=64 * 1024 * 1024, dklen=len(expected))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


# A stored hash of no password (random salt and digest, today's parameters): what
# spend_verification checks against. Made without hashing anything.
_DUMMY = "$".join(["scrypt", str(N), str(R), str(P), base64.b64encode(secrets.token_bytes(SALT_BYTES)).decode(),
                   base64.b64encode(secrets.token_bytes(DKLEN)).decode()])
