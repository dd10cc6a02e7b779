"""`teritoriu audit`: the audit log."""

from __future__ import annotations

import sys

import click

from api.cli.common import settings as _settings


@click.group()
def audit() -> None:
    """The audit log."""


@audit.command("verify")
def audit_verify() -> None:
    """Recompute the audit log's hash chain; exit 1 at the first row that was altered or removed."""
    from gis.audit_chain import verify
    from gis.db import get_engine

    with get_engine(_settings(), "app").connect() as conn:
        report = verify(conn)
    if not report.ok:
        click.echo(f"The audit log was altered: the chain breaks at row {report.broken_at} "
                   f"(id {report.broken_id}) of {report.rows}.", err=True)
        sys.exit(1)
    click.echo(f"The audit log is intact: {report.rows} rows; last hash {report.last_hash}")
