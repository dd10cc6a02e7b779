"""The README's nginx configuration, runnable: Debian's `nginx-light` (not a dependency of the app) in front of
`teritoriu serve --production`, for bench/nginx_accel.py and tests/test_tiles_nginx.py (like api/production.spawn).

The ```nginx blocks of README.md's reverse-proxy section are used as they are, with the README's tile
folder, database name and app address replaced by the run's own: what is measured and tested is what the
README says. The block holding a `map` goes in `http { }`, the others in `server { }`.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

from gis.settings import PROJECT_ROOT

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
README_TILES = "/opt/teritoriu/var/tiles"
README_APP = "127.0.0.1:5000"
# nginx's access log: how each request was answered ("-": from a file, without the app)
LOG_FORMAT = "'$status $upstream_addr $request_method $request_uri'"


def readme_blocks() -> list[str]:
    text = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"^```nginx\n(.*?)^```", text, flags=re.S | re.M)


def _workers_user(tiles_dir: Path) -> str:
    """nginx started by root runs its workers as `nobody`, who must reach the tiles as www-data would in
    production; a checkout under a private folder (/root/…) has them run as root instead."""
    if os.geteuid() != 0:
        return ""
    private = any(not p.stat().st_mode & 0o001 for p in Path(tiles_dir).resolve().parents)
    return "user root;" if private else ""


def conf(root: Path, listen: int, app_port: int, tiles_dir: Path, db_name: str, alone: bool = True) -> str:
    """`alone=False`: every tile goes to the app (X-Accel-Redirect only, the configuration before try_files)."""
    here = {f"{README_TILES}/teritoriu/": f"{tiles_dir}/{db_name}/", README_TILES: str(tiles_dir),
            README_APP: f"127.0.0.1:{app_port}"}
    blocks = readme_blocks()
    for readme, own in here.items():
        blocks = [b.replace(readme, own) for b in blocks]
    http = "\n".join(b for b in blocks if re.search(r"^map ", b, re.M)) if alone else \
        'map "" $teritoriu_tile { default /app; }'
    server = "\n".join(b for b in blocks if not re.search(r"^map ", b, re.M))
    temp = " ".join(f"{d}_temp_path {root}/tmp;" for d in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    return f"""
daemon off; worker_processes 1; pid {root}/nginx.pid; error_log {root}/error.log; {_workers_user(tiles_dir)}
events {{ worker_connections 256; }}
http {{
  log_format how {LOG_FORMAT};
  access_log {root}/access.log how; {temp}
{http}
  server {{
    listen 127.0.0.1:{listen};
{server}
  }}
}}
"""


def start(root: Path, listen: int, app_port: int, tiles_dir: Path, db_name: str,
          alone: bool = True) -> subprocess.Popen:
    """nginx in the foreground of its own process group, returned once it accepts connections."""
    root = Path(root)
    (root / "tmp").mkdir(parents=True, exist_ok=True)
    (root / "nginx.conf").write_text(conf(root, listen, app_port, tiles_dir, db_name, alone))
    proc = subprocess.Popen([NGINX, "-c", str(root / "nginx.conf"), "-p", str(root)], start_new_session=True,
                            stderr=subprocess.PIPE)
    for _ in range(200):  # bounded: nginx binds its port within a few ms of reading the configuration
        if proc.poll() is not None:
            raise RuntimeError(f"nginx exited: {proc.stderr.read().decode(errors='replace')}")
        try:
            socket.create_connection(("127.0.0.1", listen), timeout=1).close()
            return proc
        except OSError:
            time.sleep(0.05)
    stop(proc)
    raise RuntimeError("nginx did not listen")


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
