"""The import pipeline (DESIGN.md §7): read → detect CRS and encoding → map fields → validate →
stage → report → commit.

Everything happens in one database transaction. Each layer's features go into a temporary
table, are classified against the current objects (new, changed, unchanged; parcels also
retire the current parcels they replace), checked in PostGIS, and merged. A dry run and a
staged upload run exactly the same steps and roll back at the end, so the report of a dry run
is the report of the commit; a rejected import therefore never leaves anything behind.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import numpy as np
import shapely
from sqlalchemy import Connection, text

from gis import tolerances
from gis.db import get_engine, set_actor
from gis.faults import fault_point
from gis.profiles import get_profile
from gis.settings import Settings
from importers.kinds import KINDS, ORDER, Kind
from importers.report import Report

FAMILY = {"polygon": ("Polygon", "MultiPolygon"), "line": ("LineString", "MultiLineString"),
          "point": ("Point", "MultiPoint")}


@dataclass(frozen=True)
class Rules:
    overlap_m2: float = tolerances.OVERLAP_M2          # overlaps smaller than this are numerical noise
    replace_share: float = tolerances.REPLACE_SHARE    # a current parcel covered this much is replaced
    area_tolerance: float = tolerances.AREA_SHARE      # legal vs measured area: a warning beyond this share
    min_area_m2: float = tolerances.MIN_POLYGON_M2     # a polygon smaller than this is a drawing error
    width_m: float = tolerances.ROUNDING_M             # overlaps thinner than this are rounding: snapped
    reprojected_from: int | None = None                # the layer's own CRS when it was transformed
    accept_outlines: bool = False                      # the officer accepts reprojected outlines of current parcels
    srid: int = 0

    def for_layer(self, layer, options: Options, srid: int) -> Rules:
        """A reprojected layer is as accurate as its transformation (gis/tolerances.py)."""
        moved = layer.reprojected_from
        return replace(self, width_m=tolerances.REPROJECTION_M if moved else tolerances.ROUNDING_M,
                       reprojected_from=moved, accept_outlines=options.accept_outlines, srid=srid)


@dataclass
class Options:
    kind: str = "parcels"
    crs: int | None = None
    encoding: str | None = None
    mapping: dict | None = None
    make_valid: bool = False
    uat: int | None = None
    accept_outlines: bool = False      # replace current legal outlines by a reprojected file's (officer's choice)
    dxf_layer: str | None = None       # the DXF layer whose closed polylines are the parcels

    def to_json(self) -> dict:
        return asdict(self)


@dataclass
class Staged:
    """The features of a checked import, for the officer's review map."""
    rows: list[tuple] = field(default_factory=list)  # (idx, change, key, target_id, attrs json, ewkb hex)


class ImportFailed(Exception):
    """The file cannot be imported; the report says why."""

    def __init__(self, report: Report):
        super().__init__("; ".join(p.message for p in report.errors[:3]))
        self.report = report


Progress = Callable[[str, float], None]


def _quiet(stage: str, fraction: float) -> None:
    pass


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _uats(conn: Connection) -> dict[int, shapely.Geometry]:
    return {siruta: shapely.from_wkb(bytes(wkb)) for siruta, wkb in conn.execute(text(
        "SELECT siruta, ST_AsBinary(geom) FROM territory.uat"))}


def _choose_uat(uats: dict, geoms: np.ndarray, wanted: int | None, report: Report) -> int | None:
    if wanted is not None:
        if wanted not in uats:
            report.add("error", "unknown_uat", f"there is no UAT with SIRUTA {wanted} in this database",
                       params={"siruta": wanted})
            return None
        return wanted
    if len(uats) == 1:
        return next(iter(uats))
    points = shapely.point_on_surface(geoms[~shapely.is_missing(geoms)])
    counts = {s: int(shapely.covered_by(points, g).sum()) for s, g in uats.items()}
    best = max(counts, key=counts.get, default=None)
    if best is None or counts[best] == 0:
        report.add("error", "outside_uat", "the features lie in none of the UATs of this database",
                   params={"variant": "none"})
        return None
    return best


def _geometry_checks(kind: Kind, layer_name: str, geoms: np.ndarray, boundary, options: Options,
                     rules: Rules, report: Report, fids: list[str | None]) -> np.ndarray:
    """Per-feature geometry rules (vectorised). Returns the geometries to keep (None: rejected)."""
    out = geoms.copy()
    wanted = FAMILY[kind.family]
    missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    types = shapely.get_type_id(geoms)
    names = np.array(["Point", "LineString", "LinearRing", "Polygon", "MultiPoint", "MultiLineString",
                      "MultiPolygon", "GeometryCollection"])
    valid = shapely.is_valid(geoms)
    inside = shapely.covered_by(geoms, boundary.buffer(0.5)) if boundary is not None else np.ones(len(geoms), bool)
    for i in range(len(geoms)):
        where = {"layer": layer_name, "feature": i, "fid": fids[i]}
        if missing[i]:
            report.add("error", "no_geometry", "the feature has no geometry", **where)
            out[i] = None
            continue
        gtype = names[types[i]] if types[i] >= 0 else "?"
        if gtype not in wanted:
            if kind.family == "point" and gtype in FAMILY["polygon"]:
                out[i] = shapely.point_on_surface(geoms[i])   # an address given as its parcel: its inner point
                report.add("warning", "polygon_to_point", f"the address is a {gtype}: its inner point was taken "
                           "as the address point", params={"type": gtype}, **where)
            else:
                report.add("error", "wrong_type", f"a {gtype} where {kind.name} need "
                           f"{' or '.join(wanted)} geometries",
                           params={"type": gtype, "kind": kind.name, "wanted": " / ".join(wanted)}, **where)
                out[i] = None
                continue
        if not valid[i]:
            reason = shapely.is_valid_reason(geoms[i])
            if options.make_valid and kind.family == "polygon":
                repaired = shapely.make_valid(geoms[i])
                polygons = [g for g in getattr(repaired, "geoms", [repaired]) if g.geom_type in wanted]
                if polygons:
                    out[i] = shapely.union_all(polygons)
                    report.add("warning", "repaired", f"the outline was not valid ({reason}) and was repaired "
                               f"(--make-valid): check it", params={"reason": reason}, **where)
                else:
                    report.add("error", "invalid_geometry", f"the outline is not valid ({reason}) and cannot be "
                               "repaired", params={"variant": "unrepairable", "reason": reason}, **where)
                    out[i] = None
                    continue
            else:
                report.add("error", "invalid_geometry", f"the outline is not valid ({reason}): fix it, or "
                           "import with --make-valid", params={"reason": reason}, **where)
                out[i] = None
                continue
        if kind.family == "polygon" and shapely.area(out[i]) < rules.min_area_m2:
            report.add("error", "too_small", f"the polygon covers only {shapely.area(out[i]):.3f} m²",
                       params={"area": round(float(shapely.area(out[i])), 3)}, **where)
            out[i] = None
            continue
        if not inside[i]:
            report.add("error", "outside_uat", "the feature lies (partly) outside the UAT boundary", **where)
            out[i] = None
    return out


def _load_temp(conn: Connection, rows: list[tuple], srid: int) -> None:
    # No index on idx: with one, the planner intersects the GiST probe of the self-join
    # (`a.idx < b.idx AND a.geom && b.geom`) with a third of the table each time (minutes at 100k).
    # Every feature starts 'new'; classifying marks the ones that match a current object (an UPDATE
    # of every unmatched row afterwards cost 2.5-5 s at 100k).
    conn.execute(text("DROP TABLE IF EXISTS imp"))
    conn.execute(text(f"CREATE TEMP TABLE imp (idx integer, key text, attrs jsonb, "
                      f"geom geometry(Geometry, {int(srid)}), change text DEFAULT 'new', target_id bigint) "
                      "ON COMMIT DROP"))
    raw = conn.connection.driver_connection
    with raw.cursor().copy("COPY imp (idx, key, attrs, geom) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
    conn.execute(text("CREATE INDEX ON imp USING gist (geom)"))
    conn.execute(text("CREATE INDEX ON imp (key)"))
    conn.execute(text("ANALYZE imp"))


def _check_layer(conn, settings: Settings, kind: Kind, layer, uat: int, boundary, options: Options, rules: Rules,
                 report: Report, srid: int, progress: Progress) -> list[tuple]:
    frame = layer.frame
    name = layer.name
    geoms = np.asarray(frame.geometry.values, dtype=object) if len(frame) else np.array([], dtype=object)
    records = frame.drop(columns=frame.geometry.name).to_dict("records") if len(frame) else []
    attrs: list[dict | None] = []
    fids: list[str | None] = []
    national = get_profile(settings.profile)  # cadastral numbers and postal codes follow its rules
    for i, row in enumerate(records):
        where = {"layer": name, "feature": i}
        attrs.append(kind.attributes(row, report, where, national))
        fids.append(where.get("fid"))
        if i % 5000 == 0:
            progress(f"{name}: attributes", i / max(1, len(records)))
    kept = _geometry_checks(kind, name, geoms, boundary, options, rules, report, fids)
    kind.prepare(conn, uat, attrs, kept, report, name)
    keys: dict[str, list[int]] = {}
    for i, a in enumerate(attrs):
        if a is not None and kept[i] is not None:
            keys.setdefault(kind.key(a), []).append(i)
    for key, idxs in keys.items():
        if len(idxs) > 1:
            for i in idxs:
                others = ", ".join(f"#{j}" for j in idxs if j != i)
                report.add("error", "duplicate_in_file", f"{key} appears more than once in the file (also {others})",
                           params={"key": key, "others": others}, layer=name, feature=i, fid=key)
    # the same outline twice under different keys
    wkb = shapely.to_wkb(kept[[k is not None for k in kept]]) if any(k is not None for k in kept) else []
    seen: dict[bytes, int] = {}
    for i, g in zip([i for i, k in enumerate(kept) if k is not None], wkb, strict=True):
        if g in seen and attrs[i] is not None and attrs[seen[g]] is not None:
            report.add("error", "duplicate_geometry", f"the same geometry as feature #{seen[g]}", layer=name,
                       params={"other": seen[g]}, feature=i, fid=fids[i])
        seen.setdefault(g, i)
    rows = []
    for i, (a, g) in enumerate(zip(attrs, kept, strict=True)):
        if a is None or g is None:
            continue
        rows.append((i, kind.key(a), json.dumps(a, ensure_ascii=False),
                     shapely.to_wkb(shapely.set_srid(g, srid), hex=True, include_srid=True, output_dimension=2)))
    progress(f"{name}: checks in PostGIS", 0.5)
    _load_temp(conn, rows, srid)
    kind.classify(conn, uat, report, name, rules)
    kind.checks(conn, uat, report, name, rules)
    return rows


def analyse_and_merge(settings: Settings, path: Path, options: Options, actor: str, commit: bool,
                      progress: Progress = _quiet, keep_staged: bool = False) -> tuple[Report, Staged]:
    """Run every step; write only when `commit` and the report has no error."""
    from importers.detect import resolve_crs
    from importers.model import ImportRefused, Limits
    from importers.read import read_source

    started = time.monotonic()
    path = Path(path)
    report = Report(source=path.name, kind=options.kind)
    staged = Staged()
    srid = get_profile(settings.profile).storage_srid
    rules = Rules(area_tolerance=settings.edit_area_tolerance)
    work = Path(tempfile.mkdtemp(prefix="import-", dir=_tmp_dir(settings)))
    os.chmod(work, 0o700)
    try:
        progress("reading", 0.0)
        try:
            layers = read_source(path, options.kind, crs=options.crs, encoding=options.encoding,
                                 mapping=options.mapping, limits=Limits(), workdir=work, dxf_layer=options.dxf_layer)
        except ImportRefused as exc:
            for n in exc.notes:
                report.add(n.severity, n.code, n.message, params=n.params, feature=n.feature, fid=n.fid)
            if report.ok:
                report.add("error", "unreadable", str(exc) or "the file cannot be read",
                           params={"name": path.name, "reason": "-"})
            report.status = "rejected"
            return report, staged
        fault_point("import.read")
        with get_engine(settings, "app").connect() as conn:
            transaction = conn.begin()
            try:
                set_actor(conn, actor)
                uats = _uats(conn)
                union = shapely.union_all(list(uats.values())) if uats else None
                resolved = []
                for layer in layers:
                    for n in layer.notes:
                        report.add(n.severity, n.code, n.message, params=n.params, layer=layer.name, feature=n.feature,
                                   fid=n.fid)
                    # every layer read is listed, refused or not: the page offers its columns to map
                    entry = {"name": layer.name, "kind": layer.kind or options.kind, "features": len(layer.frame),
                             "crs": layer.crs, "reprojected_from": None, "encoding": layer.encoding,
                             "unmapped": list(layer.unmapped), "columns": list(layer.columns),
                             "mapped": dict(layer.mapped), "dxf_layers": dict(layer.dxf_layers)}
                    report.layers.append(entry)
                    if any(n.severity == "error" for n in layer.notes):
                        continue
                    try:
                        layer = resolve_crs(layer, union, get_profile(settings.profile), options.crs)
                    except ImportRefused as exc:
                        for n in exc.notes:
                            report.add(n.severity, n.code, n.message, params=n.params, layer=layer.name)
                        continue
                    resolved.append(layer)
                    entry.update(crs=layer.crs, reprojected_from=layer.reprojected_from)
                _resolution_notes(layers, resolved, report)
                if not resolved and report.ok:
                    report.add("error", "no_layer", "the file holds no layer that can be imported")
                geoms = np.concatenate([np.asarray(x.frame.geometry.values, dtype=object) for x in resolved]) \
                    if resolved else np.array([], dtype=object)
                uat = _choose_uat(uats, geoms, options.uat, report) if len(geoms) or options.uat else None
                report.uat = uat
                boundary = uats.get(uat)
                conn.execute(text("CREATE TEMP TABLE staged_parcels (key text) ON COMMIT DROP"))
                for kind_name in ORDER:
                    for layer in [x for x in resolved if (x.kind or options.kind) == kind_name]:
                        if kind_name not in KINDS:
                            report.add("error", "unsupported", f"importing {kind_name} is not supported yet",
                                       params={"kind": kind_name},
                                       layer=layer.name)
                            continue
                        if uat is None:
                            continue
                        kind = KINDS[kind_name]
                        before = len(report.errors)
                        _check_layer(conn, settings, kind, layer, uat, boundary, options,
                                     rules.for_layer(layer, options, srid), report, srid, progress)
                        counts = dict(conn.execute(text("SELECT change, count(*) FROM imp GROUP BY 1")).all())
                        report.summary["features"] += len(layer.frame)
                        for change in ("new", "changed", "unchanged", "retired"):
                            report.summary[change] += counts.get(change, 0)
                        if kind_name == "parcels":
                            conn.execute(text("INSERT INTO staged_parcels SELECT key FROM imp WHERE idx >= 0"))
                        if keep_staged:
                            offset = len(staged.rows)
                            staged.rows += [(offset + idx if idx >= 0 else idx - offset, change, key, target, attrs,
                                             wkb, kind_name, layer.name) for idx, change, key, target, attrs, wkb
                                            in conn.execute(text(
                                                "SELECT idx, change, key, target_id, attrs::text, "
                                                "encode(ST_AsEWKB(geom), 'hex') FROM imp ORDER BY idx"))]
                        if len(report.errors) == before and report.ok:
                            fault_point("import.staged")
                            progress(f"{layer.name}: merging", 0.8)
                            kind.merge(conn, uat, srid)
                _locate(report, resolved, srid)
                if report.ok and commit:
                    fault_point("import.merged")
                    transaction.commit()
                    fault_point("import.committed")
                    report.status = "committed"
                else:
                    transaction.rollback()
                    report.status = "rejected" if not report.ok else "checked"
            except BaseException:
                if transaction.is_active:
                    transaction.rollback()
                raise
        return report, staged
    finally:
        shutil.rmtree(work, ignore_errors=True)
        report.seconds = round(time.monotonic() - started, 2)
        progress("done", 1.0)


def _locate(report: Report, resolved, srid: int) -> None:
    """Each problem about a feature gets the feature's extent in CRS84, for the review map's zoom
    (all of them in one transformation: thousands of area warnings are common)."""
    import pyproj

    frames = {layer.name: layer.frame for layer in resolved}
    located = [p for p in report.problems if p.bbox is None and p.feature is not None
               and p.layer in frames and 0 <= p.feature < len(frames[p.layer])]
    if not located:
        return
    geoms = np.array([frames[p.layer].geometry.values[p.feature] for p in located], dtype=object)
    bounds = shapely.bounds(geoms)  # NaN for a missing or empty geometry
    keep = ~np.isnan(bounds).any(axis=1)
    lon0, lat0 = pyproj.Transformer.from_crs(srid, 4326, always_xy=True).transform(bounds[:, 0], bounds[:, 1])
    lon1, lat1 = pyproj.Transformer.from_crs(srid, 4326, always_xy=True).transform(bounds[:, 2], bounds[:, 3])
    box = np.round(np.column_stack([lon0, lat0, lon1, lat1]), 7)
    for p, ok, b in zip(located, keep, box.tolist(), strict=True):
        if ok:
            p.bbox = b


def _resolution_notes(layers, resolved, report: Report) -> None:
    """Notes that resolve_crs added (reprojected, swapped axes, assumed Stereo 70, Z dropped)."""
    for layer in resolved:
        known = {(p.code, p.message) for p in report.problems if p.layer == layer.name}
        for n in layer.notes:
            if (n.code, n.message) not in known:
                report.add(n.severity, n.code, n.message, params=n.params, layer=layer.name, feature=n.feature,
                           fid=n.fid)


def _tmp_dir(settings: Settings) -> str:
    d = Path(settings.var_dir) / "tmp"
    d.mkdir(parents=True, exist_ok=True)
    return str(d)


# ---- jobs: the upload page and the API keep a record of every import -------------------------

def record_job(settings: Settings, report: Report, options: Options, actor: str, status: str,
               file_sha: str | None) -> int:
    with get_engine(settings, "app").begin() as conn:
        return conn.execute(text("""
            INSERT INTO importing.job (created_by, source_name, file_sha256, kind, uat_siruta, status, options, report)
            VALUES (:by, :src, :sha, :kind, :uat, :status, :opts, :report) RETURNING id"""),
            {"by": actor, "src": report.source, "sha": file_sha, "kind": options.kind, "uat": report.uat,
             "status": status, "opts": json.dumps(options.to_json()),
             "report": json.dumps(report.to_json(), ensure_ascii=False)}).scalar_one()


def store_staged(settings: Settings, job: int, staged: Staged) -> None:
    """The checked features of a job, with their change, for the officer's review map."""
    with get_engine(settings, "app").begin() as conn:
        raw = conn.connection.driver_connection
        with raw.cursor().copy("COPY importing.staged_feature (job_id, idx, change, key, target_id, attributes, "
                               "geom) FROM STDIN") as copy:
            for idx, change, key, target, attrs, wkb, kind_name, layer in staged.rows:
                a = {**json.loads(attrs), "_kind": kind_name, "_layer": layer}
                copy.write_row((job, idx, change, key, target, json.dumps(a, ensure_ascii=False), wkb))


def update_job(settings: Settings, job: int, status: str, report: Report | None = None,
               decided_by: str | None = None, uat: int | None = None) -> None:
    with get_engine(settings, "app").begin() as conn:
        conn.execute(text("""
            UPDATE importing.job SET status = :s, report = coalesce(CAST(:r AS jsonb), report),
                   uat_siruta = coalesce(:uat, uat_siruta),
                   decided_by = coalesce(:by, decided_by),
                   decided_at = CASE WHEN :by IS NULL THEN decided_at ELSE now() END
            WHERE id = :id"""), {"s": status, "r": json.dumps(report.to_json(), ensure_ascii=False) if report else None,
                                 "by": decided_by, "id": job, "uat": uat})


# A running check holds a session advisory lock on its job. A job still "running" whose lock
# nobody holds belonged to a process that died (a killed server, a restart): it is marked failed,
# so no job waits forever. Nothing of it was written: the check never commits.
JOB_LOCK = 7301


@contextmanager
def running_job(settings: Settings, job: int):
    with get_engine(settings, "app").connect() as conn:
        conn.execute(text("SELECT pg_advisory_lock(:ns, :job)"), {"ns": JOB_LOCK, "job": job})
        conn.commit()
        try:
            yield
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:ns, :job)"), {"ns": JOB_LOCK, "job": job})
            conn.commit()


def fail_interrupted_jobs(settings: Settings, older_than_s: float = 30) -> list[int]:
    """Mark failed the running jobs whose process is gone; returns their ids."""
    failed = []
    with get_engine(settings, "app").connect() as conn:
        candidates = conn.execute(text(
            "SELECT id FROM importing.job WHERE status = 'running' AND created_at < now() - make_interval(secs => :s)"),
            {"s": older_than_s}).scalars().all()
        for job in candidates:
            if conn.execute(text("SELECT pg_try_advisory_lock(:ns, :job)"), {"ns": JOB_LOCK, "job": job}).scalar():
                conn.execute(text("SELECT pg_advisory_unlock(:ns, :job)"), {"ns": JOB_LOCK, "job": job})
                failed.append(job)
        conn.commit()
    for job in failed:
        with get_engine(settings, "app").begin() as conn:
            saved = conn.execute(text("SELECT report FROM importing.job WHERE id = :id FOR UPDATE"),
                                 {"id": job}).scalar()
            report = Report.from_json(saved) if saved else Report(source="", kind="")
            report.status = "failed"
            report.add("error", "interrupted", "the check was interrupted (the server stopped); nothing was "
                                               "written; upload the file again")
            conn.execute(text("UPDATE importing.job SET status = 'failed', report = CAST(:r AS jsonb) "
                              "WHERE id = :id AND status = 'running'"),
                         {"id": job, "r": json.dumps(report.to_json(), ensure_ascii=False)})
    return failed
