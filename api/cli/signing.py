"""`teritoriu signing`: the certificate that signs issued PDFs."""

from __future__ import annotations

import click

from api.cli.common import settings as _settings


@click.group()
def signing() -> None:
    """The certificate that signs issued PDFs (PAdES)."""


@signing.command("init")
@click.option("--name", default=None,
              help="The holder (default: from the national profile and the UAT, e.g. 'Primăria Comuna …').")
def signing_init(name: str | None) -> None:
    """Create a self-signed signing certificate for the demo (kept if it exists)."""
    from gis.certificates.signing import create_self_signed, default_holder

    settings = _settings()
    key, cert = create_self_signed(settings, name or default_holder(settings))
    click.echo(f"signing certificate: {cert} (key {key})")
