"""`teritoriu backup` and `teritoriu restore`: the database and every issued PDF in one archive."""

from __future__ import annotations

import time
from pathlib import Path

import click

from api.cli.common import cluster as _cluster


@click.command("backup")
@click.option("-o", "--output", "out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The archive (default: var/backups/<database>-<time>.tar).")
def backup_cmd(out: Path | None) -> None:
    """The database and every issued PDF in one tar file, with a manifest to check a restore."""
    from datetime import datetime

    from gis.backup import BackupError, backup
    from gis.cluster import ClusterError

    cluster = _cluster()
    settings = cluster.settings
    out = out or settings.var_dir / "backups" / f"{settings.db_name}-{datetime.now():%Y%m%d-%H%M%S}.tar"
    started = time.monotonic()
    try:
        cluster.start()  # a stopped cluster is started, as `db migrate` does
        info = backup(settings, out)
    except (BackupError, ClusterError) as exc:
        raise click.ClickException(str(exc)) from None
    rows = sum(t["rows"] for t in info["tables"].values())
    click.echo(f"copie de siguranță / backup: {out} ({out.stat().st_size / 1e6:.1f} MB, "
               f"{time.monotonic() - started:.1f} s): {len(info['tables'])} tables, {rows} rows, "
               f"{len(info['documents'])} issued documents")


@click.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--db", "db_name", default=None,
              help="A new (or empty) database to restore into (default: the configured one).")
def restore_cmd(archive: Path, db_name: str | None) -> None:
    """Restore a backup into an empty database and check every table and document against it."""
    from gis.backup import BackupError, restore
    from gis.cluster import ClusterError

    cluster = _cluster()
    db_name = db_name or cluster.settings.db_name
    started = time.monotonic()
    try:
        cluster.start()  # on a new machine: creates the cluster, then restores into it
        info = restore(cluster.settings, archive, db_name)
    except (BackupError, ClusterError) as exc:
        raise click.ClickException(str(exc)) from None
    rows = sum(t["rows"] for t in info["tables"].values())
    click.echo(f"restaurat / restored into {db_name} in {time.monotonic() - started:.1f} s: "
               f"{len(info['tables'])} tables, {rows} rows and {len(info['documents'])} documents, "
               f"all identical to the backup of {info['created_at']}")
