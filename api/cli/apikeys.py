"""`teritoriu apikey`: API keys for other agencies."""

from __future__ import annotations

import click

from api.cli.common import settings as _settings


@click.group()
def apikey() -> None:
    """API keys for other agencies (restricted OGC collections)."""


@apikey.command("create")
@click.option("--agency", required=True, help="Who the key is for, e.g. 'ANAF Bihor'.")
@click.option("--collections", required=True,
              help="Comma-separated restricted collections and processes the key may use.")
@click.option("--expires-days", type=click.IntRange(1, 3650), default=None)
def apikey_create(agency: str, collections: str, expires_days: int | None) -> None:
    """Create a key and print it once (only its hash is stored)."""
    from gis.apikeys import create_key
    from gis.db import session_scope
    from layers.ogc_config import restricted_grants

    wanted = [c.strip() for c in collections.split(",") if c.strip()]
    grants = restricted_grants()
    unknown = [c for c in wanted if c not in grants]
    if unknown or not wanted:
        raise click.BadParameter(f"not restricted collections or processes: "
                                 f"{', '.join(unknown) or '(none)'}; choose among {', '.join(grants)}",
                                 param_hint="--collections")
    with session_scope(_settings(), actor="cli:apikey") as session:
        row, plaintext = create_key(session, agency, wanted, expires_days)
    click.echo(f"API key for {row.agency} (prefix {row.prefix}), collections: "
               f"{', '.join(row.collections)}; shown only now:")
    click.echo(plaintext)


@apikey.command("revoke")
@click.argument("prefix")
def apikey_revoke(prefix: str) -> None:
    """Revoke a key by its prefix."""
    from gis.apikeys import revoke_key
    from gis.db import session_scope

    with session_scope(_settings(), actor="cli:apikey") as session:
        if not revoke_key(session, prefix):
            raise click.ClickException(f"no active key with prefix {prefix!r}")
    click.echo(f"key {prefix} revoked")


@apikey.command("list")
def apikey_list() -> None:
    """List keys (prefix, agency, grants, state); never the keys themselves."""
    from gis.apikeys import list_keys
    from gis.db import session_scope

    with session_scope(_settings(), actor="cli:apikey") as session:
        for k in list_keys(session):
            state = "revoked" if k.revoked_at else f"expires {k.expires_at:%Y-%m-%d}" if k.expires_at else "active"
            click.echo(f"{k.prefix}  {k.agency}  {','.join(k.collections)}  {state}  "
                       f"last used {k.last_used_at or '-'}")
