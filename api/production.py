"""`teritoriu serve --production`: gunicorn with the settings a city hall's server needs.

Workers: one per core (each holds its own database pools and pygeoapi objects), each with
threads for the requests that wait on PostGIS. The app itself compresses responses (gzip),
sets caching headers and keeps vector tiles on disk (var/tiles), so gunicorn can sit behind
any reverse proxy or none."""

from __future__ import annotations

import os

from gunicorn.app.base import BaseApplication

from gis.settings import Settings


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
