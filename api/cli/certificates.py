"""`teritoriu certificate <kind>`: certificates from a parcel selection, one sub-command per
registered certificate kind (gis.certificates.kinds), made when the command line is read."""

from __future__ import annotations

from pathlib import Path

import click

from api.cli.common import settings as _settings


class KindCommands(click.Group):
    """The sub-commands are the certificate kinds registered when the command line is read."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        from gis.certificates.kinds import names

        return [*names(), "extend"]

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        from gis.certificates.kinds import get_kind

        if name == "extend":
            return extend
        kind = get_kind(name)
        return _command(kind) if kind is not None and kind.name == name else None


@click.group(cls=KindCommands)
def certificate() -> None:
    """Certificates from a parcel selection (urbanism, street nomenclature...)."""


def _certificate(kind: str, parcels: tuple[str, ...], purpose: str, applicant: str, out: Path,
                 is_draft: bool, uat: int | None, receipt: str | None = None, paid_on: str | None = None,
                 unpaid: bool = False, choices=None) -> None:
    from gis.certificates import CertificateError, draft, issue
    from gis.parcel_facts import ParcelNotFound

    settings = _settings()
    if not is_draft and bool(receipt) == unpaid or bool(receipt) != bool(paid_on):
        raise click.UsageError("an issued certificate needs the fee's receipt (--receipt NR --paid-on YYYY-MM-DD) "
                               "or --unpaid to issue it without a recorded payment")
    try:
        if is_draft:
            done = draft(settings, kind, list(parcels), purpose, applicant, uat, choices=choices)
        else:
            done = issue(settings, kind, list(parcels), purpose, applicant, "cli:certificate", uat,
                         receipt=(receipt, paid_on) if receipt else None, unpaid_confirmed=unpaid, choices=choices)
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


def _command(kind) -> click.Command:
    """The sub-command of one kind: its purpose is required or has the kind's default."""
    if kind.purpose_required:
        purpose = click.Option(["--purpose"], required=True, help="În scopul: e.g. 'construire locuință P+1E'.")
    else:
        purpose = click.Option(["--purpose"], default=kind.default_purpose, show_default=True,
                               help="În scopul (what the certificate is for).")

    def run(parcels, purpose, applicant, uat, is_draft, out, receipt, paid_on, unpaid, one_investment,
            validity_months, exemption, county_approval) -> None:
        from gis.certificates.fees import Choices

        _certificate(kind.name, parcels, purpose, applicant, out, is_draft, uat, receipt, paid_on, unpaid,
                     Choices(one_investment, validity_months, exemption, county_approval))

    return click.Command(kind.name, callback=run, help=kind.cli_help or f"{kind.label('ro')}.", params=[
        click.Option(["--parcel", "parcels"], multiple=True, required=True,
                     help="Cadastral number (repeat for several parcels of one UAT)."),
        purpose,
        click.Option(["--applicant"], default="", help="Who asked (printed; masked on /verify)."),
        click.Option(["--uat"], type=int, default=None, help="SIRUTA, when the number exists in several UATs."),
        click.Option(["--draft", "is_draft"], is_flag=True, help="A draft with the PROIECT watermark; nothing stored."),
        click.Option(["-o", "--output", "out"], type=click.Path(dir_okay=False, path_type=Path), required=True),
        click.Option(["--receipt"], default=None, help="The fee's receipt number (printed on the certificate)."),
        click.Option(["--paid-on"], default=None, help="The receipt's date, YYYY-MM-DD."),
        click.Option(["--unpaid"], is_flag=True, help="Issue with no payment recorded (where the UAT allows it)."),
        click.Option(["--one-investment"], default=None,
                     help="Why parcels that do not touch form one investment (else they are refused)."),
        click.Option(["--validity-months"], type=int, default=None, help="Validity chosen (urbanism: 6-24)."),
        click.Option(["--exemption"], default=None, help="An art. 476 exemption key (config.yaml: exemptions)."),
        click.Option(["--county-approval"], is_flag=True, help="County approval (art. 474 alin. 4)."),
    ])


@click.command("extend", help="Extend an issued urbanism certificate once (the original, stamped; 30 % fee).")
@click.argument("code")
@click.option("--reference", required=True, help="The act it is extended by, e.g. 'cererea nr. 812 din 10.11.2028'.")
@click.option("--months", type=int, default=None, help="At most 12 (the default).")
@click.option("--requested-on", default=None, help="The extension request's date, YYYY-MM-DD (default today).")
@click.option("-o", "--output", "out", type=click.Path(dir_okay=False, path_type=Path), required=True)
def extend(code: str, reference: str, months: int | None, requested_on: str | None, out: Path) -> None:
    from datetime import date

    from gis.certificates.extension import extend as extend_certificate

    try:
        asked = date.fromisoformat(requested_on) if requested_on else None
        done = extend_certificate(_settings(), code, reference, "cli:certificate", asked, months)
    except ValueError as exc:   # a refusal (CertificateError) or a date that is not one
        raise click.ClickException(str(exc)) from None
    out.write_bytes(done.pdf)
    click.echo(f"nr. {done.number_label} prelungit până la {done.extended_until:%d.%m.%Y} prin {done.reference}; "
               f"taxa {done.fee_lei} lei ({done.fee_basis}); SHA-256 {done.sha256[:16]}…; written to {out}")
