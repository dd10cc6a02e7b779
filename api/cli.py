"""The `teritoriu` command line: one entry for the database, data, server and tools.

It lives at the top of the stack (it serves the app, runs importers), so it sits in `api/`.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from gis.settings import get_settings


def _settings():
    return get_settings()


@click.group()
def main() -> None:
    """Teritoriu: the territorial-administration GIS of a city hall."""


# -- database -------------------------------------------------------------------------------
@main.group()
def db() -> None:
    """The local PostGIS cluster and the schema."""


def _cluster():
    from gis.cluster import LocalCluster

    settings = _settings()
    if not settings.uses_local_cluster:
        raise click.ClickException(
            "TERITORIU_DATABASE_URL points at an external server; the local cluster is not used"
        )
    return LocalCluster(settings)


@db.command()
def start() -> None:
    """Create (first time) and start the local cluster; reuse it when running."""
    cluster = _cluster()
    cluster.start()
    click.echo(f"PostgreSQL running: data {cluster.data_dir}, socket {cluster.socket_dir}")


@db.command()
def stop() -> None:
    """Stop the local cluster (the data stays)."""
    _cluster().stop()
    click.echo("PostgreSQL stopped")


@db.command()
def status() -> None:
    """Say whether the local cluster exists and runs, and which migration the schema is at."""
    settings = _settings()
    if settings.uses_local_cluster:
        state = _cluster().status()
        click.echo(f"cluster: {state}")
        if state != "running":
            sys.exit(1)
    from gis.migrate import current

    click.echo(f"schema revision: {current(settings) or 'none'}")


@db.command()
def migrate() -> None:
    """Bring the schema to the latest migration."""
    from gis.migrate import upgrade

    settings = _settings()
    if settings.uses_local_cluster:
        _cluster().start()
    upgrade(settings)
    click.echo("schema up to date")


@db.command()
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def reset(yes: bool) -> None:
    """Drop the database and migrate it again (every record is lost)."""
    from gis.migrate import upgrade

    cluster = _cluster()
    if not yes:
        click.confirm(f"Drop database {cluster.settings.db_name} and all its records?", abort=True)
    cluster.start()
    cluster.drop_database(cluster.settings.db_name)
    cluster.ensure_database(cluster.settings.db_name)
    upgrade(cluster.settings)
    click.echo("database recreated")


# -- data -----------------------------------------------------------------------------------
@main.command()
@click.option("--parcels", "n_parcels", type=click.IntRange(500, None), default=2000, show_default=True)
@click.option("--seed", type=int, default=42, show_default=True)
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), required=True)
@click.option("--formats", type=click.Choice(["all", "gpkg"]), default=None,
              help="gpkg: only the GeoPackage and CSVs (for large benchmark communes). "
                   "Default: all for a commune, gpkg for a region.")
@click.option("--profile", type=click.Choice(["RO", "MD"], case_sensitive=False), default=None,
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


@main.group()
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


# -- certificates ---------------------------------------------------------------------------
@main.group()
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


@main.group()
def signing() -> None:
    """The certificate that signs issued PDFs (PAdES)."""


@signing.command("init")
@click.option("--name", default="Primăria (Teritoriu)", show_default=True)
def signing_init(name: str) -> None:
    """Create a self-signed signing certificate for the demo (kept if it exists)."""
    from gis.certificates.signing import create_self_signed

    key, cert = create_self_signed(_settings(), name)
    click.echo(f"signing certificate: {cert} (key {key})")


# -- accounts -------------------------------------------------------------------------------
@main.group()
def user() -> None:
    """Staff and citizen accounts."""


@user.command("create")
@click.option("--username", required=True)
@click.option("--full-name", required=True)
@click.option("--role", type=click.Choice(["citizen", "surveyor", "officer", "admin"]), required=True)
@click.option("--email", default=None)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--if-missing", is_flag=True, help="Do nothing when the account exists.")
@click.option("--uat", "uats", type=int, multiple=True,
              help="SIRUTA of a UAT the account works for (repeat); none: every UAT (county administrator).")
def user_create(username: str, full_name: str, role: str, email: str | None, password: str,
                if_missing: bool, uats: tuple[int, ...]) -> None:
    """Create an account (the password is stored as an scrypt hash)."""
    from sqlalchemy import select

    from gis.db import session_scope
    from gis.models import User
    from gis.passwords import hash_password

    if len(password) < 10:
        raise click.BadParameter("use at least 10 characters", param_hint="--password")
    with session_scope(_settings(), actor="cli:user-create") as session:
        existing = session.scalar(select(User).where(User.username == username))
        if existing is not None:
            if if_missing:
                return
            raise click.ClickException(f"account {username!r} exists")
        from sqlalchemy import text

        from gis.models.auth import UserUat

        known = set(session.execute(text("SELECT siruta FROM territory.uat")).scalars())
        if set(uats) - known:
            raise click.BadParameter(f"no UAT {', '.join(map(str, sorted(set(uats) - known)))}", param_hint="--uat")
        account = User(username=username, full_name=full_name, role=role, email=email,
                       password_hash=hash_password(password))
        session.add(account)
        session.flush()
        session.add_all(UserUat(user_id=account.id, uat_siruta=u) for u in sorted(set(uats)))
    scope = f" for UAT {', '.join(map(str, sorted(set(uats))))}" if uats else ""
    click.echo(f"account {username} ({role}) created{scope}")


# -- backup ----------------------------------------------------------------------------------
@main.command("backup")
@click.option("-o", "--output", "out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The archive (default: var/backups/<database>-<time>.tar).")
def backup_cmd(out: Path | None) -> None:
    """The database and every issued PDF in one tar file, with a manifest to check a restore."""
    from datetime import datetime

    from gis.backup import BackupError, backup
    from gis.cluster import ClusterError

    cluster = _cluster()
    settings = cluster.settings
    out = out or settings.var_dir / "backups" / f"{settings.db_name}-{datetime.now():%Y%m%d-%H%M%S}.tar"
    started = time.monotonic()
    try:
        cluster.start()  # a stopped cluster is started, as `db migrate` does
        info = backup(settings, out)
    except (BackupError, ClusterError) as exc:
        raise click.ClickException(str(exc)) from None
    rows = sum(t["rows"] for t in info["tables"].values())
    click.echo(f"copie de siguranță / backup: {out} ({out.stat().st_size / 1e6:.1f} MB, "
               f"{time.monotonic() - started:.1f} s): {len(info['tables'])} tables, {rows} rows, "
               f"{len(info['documents'])} issued documents")


@main.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--db", "db_name", default=None,
              help="A new (or empty) database to restore into (default: the configured one).")
def restore_cmd(archive: Path, db_name: str | None) -> None:
    """Restore a backup into an empty database and check every table and document against it."""
    from gis.backup import BackupError, restore
    from gis.cluster import ClusterError

    cluster = _cluster()
    db_name = db_name or cluster.settings.db_name
    started = time.monotonic()
    try:
        cluster.start()  # on a new machine: creates the cluster, then restores into it
        info = restore(cluster.settings, archive, db_name)
    except (BackupError, ClusterError) as exc:
        raise click.ClickException(str(exc)) from None
    rows = sum(t["rows"] for t in info["tables"].values())
    click.echo(f"restaurat / restored into {db_name} in {time.monotonic() - started:.1f} s: "
               f"{len(info['tables'])} tables, {rows} rows and {len(info['documents'])} documents, "
               f"all identical to the backup of {info['created_at']}")


# -- UATs -------------------------------------------------------------------------------------
@main.group()
def uat() -> None:
    """The UATs this deployment serves."""


@uat.command("add")
@click.option("--siruta", type=click.IntRange(1, None), required=True, help="SIRUTA code (CUATM in Moldova).")
@click.option("--name", required=True)
@click.option("--county", required=True)
@click.option("--kind", type=click.Choice(["comună", "oraș", "municipiu", "sector"]), default="comună",
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


@main.group()
def apikey() -> None:
    """API keys for other agencies (restricted OGC collections)."""


@apikey.command("create")
@click.option("--agency", required=True, help="Who the key is for, e.g. 'ANAF Bihor'.")
@click.option("--collections", required=True,
              help="Comma-separated restricted collections and processes the key may use.")
@click.option("--expires-days", type=click.IntRange(1, 3650), default=None)
def apikey_create(agency: str, collections: str, expires_days: int | None) -> None:
    """Create a key and print it once (only its hash is stored)."""
    from gis.apikeys import create_key
    from gis.db import session_scope
    from layers.ogc_config import restricted_grants

    wanted = [c.strip() for c in collections.split(",") if c.strip()]
    grants = restricted_grants()
    unknown = [c for c in wanted if c not in grants]
    if unknown or not wanted:
        raise click.BadParameter(f"not restricted collections or processes: "
                                 f"{', '.join(unknown) or '(none)'}; choose among {', '.join(grants)}",
                                 param_hint="--collections")
    with session_scope(_settings(), actor="cli:apikey") as session:
        row, plaintext = create_key(session, agency, wanted, expires_days)
    click.echo(f"API key for {row.agency} (prefix {row.prefix}), collections: "
               f"{', '.join(row.collections)}; shown only now:")
    click.echo(plaintext)


@apikey.command("revoke")
@click.argument("prefix")
def apikey_revoke(prefix: str) -> None:
    """Revoke a key by its prefix."""
    from gis.apikeys import revoke_key
    from gis.db import session_scope

    with session_scope(_settings(), actor="cli:apikey") as session:
        if not revoke_key(session, prefix):
            raise click.ClickException(f"no active key with prefix {prefix!r}")
    click.echo(f"key {prefix} revoked")


@apikey.command("list")
def apikey_list() -> None:
    """List keys (prefix, agency, grants, state); never the keys themselves."""
    from sqlalchemy import select

    from gis.db import session_scope
    from gis.models import ApiKey

    with session_scope(_settings(), actor="cli:apikey") as session:
        for k in session.scalars(select(ApiKey).order_by(ApiKey.id)):
            state = "revoked" if k.revoked_at else f"expires {k.expires_at:%Y-%m-%d}" if k.expires_at else "active"
            click.echo(f"{k.prefix}  {k.agency}  {','.join(k.collections)}  {state}  "
                       f"last used {k.last_used_at or '-'}")


# -- audit ----------------------------------------------------------------------------------
@main.group()
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


# -- imports --------------------------------------------------------------------------------
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


@main.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--layer", "kind", required=True,
              type=click.Choice(["parcels", "buildings", "streets", "addresses", "zones", "agri"]),
              help="what the file holds (a CGXML file carries its own: parcels, buildings, addresses)")
@click.option("--dry-run", is_flag=True, help="check and report; write nothing")
@click.option("--report", "report_path", type=click.Path(dir_okay=False, path_type=Path),
              help="write the report here: JSON, or a readable page if the name ends in .html")
@click.option("--crs", callback=_epsg, help="the coordinates' CRS when the file does not say (EPSG:N)")
@click.option("--encoding", help="the text encoding of a DBF without .cpg (utf-8, cp1250, iso-8859-2…)")
@click.option("--mapping", callback=_mapping, help='JSON file {"SOURCE_FIELD": "canonical_name"}')
@click.option("--make-valid", is_flag=True, help="repair invalid outlines (and report each)")
@click.option("--uat", type=int, help="the UAT (SIRUTA), when the database holds several")
def import_(path: Path, kind: str, dry_run: bool, report_path: Path | None, crs: int | None,
            encoding: str | None, mapping: dict | None, make_valid: bool, uat: int | None) -> None:
    """Import a surveyor's file (zipped shapefile, GeoPackage, GeoJSON, DXF, CGXML).

    Exit 0: imported (or, with --dry-run, clean); 1: rejected, nothing written (see the report);
    2: wrong usage."""
    import codecs
    import json
    import os

    from importers.pipeline import Options, analyse_and_merge, record_job, sha256

    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise click.BadParameter(f"unknown encoding {encoding!r}", param_hint="--encoding") from None
    settings = _settings()
    options = Options(kind=kind, crs=crs, encoding=encoding, mapping=mapping, make_valid=make_valid, uat=uat)
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
        from webmap.simple_page import page_html

        from gis.settings import PROJECT_ROOT

        css = (PROJECT_ROOT / "webmap" / "static" / "css" / "map.css").read_text(encoding="utf-8")
        report_path.write_text(page_html(f"Raport import: {path.name}", report.html(), css=css), encoding="utf-8")
    elif report_path:
        report_path.write_text(json.dumps(report.to_json(), ensure_ascii=False, indent=2), encoding="utf-8")
    click.echo(report.text())
    if not report.ok:
        click.echo("Rejected: nothing was written.", err=True)
        sys.exit(1)
    click.echo("Dry run: nothing was written." if dry_run else f"Imported in {report.seconds:.1f} s.")


# -- web ------------------------------------------------------------------------------------
@main.command()
@click.option("--host", default=None)
@click.option("--port", type=int, default=None)
@click.option("--debug", is_flag=True)
@click.option("--production", is_flag=True, help="gunicorn: a worker per core, threads, recycled workers")
@click.option("--workers", type=int, default=None, help="with --production: worker processes (default: cores)")
@click.option("--threads", type=int, default=4, help="with --production: threads per worker")
def serve(host: str | None, port: int | None, debug: bool, production: bool, workers: int | None,
          threads: int) -> None:
    """Serve the web map, the staff workspace, /api and /ogc."""
    from gis.settings import load_settings

    settings = load_settings(host=host, port=port)
    if production:
        from api.production import ProductionServer, gunicorn_options

        options = gunicorn_options(settings, workers, threads)
        click.echo(f"Teritoriu (production: {options['workers']} workers × {threads} threads) on "
                   f"{settings.base_url}/")
        ProductionServer(settings, options).run()
        return
    from api import create_app

    app = create_app(settings)
    click.echo(f"Teritoriu on {settings.base_url}/  (OGC API: {settings.base_url}/ogc)")
    app.run(host=settings.host, port=settings.port, debug=debug, use_reloader=False, threaded=True)


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


if __name__ == "__main__":
    run()
