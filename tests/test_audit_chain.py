"""The audit log is a hash chain: intact after ordinary work, broken by an edit or a deletion
made behind the application's back, and `teritoriu audit verify` says where."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import text

from gis.audit_chain import verify
from gis.db import get_engine, session_scope
from gis.models import User
from gis.passwords import hash_password
from gis.settings import PROJECT_ROOT


def cli(settings, *args):
    env = {**os.environ, "TERITORIU_DB_NAME": settings.db_name}
    return subprocess.run([str(Path(sys.executable).parent / "teritoriu"), *args], capture_output=True, text=True,
                          env=env, cwd=PROJECT_ROOT, timeout=120)


def test_the_chain_holds_then_breaks_where_a_row_was_altered(loaded):
    with session_scope(loaded, actor="test:chain") as s:   # ordinary work appends to the chain
        s.add(User(username="chain.user", full_name="Lanț", role="surveyor", password_hash=hash_password("x" * 12)))
    engine = get_engine(loaded, "app")
    with engine.connect() as conn:
        report = verify(conn)
        numbers = conn.execute(text("SELECT min(chain_no), max(chain_no), count(*) FROM audit.log")).one()
    assert report.ok and report.rows == numbers[2] and numbers[0] == 1 and numbers[1] == numbers[2]
    ok = cli(loaded, "audit", "verify")
    assert ok.returncode == 0 and report.last_hash in ok.stdout
    owner = get_engine(loaded, "owner")
    with owner.begin() as conn:    # someone with database rights edits a row
        victim, actor = conn.execute(text("SELECT id, actor FROM audit.log WHERE actor = 'test:chain' "
                                          "ORDER BY id LIMIT 1")).one()
        conn.execute(text("UPDATE audit.log SET actor = 'someone else' WHERE id = :i"), {"i": victim})
    try:
        with engine.connect() as conn:
            tampered = verify(conn)
        assert not tampered.ok and tampered.broken_id == victim
        refused = cli(loaded, "audit", "verify")
        assert refused.returncode == 1 and f"id {victim}" in refused.stderr
    finally:
        with owner.begin() as conn:
            conn.execute(text("UPDATE audit.log SET actor = :a WHERE id = :i"), {"a": actor, "i": victim})
    with engine.connect() as conn:
        assert verify(conn).ok, "put back, the chain holds again"


def test_the_app_role_cannot_rewrite_the_log(loaded):
    import pytest
    from sqlalchemy.exc import ProgrammingError

    with pytest.raises(ProgrammingError):
        with get_engine(loaded, "app").begin() as conn:
            conn.execute(text("UPDATE audit.log SET actor = 'x' WHERE id = 1"))
