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


# -- Changes to an account. Each one ends the account's open sessions (the database's triggers on
# auth.user and auth.user_uat, migration 0008, whoever makes the change); each returns how many.

def _account(session, username: str) -> User:
    account = session.scalar(select(User).where(User.username == username.strip().lower()))
    if account is None:
        raise AccountError(f"no account {username!r}")
    return account


def _ending(settings: Settings, username: str, actor: str, change) -> int:
    from gis.sessions import open_count

    with session_scope(settings, actor=actor) as session:
        account = _account(session, username)
        before = open_count(session, account.id)
        change(session, account)
        session.flush()
        return before - open_count(session, account.id)


def set_active(settings: Settings, username: str, active: bool, *, actor: str = "cli:user") -> int:
    """Deactivate (or reactivate) an account: a deactivated one signs in no more, and its sessions end."""
    return _ending(settings, username, actor, lambda s, a: setattr(a, "active", active))


def set_role(settings: Settings, username: str, role: str, *, actor: str = "cli:user") -> int:
    from gis.roles import ROLES

    if role not in ROLES:
        raise AccountError(f"the role must be one of {', '.join(ROLES)}", "role")
    return _ending(settings, username, actor, lambda s, a: setattr(a, "role", role))


def set_password(settings: Settings, username: str, password: str, *, actor: str = "cli:user") -> int:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"use at least {MIN_PASSWORD_LENGTH} characters", "password")
    return _ending(settings, username, actor, lambda s, a: setattr(a, "password_hash", hash_password(password)))


def set_uats(settings: Settings, username: str, uats: Iterable[int], *, actor: str = "cli:user") -> int:
    """Scope the account to exactly `uats` (none: every UAT)."""
    wanted = sorted(set(uats))

    def change(session, account: User) -> None:
        known = set(session.execute(text("SELECT siruta FROM territory.uat")).scalars())
        missing = [u for u in wanted if u not in known]
        if missing:
            raise AccountError(f"no UAT {', '.join(map(str, missing))}", "uat")
        session.execute(text("DELETE FROM auth.user_uat WHERE user_id = :i AND NOT uat_siruta = ANY(:w)"),
                        {"i": account.id, "w": wanted})
        session.execute(text("INSERT INTO auth.user_uat (user_id, uat_siruta) SELECT :i, unnest(CAST(:w AS integer[])) "
                             "ON CONFLICT DO NOTHING"), {"i": account.id, "w": wanted})

    return _ending(settings, username, actor, change)


def sign_out_everywhere(settings: Settings, username: str, *, actor: str = "cli:user") -> int:
    """End every open session of the account (a lost laptop, a shared computer)."""
    from gis.sessions import end_all

    return _ending(settings, username, actor, lambda s, a: end_all(s, a.id, f"ended by {actor}"))
