"""`teritoriu import`: a surveyor's file through the import pipeline."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from api.cli.common import settings as _settings
from importers.kinds import LAYER_KINDS


def _epsg(ctx, param, value):
    if value is None:
        return None
    raw = value.upper().removeprefix("EPSG:")
    if not raw.isdigit():
        raise click.BadParameter("give an EPSG code, e.g. EPSG:3844")
    return int(raw)


def _mapping(ctx, param, value):
    if value is None:
        return None
    import json

    try:
        data = json.loads(Path(value).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise click.BadParameter(f"{value}: {exc}") from None
    if not isinstance(data, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in data.items()):
        raise click.BadParameter('the mapping is a JSON object {"SOURCE_FIELD": "canonical_name"}')
    return data


@click.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--layer", "kind", required=True,
              type=click.Choice(LAYER_KINDS),
              help="what the file holds (a CGXML file carries its own: parcels, buildings, addresses)")
@click.option("--dry-run", is_flag=True, help="check and report; write nothing")
@click.option("--report", "report_path", type=click.Path(dir_okay=False, path_type=Path),
              help="write the report here: JSON, or a readable page if the name ends in .html")
@click.option("--crs", callback=_epsg, help="the coordinates' CRS when the file does not say (EPSG:N)")
@click.option("--encoding", help="the text encoding of a DBF without .cpg (utf-8, cp1250, iso-8859-2…)")
@click.option("--mapping", callback=_mapping, help='JSON file {"SOURCE_FIELD": "canonical_name"}')
@click.option("--make-valid", is_flag=True, help="repair invalid outlines (and report each)")
@click.option("--uat", type=int, help="the UAT (SIRUTA), when the database holds several")
@click.option("--dxf-layer", help="the DXF drawing layer whose closed polylines are the parcels")
@click.option("--accept-outlines", is_flag=True,
              help="a reprojected file's outlines replace the current legal ones (an officer's decision)")
@click.option("--lang", type=click.Choice(["ro", "en", "hu"]),
              help="the report's language (default: the locale's, English when it is none of these)")
def import_(path: Path, kind: str, dry_run: bool, report_path: Path | None, crs: int | None,
            encoding: str | None, mapping: dict | None, make_valid: bool, uat: int | None,
            dxf_layer: str | None, accept_outlines: bool, lang: str | None) -> None:
    """Import a surveyor's file (zipped shapefile, GeoPackage, GeoJSON, DXF, CGXML).

    Exit 0: imported (or, with --dry-run, clean); 1: rejected, nothing written (see the report);
    2: wrong usage."""
    import codecs
    import os

    from api.import_texts import cli_language, problem_texts, report_text
    from api.messages import message
    from importers.pipeline import Options, analyse_and_merge, record_job, sha256

    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise click.BadParameter(f"unknown encoding {encoding!r}", param_hint="--encoding") from None
    settings = _settings()
    options = Options(kind=kind, crs=crs, encoding=encoding, mapping=mapping, make_valid=make_valid, uat=uat,
                      dxf_layer=dxf_layer, accept_outlines=accept_outlines)
    lang = cli_language(lang)
    actor = f"cli:{os.environ.get('USER', 'operator')}"
    bar = None
    if sys.stderr.isatty():
        bar = click.progressbar(length=100, label=path.name, file=sys.stderr)
        bar.__enter__()

    def progress(stage: str, fraction: float) -> None:
        if bar is not None:
            bar.label = f"{path.name}: {stage}"
            bar.update(max(0, int(fraction * 100) - bar.pos))

    try:
        report, _ = analyse_and_merge(settings, path, options, actor, commit=not dry_run, progress=progress)
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    record_job(settings, report, options, actor, report.status, sha256(path))
    if report_path and report_path.suffix.lower() in (".html", ".htm"):
        from webmap.simple_page import report_document

        report_path.write_text(report_document(report, problem_texts(report, lang, "cli"), lang), encoding="utf-8")
    elif report_path:
        report.write_json(report_path)
    click.echo(report_text(report, lang))
    if not report.ok:
        click.echo(message("import.rejected", lang), err=True)
        sys.exit(1)
    click.echo(message("import.dry_run", lang) if dry_run else message("import.imported", lang,
                                                                        seconds=f"{report.seconds:.1f}"))
