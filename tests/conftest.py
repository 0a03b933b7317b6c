"""Shared test set-up: single-threaded numerics, an isolated Stockgate home, and one Prefect test server.

Engineers add fixtures for their own area in modules next to their tests (for example ``ledger_fixtures.py``)
and import them where needed; this file keeps only what the whole suite shares.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
# No telemetry calls from the Prefect test server (the network is closed here anyway).
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")


@pytest.fixture()
def stockgate_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty Stockgate home folder, set through the environment like a user would."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("STOCKGATE_HOME", str(home))
    from stockgate.settings import get_settings

    get_settings.cache_clear()
    yield home
    get_settings.cache_clear()


@pytest.fixture(scope="session")
def prefect_server() -> Iterator[None]:
    """A real Prefect API server (Prefect's test harness, SQLite) shared by the flow tests of one session."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield
