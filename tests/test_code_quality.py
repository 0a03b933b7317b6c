"""The test command also runs the linters: ruff (lint and format) and mypy must be clean on the whole project."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, check=False)


def test_ruff_is_clean() -> None:
    """ruff reports no lint error anywhere in the repository."""
    result = _run("ruff", "check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_is_clean() -> None:
    """Every Python file, notebook and docs code block is formatted as ``ruff format`` would write it."""
    result = _run("ruff", "format", "--check", ".")
    assert result.returncode == 0, result.stdout + result.stderr + "\nRun `uv run ruff format .` to fix."


@pytest.mark.slow
def test_mypy_is_clean() -> None:
    """mypy finds no type error in the packages configured in pyproject.toml."""
    result = _run("mypy")
    assert result.returncode == 0, result.stdout + result.stderr
