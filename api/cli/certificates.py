"""`teritoriu certificate`: certificates from a parcel selection."""

from __future__ import annotations

from pathlib import Path

import click

from api.cli.common import settings as _settings


@click.group()
def certificate() -> None:
    """Certificates from a parcel selection (urbanism, street nomenclature)."""


def _certificate(kind: str, parcels: tuple[str, ...], purpose: str, applicant: str, out: Path,
                 is_draft: bool, uat: int | None) -> None:
    from gis.certificates import CertificateError, draft, issue
    from gis.parcel_facts import ParcelNotFound

    settings = _settings()
    try:
        if is_draft:
            done = draft(settings, kind, list(parcels), purpose, applicant, uat)
        else:
            done = issue(settings, kind, list(parcels), purpose, applicant, "cli:certificate", uat)
    except (CertificateError, ParcelNotFound) as exc:
        raise click.ClickException(str(exc)) from None
    out.write_bytes(done.pdf)
    for warning in done.facts.warnings:
        click.echo(f"Atenție: {warning}", err=True)
    if is_draft:
        click.echo(f"draft (PROIECT) written to {out}; fee {done.facts.fee.amount_lei} lei")
    else:
        click.echo(f"issued nr. {done.number_label}, verification code {done.verification_code}, "
                   f"fee {done.facts.fee.amount_lei} lei, SHA-256 {done.sha256[:16]}…; written to {out}")


_parcel_option = click.option("--parcel", "parcels", multiple=True, required=True,
                              help="Cadastral number (repeat for several parcels of one UAT).")
_out_option = click.option("-o", "--output", "out", type=click.Path(dir_okay=False, path_type=Path),
                           required=True)


@certificate.command("urbanism")
@_parcel_option
@click.option("--purpose", required=True, help="În scopul: e.g. 'construire locuință P+1E'.")
@click.option("--applicant", default="", help="Who asked (printed; masked on /verify).")
@click.option("--uat", type=int, default=None, help="SIRUTA, when the number exists in several UATs.")
@click.option("--draft", "is_draft", is_flag=True, help="A draft with the PROIECT watermark; nothing stored.")
@_out_option
def certificate_urbanism(parcels, purpose, applicant, uat, is_draft, out) -> None:
    """Certificat de urbanism for one or more parcels."""
    _certificate("urbanism", parcels, purpose, applicant, out, is_draft, uat)


@certificate.command("nomenclature")
@_parcel_option
@click.option("--purpose", default="informare", show_default=True)
@click.option("--applicant", default="")
@click.option("--uat", type=int, default=None)
@click.option("--draft", "is_draft", is_flag=True)
@_out_option
def certificate_nomenclature(parcels, purpose, applicant, uat, is_draft, out) -> None:
    """Certificat de nomenclatură stradală și adresă."""
    _certificate("nomenclature", parcels, purpose, applicant, out, is_draft, uat)
