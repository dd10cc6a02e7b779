"""`teritoriu db replica`: a streaming hot standby of the local cluster, and the lag of any pair."""

from __future__ import annotations

import json

import click

from api.cli.common import cluster as _cluster
from api.cli.common import settings as _settings


def _replica(port: int | None = None):
    from gis.replica import REPLICA_PORT, LocalReplica

    return LocalReplica(_cluster(), port or REPLICA_PORT)


@click.group()
def replica() -> None:
    """A hot standby (streaming replication) for the public reads."""


@replica.command()
@click.option("--port", type=int, default=None, help="The standby's port (names its socket; default 5433).")
def create(port: int | None) -> None:
    """Copy the local cluster with pg_basebackup -R into var/replica/ and start it as a streaming standby."""
    standby = _replica(port)
    standby.create()
    url = standby.url().render_as_string(hide_password=False)
    click.echo(f"standby streaming: data {standby.standby.data_dir}, socket {standby.standby.socket_dir}, "
               f"slot {standby.slot}")
    click.echo(f"serve the public side from it:\n  export TERITORIU_DATABASE_PUBLIC_URL='{url}'")


@replica.command()
def start() -> None:
    """Start the local standby again (it catches up from the primary's slot)."""
    _replica().start()
    click.echo("standby running")


@replica.command()
def stop() -> None:
    """Stop the local standby (the primary keeps its WAL in the slot)."""
    _replica().stop()
    click.echo("standby stopped")


@replica.command()
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def destroy(yes: bool) -> None:
    """Stop and remove the local standby and its slot on the primary."""
    standby = _replica()
    if not yes:
        click.confirm(f"Remove the standby in {standby.standby.data_dir}?", abort=True)
    standby.destroy()
    click.echo("standby removed")


@replica.command()
@click.option("--url", default="", help="External standby: a superuser's URL on it (pg_promote needs one).")
def promote(url: str) -> None:
    """Promote the standby to a primary (pg_promote)."""
    if url:
        from sqlalchemy import create_engine, make_url, text

        engine = create_engine(make_url(url).set(drivername="postgresql+psycopg"))
        with engine.begin() as conn:
            done = conn.execute(text("SELECT pg_promote(wait => true, wait_seconds => 60)")).scalar_one()
        if not done:
            raise click.ClickException("the standby did not finish its promotion within 60 s")
    else:
        _replica().promote()
    click.echo("standby promoted: it is a primary now and accepts writes")


@replica.command()
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def status(as_json: bool) -> None:
    """The standby's lag: bytes and seconds (the local pair, or TERITORIU_DATABASE_URL and
    TERITORIU_DATABASE_PUBLIC_URL of external servers)."""
    from gis.db import get_engine
    from gis.replica import lag, senders

    settings = _settings()
    report: dict = {}
    if settings.uses_local_cluster and not settings.database_public_url:
        local = _replica()
        report["standby_state"] = local.status()
        report["senders"] = senders(local.primary)
        if report["standby_state"] == "running":
            from sqlalchemy import create_engine

            standby = create_engine(local.url("teritoriu_app"))
            report["standby"] = lag(get_engine(settings, "app"), standby).as_dict()
            standby.dispose()
    else:
        if settings.uses_local_cluster:
            report["senders"] = senders(_cluster())
        report["standby"] = lag(get_engine(settings, "app"), get_engine(settings, "public")).as_dict()
    if as_json:
        click.echo(json.dumps(report, indent=2))
        return
    for key, value in report.items():
        click.echo(f"{key}: {json.dumps(value)}")
