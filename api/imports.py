"""Imports over the web: surveyors upload, an officer reviews the differences and accepts.

    POST /api/imports                  multipart: file, layer, crs?, encoding?, mapping? (JSON),
                                       make_valid?, dry_run?, dxf_layer? → 202 {id, status, url}
    GET  /api/imports/<id>             status and report
    GET  /api/imports/<id>/features    the staged features (GeoJSON, CRS84; change per feature)
    POST /api/imports/<id>/accept      officer: commit (checked again against today's database);
                                       accept_outlines=1: a reprojected file's outlines replace the legal ones
    POST /api/imports/<id>/reject      officer: discard
    POST /api/imports/<id>/recheck     the same file checked again with mapping (JSON) / dxf_layer → 202 {id}
The check runs in a background thread; the uploaded file is kept under var/imports/<id>/ and in the
database (importers/uploads.py: any app server may take the decision) until the officer decides, so
that the commit reads exactly what was checked; a refused or checked file
stays there until it is checked again (it then moves to the new job).
"""

from __future__ import annotations

import json
import re
import shutil
import threading
from pathlib import Path

from flask import Blueprint, current_app, jsonify, request
from sqlalchemy import text

from api.bodies import MB, body_limit
from api.errors import fail
from api.messages import message
from api.staff import csrf_token, current_user, requires, scope_by_uat, staff_actor
from gis.db import get_engine
from gis.roles import EDITORS, UPLOADERS
from importers import uploads
from importers.fields import targets
from importers.kinds import LAYER_KINDS
from importers.pipeline import (
    Options,
    analyse_and_merge,
    fail_interrupted_jobs,
    record_job,
    running_job,
    sha256,
    store_staged,
    update_job,
)
from importers.report import Report

MAPPING_EXAMPLE = '{"SOURCE_FIELD": "canonical_name"}'
bp = Blueprint("imports", __name__, url_prefix="/api/imports")
scope_by_uat(bp)
DECIDERS = EDITORS
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


def _settings():
    return current_app.extensions["teritoriu.settings"]


def folder(settings, job: int) -> Path:
    """Where an upload waits for its decision (per database: job numbers restart with it)."""
    return Path(settings.var_dir) / "imports" / settings.db_name / str(job)


def options_from_form(form) -> Options:
    kind = form.get("layer", "parcels")
    if kind not in LAYER_KINDS:
        fail(400, "imports.layer", allowed=", ".join(LAYER_KINDS))
    crs = form.get("crs") or None
    if crs is not None:
        raw = crs.upper().removeprefix("EPSG:")
        if not raw.isdigit():
            fail(400, "imports.crs")
        crs = int(raw)
    encoding = form.get("encoding") or None
    if encoding is not None:
        import codecs

        try:
            codecs.lookup(encoding)
        except LookupError:
            fail(400, "imports.encoding", encoding=repr(encoding))
    mapping = form.get("mapping") or None
    if mapping is not None:
        try:
            mapping = json.loads(mapping)
        except ValueError:
            fail(400, "imports.mapping", example=MAPPING_EXAMPLE)
        if not isinstance(mapping, dict) or not all(isinstance(v, str) for v in mapping.values()):
            fail(400, "imports.mapping", example=MAPPING_EXAMPLE)
    uat = form.get("uat") or None
    if uat is not None and not str(uat).isdigit():
        fail(400, "usage.uat")
    return Options(kind=kind, crs=crs, encoding=encoding, mapping=mapping,
                   make_valid=form.get("make_valid") in ("1", "true", "on"), uat=int(uat) if uat else None,
                   dxf_layer=(form.get("dxf_layer") or None))


def _check_in_background(settings, job: int, path: Path, options: Options, actor: str, dry_run: bool) -> None:
    with running_job(settings, job):
        _check(settings, job, path, options, actor, dry_run)


def _check(settings, job: int, path: Path, options: Options, actor: str, dry_run: bool) -> None:
    try:
        report, staged = analyse_and_merge(settings, path, options, actor, commit=False, keep_staged=not dry_run)
        status = "rejected" if not report.ok else ("checked" if dry_run else "staged")
        report.status = status
        if staged.rows and status == "staged":
            store_staged(settings, job, staged)
        update_job(settings, job, status, report, uat=report.uat)
    except Exception as exc:  # the job must end in a state a person can read
        current = Report(source=path.name, kind=options.kind, status="failed")
        current.add("error", "failed", f"the import failed unexpectedly ({type(exc).__name__}); nothing was written",
                    params={"error": type(exc).__name__})
        update_job(settings, job, "failed", current)
        raise
    finally:
        if status_is_final(settings, job):
            shutil.rmtree(folder(settings, job), ignore_errors=True)
            uploads.forget(get_engine(settings, "app"), job)


def status_is_final(settings, job: int) -> bool:
    """Nothing more will read the file: not waiting for a decision, nor for a new check."""
    with get_engine(settings, "app").connect() as conn:
        status = conn.execute(text("SELECT status FROM importing.job WHERE id = :id"), {"id": job}).scalar_one()
    return status not in ("running", "staged", "rejected", "checked")


@bp.post("")
@body_limit(200 * MB, staff=True)  # 200 MB for signed-in staff only (api/bodies.py)
@requires(*UPLOADERS)
def upload():
    settings = _settings()
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        fail(400, "imports.file")
    options = options_from_form(request.form)
    dry_run = request.form.get("dry_run") in ("1", "true", "on")
    actor = staff_actor()
    name = _SAFE.sub("_", Path(upload.filename).name)[:120] or "upload"
    job = _start(settings, name, options, actor, dry_run, upload.save)
    return jsonify(id=job, status="running", url=f"/api/imports/{job}"), 202


def _start(settings, name: str, options: Options, actor: str, dry_run: bool, put) -> int:
    """A new job whose file `put(path)` writes, checked in the background."""
    pending = Report(source=name, kind=options.kind, status="running")
    job = record_job(settings, pending, options, actor, "running", None)
    target = folder(settings, job)
    shutil.rmtree(target, ignore_errors=True)  # left by a database that was dropped and created again
    target.mkdir(parents=True, mode=0o700)
    path = target / name
    put(path)
    with get_engine(settings, "app").begin() as conn:
        conn.execute(text("UPDATE importing.job SET file_sha256 = :s WHERE id = :id"), {"s": sha256(path), "id": job})
    uploads.keep(get_engine(settings, "app"), job, path)  # for the server that will take the decision
    threading.Thread(target=_check_in_background, args=(settings, job, path, options, actor, dry_run),
                     daemon=True, name=f"import-{job}").start()
    return job


def recheck(job: int, mapping: dict | None, dxf_layer: str | None) -> int:
    """The file of a refused or checked job checked again as a new job, with a field mapping (from the
    page's form) and the DXF layer chosen; the file moves to the new job. Returns its number."""
    settings = _settings()
    row = _job(job)
    if row["status"] not in ("rejected", "checked"):
        fail(409, "imports.recheck_state", status=row["status"])
    source = uploads.local_file(get_engine(settings, "app"), job, folder(settings, job))
    if source is None:
        fail(409, "imports.file_gone")
    if mapping is not None and (not isinstance(mapping, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in mapping.items())):
        fail(400, "imports.mapping", example=MAPPING_EXAMPLE)
    known = set().union(*(targets(k) for k in LAYER_KINDS))
    if mapping and not set(mapping.values()) <= known:
        fail(400, "imports.mapping_targets", allowed=", ".join(sorted(known)))
    options = Options(**{**row["options"], "mapping": mapping or None, "dxf_layer": dxf_layer or None})
    new = _start(settings, source.name, options, staff_actor(), row["status"] == "checked",
                 lambda path: shutil.move(source, path))
    shutil.rmtree(folder(settings, job), ignore_errors=True)
    uploads.forget(get_engine(settings, "app"), job)
    return new


@bp.post("/<int:job>/recheck")
@requires(*UPLOADERS)
def recheck_api(job: int):
    body = request.get_json(silent=True) if request.is_json else request.form
    mapping = (body or {}).get("mapping")
    if isinstance(mapping, str):
        try:
            mapping = json.loads(mapping) if mapping else None
        except ValueError:
            fail(400, "imports.mapping", example=MAPPING_EXAMPLE)
    new = recheck(job, mapping, (body or {}).get("dxf_layer"))
    return jsonify(id=new, status="running", url=f"/api/imports/{new}"), 202


def _job(job: int) -> dict:
    fail_interrupted_jobs(_settings())
    with get_engine(_settings(), "app").connect() as conn:
        row = conn.execute(text("""
            SELECT id, created_at, created_by, source_name, kind, uat_siruta, status, options, report,
                   decided_by, decided_at FROM importing.job WHERE id = :id"""), {"id": job}).mappings().one_or_none()
    if row is None:
        fail(404, "imports.not_found", job=job)
    user = current_user()
    if user["role"] not in DECIDERS and row["created_by"] != staff_actor():
        fail(403, "imports.forbidden")
    out = dict(row)
    for k in ("created_at", "decided_at"):
        out[k] = out[k].isoformat() if out[k] else None
    return out


@bp.get("/<int:job>")
@requires(*UPLOADERS)
def status(job: int):
    return jsonify(_job(job))


@bp.get("/<int:job>/features")
@requires(*UPLOADERS)
def features(job: int):
    _job(job)
    with get_engine(_settings(), "app").connect() as conn:
        collection = conn.execute(text("""
            SELECT json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(json_build_object(
                'type', 'Feature', 'id', idx, 'geometry', ST_AsGeoJSON(ST_Transform(geom, 4326), 7)::json,
                'properties', json_build_object('change', change, 'key', key, 'kind', attributes->>'_kind'))
                ORDER BY idx), '[]'))
            FROM importing.staged_feature WHERE job_id = :id AND change <> 'unchanged'"""), {"id": job}).scalar_one()
    return jsonify(collection)


def decide(job: int, accept: bool, accept_outlines: bool = False) -> dict:
    """An officer's decision on a staged import; accepting commits it after checking it again.
    `accept_outlines`: a reprojected file's outlines replace the current legal ones."""
    settings = _settings()
    engine = get_engine(settings, "app")
    with uploads.deciding(engine, job):  # once, whichever server or worker is asked (importers/uploads.py)
        row = _job(job)
        if row["status"] != "staged":
            fail(409, "imports.decision_state", status=row["status"])
        actor = staff_actor()
        if not accept:
            update_job(settings, job, "discarded", decided_by=actor)
        else:
            path = uploads.local_file(engine, job, folder(settings, job))
            if path is None:
                fail(409, "imports.file_gone")
            options = Options(**{**row["options"], "accept_outlines": accept_outlines})
            report, _ = analyse_and_merge(settings, path, options, actor, commit=True)
            update_job(settings, job, report.status if report.ok else "rejected", report, decided_by=actor)
    shutil.rmtree(folder(settings, job), ignore_errors=True)
    uploads.forget(engine, job)
    return _job(job)


@bp.post("/<int:job>/accept")
@requires(*DECIDERS)
def accept(job: int):
    body = (request.get_json(silent=True) or {}) if request.is_json else request.form
    out = decide(job, True, str(body.get("accept_outlines", "")).lower() in ("1", "true", "on"))
    return jsonify(out), (200 if out["status"] == "committed" else 409)


@bp.post("/<int:job>/reject")
@requires(*DECIDERS)
def reject(job: int):
    return jsonify(decide(job, False))


def review_page(job: int) -> str:
    """The review page of an import (webmap/imports.py) in the reader's language: the report, the
    field-mapping form for the file's columns, the upload form when the file was refused, the
    officer's decision (with the choice of a reprojected file's outlines when there is one)."""
    from api.import_texts import problem_texts
    from api.messages import request_language
    from webmap.imports import review_html
    from webmap.simple_page import report_html

    row = _job(job)
    lang = request_language()
    report = Report.from_json(row["report"]) if row["report"] else None
    fragment = report_html(report, problem_texts(report, lang), lang, interactive=True) if report else ""
    mapping, dxf_layers = [], {}
    if report is not None and row["status"] in ("rejected", "checked", "staged"):
        for layer in report.layers:
            dxf_layers.update(layer.get("dxf_layers") or {})
            if layer.get("columns") and not layer.get("dxf_layers"):
                mapping.append({"name": layer["name"], "columns": layer["columns"],
                                "mapped": layer.get("mapped") or {}, "targets": targets(layer["kind"])})
    can_recheck = row["status"] in ("rejected", "checked")
    offer = report is not None and any(p.code == "outline_kept" for p in report.problems)
    return review_html(_settings(), row, fragment, csrf_token(), current_user()["role"] in DECIDERS, lang,
                       mapping=mapping if can_recheck else None, dxf_layers=dxf_layers if can_recheck else None,
                       dxf_chosen=(row["options"] or {}).get("dxf_layer"),
                       show_upload=row["status"] in ("rejected", "failed"), offer_outlines=offer,
                       accept_says=message("import.accept_says", lang, **{  # what accepting writes
                           k: report.summary.get(k, 0) if report else 0 for k in ("new", "changed", "unchanged")}))
