"""Accounts that come from the city hall's directory or an OpenID provider (auth.user.source
'ldap' / 'oidc', migration 0018): created at the first sign-in and brought up to date at each one
(name, e-mail, role, UATs), with no usable password here.

The directory or provider says who the person is and what they may do; Teritoriu keeps the last
word on one thing: an account deactivated here (`teritoriu user deactivate`) stays out, whatever
the directory says. A name already used by an account of another source is refused, never taken
over. Open sessions of directory accounts are checked again (revalidate) every
ldap_revalidate_s seconds: removed from every mapped group, disabled or deleted in the directory,
the account's sessions end; another role or other UATs end them too (migration 0008's triggers).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, text

from gis import directory_ldap
from gis.db import get_engine, session_scope
from gis.models import User
from gis.settings import Settings

UNUSABLE_PASSWORD = "!external"  # not an scrypt hash: gis.passwords.verify_password refuses every password


class Refused(Exception):
    """A sign-in refused by Teritoriu itself: `code` is 'inactive', 'name_taken' or 'no_uat'."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Identity:
    """A person as a directory or provider describes them."""
    source: str                    # 'ldap' or 'oidc'
    external_id: str               # the entry's DN, or "issuer sub"
    username: str
    full_name: str
    email: str | None
    role: str
    uats: tuple[int, ...] | None   # None: every UAT


def sync(settings: Settings, who: Identity) -> dict:
    """The account of `who`, created or brought up to date; the signed-in user as
    api.staff.sign_in returns it. Raises Refused."""
    with session_scope(settings, actor=f"{who.source}:{who.username[:64]}") as db:
        # one sign-in of an identity at a time: two first sign-ins at once would both create the account
        db.execute(text("SELECT pg_advisory_xact_lock(hashtext('teritoriu.external:' || :s || ':' || :e))"),
                   {"s": who.source, "e": who.external_id})
        account = db.scalar(select(User).where(User.source == who.source, User.external_id == who.external_id))
        clash = db.scalar(select(User).where(User.username == who.username))
        if clash is not None and clash is not account:
            raise Refused("name_taken")
        if account is None:
            account = User(username=who.username, full_name=who.full_name, email=who.email, role=who.role,
                           password_hash=UNUSABLE_PASSWORD, source=who.source, external_id=who.external_id)
            db.add(account)
        elif not account.active:
            raise Refused("inactive")
        for field in ("username", "full_name", "email", "role"):
            if getattr(account, field) != getattr(who, field):
                setattr(account, field, getattr(who, field))
        db.flush()
        uats = _known_uats(db, who.uats)
        current = db.execute(text("SELECT uat_siruta FROM auth.user_uat WHERE user_id = :i ORDER BY 1"),
                             {"i": account.id}).scalars().all()
        if list(current) != uats:
            db.execute(text("DELETE FROM auth.user_uat WHERE user_id = :i"), {"i": account.id})
            db.execute(text("INSERT INTO auth.user_uat (user_id, uat_siruta) "
                            "SELECT :i, unnest(CAST(:w AS integer[]))"), {"i": account.id, "w": uats})
        if who.source == "ldap":
            db.execute(text("UPDATE auth.user SET directory_checked_at = now() WHERE id = :i"), {"i": account.id})
        return {"id": account.id, "username": account.username, "role": account.role, "uats": uats or None}


def _known_uats(db, uats: tuple[int, ...] | None) -> list[int]:
    """The UATs named that exist here; a person named only unknown UATs is refused (scoping them
    to none would mean every UAT)."""
    if uats is None:
        return []
    known = sorted(set(db.execute(text("SELECT siruta FROM territory.uat WHERE siruta = ANY(:u)"),
                                  {"u": list(uats)}).scalars()))
    if not known:
        raise Refused("no_uat")
    return known


def revalidate(settings: Settings, user_id: int, role: str, uats: tuple[int, ...] | None) -> bool:
    """Whether the open session of the directory account `user_id` still counts: asks the directory
    again (service account) once ldap_revalidate_s has passed since it last did. False: the
    account's sessions were ended. Raises directory_ldap.DirectoryUnavailable."""
    from gis.sessions import end_all

    engine = get_engine(settings, "app")
    with engine.connect() as conn:
        row = conn.execute(text(
            "SELECT external_id, username, coalesce(directory_checked_at < now() - make_interval(secs => :s), true) "
            "AS due FROM auth.user WHERE id = :i AND source = 'ldap'"),
            {"i": user_id, "s": settings.ldap_revalidate_s}).one_or_none()
    if row is None or not row.due:
        return row is not None
    verdict = directory_ldap.recheck(settings, row.external_id, row.username)
    if verdict.refused is not None:
        with session_scope(settings, actor=f"ldap:{row.username}") as db:
            end_all(db, user_id, f"directory: {verdict.refused}")
        return False
    try:
        now = sync(settings, Identity("ldap", row.external_id, row.username, verdict.full_name, verdict.email,
                                      verdict.role, verdict.uats))
    except Refused:
        with session_scope(settings, actor=f"ldap:{row.username}") as db:
            end_all(db, user_id, "directory: refused")
        return False
    return now["role"] == role and tuple(now["uats"] or ()) == tuple(uats or ())
