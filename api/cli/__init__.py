"""The `teritoriu` command line: one entry for the database, data, server and tools.

It lives at the top of the stack (it serves the app, runs importers), so it sits in `api/`.
One module per command group; each only parses arguments and prints, the work is done in
`gis/` and `importers/`.
"""

from __future__ import annotations

import sys

import click

from api.cli import accounts, apikeys, audit, backup, certificates, data, db, imports, mail, serve, signing, uats


@click.group()
def main() -> None:
    """Teritoriu: the territorial-administration GIS of a city hall."""


for _command in (db.db, data.generate, data.samples, certificates.certificate, signing.signing, accounts.user,
                 backup.backup_cmd, backup.restore_cmd, uats.uat, apikeys.apikey, audit.audit, imports.import_,
                 serve.serve, mail.mail):
    main.add_command(_command)


def run() -> None:
    """Console entry: known failures become one clear line, not a traceback."""
    from sqlalchemy.exc import DBAPIError, OperationalError

    from gis.cluster import ClusterError

    try:
        main(standalone_mode=True)
    except (ClusterError, FileNotFoundError, ValueError) as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(1)
    except OperationalError as exc:
        click.echo(f"Error: cannot reach the database ({str(exc.orig).strip().splitlines()[0]}); "
                   "is it running? Try `teritoriu db start`.", err=True)
        sys.exit(1)
    except DBAPIError as exc:
        detail = " ".join(str(exc.orig).strip().splitlines()[:2])
        click.echo(f"Error: the database refused the change, nothing was written: {detail}", err=True)
        sys.exit(1)
