"""What several command groups share: the settings and the local cluster."""

from __future__ import annotations

import click

from gis.settings import Settings, get_settings


def settings() -> Settings:
    return get_settings()


def cluster():
    """The local cluster manager; an error when the deployment uses an external server."""
    from gis.cluster import LocalCluster

    current = settings()
    if not current.uses_local_cluster:
        raise click.ClickException(
            "TERITORIU_DATABASE_URL points at an external server; the local cluster is not used"
        )
    return LocalCluster(current)
