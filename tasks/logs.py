"""Send the package's own log lines (``stockgate``, ``validations``, ``tasks``, ``flows``) to the Prefect UI.

Prefect only ships its own loggers to the API. ``PREFECT_LOGGING_EXTRA_LOGGERS`` attaches its API handler to
others, but leaves their level at the root's WARNING, so INFO lines never arrive; and it depends on every worker's
environment. ``show_package_logs`` does both, in code, for every way a flow is started (worker, ``flow.serve``,
``python -m flows.replenish``, the demo, tests, Dask workers). Lines logged outside a run stay local.
"""

from __future__ import annotations

import logging

PACKAGE_LOGGERS = ("stockgate", "validations", "tasks", "flows")


class _InRun(logging.Filter):
    """Pass records only inside a Prefect flow or task run (the API handler would warn about the others)."""

    def filter(self, record: logging.LogRecord) -> bool:
        from prefect.context import FlowRunContext, TaskRunContext

        return FlowRunContext.get() is not None or TaskRunContext.get() is not None


class PackageAPIHandler(logging.Handler):
    """Prefect's API log handler, for run-context records only."""

    def __init__(self) -> None:
        from prefect.logging.handlers import APILogHandler

        super().__init__()
        self.inner = APILogHandler()
        self.addFilter(_InRun())

    def emit(self, record: logging.LogRecord) -> None:
        self.inner.emit(record)


def show_package_logs(level: int = logging.INFO) -> None:
    """Attach the API handler to the package loggers once, at ``level`` unless a level was configured."""
    from prefect.logging.handlers import APILogHandler

    for name in PACKAGE_LOGGERS:
        logger = logging.getLogger(name)
        if logger.level == logging.NOTSET:
            logger.setLevel(level)
        # PREFECT_LOGGING_EXTRA_LOGGERS may have attached Prefect's own handler already: never send lines twice.
        if not any(isinstance(h, PackageAPIHandler | APILogHandler) for h in logger.handlers):
            logger.addHandler(PackageAPIHandler())
