"""An uploaded file between its check and its decision, on any app server.

The server that takes an upload keeps it on its own disk (var/imports/<database>/<job>/) and in
PostgreSQL (importing.upload, migration 0018); an officer's accept may reach another server, which
fetches the file from the database when its disk lacks it. A decision holds a transaction-level
advisory lock on the job, so two servers (or two workers) asked to accept the same import at the
same moment decide it once: the second waits, then finds it decided.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Engine

from importers.pipeline import JOB_LOCK

DECISION_LOCK = JOB_LOCK + 1  # first key of a decision's advisory lock (the second: the job), beside the check's


def keep(engine: Engine, job: int, path: Path) -> None:
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO importing.upload (job_id, name, content) VALUES (:j, :n, :c) "
                          "ON CONFLICT (job_id) DO UPDATE SET name = EXCLUDED.name, content = EXCLUDED.content"),
                     {"j": job, "n": path.name, "c": path.read_bytes()})


def local_file(engine: Engine, job: int, folder: Path) -> Path | None:
    """The job's file on this server's disk, fetched from the database if it was uploaded elsewhere;
    None when it is gone (decided, or from before uploads were kept)."""
    files = [p for p in folder.glob("*") if p.is_file()] if folder.is_dir() else []
    if files:
        return files[0]
    with engine.connect() as conn:
        row = conn.execute(text("SELECT name, content FROM importing.upload WHERE job_id = :j"),
                           {"j": job}).one_or_none()
    if row is None:
        return None
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = folder / Path(row.name).name
    path.write_bytes(row.content)
    return path


def forget(engine: Engine, job: int) -> None:
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM importing.upload WHERE job_id = :j"), {"j": job})


@contextmanager
def deciding(engine: Engine, job: int) -> Iterator[None]:
    """Held while one decision on `job` runs, by every worker of every server."""
    with engine.connect() as conn, conn.begin():
        conn.execute(text("SELECT pg_advisory_xact_lock(:space, CAST(:job AS integer))"),
                     {"space": DECISION_LOCK, "job": job})
        yield
