"""Staff and citizen accounts: the rules for creating one (password length, UAT scope, unique name)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select, text

from gis.db import session_scope
from gis.models import User, UserUat
from gis.passwords import hash_password
from gis.settings import Settings

MIN_PASSWORD_LENGTH = 10


class AccountError(ValueError):
    """An account that cannot be created; `field` names the offending input (password, uat) or is None."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def create_account(settings: Settings, username: str, full_name: str, role: str, email: str | None,
                   password: str, uats: Iterable[int] = (), *, if_missing: bool = False,
                   actor: str = "cli:user-create") -> bool:
    """Create an account (password stored as an scrypt hash), scoped to `uats` (none: every UAT).

    Returns False when the account exists and `if_missing` is set; raises AccountError otherwise."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"use at least {MIN_PASSWORD_LENGTH} characters", "password")
    wanted = sorted(set(uats))
    with session_scope(settings, actor=actor) as session:
        if session.scalar(select(User).where(User.username == username)) is not None:
            if if_missing:
                return False
            raise AccountError(f"account {username!r} exists")
        known = set(session.execute(text("SELECT siruta FROM territory.uat")).scalars())
        missing = [u for u in wanted if u not in known]
        if missing:
            raise AccountError(f"no UAT {', '.join(map(str, missing))}", "uat")
        account = User(username=username, full_name=full_name, role=role, email=email,
                       password_hash=hash_password(password))
        session.add(account)
        session.flush()
        session.add_all(UserUat(user_id=account.id, uat_siruta=u) for u in wanted)
    return True
