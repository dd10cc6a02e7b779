"""`teritoriu user`: staff and citizen accounts."""

from __future__ import annotations

import click

from api.cli.common import settings as _settings
from gis.roles import ROLES


@click.group()
def user() -> None:
    """Staff and citizen accounts."""


@user.command("create")
@click.option("--username", required=True)
@click.option("--full-name", required=True)
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--email", default=None)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--if-missing", is_flag=True, help="Do nothing when the account exists.")
@click.option("--uat", "uats", type=int, multiple=True,
              help="SIRUTA of a UAT the account works for (repeat); none: every UAT (county administrator).")
def user_create(username: str, full_name: str, role: str, email: str | None, password: str,
                if_missing: bool, uats: tuple[int, ...]) -> None:
    """Create an account (the password is stored as an scrypt hash)."""
    from gis.accounts import AccountError, create_account

    try:
        created = create_account(_settings(), username, full_name, role, email, password, uats,
                                 if_missing=if_missing, actor="cli:user-create")
    except AccountError as exc:
        if exc.field:
            raise click.BadParameter(str(exc), param_hint=f"--{exc.field}") from None
        raise click.ClickException(str(exc)) from None
    if not created:
        return
    scope = f" for UAT {', '.join(map(str, sorted(set(uats))))}" if uats else ""
    click.echo(f"account {username} ({role}) created{scope}")


def _change(what: str, username: str, call) -> None:
    """Run an account change; say how many sessions it ended (every change here ends them)."""
    from gis.accounts import AccountError

    try:
        ended = call()
    except AccountError as exc:
        if exc.field:
            raise click.BadParameter(str(exc), param_hint=f"--{exc.field}") from None
        raise click.ClickException(str(exc)) from None
    click.echo(f"account {username}: {what}; {ended} open session(s) ended")


@user.command("deactivate")
@click.argument("username")
def user_deactivate(username: str) -> None:
    """Deactivate an account: it signs in no more and its open sessions end at once."""
    from gis.accounts import set_active

    _change("deactivated", username, lambda: set_active(_settings(), username, False, actor="cli:user-deactivate"))


@user.command("activate")
@click.argument("username")
def user_activate(username: str) -> None:
    """Let a deactivated account sign in again."""
    from gis.accounts import set_active

    _change("active", username, lambda: set_active(_settings(), username, True, actor="cli:user-activate"))


@user.command("set-role")
@click.argument("username")
@click.option("--role", type=click.Choice(ROLES), required=True)
def user_set_role(username: str, role: str) -> None:
    """Give an account another role (its open sessions end)."""
    from gis.accounts import set_role

    _change(f"role {role}", username, lambda: set_role(_settings(), username, role, actor="cli:user-set-role"))


@user.command("set-uats")
@click.argument("username")
@click.option("--uat", "uats", type=int, multiple=True,
              help="SIRUTA of a UAT the account works for (repeat); none: every UAT.")
def user_set_uats(username: str, uats: tuple[int, ...]) -> None:
    """Scope an account to these UATs (its open sessions end)."""
    from gis.accounts import set_uats

    scope = ", ".join(map(str, sorted(set(uats)))) or "every UAT"
    _change(f"works for {scope}", username, lambda: set_uats(_settings(), username, uats, actor="cli:user-set-uats"))


@user.command("password")
@click.argument("username")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def user_password(username: str, password: str) -> None:
    """Set a new password (stored as an scrypt hash; the account's open sessions end)."""
    from gis.accounts import set_password

    _change("password changed", username,
            lambda: set_password(_settings(), username, password, actor="cli:user-password"))


@user.command("sign-out")
@click.argument("username")
def user_sign_out(username: str) -> None:
    """End every open session of an account (a lost laptop, a shared computer)."""
    from gis.accounts import sign_out_everywhere

    _change("signed out everywhere", username,
            lambda: sign_out_everywhere(_settings(), username, actor="cli:user-sign-out"))


@user.command("list")
def user_list() -> None:
    """Every account: name, role, source (local, ldap, oidc), active, UATs."""
    from sqlalchemy import text

    from gis.db import get_engine

    with get_engine(_settings(), "app").connect() as conn:
        rows = conn.execute(text("SELECT username, role, source, active, ARRAY(SELECT uat_siruta FROM auth.user_uat "
                                 "WHERE user_id = u.id ORDER BY 1) AS uats FROM auth.user u ORDER BY username")).all()
    click.echo(f"{'username':<32} {'role':<9} {'source':<6} {'active':<6} uats")
    for r in rows:
        uats = ",".join(map(str, r.uats)) or "all"
        click.echo(f"{r.username:<32} {r.role:<9} {r.source:<6} {'yes' if r.active else 'no':<6} {uats}")


@user.command("reset-totp")
@click.argument("username")
def user_reset_totp(username: str) -> None:
    """Forget a local admin's TOTP secret and recovery codes (a lost phone): enrols again at sign-in."""
    from sqlalchemy import select

    from gis import totp
    from gis.db import session_scope
    from gis.models import User

    with session_scope(_settings(), actor="cli:user-reset-totp") as db:
        account = db.scalar(select(User).where(User.username == username.strip().lower()))
        if account is None:
            raise click.ClickException(f"no account {username!r}")
        done = totp.reset(db, account.id)
    click.echo(f"account {username}: {'TOTP reset' if done else 'had no TOTP secret'}")
