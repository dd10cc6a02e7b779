"""One search box for the public map: an address ("Str. Morii 12", "morii 12"), a cadastral
number, a street or a locality. Case and diacritics are ignored (`teritoriu_norm`), small typos
tolerated (pg_trgm word similarity). Reads the public_api views only.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass

from sqlalchemy import Connection, text

# Words people type around a street name; they carry no meaning for the match.
NOISE = {"str", "strada", "al", "aleea", "bd", "bdul", "bulevardul", "calea", "cal", "drumul", "dr",
         "intrarea", "intr", "int", "soseaua", "sos", "piata", "pta", "p-ta", "ulita", "nr",
         "numarul", "no", "sat", "satul", "com", "comuna", "loc", "localitatea", "jud", "judetul"}
MAX_QUERY = 100
SIMILARITY = "0.45"


@dataclass(frozen=True)
class Hit:
    kind: str          # address | parcel | street | locality
    label: str
    lon: float
    lat: float
    bbox: list[float] | None = None
    cadastral_number: str | None = None
    uat: int | None = None   # SIRUTA: a cadastral number is unique only within its UAT

    def to_json(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v is not None}


@dataclass(frozen=True)
class Query:
    words: str             # normalised text without noise words
    number: int | None     # administrative number, if the query ends with one
    suffix: str            # "A", "/1", ...
    digits_only: bool      # looks like a cadastral number


def _fold(value: str) -> str:
    nfkd = unicodedata.normalize("NFKD", value)
    return "".join(c for c in nfkd if not unicodedata.combining(c)).lower()


def parse(raw: str) -> Query:
    q = _fold(raw.strip())[:MAX_QUERY]
    if re.fullmatch(r"\d+([/-]\d+)?", q):
        return Query("", None, "", True)
    m = re.search(r"(?:^|\s)(\d{1,5})\s*([a-z]|/\d{1,3})?\s*$", q)
    number, suffix = (int(m.group(1)), (m.group(2) or "").upper()) if m else (None, "")
    if m:
        q = q[: m.start()]
    words = [w for w in re.split(r"[\s.,;:]+", q) if w and w not in NOISE]
    return Query(" ".join(words), number, suffix, False)


def search(conn: Connection, raw: str, limit: int = 8, uat: int | None = None) -> list[Hit]:
    """Suggestions for `raw`, in one UAT when given (a UAT's own map), else in all."""
    query = parse(raw)
    if query.digits_only:
        return _parcels(conn, raw.strip(), limit, uat)
    if len(query.words) < 2:
        return []
    # for the session, not the transaction: the public engine runs in autocommit, where a local
    # setting ends with its own statement and `<%` fell back to pg_trgm's 0.6 ("Poenita" found nothing)
    conn.execute(text("SELECT set_config('pg_trgm.word_similarity_threshold', :t, false)"),
                 {"t": SIMILARITY})
    if query.number is not None:
        found = _addresses(conn, query, limit, uat)
        if found:
            return found
        # no such number: offer the street itself, as a person at the counter would
    return _streets(conn, query, limit, uat) + _localities(conn, query, max(1, limit // 2), uat)


IN_UAT = "(CAST(:uat AS integer) IS NULL OR {alias}.uat_siruta = :uat)"


def _rows_of(view: str, alias: str, uat: int | None) -> str:
    """The FROM item of a trigram search in `view`: with a UAT, its rows first (OFFSET 0 keeps the
    planner from merging the name condition into an index scan of every UAT's names: with 500 UATs
    that each have a "Strada Principală" the trigram index returned 1,500 streets to keep 3;
    bench/RESULTS.md)."""
    if uat is None:
        return f"{view} {alias}"
    return f"(SELECT * FROM {view} WHERE uat_siruta = :uat OFFSET 0) {alias}"  # noqa: S608 - names of this module


def _parcels(conn: Connection, number: str, limit: int, uat: int | None) -> list[Hit]:
    rows = conn.execute(text(f"""
        SELECT p.cadastral_number, l.name AS locality, ST_X(c), ST_Y(c), p.uat_siruta
        FROM public_api.parcel p LEFT JOIN public_api.locality l ON l.siruta = p.locality_siruta,
             LATERAL (SELECT ST_Transform(ST_PointOnSurface(p.geom), 4326) AS c) pt
        WHERE p.cadastral_number LIKE :prefix AND {IN_UAT.format(alias="p")}
        ORDER BY length(p.cadastral_number), p.cadastral_number, l.name LIMIT :limit
    """), {"prefix": number.replace("%", "").replace("_", "") + "%", "limit": limit, "uat": uat}).all()  # noqa: S608 - IN_UAT is this module's constant
    return [Hit("parcel", f"Nr. cadastral {r[0]}" + (f", {r[1]}" if r[1] else ""), r[2], r[3],
                cadastral_number=r[0], uat=r[4]) for r in rows]


def _addresses(conn: Connection, query: Query, limit: int, uat: int | None) -> list[Hit]:
    rows = conn.execute(text(f"""
        SELECT a.street_type, a.street_name, a.house_number, a.locality, a.cadastral_number,
               ST_X(ST_Transform(a.geom, 4326)), ST_Y(ST_Transform(a.geom, 4326)),
               word_similarity(:words, teritoriu_norm(s.name)) AS score, a.uat_siruta
        FROM {_rows_of("public_api.street", "s", uat)}
        JOIN public_api.address_point a ON a.street_id = s.id
        WHERE :words <% teritoriu_norm(s.name) AND a.number = :number
          AND (:suffix = '' OR upper(a.suffix) = :suffix) AND {IN_UAT.format(alias="s")}
        ORDER BY score DESC, a.suffix, s.name LIMIT :limit
    """), {"words": query.words, "number": query.number, "suffix": query.suffix,  # noqa: S608 - IN_UAT is this module's constant
           "limit": limit, "uat": uat}).all()
    return [Hit("address", f"{r[0]} {r[1]} nr. {r[2]}, {r[3]}", r[5], r[6],
                cadastral_number=r[4], uat=r[8]) for r in rows]


def _streets(conn: Connection, query: Query, limit: int, uat: int | None) -> list[Hit]:
    rows = conn.execute(text(f"""
        SELECT s.full_name, s.locality, ST_X(c), ST_Y(c),
               ARRAY[ST_XMin(b), ST_YMin(b), ST_XMax(b), ST_YMax(b)],
               word_similarity(:words, teritoriu_norm(s.name)) AS score
        FROM {_rows_of("public_api.street", "s", uat)},
             LATERAL (SELECT ST_Transform(ST_LineInterpolatePoint(ST_GeometryN(s.geom, 1), 0.5), 4326) AS c,
                             ST_Transform(s.geom, 4326)::box2d AS b) g
        WHERE :words <% teritoriu_norm(s.name) AND {IN_UAT.format(alias="s")}
        ORDER BY score DESC, s.name LIMIT :limit
    """), {"words": query.words, "limit": limit, "uat": uat}).all()  # noqa: S608 - IN_UAT is this module's constant
    return [Hit("street", f"{r[0]}, {r[1]}", r[2], r[3], bbox=[round(v, 7) for v in r[4]])
            for r in rows]


def _localities(conn: Connection, query: Query, limit: int, uat: int | None) -> list[Hit]:
    rows = conn.execute(text(f"""
        SELECT l.name, ST_X(c), ST_Y(c), ARRAY[ST_XMin(b), ST_YMin(b), ST_XMax(b), ST_YMax(b)]
        FROM {_rows_of("public_api.locality", "l", uat)},
             LATERAL (SELECT ST_Transform(ST_PointOnSurface(l.geom), 4326) AS c,
                             ST_Transform(l.geom, 4326)::box2d AS b) g
        WHERE :words <% teritoriu_norm(l.name) AND {IN_UAT.format(alias="l")}
        ORDER BY word_similarity(:words, teritoriu_norm(l.name)) DESC LIMIT :limit
    """), {"words": query.words, "limit": limit, "uat": uat}).all()  # noqa: S608 - IN_UAT is this module's constant
    return [Hit("locality", r[0], r[1], r[2], bbox=[round(v, 7) for v in r[3]]) for r in rows]
