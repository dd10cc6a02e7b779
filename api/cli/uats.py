"""`teritoriu uat`: the UATs this deployment serves."""

from __future__ import annotations

from pathlib import Path

import click

from api.cli.common import settings as _settings
from gis.uats import KINDS as UAT_KINDS


@click.group()
def uat() -> None:
    """The UATs this deployment serves."""


@uat.command("add")
@click.option("--siruta", type=click.IntRange(1, None), required=True, help="SIRUTA code (CUATM in Moldova).")
@click.option("--name", required=True)
@click.option("--county", required=True)
@click.option("--kind", type=click.Choice(UAT_KINDS), default="comună",
              show_default=True)
@click.option("--boundary", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=True,
              help="The UAT's boundary: GeoPackage, shapefile, GeoJSON… in any CRS.")
@click.option("--settings", "uat_settings", default=None,
              help='Its own settings as JSON, e.g. {"signatories": {"primar": "…"}, "basemap": "…"}.')
def uat_add(siruta: int, name: str, county: str, kind: str, boundary: Path, uat_settings: str | None) -> None:
    """Add a UAT with its boundary."""
    import json

    from gis.uats import add_uat

    try:
        extra = json.loads(uat_settings) if uat_settings else {}
        if not isinstance(extra, dict):
            raise ValueError("--settings must be a JSON object")
        km2 = add_uat(_settings(), siruta, name, county, kind, boundary, extra)
    except json.JSONDecodeError:
        raise click.BadParameter("not JSON", param_hint="--settings") from None
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"UAT {siruta} {name} ({county}) added: {km2:.2f} km²")


@uat.command("list")
def uat_list() -> None:
    """The UATs, their area and number of current parcels."""
    from gis.uats import list_uats

    for u in list_uats(_settings()):
        click.echo(f"{u['siruta']:>7}  {u['name']:<30} {u['county']:<14} {u['kind']:<10} {u['km2']:>9} km²"
                   f"  {u['parcels']:>8} parcels")


@uat.command("treasury")
@click.option("--siruta", type=click.IntRange(1, None), required=True)
@click.option("--iban", required=True, help="The UAT's treasury account for fees (checked with mod-97).")
@click.option("--beneficiary", required=True, help='e.g. "Comuna Valea Verde".')
@click.option("--fiscal-code", required=True, help="The beneficiary's fiscal code (CIF).")
@click.option("--portal-url", default=None, help="The UAT's page on the online payment portal (ghiseul.ro), if any.")
def uat_treasury(siruta: int, iban: str, beneficiary: str, fiscal_code: str, portal_url: str | None) -> None:
    """Set the account citizens pay fees into (shown on a registered request's page and payment order)."""
    from gis.db import session_scope
    from gis.payment import TreasuryError, check_treasury, grouped, set_treasury

    value = {"iban": iban, "beneficiary": beneficiary, "fiscal_code": fiscal_code,
             **({"portal_url": portal_url} if portal_url else {})}
    try:
        check_treasury(value)  # before any connection: a wrong IBAN is refused whatever the database's state
        with session_scope(_settings(), actor="cli:uat-treasury") as s:
            done = set_treasury(s.connection(), siruta, value)
    except TreasuryError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"UAT {siruta}: fees to {grouped(done.iban)} ({done.beneficiary}, CIF {done.fiscal_code})"
               + (f", online: {done.portal_url}" if done.portal_url else ""))
