"""A quick timing of the public search (gis.search.search) on a generated commune, through the
public role as /api/search uses it: p50/p95 per kind of query and how many found something.

    python -m bench.search_timing [--parcels 10000] [--requests 200] [--seed 7]
"""

from __future__ import annotations

import argparse
import json

from sqlalchemy import text

from bench.__main__ import percentiles, prepare_database, sample_addresses, timed
from gis.db import get_engine
from gis.search import search


def typos(engine, count: int) -> list[str]:
    """Street and locality names with one letter dropped (what a hurried citizen types)."""
    with engine.connect() as conn:
        names = conn.execute(text("SELECT teritoriu_norm(name) FROM streets.street UNION "
                                  "SELECT teritoriu_norm(name) FROM territory.locality")).scalars().all()
    words = [max(n.split(), key=len) for n in names]
    dropped = [w[:2] + w[3:] for w in words if len(w) >= 5]
    return (dropped * (count // max(1, len(dropped)) + 1))[:count]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--parcels", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    settings = prepare_database(args.parcels, args.seed)
    app, public = get_engine(settings, "app"), get_engine(settings, "public")
    out = {}
    for kind, queries in (("street + number", sample_addresses(app, args.requests, args.seed)),
                          ("name with a typo", typos(app, args.requests))):
        with public.connect() as conn:
            for q in queries[:5]:
                search(conn, q)
            found = 0
            samples = []
            for q in queries:
                samples.append(timed(lambda q=q: search(conn, q)))
                found += bool(search(conn, q))
        out[kind] = {**percentiles(samples), "found": found}
    print(json.dumps({"parcels": args.parcels, **out}, indent=1))


if __name__ == "__main__":
    main()
