"""``stockgate gateway``: the long-running Slack gateway (HTTP Request URL or Socket Mode)."""

from __future__ import annotations

import logging
import threading

import typer

from stockgate.cli.common import configure_logging, console, handle_errors

log = logging.getLogger(__name__)


@handle_errors
def gateway(
    http: bool = typer.Option(False, "--http", help="Serve Slack's Request URL at /slack/events (and /healthz)."),
    socket_mode: bool = typer.Option(False, "--socket-mode", help="Connect over Socket Mode (no public URL)."),
    host: str = typer.Option("127.0.0.1", help="HTTP mode: address to listen on (0.0.0.0 behind a proxy)."),
    port: int = typer.Option(3000, help="HTTP mode: port to listen on."),
    flush_every: float = typer.Option(60.0, help="Seconds between retries of posts Slack did not accept."),
    wake_runs: bool = typer.Option(True, help="Resume the waiting Prefect run after each final decision."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Debug logging."),
) -> None:
    """Run the Slack gateway: verify each click, record the decision in the ledger, update the message."""
    from stockgate.adapters.ledger import Ledger
    from stockgate.adapters.runs import PrefectRunWaker
    from stockgate.adapters.slack.gateway import server
    from stockgate.adapters.slack.gateway.wiring import build_gateway
    from stockgate.adapters.slack.ledger_port import LedgerApprovals, wake_run_hook
    from stockgate.domain.approvals.policy import load_policy
    from stockgate.errors import ConfigError
    from stockgate.settings import get_settings

    configure_logging(verbose)
    if http == socket_mode:
        raise ConfigError("Choose exactly one of --http and --socket-mode.")
    settings = get_settings()
    ledger, policy = Ledger(settings.resolved_ledger_url), load_policy(settings.policy_file)
    hook = wake_run_hook(LedgerApprovals(ledger, policy), PrefectRunWaker().wake) if wake_runs else None
    gw = build_gateway(settings, ledger, policy, on_decided=hook, socket_mode=socket_mode)
    stop = threading.Event()
    server.start_flusher(gw.notifier, every_s=flush_every, stop=stop)
    gw.notifier.flush_pending_posts()
    try:
        if socket_mode:
            if settings.slack_app_token is None:
                raise ConfigError(
                    "Socket Mode needs the app-level token.", hint="Set STOCKGATE_SLACK_APP_TOKEN (xapp-)."
                )
            console.print("Slack gateway connected over Socket Mode.")
            server.run_socket_mode(gw.app, app_token=settings.slack_app_token.get_secret_value())
        else:
            console.print(f"Slack gateway on http://{host}:{port}/slack/events (health: /healthz).")
            server.uvicorn_server(server.http_app(gw.app, gw.notifier), host=host, port=port).run()
    finally:
        stop.set()
