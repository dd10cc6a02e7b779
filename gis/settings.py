"""One typed settings object, read once from TERITORIU_* variables and an optional TOML file.

Precedence: explicit keyword arguments > environment > TOML file (TERITORIU_CONFIG) > defaults.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from gis import tolerances

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    # Where the local cluster, caches and artefacts live.
    var_dir: Path = PROJECT_ROOT / "var"
    # External PostGIS: the application (read/write) URL. Empty = run the local cluster.
    database_url: str = ""
    # External PostGIS: URL of the role that owns the schema (migrations). Defaults to database_url.
    database_owner_url: str = ""
    # External PostGIS: URL of the read-only role that sees `public_api` only.
    database_public_url: str = ""
    # Local cluster: database name, and an optional TCP listener "127.0.0.1:55432"
    # (by default the cluster listens only on a Unix socket under var/).
    db_name: str = "teritoriu"
    db_listen: str = ""
    # National profile (gis.profiles): fixes the storage CRS, identifier formats, UI languages
    # and locales, certificate kinds and wording; a UAT's own settings (territory.uat.settings) go on top.
    profile: str = "RO"
    # Web server
    host: str = "127.0.0.1"
    port: int = 5000
    secret_key: str = ""
    public_base_url: str = ""
    samples_dir: Path = PROJECT_ROOT / "data-samples"
    # The orthophoto (GeoTIFF): the web map's basemap and the OGC coverage.
    orthophoto: Path = PROJECT_ROOT / "data-samples" / "orthophoto.tif"
    # Tile caches on disk (orthophoto PNGs and vector tiles) live in this folder (empty: var/tiles)
    # and are pruned to tile_cache_mb megabytes (0 = no cap).
    tile_cache_dir: str = ""
    tile_cache_mb: int = 512
    # Web pages of other sites that may read, with an API key or credentials, what /ogc keeps behind
    # one (restricted collections, processes): exact origins, comma-separated
    # ("https://harta.cj.ro,https://geoportal.example"). Public data answers every origin (api/cors.py).
    cors_origins: tuple[str, ...] = ()

    @property
    def tiles_dir(self) -> Path:
        return Path(self.tile_cache_dir) if self.tile_cache_dir else self.var_dir / "tiles"
    # PAdES signing of issued certificates (PEM files); empty: var/signing/ if present.
    signing_key: str = ""
    signing_cert: str = ""
    # Public lookups and searches per second and client (bursts up to 3 s worth); 0 = no limit.
    rate_limit_per_s: int = 20
    # Reverse proxies in front of the app whose X-Forwarded-For is believed (hops); 0: none, the
    # client is the connection's peer address.
    trusted_proxies: int = 0
    # Shared limits (PostgreSQL, every worker and server): each is a count per fixed window of
    # seconds; a limit 0 switches it off. Failed sign-ins per client address, and per account typed
    # from one address (no account is ever locked for everyone).
    sign_in_failures_per_address: int = 20
    sign_in_failures_per_account: int = 5
    sign_in_window_s: int = 15 * 60
    # Certificate requests filed (registry numbers taken) per client address and per e-mail.
    filings_per_address: int = 10
    filings_per_email: int = 5
    filing_window_s: int = 3600
    # Certificate checks (/verify) per client address.
    verify_per_address: int = 60
    verify_window_s: int = 600
    # Editing the cadastre: measured vs legal area beyond this share is a warning; a strip
    # narrower than edit_gap_width_m between neighbours is a sliver (an error); a save with
    # "snap" moves vertices within snap_tolerance_m onto the neighbours' vertices and edges;
    # the map snaps clicks within snap_pixels of a neighbour while drawing.
    edit_area_tolerance: float = tolerances.AREA_SHARE
    edit_gap_width_m: float = tolerances.EDIT_GAP_WIDTH_M
    snap_tolerance_m: float = tolerances.SNAP_M
    snap_pixels: int = 12
    # Notices by e-mail (gis.outbox): the mail server as a URL (smtp://host:25, smtp+starttls://user:pw@host:587,
    # smtps://user:pw@host:465; empty: messages stay queued), the sender, how long a confirmation link is
    # valid, and the retries: attempt n waits mail_backoff_s * 2**(n-1) seconds, at most mail_max_attempts.
    smtp_url: str = ""
    mail_from: str = "teritoriu@localhost"
    confirm_hours: int = 72
    mail_max_attempts: int = 8
    mail_backoff_s: int = 60
    # Legal deadline of a certificate request, in days from its registration (Legea 50/1991 art. 6: the
    # urbanism certificate within 15 days), and how many days ahead the officers' daily digest looks.
    legal_deadline_days: int = 15
    digest_days_ahead: int = 3

    @property
    def uses_local_cluster(self) -> bool:
        return not self.database_url

    @property
    def base_url(self) -> str:
        return self.public_base_url or f"http://{self.host}:{self.port}"


def _coerce(name: str, raw):
    ftype = {f.name: f.type for f in dataclasses.fields(Settings)}[name]
    if ftype in ("int", int):
        return int(raw)
    if ftype in ("float", float):
        return float(raw)
    if ftype in ("Path", Path):
        return Path(raw)
    if ftype.startswith("tuple") and isinstance(raw, str):
        return tuple(x.strip() for x in raw.split(",") if x.strip())
    if ftype.startswith("tuple"):
        return tuple(raw)
    return raw


def load_settings(**overrides) -> Settings:
    """Build settings from TOML file, environment and keyword overrides (in that order)."""
    values: dict = {}
    names = {f.name for f in dataclasses.fields(Settings)}
    config_file = overrides.pop("config_file", None) or os.environ.get("TERITORIU_CONFIG")
    if config_file:
        with open(config_file, "rb") as fh:
            data = tomllib.load(fh)
        unknown = sorted(set(data) - names)
        if unknown:
            raise ValueError(f"{config_file}: unknown settings {', '.join(unknown)}")
        values.update({key: _coerce(key, value) for key, value in data.items()})
    for key in names:
        env = os.environ.get(f"TERITORIU_{key.upper()}")
        if env is not None and env != "":
            values[key] = _coerce(key, env)
    values.update({k: v for k, v in overrides.items() if v is not None})
    return Settings(**values)


def settings_to_dict(settings: Settings) -> dict:
    """Plain values, for configuration written as data (e.g. pygeoapi processes)."""
    return {f.name: (list(v) if isinstance(v := getattr(settings, f.name), tuple) else
                     str(v) if isinstance(v, Path) else v)
            for f in dataclasses.fields(Settings)}


def settings_from_dict(values: dict) -> Settings:
    return Settings(**{k: _coerce(k, v) for k, v in values.items()})


@cache
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return load_settings()
