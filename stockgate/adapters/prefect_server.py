"""Find a reachable Prefect API or start a local Prefect server for the demo, and stop it afterwards.

The server runs as a child process (``prefect server start``) with its own ``PREFECT_HOME`` inside the
Stockgate home folder, so the demo never touches a user's other Prefect state.
"""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from stockgate.errors import IntegrationError

log = logging.getLogger(__name__)


def api_is_healthy(api_url: str, *, timeout_s: float = 2.0) -> bool:
    """True when ``{api_url}/health`` answers 200."""
    try:
        return httpx.get(f"{api_url.rstrip('/')}/health", timeout=timeout_s).status_code == 200
    except httpx.HTTPError:
        return False


def free_port(preferred: int = 4200) -> int:
    """``preferred`` if nothing listens there, else any free local port."""
    for port in (preferred, 0):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return int(sock.getsockname()[1])
    raise IntegrationError("No free local port for a Prefect server.")


@dataclass
class PrefectServer:
    """A Prefect API this process uses; ``started`` tells whether we launched it (and must stop it)."""

    api_url: str
    started: bool
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)
    log_file: Path | None = None

    @property
    def ui_url(self) -> str:
        """The Prefect UI address (the API URL without ``/api``)."""
        return self.api_url.removesuffix("/api")

    def stop(self) -> None:
        """Stop the server if this process started it."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()


def ensure_server(*, home: Path, port: int = 4200, startup_timeout_s: float = 90.0) -> PrefectServer:
    """Use ``PREFECT_API_URL`` if it answers, else start a local server under ``home/prefect`` and wait for it."""
    configured = os.environ.get("PREFECT_API_URL")
    if configured and api_is_healthy(configured):
        return PrefectServer(api_url=configured, started=False)
    default_url = f"http://127.0.0.1:{port}/api"
    if api_is_healthy(default_url):
        return PrefectServer(api_url=default_url, started=False)
    return _start_server(home=home, port=free_port(port), startup_timeout_s=startup_timeout_s)


def _start_server(*, home: Path, port: int, startup_timeout_s: float) -> PrefectServer:
    prefect_home = (home / "prefect").resolve()
    prefect_home.mkdir(parents=True, exist_ok=True)
    log_file = prefect_home / "server.log"
    env = {**os.environ, "PREFECT_HOME": str(prefect_home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    env.pop("PREFECT_API_URL", None)
    cmd = [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)]
    with log_file.open("ab") as out:
        process = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    server = PrefectServer(api_url=f"http://127.0.0.1:{port}/api", started=True, process=process, log_file=log_file)
    deadline = time.monotonic() + startup_timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise IntegrationError(f"The Prefect server stopped while starting; see {log_file}.")
        if api_is_healthy(server.api_url):
            return server
        time.sleep(0.5)
    server.stop()
    raise IntegrationError(
        f"The Prefect server did not answer within {startup_timeout_s:.0f} s; see {log_file}.",
        hint="Start one yourself with `prefect server start` and set PREFECT_API_URL.",
    )
