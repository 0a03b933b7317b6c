"""Stockgate: forecast demand, draft purchase orders and copy, check them, and ask a person before acting.

The package holds the domain (``stockgate.domain``: pure, typed functions that never import Prefect or Slack)
and the adapters (``stockgate.adapters``: data sources, ledger, sinks, Slack). Prefect wiring lives in the
top-level ``flows`` and ``tasks`` packages; Great Expectations suites in ``validations``.
"""

__version__ = "0.1.0"
