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
