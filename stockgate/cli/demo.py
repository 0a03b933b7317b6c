"""``stockgate demo``: the main job on embedded defaults, from a fresh clone.

Starts a local Prefect server if none answers, generates demo data, runs the weekly replenishment flow to the gate
in a child process, and lets you decide each purchase order in the terminal (or with ``--approve-as``), while the
same requests can be answered with ``stockgate approvals`` or in the Prefect UI.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import cast

import typer
from rich.panel import Panel
from rich.prompt import Prompt

from stockgate.cli.common import console, handle_errors

PROGRESS_KEY = "replenish-progress"  # the weekly flow's progress artifact (flows/replenish.py)


@handle_errors
def demo(
    approve_as: str | None = typer.Option(None, "--approve-as", help="Approve every request as this person."),
    series: int = typer.Option(40, help="Number of generated SKU x location series."),
    days: int = typer.Option(400, help="Days of generated sales history."),
    seed: int = typer.Option(7, help="Seed of the generated data."),
    keep_server: bool = typer.Option(False, "--keep-server", help="Leave a Prefect server the demo started running."),
) -> None:
    """Run the weekly flow on generated data and decide its purchase orders here."""
    from stockgate.adapters.prefect_server import ensure_server
    from stockgate.settings import get_settings

    settings = get_settings()
    home = settings.home.resolve()
    home.mkdir(parents=True, exist_ok=True)
    server = ensure_server(home=home)
    os.environ["PREFECT_API_URL"] = server.api_url  # this process wakes the run after each decision
    console.print(f"Prefect UI: [bold]{server.ui_url}[/]" + (" (started for this demo)" if server.started else ""))
    try:
        data_dir = _demo_data(home / "demo-data", series=series, days=days, seed=seed)
        started = time.time()
        process, log_file = _start_flow(data_dir, home=home, api_url=server.api_url)
        console.print(f"Weekly flow running (log: {log_file}).")
        _decide_while_running(process, settings_home=home, since=started, approve_as=approve_as)
        _report(home, since=started, data_dir=data_dir, code=process.returncode)
    finally:
        if server.started and not keep_server:
            server.stop()
            console.print("Prefect server stopped. Browse this run, its artifacts and approvals: "
                          "[bold]uv run stockgate ui[/] (or run the demo with --keep-server).")  # fmt: skip


def _demo_data(path: Path, *, series: int, days: int, seed: int) -> Path:
    from stockgate.domain.generator import write_dataset

    if not (path / "sales.csv").exists():
        with console.status("Generating demo data..."):
            write_dataset(out_dir=path, n_series=series, n_days=days, seed=seed, fmt="csv")
    console.print(f"Demo data: {path}")
    return path


def _start_flow(data_dir: Path, *, home: Path, api_url: str) -> tuple[subprocess.Popen[bytes], Path]:
    logs = home / "logs"
    logs.mkdir(exist_ok=True)
    log_file = logs / f"replenish-{time.strftime('%Y%m%d-%H%M%S')}.log"
    env = {**os.environ, "PREFECT_API_URL": api_url, "STOCKGATE_HOME": str(home),
           "STOCKGATE_PAUSE_POLL_INTERVAL_S": "1", "OMP_NUM_THREADS": "1"}  # fmt: skip
    with log_file.open("ab") as out:
        cmd = [sys.executable, "-m", "flows.replenish", str(data_dir), "demo"]
        return subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env), log_file


def _decide_while_running(process: subprocess.Popen[bytes], *, settings_home: Path, since: float,
                          approve_as: str | None) -> None:  # fmt: skip
    """Show the run's progress bar (its ``replenish-progress`` artifact) and decide each request as it opens."""
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

    from stockgate.adapters.ledger import Ledger
    from stockgate.settings import Settings

    settings = Settings(home=settings_home)
    seen: set[str] = set()
    ledger = Ledger(settings.resolved_ledger_url)  # the flow's ledger (SQLite in home, or STOCKGATE_LEDGER_URL)
    columns = (TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console) as bars:
        bar = bars.add_task("Starting the weekly flow", total=100)
        while process.poll() is None:
            if shown := _run_progress(since):
                bars.update(bar, completed=shown[0], description=shown[1])
            pending = [r for r in ledger.list_requests(status="pending")
                       if r.created_at.timestamp() >= since - 1 and r.id not in seen]  # fmt: skip
            for request in pending:
                bars.stop()
                seen.add(request.id)
                _decide_one(ledger, settings, request.id, approve_as=approve_as)
                bars.start()
            time.sleep(1)


def _run_progress(since: float) -> tuple[float, str] | None:
    """(percent, what is happening) from the newest ``replenish-progress`` artifact created after ``since``."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey
    from prefect.client.schemas.sorting import ArtifactSort

    try:
        with get_client(sync_client=True) as client:
            found = client.read_artifacts(artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[PROGRESS_KEY])),
                                          sort=ArtifactSort.CREATED_DESC, limit=1)  # fmt: skip
    except Exception:  # the bar is a courtesy: a busy or restarting server must not stop the demo
        return None
    if not found or found[0].created is None or found[0].created.timestamp() < since - 1:
        return None
    return float(cast(float, found[0].data)), found[0].description or ""


def _decide_one(ledger: object, settings: object, request_id: str, *, approve_as: str | None) -> None:
    from stockgate.adapters.ledger import Ledger
    from stockgate.adapters.runs import PrefectRunWaker
    from stockgate.domain.approvals.policy import load_policy
    from stockgate.domain.learning.reasons import ReasonCategory
    from stockgate.errors import StockgateError
    from stockgate.services.decisions import decide
    from stockgate.settings import Settings

    assert isinstance(ledger, Ledger) and isinstance(settings, Settings)
    request = ledger.get(request_id)
    console.print(
        Panel(_briefing(ledger, request_id), title=f"{request.id}  {request.subject_name or request.subject}")
    )
    category = None
    if approve_as:
        action, name, reason, edit = "approve", approve_as, None, None
    else:
        choice = Prompt.ask("[a]pprove, [e]dit, [r]eject or [s]kip (decide later)", choices=["a", "e", "r", "s"])
        if choice == "s":
            return
        name = Prompt.ask("Your name")
        action = {"a": "approve", "e": "edit", "r": "reject"}[choice]
        reason = Prompt.ask("Reason") if action != "approve" else None
        edit = _ask_edit() if action == "edit" else None
        if action == "edit":
            category = Prompt.ask("Reason category", choices=[c.value for c in ReasonCategory])
    try:
        result = decide(ledger, load_policy(settings.policy_file), request_id=request.id,
                        expected_version=request.version, actor=name, action=action,  # type: ignore[arg-type]
                        reason=reason, edit=edit, route="cli", reason_category=category)  # fmt: skip
        console.print(f"[green]{result.message}[/]")
        if request.flow_run_id:
            PrefectRunWaker().wake(flow_run_id=request.flow_run_id, request_id=request.id)
    except StockgateError as exc:
        console.print(f"[red]Refused:[/] {exc}  (decide later with `stockgate approvals`)")


def _ask_edit() -> dict[str, object]:
    text = Prompt.ask("New quantities as sku@location=qty, comma-separated")
    pairs = (part.split("=", 1) for part in text.split(",") if "=" in part)
    return {"quantities": {key.strip(): int(value) for key, value in pairs}}


def _briefing(ledger: object, request_id: str) -> str:
    from stockgate.adapters.ledger import Ledger
    from stockgate.domain.drafts import PurchaseOrder

    assert isinstance(ledger, Ledger)
    request, draft = ledger.get(request_id), ledger.draft(request_id)
    lines = [f"Total {request.total:,.2f} {request.currency}; policy: {request.route} ({request.rule})"]
    if isinstance(draft, PurchaseOrder):
        lines.append(f"{len(draft.lines)} lines, delivery {draft.delivery_date}, confidence {draft.confidence}")
        if draft.summary:
            lines.append(draft.summary)
        for line in sorted(draft.lines, key=lambda x: -x.line_cost)[:5]:
            flags = f" [{', '.join(line.flags)}]" if line.flags else ""
            lines.append(f"- {line.sku}@{line.location}: {line.quantity} units, {line.line_cost:,.2f}{flags}")
            lines.extend(f"    {reason}" for reason in line.reasons[:2])
    return "\n".join(lines)


def _report(home: Path, *, since: float, data_dir: Path, code: int | None) -> None:
    from stockgate.adapters.ledger import Ledger
    from stockgate.settings import Settings

    ledger = Ledger(Settings(home=home).resolved_ledger_url)
    mine = [r for r in ledger.list_requests() if r.created_at.timestamp() >= since - 1 or r.status == "committed"]
    for request in mine:
        where = f" as {request.external_ref}" if request.external_ref else ""
        console.print(f"{request.id} {request.subject_name or request.subject}: {request.status.value}{where}")
    console.print(f"Plans, forecasts and charts: {data_dir / 'runs'}; committed orders: {home / 'procurement'}")
    console.print(f"Review them: notebooks/forecast_review.ipynb and approval_insights.ipynb (STOCKGATE_HOME={home})")
    if code:
        console.print(f"[red]The flow ended with exit code {code}; see the log in {home / 'logs'}.[/]")
        raise typer.Exit(code=1)
