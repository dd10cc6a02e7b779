"""`teritoriu generate` and `teritoriu samples`: synthetic communes and loading them."""

from __future__ import annotations

import time
from pathlib import Path

import click

from api.cli.common import settings as _settings
from gis.profiles import PROFILES


@click.command()
@click.option("--parcels", "n_parcels", type=click.IntRange(500, None), default=2000, show_default=True)
@click.option("--seed", type=int, default=42, show_default=True)
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), required=True)
@click.option("--formats", type=click.Choice(["all", "gpkg"]), default=None,
              help="gpkg: only the GeoPackage and CSVs (for large benchmark communes). "
                   "Default: all for a commune, gpkg for a region.")
@click.option("--profile", type=click.Choice(list(PROFILES), case_sensitive=False), default=None,
              help="National profile of the commune (default: the deployment's, TERITORIU_PROFILE).")
@click.option("--uats", "n_uats", type=click.IntRange(1, 500), default=None,
              help="A region: this many communes side by side, each its own UAT, one folder each.")
@click.option("--parcels-per-uat", "per_uat", type=click.IntRange(100, None), default=None,
              help="With --uats: parcels of each commune (default: --parcels).")
def generate(n_parcels: int, seed: int, out_dir: Path, formats: str | None, profile: str | None,
             n_uats: int | None, per_uat: int | None) -> None:
    """Write a fictional commune (or with --uats, a region of them) of any size (deterministic by seed)."""
    from gis.synthetic import generate as run

    is_md = (profile or _settings().profile).upper() == "MD"
    if n_uats is not None:
        if is_md:
            raise click.UsageError("--uats builds Romanian communes only")
        from gis.synthetic import generate_region

        started = time.monotonic()
        summary = generate_region(n_uats, per_uat or n_parcels, seed, out_dir, formats=formats or "gpkg")
        counts = ", ".join(f"{k}: {v}" for k, v in summary["counts"].items())
        click.echo(f"wrote {n_uats} UATs into {out_dir} in {time.monotonic() - started:.1f} s ({counts})")
        return
    if per_uat is not None:
        raise click.UsageError("--parcels-per-uat goes with --uats")
    if is_md:
        from gis.synthetic.moldova import generate_md as run

    started = time.monotonic()
    summary = run(n_parcels, seed, out_dir, formats=formats or "all")
    counts = ", ".join(f"{k}: {v}" for k, v in summary.get("counts", {}).items())
    click.echo(f"wrote {out_dir} in {time.monotonic() - started:.1f} s ({counts})")


@click.group()
def samples() -> None:
    """The sample commune of data-samples/."""


@samples.command("load")
@click.option("--dir", "src", type=click.Path(exists=True, file_okay=False, path_type=Path),
              default=None, help="A folder written by `teritoriu generate` (default: data-samples/); "
                                 "a region's folder (`--uats`) loads every UAT in it.")
def samples_load(src: Path | None) -> None:
    """Load a generated commune or region; loading the same one twice changes nothing."""
    from gis.samples import is_region, load_commune, load_region

    settings = _settings()
    src = src or settings.samples_dir
    if is_region(src):
        started = time.monotonic()
        reports = load_region(settings, src, progress=lambda r: click.echo(r.summary()))
        changed = sum(1 for r in reports if r.total_changed)
        click.echo(f"{src}: {len(reports)} UATs in {time.monotonic() - started:.1f} s "
                   f"({changed} with new or changed rows)")
        return
    report = load_commune(settings, src)
    click.echo(report.summary())
