"""`teritoriu db`: the local PostGIS cluster and the schema."""

from __future__ import annotations

import sys

import click

from api.cli.common import cluster as _cluster
from api.cli.common import settings as _settings
from api.cli.replica import replica


@click.group()
def db() -> None:
    """The local PostGIS cluster and the schema."""


@db.command()
def start() -> None:
    """Create (first time) and start the local cluster; reuse it when running."""
    cluster = _cluster()
    cluster.start()
    click.echo(f"PostgreSQL running: data {cluster.data_dir}, socket {cluster.socket_dir}")


@db.command()
def stop() -> None:
    """Stop the local cluster (the data stays)."""
    _cluster().stop()
    click.echo("PostgreSQL stopped")


@db.command()
def status() -> None:
    """Say whether the local cluster exists and runs, and which migration the schema is at."""
    settings = _settings()
    if settings.uses_local_cluster:
        state = _cluster().status()
        click.echo(f"cluster: {state}")
        if state != "running":
            sys.exit(1)
    from gis.migrate import current

    click.echo(f"schema revision: {current(settings) or 'none'}")


@db.command()
def migrate() -> None:
    """Bring the schema to the latest migration."""
    from gis.migrate import upgrade

    settings = _settings()
    if settings.uses_local_cluster:
        _cluster().start()
    upgrade(settings)
    click.echo("schema up to date")


@db.command()
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def reset(yes: bool) -> None:
    """Drop the database and migrate it again (every record is lost)."""
    from gis.migrate import upgrade

    cluster = _cluster()
    if not yes:
        click.confirm(f"Drop database {cluster.settings.db_name} and all its records?", abort=True)
    cluster.start()
    cluster.drop_database(cluster.settings.db_name)
    cluster.ensure_database(cluster.settings.db_name)
    upgrade(cluster.settings)
    click.echo("database recreated")


db.add_command(replica)
