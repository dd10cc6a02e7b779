"""Load test: citizens on the public map against `teritoriu serve --production`, loopback only.

    python -m bench.load [--users 50] [--duration 60] [--db teritoriu] [--seed 7]

Starts the production server (gunicorn, default workers and threads, rate limiting ON) on a free
loopback port against the sample commune's database (loaded from data-samples/ if empty), warms
it up, then runs `--users` virtual citizens for `--duration` seconds, each from its own loopback
address (127.0.0.10 + i) so the per-client rate limit sees distinct clients, as it would in
reality. A citizen searches an address or a cadastral number (the search box: a prefix, then the
whole text), opens the parcel by number or by a tap on the map (then the map's highlight, OGC
items by number), loads the viewport's tiles at zoom 15–18 (orthophoto PNG, parcels and
buildings vector tiles, the overlays the public map draws as tiles; six at a time, as a browser,
with a browser's cache: max-age honoured, ETags revalidated), and thinks 1–3 s (--think)
between steps.
A share of the citizens (--applicants) file a certificate request at start-up and download its
draft PDF (PROIECT) then, and again now and then.

Reports per request kind count, errors (status >= 400 or an exception; a 429 is an error),
p50/p95/max ms and requests/s, and the overall p95; results in var/bench/load-<users>.json.
Exits 1 on any error or an overall p95 >= 300 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import json
import math
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import quote

import aiohttp
from sqlalchemy import text

from api import production
from bench.__main__ import BENCH_DIR, _free_port, percentiles, sample_addresses
from gis.cluster import LocalCluster
from gis.db import get_engine
from gis.migrate import upgrade
from gis.settings import load_settings

P95_TARGET_MS = 300
BROWSER_PARALLEL = 6        # connections per host of an HTTP/1.1 browser
REQUEST_TIMEOUT_S = 30
HARD_TIMEOUT_GRACE_S = 45   # after the duration: in-flight requests finish, or the run is cut
PDF_AGAIN = 0.2             # an applicant looks at the draft again after this share of visits
FIRST_USER_ADDRESS = 10     # user i sends from 127.0.0.(10 + i), then 127.0.1.x ...


# -- the database and the server ------------------------------------------------------------------

def prepare_database(db_name: str):
    """Settings of the sample commune's database; loaded from data-samples/ when empty.
    The shared cluster is started only if it is not running (never restarted)."""
    settings = load_settings(db_name=db_name)
    cluster = LocalCluster(settings)
    if cluster.status() != "running":
        cluster.start()
    cluster.ensure_database(settings.db_name)
    upgrade(settings)
    with get_engine(settings, "app").connect() as conn:
        parcels = conn.execute(text("SELECT count(*) FROM cadastre.parcel WHERE valid_to IS NULL")).scalar_one()
    if not parcels:
        from gis.samples import load_commune

        print(f"{db_name} is empty: loading {settings.samples_dir} ...", flush=True)
        print(f"  {load_commune(settings, settings.samples_dir).summary()}", flush=True)
    return settings


def start_server(db_name: str, port: int, workers: int | None) -> subprocess.Popen:
    """`teritoriu serve --production` on loopback; rate limiting as configured (20/s by default)."""
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    log = open(BENCH_DIR / "server-load.log", "ab")  # noqa: SIM115 - the server's lifetime
    # never off: that is what is being tested
    return production.spawn(port, {"TERITORIU_DB_NAME": db_name, "TERITORIU_RATE_LIMIT_PER_S": None}, workers, log)


def sample_parcels(settings, count: int, seed: int) -> list[dict]:
    """Random current parcels: number, a point on each (WGS 84), intravilan."""
    with get_engine(settings, "app").connect() as conn:
        rows = conn.execute(text(
            "SELECT cadastral_number, ST_X(p), ST_Y(p), intravilan FROM ("
            "  SELECT cadastral_number, intravilan, ST_Transform(ST_PointOnSurface(geom), 4326) p"
            "  FROM cadastre.parcel WHERE valid_to IS NULL ORDER BY md5(id::text || :seed) LIMIT :n) s"),
            {"seed": str(seed), "n": count}).all()
    return [{"number": r[0], "lon": r[1], "lat": r[2], "intravilan": r[3]} for r in rows]


def viewport_tiles(lon: float, lat: float, z: int, width: int, height: int) -> list[tuple[int, int]]:
    """(x, y) of the 256 px tiles a width × height map centred on lon/lat shows, centre first."""
    world = 256 * (1 << z)
    px = (lon + 180) / 360 * world
    py = (1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * world
    xs = range(int((px - width / 2) // 256), int((px + width / 2 - 1) // 256) + 1)
    ys = range(int((py - height / 2) // 256), int((py + height / 2 - 1) // 256) + 1)
    tiles = [(x, y) for x in xs for y in ys if 0 <= x < (1 << z) and 0 <= y < (1 << z)]
    return sorted(tiles, key=lambda t: (t[0] * 256 + 128 - px) ** 2 + (t[1] * 256 + 128 - py) ** 2)


def tile_limits(settings) -> dict:
    """The vector tilesets' limits as advertised: the public map gives Leaflet the tileset's bounds,
    so it never asks for a tile outside them (the server would refuse it: 404)."""
    from layers.tilesets import catalogue_for
    from layers.vector_tiles import data_revision

    catalogue, revision = catalogue_for(settings), data_revision(get_engine(settings, "public"))
    return {layer: catalogue.get(layer, revision).limits for layer in ("parcels", "buildings")}


@functools.cache
def _orthophoto_box() -> list[list[float]] | None:
    from layers.orthophoto import leaflet_bounds

    return leaflet_bounds(load_settings().orthophoto)


def orthophoto_has(z: int, x: int, y: int) -> bool:
    """Whether the map asks for this orthophoto tile: Leaflet's `bounds` (webmap/) keeps it from
    asking for tiles outside the raster, which the server refuses (404)."""
    box = _orthophoto_box()
    if box is None:
        return False
    n = 1 << z
    west, east = x / n * 360 - 180, (x + 1) / n * 360 - 180
    north = math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * y / n))))
    south = math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * (y + 1) / n))))
    (s, w), (nn, e) = box
    return west < e and east > w and south < nn and north > s


def cpu_seconds(server_pid: int, db_name: str) -> dict[int, tuple[str, float]]:
    """CPU time so far of the gunicorn master and workers, and of the PostgreSQL backends
    connected to `db_name` (other sessions' backends included if they use the same database)."""
    tick = os.sysconf("SC_CLK_TCK")
    out = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        ppid, used = int(fields[1]), (int(fields[11]) + int(fields[12])) / tick
        if int(entry.name) == server_pid or ppid == server_pid:
            out[int(entry.name)] = ("server", used)
        elif re.match(rf"postgres: \S+ {re.escape(db_name)} ", cmdline):
            out[int(entry.name)] = ("postgres", used)
    return out


def cpu_used(before: dict, after: dict) -> dict[str, float]:
    used: dict[str, float] = defaultdict(float)
    for pid, (who, seconds) in after.items():
        used[who] += seconds - before.get(pid, (who, 0.0))[1]
    return {who: round(s, 1) for who, s in used.items()}


# -- the virtual citizens ---------------------------------------------------------------------------

class Recorder:
    """Every measured request: kind, start (s since the run began), latency, status or error."""

    def __init__(self):
        self.samples: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        self.examples: list[str] = []
        self.skipped_by_cache = 0

    def add(self, kind: str, ms: float, problem: str | None, url: str) -> None:
        self.samples[kind].append(ms)
        if problem:
            self.errors[kind][problem] += 1
            if len(self.examples) < 20:
                self.examples.append(f"{kind}: {problem} {url}")


class Citizen:
    def __init__(self, i: int, base: str, rng: random.Random, data: dict, rec: Recorder, deadline: float,
                 viewport: tuple[int, int], applicant: bool, think_s: tuple[float, float]):
        self.i, self.base, self.rng, self.data, self.rec = i, base, rng, data, rec
        self.deadline, self.viewport, self.applicant = deadline, viewport, applicant
        self.think_s = think_s
        n = FIRST_USER_ADDRESS + i
        self.address = f"127.0.{n // 256}.{n % 256}"               # all of 127/8 is loopback
        self.parallel = asyncio.Semaphore(BROWSER_PARALLEL)
        self.cache: dict[str, tuple[float, str | None]] = {}   # url -> (fresh until, etag)
        self.certificate: str | None = None

    def live(self) -> bool:
        return time.monotonic() < self.deadline

    async def get(self, http: aiohttp.ClientSession, kind: str, path: str, cached: bool = False) -> dict | None:
        """One request, timed from sending to the last byte; None unless a JSON answer."""
        url = self.base + path
        headers = {}
        if cached and url in self.cache:
            fresh_until, etag = self.cache[url]
            if time.monotonic() < fresh_until:
                self.rec.skipped_by_cache += 1
                return None
            if etag:
                headers["If-None-Match"] = etag
        async with self.parallel:
            started = time.perf_counter()
            problem, body, status = None, None, 0
            try:
                async with http.get(url, headers=headers) as r:
                    raw = await r.read()
                    status = r.status
                    if status >= 400:
                        problem = f"HTTP {status}"
                    elif status == 200 and r.content_type == "application/json":
                        body = json.loads(raw)
                    if cached and status in (200, 204, 304):
                        age = re.search(r"max-age=(\d+)", r.headers.get("Cache-Control", ""))
                        self.cache[url] = (time.monotonic() + (int(age.group(1)) if age else 0),
                                           r.headers.get("ETag") or self.cache.get(url, (0, None))[1])
            except (TimeoutError, aiohttp.ClientError, ValueError) as exc:
                problem = type(exc).__name__
            self.rec.add(kind, (time.perf_counter() - started) * 1000, problem, url)
            return body

    async def think(self) -> None:
        pause = self.rng.uniform(*self.think_s)
        await asyncio.sleep(max(0.0, min(pause, self.deadline - time.monotonic())))

    async def file_request(self, http: aiohttp.ClientSession) -> None:
        """The request form: one urbanism certificate request for an intravilan parcel."""
        parcel = self.rng.choice(self.data["intravilan"])
        url = f"{self.base}/api/certificates"
        started = time.perf_counter()
        problem = None
        try:
            async with http.post(url, json={"type": "urbanism", "parcels": [parcel["number"]],
                                            "purpose": "test de încărcare (bench.load)",
                                            "applicant_name": f"Bench Load {self.i}"}) as r:
                body = await r.json(content_type=None)
                if r.status >= 400:
                    problem = f"HTTP {r.status}"
                else:
                    self.certificate = f"/api/certificates/{body['id']}.pdf?token={body['token']}"
        except (TimeoutError, aiohttp.ClientError, ValueError, KeyError) as exc:
            problem = type(exc).__name__
        self.rec.add("certificate request, POST /api/certificates", (time.perf_counter() - started) * 1000,
                     problem, url)

    async def draft(self, http: aiohttp.ClientSession) -> None:
        if self.certificate and self.live():
            await self.get(http, "certificate draft PDF", self.certificate)

    async def open_parcel(self, http: aiohttp.ClientSession) -> tuple[float, float]:
        """Search or tap; the parcel sheet and its highlight. Returns where the map now is."""
        parcel = self.rng.choice(self.data["parcels"])
        where = parcel["lon"], parcel["lat"]
        how = self.rng.random()
        if how < 0.5:                                              # the search box
            typed = (self.rng.choice(self.data["addresses"]) if how < 0.3 else parcel["number"])
            prefix = typed[:max(3, int(len(typed) * self.rng.uniform(0.4, 0.8)))]
            for q in (prefix, typed):                              # two suggestions while typing
                if not self.live():
                    return where
                found = await self.get(http, "search, /api/search", f"/api/search?q={quote(q)}")
                await asyncio.sleep(self.rng.uniform(0.2, 0.5))    # typing, the 200 ms debounce
            hit = ((found or {}).get("results") or [None])[0]
            if not hit:
                return where
            where = hit["lon"], hit["lat"]
            number = hit.get("cadastral_number")
            if not number:
                return where
            sheet = await self.get(http, "lookup by number, /api/parcels/<nr>", f"/api/parcels/{quote(number)}")
        else:                                                      # a tap on the map
            sheet = await self.get(http, "lookup by point, /api/parcels/at",
                                   f"/api/parcels/at?lon={parcel['lon']:.7f}&lat={parcel['lat']:.7f}")
            number = (sheet or {}).get("cadastral_number")
        if number and self.live():
            await self.get(http, "highlight, OGC items by number",
                           f"/ogc/collections/parcels/items?f=json&cadastral_number={quote(number)}")
        return where

    async def load_view(self, http: aiohttp.ClientSession, lon: float, lat: float) -> None:
        """The viewport's tiles at a zoom of 15–18: orthophoto, parcels, buildings, centre first."""
        z = self.rng.randint(15, 18)
        urls = []
        for x, y in viewport_tiles(lon, lat, z, *self.viewport):
            if orthophoto_has(z, x, y):
                urls.append(("tile, orthophoto PNG", f"/api/tiles/orthophoto/{z}/{x}/{y}.png"))
            for layer in ("parcels", "buildings"):
                if self.data["tile_limits"][layer].contain(z, y, x):  # the map's `bounds` (shared/overlays.js)
                    urls.append((f"tile, {layer} MVT", f"/ogc/collections/{layer}/tiles/WebMercatorQuad/{z}/{y}/{x}"))
        if self.live():
            await asyncio.gather(*(self.get(http, kind, url, cached=True) for kind, url in urls))

    async def run(self) -> None:
        connector = aiohttp.TCPConnector(local_addr=(self.address, 0), limit=BROWSER_PARALLEL + 2,
                                         keepalive_timeout=4)    # gunicorn closes idle ones after 5 s
        timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S)
        async with aiohttp.ClientSession(connector=connector, timeout=timeout,
                                         headers={"User-Agent": f"teritoriu-bench-load/{self.i}"}) as http:
            await asyncio.sleep(self.rng.uniform(0, 1))            # arrivals spread over a second
            if self.applicant:
                await self.file_request(http)
                await self.think()
                await self.draft(http)
            while self.live():
                lon, lat = await self.open_parcel(http)
                if not self.live():
                    break
                await self.think()
                await self.load_view(http, lon, lat)
                await self.think()
                if self.applicant and self.rng.random() < PDF_AGAIN:
                    await self.draft(http)
                    await self.think()


async def loop_lag(deadline: float, lags: list[float]) -> None:
    """How late the client's own event loop wakes up: its share of the latencies."""
    while time.monotonic() < deadline:
        started = time.perf_counter()
        await asyncio.sleep(0.05)
        lags.append((time.perf_counter() - started - 0.05) * 1000)


async def warm_up(base: str, data: dict) -> None:
    """A few requests of every kind from 127.0.0.9 (both workers: each imports and connects once)."""
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(local_addr=("127.0.0.9", 0))) as http:
        async def fetch(path):
            async with http.get(base + path) as r:
                await r.read()
        p = data["parcels"][0]
        made = None
        async with http.post(f"{base}/api/certificates", json={
                "type": "urbanism", "parcels": [data["intravilan"][0]["number"]],
                "purpose": "încălzire (bench.load)", "applicant_name": "Bench Load warm-up"}) as r:
            if r.status == 201:
                made = await r.json()
        for _ in range(3):
            x, y = viewport_tiles(p["lon"], p["lat"], 16, 256, 256)[0]
            paths = [f"/api/search?q={quote(data['addresses'][0])}", f"/api/parcels/{quote(p['number'])}",
                     f"/api/parcels/at?lon={p['lon']:.7f}&lat={p['lat']:.7f}",
                     f"/ogc/collections/parcels/items?f=json&cadastral_number={quote(p['number'])}",
                     f"/api/tiles/orthophoto/16/{x}/{y}.png",
                     f"/ogc/collections/parcels/tiles/WebMercatorQuad/16/{y}/{x}"]
            if made:
                paths.append(f"/api/certificates/{made['id']}.pdf?token={made['token']}")
            await asyncio.gather(*(fetch(path) for path in paths))


async def load(args, base: str, data: dict, server_pid: int, db_name: str):
    await warm_up(base, data)
    cpu_before, client_before = cpu_seconds(server_pid, db_name), time.process_time()
    rec = Recorder()
    started = time.monotonic()
    deadline = started + args.duration
    rng = random.Random(args.seed)
    applicants = set(rng.sample(range(args.users), round(args.users * args.applicants)))
    citizens = [Citizen(i, base, random.Random(args.seed * 1000 + i), data, rec, deadline,
                        (args.width, args.height), i in applicants, args.think) for i in range(args.users)]
    lags: list[float] = []
    cut = False
    try:
        await asyncio.wait_for(asyncio.gather(loop_lag(deadline, lags), *(c.run() for c in citizens)),
                               timeout=args.duration + HARD_TIMEOUT_GRACE_S)
    except TimeoutError:
        cut = True
    wall = time.monotonic() - started
    cpu = {**cpu_used(cpu_before, cpu_seconds(server_pid, db_name)),
           "client": round(time.process_time() - client_before, 1)}
    return rec, wall, lags, cut, cpu


# -- the report --------------------------------------------------------------------------------------

def summarise(rec: Recorder, wall_s: float, lags: list[float], cut: bool) -> dict:
    kinds = {}
    for kind in sorted(rec.samples):
        ms = rec.samples[kind]
        errors = dict(rec.errors.get(kind, {}))
        kinds[kind] = {"requests": len(ms), "errors": sum(errors.values()), "errors_by_cause": errors,
                       "req_per_s": round(len(ms) / wall_s, 1),
                       **{k: v for k, v in percentiles(ms).items() if k != "n"}}
    every = [x for ms in rec.samples.values() for x in ms]
    overall = {k: v for k, v in percentiles(every).items() if k != "n"} if every else {}
    errors = sum(k["errors"] for k in kinds.values()) + (1 if cut else 0)
    return {"requests": len(every), "errors": errors, "req_per_s": round(len(every) / wall_s, 1),
            **overall, "wall_s": round(wall_s, 1), "hard_timeout_hit": cut,
            "skipped_by_browser_cache": rec.skipped_by_cache,
            "client_loop_lag_ms": {k: v for k, v in percentiles(lags).items() if k != "n"} if lags else {},
            "kinds": kinds, "error_examples": rec.examples}


def table(run: dict) -> str:
    lines = [f"{'request':48} {'n':>6} {'err':>4} {'req/s':>6} {'p50':>7} {'p95':>7} {'max':>8}"]
    for kind, k in run["kinds"].items():
        lines.append(f"{kind:48} {k['requests']:>6} {k['errors']:>4} {k['req_per_s']:>6} "
                     f"{k['p50']:>7} {k['p95']:>7} {k['max']:>8}")
    lines.append(f"{'all':48} {run['requests']:>6} {run['errors']:>4} {run['req_per_s']:>6} "
                 f"{run.get('p50', '-'):>7} {run.get('p95', '-'):>7} {run.get('max', '-'):>8}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=float, default=60, help="seconds of load")
    parser.add_argument("--db", default="teritoriu_load",
                        help="database with the sample commune (its own: the run files requests)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--applicants", type=float, default=0.2, help="share of users who file a request")
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: the production default)")
    parser.add_argument("--think", type=lambda v: tuple(float(x) for x in v.split(",")), default=(1.0, 3.0),
                        metavar="MIN,MAX",
                        help="seconds between steps, uniform (default 1,3: a citizen reading the map)")
    parser.add_argument("--width", type=int, default=800, help="map viewport, px")
    parser.add_argument("--height", type=int, default=600, help="map viewport, px")
    parser.add_argument("--keep-tile-cache", action="store_true",
                        help="keep the database's vector tile cache (default: start cold, as after an edit)")
    args = parser.parse_args()
    if (not 1 <= args.users <= 5000 or args.duration <= 0 or len(args.think) != 2
            or not 0 <= args.think[0] <= args.think[1]):
        parser.error("--users 1..5000, a positive --duration, --think MIN,MAX with 0 <= MIN <= MAX")

    settings = prepare_database(args.db)
    data = {"parcels": sample_parcels(settings, 500, args.seed),
            "addresses": sample_addresses(get_engine(settings, "app"), 200, args.seed)}
    data["intravilan"] = [p for p in data["parcels"] if p["intravilan"]] or data["parcels"]
    data["tile_limits"] = tile_limits(settings)
    if not args.keep_tile_cache:
        for cached in (settings.var_dir / "tiles").glob(f"{settings.db_name}-*"):
            shutil.rmtree(cached, ignore_errors=True)

    # SIGTERM (a CI's timeout) unwinds like Ctrl-C, so the server is stopped in any case
    def interrupted(*_):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupted)
    port = _free_port()
    print(f"teritoriu serve --production on 127.0.0.1:{port} ({args.db}); {args.users} users × "
          f"{args.duration:g} s ...", flush=True)
    server = start_server(settings.db_name, port, args.workers)
    try:
        rec, wall, lags, cut, cpu = asyncio.run(load(args, f"http://127.0.0.1:{port}", data, server.pid,
                                                     settings.db_name))
    except KeyboardInterrupt:
        production.stop(server)
        sys.exit("interrupted: the server is stopped, nothing written")
    finally:
        production.stop(server)

    run = {"users": args.users, "duration_s": args.duration, "db": args.db, "seed": args.seed,
           "applicants": round(args.users * args.applicants), "viewport": [args.width, args.height],
           "think_s": list(args.think),
           "rate_limit_per_s": load_settings(db_name=args.db).rate_limit_per_s,
           "cold_tile_cache": not args.keep_tile_cache, "cpus": os.cpu_count(),
           "load_average_after": os.getloadavg()[0], "cpu_seconds": cpu,
           **summarise(rec, wall, lags, cut)}
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    out = BENCH_DIR / f"load-{args.users}.json"
    out.write_text(json.dumps(run, indent=2, ensure_ascii=False))
    print(table(run))
    lag = run["client_loop_lag_ms"]
    print(f"client event-loop lag p50/p95/max: {lag.get('p50')}/{lag.get('p95')}/{lag.get('max')} ms; "
          f"tiles served from the browser cache: {run['skipped_by_browser_cache']}")
    print(f"CPU seconds over {run['wall_s']} s on {run['cpus']} cores: " +
          ", ".join(f"{who} {s}" for who, s in cpu.items()) + f"; load average {os.getloadavg()[0]:.1f}")
    for line in run["error_examples"]:
        print("  error:", line)
    ok = run["errors"] == 0 and run.get("p95", math.inf) < P95_TARGET_MS
    print(f"{'PASS' if ok else 'FAIL'}: {run['errors']} errors, overall p95 {run.get('p95')} ms "
          f"(target: 0 errors, p95 < {P95_TARGET_MS} ms); written: {out}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
