"""`python -m bench.imports --parcels 100000`: a generated commune's parcels as one zipped
shapefile, validated and committed into a database that has the commune but no parcels
(target: under 60 s with bounded memory), then imported again (nothing changes).

The import runs as the real CLI in a child process, so wall time and peak memory (max RSS)
are the command's own."""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import text

from bench.__main__ import BENCH_DIR, prepare_database
from gis.db import get_engine


def shapefile(n_parcels: int, seed: int) -> Path:
    out = BENCH_DIR / "communes" / f"{n_parcels}-{seed}-all"
    if not (out / "shp" / "parcels.zip").exists():
        from gis.synthetic import generate

        print(f"generating {n_parcels} parcels with shapefiles into {out} ...", flush=True)
        generate(n_parcels, seed, out, formats="all")
    return out / "shp" / "parcels.zip"


def run_import(settings, path: Path, uat: int) -> tuple[float, float, int, str]:
    cmd = [str(Path(sys.executable).parent / "teritoriu"), "import", str(path), "--layer", "parcels",
           "--uat", str(uat)]
    env = {**os.environ, "TERITORIU_DB_NAME": settings.db_name}
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.monotonic()
    done = subprocess.run(cmd, capture_output=True, text=True, env=env)
    seconds = time.monotonic() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return seconds, max(peak, before) / 1024, done.returncode, (done.stdout + done.stderr).strip().splitlines()[0]


def bench_import(n_parcels: int, seed: int) -> str:
    """The import measured; a Markdown table row. Its own database: the commune's parcels (and
    everything that refers to them) are emptied before each run."""
    path = shapefile(n_parcels, seed)
    settings = prepare_database(n_parcels, seed, db_name=f"teritoriu_bench_import_{n_parcels}_{seed}")
    with get_engine(settings, "owner").begin() as conn:  # the commune without its parcels
        conn.execute(text("TRUNCATE cadastre.parcel, cadastre.parcel_history CASCADE"))
        uat = conn.execute(text("SELECT siruta FROM territory.uat ORDER BY siruta LIMIT 1")).scalar_one()
    with get_engine(settings, "owner").connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM ANALYZE"))
    first = run_import(settings, path, uat)
    again = run_import(settings, path, uat)
    with get_engine(settings, "app").connect() as conn:
        count = conn.execute(text("SELECT count(*) FROM cadastre.parcel WHERE valid_to IS NULL")).scalar_one()
    return ("| import | wall s | parcels/s | peak MB | exit | again (nothing changes) |\n"
            "| --- | --- | --- | --- | --- | --- |\n"
            f"| {n_parcels:,}-parcel zipped shapefile, validated and committed | {first[0]:.1f} | "
            f"{n_parcels / first[0]:,.0f} | {first[1]:.0f} | {first[2]} | {again[0]:.1f} s, exit {again[2]}, "
            f"{count:,} parcels current |")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.imports")
    parser.add_argument("--parcels", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    print(bench_import(args.parcels, args.seed))


if __name__ == "__main__":
    main()
