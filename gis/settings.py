"""One typed settings object, read once from TERITORIU_* variables and an optional TOML file.

Precedence: explicit keyword arguments > environment > TOML file (TERITORIU_CONFIG) > defaults.
"""

from __future__ import annotations

import dataclasses
import json
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
    # Behind nginx: the internal location that serves tile_cache_dir (e.g. "/_tiles/"); a cached
    # vector tile is then answered with X-Accel-Redirect and nginx sends the file (README).
    tiles_accel_redirect: str = ""
    # Behind nginx: keep <tile_cache_dir>/<db_name>/current linked to the current revision's vector
    # tiles, which nginx then serves alone (try_files, README; layers/tiles_link.py).
    tiles_current_link: bool = False
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
    # Public lookups and searches per second and client, bursts of rate_limit_burst_s seconds' worth; 0 = no
    # limit. Shared by every worker and server (gis/rate_limits.py): each worker adds a client's hits to
    # auth.throttle at most every rate_limit_flush_s seconds, once they are rate × flush or more (0: every
    # hit at once); the shared limit is rate × window + burst per rate_limit_window_s seconds (0: each
    # worker's own bucket only).
    rate_limit_per_s: int = 20
    rate_limit_burst_s: float = 3
    rate_limit_window_s: float = 10
    rate_limit_flush_s: float = 1
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
    # -- Staff sign-in methods (issue 22; README "Staff sign-in: directory, OpenID Connect, TOTP").
    # Local accounts always sign in with their password; an admin's also with a TOTP code (admin_totp).
    admin_totp: bool = True
    # LDAP / Active Directory (gis/directory_ldap.py): off while ldap_url is empty. ldaps://host or
    # ldap://host with ldap_start_tls (never a password in clear); ldap_ca_file: the CA of the
    # directory's certificate (empty: the system's). The service account only searches.
    ldap_url: str = ""
    ldap_start_tls: bool = True
    ldap_ca_file: str = ""
    ldap_bind_dn: str = ""
    ldap_bind_password: str = ""
    ldap_user_base: str = ""
    # {username} is replaced by the escaped name typed in the form
    ldap_user_filter: str = "(&(objectClass=user)(sAMAccountName={username}))"
    ldap_username_attribute: str = "sAMAccountName"
    # an entry this filter matches is disabled (AD: userAccountControl bit 2, ACCOUNTDISABLE)
    ldap_disabled_filter: str = "(userAccountControl:1.2.840.113556.1.4.803:=2)"
    # group DN -> role, and group DN -> SIRUTA codes (TOML tables, or JSON in the environment);
    # the highest role of the user's mapped groups wins; UATs: those of the user's groups (none: every UAT)
    ldap_group_roles: tuple[tuple[str, str], ...] = ()
    ldap_group_uats: tuple[tuple[str, tuple[int, ...]], ...] = ()
    # open sessions of a directory account are checked against the directory again after this
    # many seconds (on the next request); 0: on every request
    ldap_revalidate_s: int = 300
    ldap_timeout_s: int = 5
    # OpenID Connect (gis/oidc.py, api/oidc_routes.py): off while oidc_issuer is empty.
    oidc_issuer: str = ""
    oidc_client_id: str = ""
    oidc_client_secret: str = ""
    oidc_label: str = "OpenID Connect"
    oidc_scopes: str = "openid profile email"
    oidc_username_claim: str = "preferred_username"
    # claim listing the person's groups or roles, and its values -> role (a value that is a
    # Teritoriu role name counts as itself); claim listing SIRUTA codes (absent: every UAT)
    oidc_roles_claim: str = "roles"
    oidc_role_values: tuple[tuple[str, str], ...] = ()
    oidc_uats_claim: str = "uats"
    oidc_timeout_s: int = 5
    # Legal deadlines for answering a certificate request, in calendar days from registration, per
    # kind ("*": every other kind); TERITORIU_REQUEST_DEADLINE_DAYS="urbanism=15,*=30". The indicators
    # compare processing times with them, the officers' digest warns before them (gis/deadlines.py).
    # Urbanism: Legea 50/1991 art. 6^1 (15 days in the amended text, 30 in older ones: check the text in
    # force); the rest: OG 27/2002 on petitions (30 days).
    request_deadline_days: tuple[str, ...] = ("urbanism=15", "*=30")
    # Notices by e-mail (gis.outbox): the mail server as a URL (smtp://host:25, smtp+starttls://user:pw@host:587,
    # smtps://user:pw@host:465; empty: messages stay queued), the sender, how long a confirmation link is
    # valid, and the retries: attempt n waits mail_backoff_s * 2**(n-1) seconds, at most mail_max_attempts.
    smtp_url: str = ""
    mail_from: str = "teritoriu@localhost"
    confirm_hours: int = 72
    mail_max_attempts: int = 8
    mail_backoff_s: int = 60
    # How many days ahead of a request's legal deadline (request_deadline_days) the officers' daily digest looks.
    digest_days_ahead: int = 3

    @property
    def uses_local_cluster(self) -> bool:
        return not self.database_url

    @property
    def base_url(self) -> str:
        return self.public_base_url or f"http://{self.host}:{self.port}"


def _coerce(name: str, raw):
    ftype = {f.name: f.type for f in dataclasses.fields(Settings)}[name]
    if ftype in ("bool", bool):
        return raw if isinstance(raw, bool) else str(raw).strip().lower() in ("1", "true", "yes", "on")
    if ftype.startswith("tuple[tuple"):
        return _mapping(name, raw)
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


def _mapping(name: str, raw) -> tuple:
    """A mapping setting (a TOML table, or JSON text from the environment) kept as sorted pairs, so
    that the settings stay hashable; a list value becomes a tuple (group DN -> SIRUTA codes)."""
    if isinstance(raw, str):
        try:
            raw = json.loads(raw) if raw.strip() else {}
        except ValueError as exc:
            raise ValueError(f"{name}: expected a JSON object ({exc})") from None
    if not raw:
        return ()
    if isinstance(raw, tuple):
        return raw
    if not isinstance(raw, dict):
        raise ValueError(f"{name}: expected a table of key = value")
    return tuple(sorted((str(k), tuple(int(x) for x in v) if isinstance(v, list) else str(v))
                        for k, v in raw.items()))


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
    values.update({k: _coerce(k, v) if isinstance(v, dict) else v for k, v in overrides.items() if v is not None})
    return Settings(**values)


def settings_to_dict(settings: Settings) -> dict:
    """Plain values, for configuration written as data (e.g. pygeoapi processes)."""
    return {f.name: (_plain(v) if isinstance(v := getattr(settings, f.name), tuple) else
                     str(v) if isinstance(v, Path) else v)
            for f in dataclasses.fields(Settings)}


def _plain(value: tuple):
    """A tuple setting as plain data: a mapping's pairs as a dict (lists for tuples of codes)."""
    if value and all(isinstance(x, tuple) for x in value):
        return {k: list(v) if isinstance(v, tuple) else v for k, v in value}
    return list(value)


def settings_from_dict(values: dict) -> Settings:
    return Settings(**{k: _coerce(k, v) for k, v in values.items()})


@cache
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return load_settings()
