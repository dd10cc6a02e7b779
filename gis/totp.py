"""The second factor of local administrators: TOTP codes (RFC 6238, pyotp; 6 digits, 30 s) and
single-use recovery codes (auth.totp, auth.recovery_code: migration 0018).

- Enrolment: a random 160-bit secret is kept unconfirmed and shown once (otpauth:// URI, QR code
  and text); the first right code confirms it and yields RECOVERY_CODES recovery codes, shown once
  and stored as SHA-256 digests.
- A code is accepted for its time step and the ones next to it (a clock a step off), and never
  twice: the step of the last code accepted is kept, and only a later step counts (one UPDATE:
  two workers cannot both accept it).
- A recovery code opens one session and is spent.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time

from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

STEP_S = 30
DRIFT_STEPS = 1
RECOVERY_CODES = 10
ISSUER = "Teritoriu"
_CODE = re.compile(r"^\d{6}$")


def _normal_code(code: str) -> str:
    return re.sub(r"\s", "", code or "")


def _recovery_digest(code: str) -> str:
    return hashlib.sha256(re.sub(r"[\s-]", "", code or "").upper().encode()).hexdigest()


def enrolled(db: Connection | Session, user_id: int) -> bool:
    return db.execute(text("SELECT confirmed_at IS NOT NULL FROM auth.totp WHERE user_id = :u"),
                      {"u": user_id}).scalar() is True


def start_enrolment(db: Connection | Session, user_id: int, username: str) -> tuple[str, str]:
    """A new unconfirmed secret for an account without a confirmed one: (secret, otpauth URI)."""
    import pyotp

    secret = pyotp.random_base32(32)
    done = db.execute(text("""
        INSERT INTO auth.totp (user_id, secret) VALUES (:u, :s)
        ON CONFLICT (user_id) DO UPDATE SET secret = EXCLUDED.secret, created_at = now(), last_step = NULL
        WHERE auth.totp.confirmed_at IS NULL"""), {"u": user_id, "s": secret})
    if done.rowcount != 1:
        raise ValueError("this account has a confirmed TOTP secret already")
    return secret, pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=ISSUER)


def _matching_step(secret: str, code: str, now: float | None = None) -> int | None:
    """The time step whose code is `code` (this step or one next to it), or None."""
    import pyotp

    code = _normal_code(code)
    if not _CODE.match(code):
        return None
    totp = pyotp.TOTP(secret, interval=STEP_S)
    current = int((time.time() if now is None else now) // STEP_S)
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _accept(db: Connection | Session, user_id: int, code: str, confirmed: bool) -> bool:
    secret = db.execute(text("SELECT secret FROM auth.totp WHERE user_id = :u AND (confirmed_at IS NOT NULL) = :c"),
                        {"u": user_id, "c": confirmed}).scalar()
    step = _matching_step(secret, code) if secret else None
    if step is None:
        return False
    done = db.execute(text("""
        UPDATE auth.totp SET last_step = :s, confirmed_at = coalesce(confirmed_at, now())
        WHERE user_id = :u AND (last_step IS NULL OR last_step < :s)"""), {"u": user_id, "s": step})
    return done.rowcount == 1  # 0: this step (or a later one) was used already: a replay


def confirm_enrolment(db: Connection | Session, user_id: int, code: str) -> list[str] | None:
    """Confirm the pending secret with its first code: the recovery codes (shown once), or None."""
    if not _accept(db, user_id, code, confirmed=False):
        return None
    db.execute(text("DELETE FROM auth.recovery_code WHERE user_id = :u"), {"u": user_id})
    codes = ["-".join(secrets.token_hex(8).upper()[i:i + 4] for i in range(0, 16, 4))
             for _ in range(RECOVERY_CODES)]
    for code in codes:
        db.execute(text("INSERT INTO auth.recovery_code (user_id, code_hash) VALUES (:u, :h)"),
                   {"u": user_id, "h": _recovery_digest(code)})
    return codes


def verify(db: Connection | Session, user_id: int, code: str) -> bool:
    """A TOTP code of the account's confirmed secret, not used before."""
    return _accept(db, user_id, code, confirmed=True)


def spend_recovery_code(db: Connection | Session, user_id: int, code: str) -> bool:
    """A recovery code of the account not spent yet: spent now."""
    done = db.execute(text("UPDATE auth.recovery_code SET used_at = now() "
                           "WHERE user_id = :u AND code_hash = :h AND used_at IS NULL"),
                      {"u": user_id, "h": _recovery_digest(code)})
    return done.rowcount == 1


def reset(db: Connection | Session, user_id: int) -> bool:
    """Forget the account's secret and recovery codes (a lost phone): it enrols again at the next
    sign-in."""
    db.execute(text("DELETE FROM auth.recovery_code WHERE user_id = :u"), {"u": user_id})
    return db.execute(text("DELETE FROM auth.totp WHERE user_id = :u"), {"u": user_id}).rowcount > 0
