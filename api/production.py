"""`teritoriu serve --production`: gunicorn with the settings a city hall's server needs.

Workers: one per core (each holds its own database pools and pygeoapi objects), each with
threads for the requests that wait on PostGIS. The app itself compresses responses (gzip),
sets caching headers and keeps vector tiles on disk (var/tiles), so gunicorn can sit behind
any reverse proxy or none."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from gunicorn.app.base import BaseApplication

from gis.settings import PROJECT_ROOT, Settings


def gunicorn_options(settings: Settings, workers: int | None = None, threads: int = 4) -> dict:
    return {
        "bind": f"{settings.host}:{settings.port}",
        "workers": workers or max(2, os.cpu_count() or 2),
        "threads": threads,
        "worker_class": "gthread",
        "timeout": 120,              # a certificate with its map, an import check: seconds, not minutes
        "graceful_timeout": 30,
        "keepalive": 5,
        "accesslog": "-",
        # the path without its query, and no referrer: a request's link carries the applicant's token
        # (?token=…), and an access log is read by more people than the audit trail
        "access_log_format": '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s "%(a)s" %(L)ss',
        "errorlog": "-",
        "forwarded_allow_ips": "127.0.0.1",   # X-Forwarded-* from a local reverse proxy only
        "proc_name": "teritoriu",
    }


class ProductionServer(BaseApplication):
    def __init__(self, settings: Settings, options: dict):
        self.settings = settings
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        from api import create_app

        return create_app(self.settings)


def spawn(port: int, env: dict | None = None, workers: int | None = None, log=None,
          timeout: float = 90, access_log=None) -> subprocess.Popen:
    """`teritoriu serve --production` as a child process on loopback (for the benchmarks and the
    tests), returned once /api/health answers; `env` adds to or overrides this process's
    environment (a value None removes the variable)."""
    import requests  # a development dependency, like the callers

    environ = {**os.environ, "TERITORIU_PORT": str(port), "TERITORIU_HOST": "127.0.0.1"}
    for key, value in (env or {}).items():
        if value is None:
            environ.pop(key, None)
        else:
            environ[key] = value
    cmd = [str(Path(sys.executable).parent / "teritoriu"), "serve", "--production"]
    if workers:
        cmd += ["--workers", str(workers)]
    proc = subprocess.Popen(cmd, env=environ, cwd=PROJECT_ROOT, start_new_session=True,
                            stdout=access_log or subprocess.DEVNULL, stderr=log or subprocess.DEVNULL)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the production server exited ({proc.returncode})")
        try:
            if requests.get(f"http://127.0.0.1:{port}/api/health", timeout=10).ok:
                return proc
        except requests.RequestException:
            time.sleep(0.3)
    stop(proc)
    raise RuntimeError(f"the production server did not answer within {timeout:.0f} s")


def stop(proc) -> None:
    """Stop a server started by spawn(), its workers too (its own process group)."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    except ProcessLookupError:
        pass
