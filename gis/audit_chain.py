"""Verifying the audit log's hash chain (migration 0004): every row's hash is recomputed from
its content and the previous row's hash; the first row that does not match is reported."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, text

from gis.migrations.versions import CHAIN_CONTENT


@dataclass(frozen=True)
class ChainReport:
    rows: int
    last_hash: str | None        # publish it elsewhere (a register, an e-mail): it anchors the chain
    broken_at: int | None        # chain_no of the first row that does not match
    broken_id: int | None

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def verify(conn: Connection) -> ChainReport:
    row = conn.execute(text(f"""
        WITH RECURSIVE c AS (
            SELECT l.chain_no, l.id, l.row_hash, sha256('\\x'::bytea || {CHAIN_CONTENT.format(r="l")}) AS computed
            FROM audit.log l WHERE l.chain_no = 1
            UNION ALL
            SELECT l.chain_no, l.id, l.row_hash, sha256(c.row_hash || {CHAIN_CONTENT.format(r="l")})
            FROM c JOIN audit.log l ON l.chain_no = c.chain_no + 1
        )
        SELECT (SELECT count(*) FROM audit.log),
               (SELECT encode(row_hash, 'hex') FROM audit.log ORDER BY chain_no DESC LIMIT 1),
               (SELECT chain_no FROM c WHERE computed <> row_hash ORDER BY chain_no LIMIT 1),
               (SELECT id FROM c WHERE computed <> row_hash ORDER BY chain_no LIMIT 1),
               (SELECT max(chain_no) FROM c)""")).one()  # noqa: S608 - a constant of this project
    rows, last, broken_no, broken_id, reached = row
    if broken_no is None and reached is not None and reached < rows:
        broken_no = reached + 1  # a row is missing: the chain stops before the end
    return ChainReport(rows, last, broken_no, broken_id)
