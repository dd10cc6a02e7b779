"""Starting and stopping a peer server of the bench (QGIS Server, tipg): its own process group,
ready once a probe URL answers."""

from __future__ import annotations

import os
import signal
import subprocess
import time

import requests


def start(command: list[str], env: dict, probe: str, name: str, timeout_s: float = 90) -> subprocess.Popen:
    """`command` in a new session; returned once `probe` answers 2xx (RuntimeError if it stops or never does)."""
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            if requests.get(probe, timeout=10).ok:
                return server
        except requests.RequestException:
            pass
        if server.poll() is not None:
            raise RuntimeError(f"{name} stopped at start")
        time.sleep(0.3)
    stop(server)
    raise RuntimeError(f"{name} did not answer within {timeout_s:.0f} s")


def stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
