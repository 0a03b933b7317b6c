"""Importing a flow module stays light: a resumed run imports its flow in a new process before it continues, so
libraries only some steps need (charts, GX suites, model fitting, distributions) load when those steps run."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("matplotlib", "lightgbm", "great_expectations", "scipy")
PROBE = "import json, sys; import {module}; print(json.dumps(sorted(m for m in {heavy} if m in sys.modules)))"


def _heavy_modules_after_importing(module: str) -> list[str]:
    """The heavy libraries in ``sys.modules`` after importing ``module`` in a fresh interpreter."""
    code = PROBE.format(module=module, heavy=HEAVY)
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    return list(json.loads(result.stdout.strip().splitlines()[-1]))


@pytest.mark.slow
@pytest.mark.parametrize("module", ["flows.replenish", "flows.copy", "flows.sweep"])
def test_importing_a_flow_loads_no_heavy_library(module: str) -> None:
    """Importing a flow module loads neither matplotlib, LightGBM, Great Expectations nor SciPy."""
    assert _heavy_modules_after_importing(module) == []
