"""A real local Prefect stack for deployment tests and the deployment latency bench.

``prefect server start`` (its own PREFECT_HOME and SQLite, scheduler looping every second), the process work pool,
``prefect --no-prompt deploy --all`` from the repository with the environment ``prefect.yaml`` needs, and
``prefect worker start``: all real subprocesses, each in its own process group with its output in a log file, so a
failure can show what the server and worker said. ``LocalStack.stop()`` ends every process it started.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import httpx

ROOT = Path(__file__).resolve().parents[1]
POOL = "stockgate-process"
T = TypeVar("T")

# Server services that only add load here; the scheduler and pause expiry stay on.
_QUIET_SERVICES = ("LATE_RUNS", "FOREMAN", "CANCELLATION_CLEANUP", "TASK_RUN_RECORDER_FLUSH")


def free_port() -> int:
    """Any free local TCP port."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _tail(path: Path, lines: int = 60) -> str:
    if not path.exists():
        return f"({path.name}: no output)"
    text = path.read_text(errors="replace").splitlines()[-lines:]
    return f"--- last {len(text)} lines of {path} ---\n" + "\n".join(text)


@dataclass
class LocalStack:
    """Server, worker and CLI calls sharing one environment; ``workdir`` holds PREFECT_HOME and the logs."""

    workdir: Path
    stockgate_home: Path
    data_dir: Path
    worker_query_s: float = 1.0
    port: int = field(default_factory=free_port)
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    @property
    def api_url(self) -> str:
        """The server's API address."""
        return f"http://127.0.0.1:{self.port}/api"

    @property
    def prefect_home(self) -> Path:
        """PREFECT_HOME of every process of this stack (profiles, the server's SQLite database)."""
        return self.workdir / "prefect-home"

    def env(self, **extra: str) -> dict[str, str]:
        """The environment of every subprocess: no inherited Prefect settings, this stack's API and folders."""
        base = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "STOCKGATE_"))}
        base.update(
            PREFECT_HOME=str(self.prefect_home),
            PREFECT_API_URL=self.api_url,
            PREFECT_SERVER_ANALYTICS_ENABLED="false",
            PREFECT_UI_ENABLED="false",
            PREFECT_API_DATABASE_CONNECTION_URL=f"sqlite+aiosqlite:///{self.prefect_home / 'prefect.db'}",
            # Schedule new deployments within seconds instead of the 60 s default loop.
            PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS="1",
            PREFECT_SERVER_SERVICES_SCHEDULER_RECENT_DEPLOYMENTS_LOOP_SECONDS="1",
            PREFECT_WORKER_QUERY_SECONDS=str(self.worker_query_s),
            PREFECT_WORKER_PREFETCH_SECONDS="5",
            STOCKGATE_PROJECT_DIR=str(ROOT),
            STOCKGATE_HOME=str(self.stockgate_home),
            STOCKGATE_DATA_DIR=str(self.data_dir),
            OMP_NUM_THREADS="1",
            OPENBLAS_NUM_THREADS="1",
            MKL_NUM_THREADS="1",
        )
        base.update({f"PREFECT_SERVER_SERVICES_{name}_ENABLED": "false" for name in _QUIET_SERVICES})
        base.update(extra)
        return base

    def log(self, name: str) -> Path:
        """Where the output of process ``name`` goes."""
        return self.workdir / f"{name}.log"

    def logs(self) -> str:
        """The tails of the server and worker logs, for failure messages."""
        return "\n".join(_tail(self.log(name)) for name in ("server", "worker", "deploy"))

    def _spawn(self, name: str, args: list[str]) -> subprocess.Popen[bytes]:
        with self.log(name).open("ab") as out:
            process = subprocess.Popen(
                [sys.executable, "-m", "prefect", *args], cwd=ROOT, env=self.env(),
                stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        self.processes[name] = process
        return process

    def start_server(self, timeout_s: float = 90) -> None:
        """Start ``prefect server start`` and wait until ``/health`` answers."""
        self.prefect_home.mkdir(parents=True, exist_ok=True)
        process = self._spawn("server", ["server", "start", "--host", "127.0.0.1", "--port", str(self.port)])

        def healthy() -> bool:
            if process.poll() is not None:
                raise AssertionError(f"prefect server start exited with {process.returncode}.\n{self.logs()}")
            try:
                return httpx.get(f"{self.api_url}/health", timeout=2).status_code == 200
            except httpx.HTTPError:
                return False

        self.wait_for(healthy, timeout_s, "the Prefect server to answer /health")

    def run(self, name: str, args: list[str], timeout_s: float = 120) -> str:
        """Run a command of this stack's environment to the end (``prefect ...`` or ``stockgate ...``); its output.

        Raises AssertionError with the output when it fails.
        """
        program = [sys.executable, "-m", "prefect"] if args[0] != "stockgate" else [str(_stockgate_cli())]
        argv = [*program, *(args if args[0] != "stockgate" else args[1:])]
        done = subprocess.run(argv, cwd=ROOT, env=self.env(), capture_output=True, text=True, timeout=timeout_s)
        output = done.stdout + done.stderr
        self.log(name).write_text(output)
        if done.returncode != 0:
            raise AssertionError(f"`{' '.join(args)}` exited with {done.returncode}:\n{output}\n{self.logs()}")
        return output

    def deploy_all(self, names: list[str] | None = None) -> str:
        """Create the process pool and deploy every deployment in prefect.yaml (or only ``names``), as
        docs/operations.md says."""
        self.run("pool", ["work-pool", "create", POOL, "--type", "process", "--overwrite"])
        chosen = [arg for name in names for arg in ("--name", name)] if names else ["--all"]
        return self.run("deploy", ["--no-prompt", "deploy", *chosen], timeout_s=240)

    def start_worker(self) -> None:
        """Start ``prefect worker start --pool stockgate-process``."""
        self._spawn("worker", ["worker", "start", "--pool", POOL, "--type", "process"])

    def wait_for(self, probe: Callable[[], T | None], timeout_s: float, what: str, every_s: float = 0.5) -> T:
        """Poll ``probe`` until it returns something truthy; AssertionError with the logs after ``timeout_s``."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            for name, process in self.processes.items():
                if process.poll() is not None:
                    raise AssertionError(f"{name} exited with {process.returncode} while waiting for {what}.\n"
                                         f"{self.logs()}")  # fmt: skip
            value = probe()
            if value:
                return value
            time.sleep(every_s)
        raise AssertionError(f"Timed out after {timeout_s:.0f} s waiting for {what}.\n{self.logs()}")

    def stop(self) -> None:
        """End every process this stack started (worker first), with its children and flow-run processes."""
        for name in sorted(self.processes, key=lambda n: n != "worker"):
            process = self.processes[name]
            children = _descendants(process.pid)  # flow runs may sit in sessions of their own
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait(timeout=5)
            for pid in children:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
        self.processes.clear()

    def flow_run_processes(self) -> list[int]:
        """Process ids of the flow runs the worker has running right now (``python -m prefect.engine``)."""
        worker = self.processes.get("worker")
        return [pid for pid in (_descendants(worker.pid) if worker else []) if _is_flow_run(pid)]


def _is_flow_run(pid: int) -> bool:
    try:
        return b"prefect.engine" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def _descendants(pid: int) -> list[int]:
    """Every live descendant of ``pid``, from /proc (Linux)."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            parents[int(stat.parent.name)] = int(fields[1])
    found, frontier = [], [pid]
    while frontier:
        parent = frontier.pop()
        children = [child for child, ppid in parents.items() if ppid == parent]
        found.extend(children)
        frontier.extend(children)
    return found


def _stockgate_cli() -> Path:
    return Path(sys.executable).parent / "stockgate"
