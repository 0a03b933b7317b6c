"""``stockgate ui``: open the Prefect UI on the runs the demo (or a local flow) recorded, until Ctrl-C.

Starts the same local Prefect server the demo uses (its database lives under ``STOCKGATE_HOME/prefect``), so the
demo's runs, artifacts and logs can be browsed after the demo has stopped its own server.
"""

from __future__ import annotations

import signal
import time
from types import FrameType

import typer

from stockgate.cli.common import console, handle_errors


@handle_errors
def ui(
    port: int = typer.Option(4200, help="Port of the local Prefect server."),
) -> None:
    """Serve the Prefect UI with the runs recorded under STOCKGATE_HOME; Ctrl-C stops it."""
    from stockgate.adapters.prefect_server import ensure_server
    from stockgate.settings import get_settings

    home = get_settings().home.resolve()
    home.mkdir(parents=True, exist_ok=True)
    server = ensure_server(home=home, port=port)
    if not server.started:
        console.print(f"A Prefect server already answers: [bold]{server.ui_url}[/]")
        return
    console.print(f"Prefect UI: [bold]{server.ui_url}[/] (runs recorded under {home / 'prefect'}); Ctrl-C stops it.")
    signal.signal(signal.SIGTERM, _exit)  # `kill` stops the server too, like Ctrl-C
    try:
        while server.process is not None and server.process.poll() is None:
            time.sleep(1)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


def _exit(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)
