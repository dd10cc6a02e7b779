"""`teritoriu signing`: the certificate that signs issued PDFs."""

from __future__ import annotations

import click

from api.cli.common import settings as _settings


@click.group()
def signing() -> None:
    """The certificate that signs issued PDFs (PAdES)."""


@signing.command("init")
@click.option("--name", default="Primăria (Teritoriu)", show_default=True)
def signing_init(name: str) -> None:
    """Create a self-signed signing certificate for the demo (kept if it exists)."""
    from gis.certificates.signing import create_self_signed

    key, cert = create_self_signed(_settings(), name)
    click.echo(f"signing certificate: {cert} (key {key})")
