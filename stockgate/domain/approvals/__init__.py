"""Approval policy (YAML model), pure routing and authorization rules, and the request type.

Never imports Prefect, Slack or a database: the ledger (``stockgate.adapters.ledger``) stores requests and the
decision path (``stockgate.services.decisions``) combines both.
"""

from stockgate.domain.approvals.policy import Policy, load_policy, parse_policy
from stockgate.domain.approvals.requests import AUTO_ACTOR, ApprovalRequest, DraftFacts, Status
from stockgate.domain.approvals.rules import GateRoute, evaluate, may_decide

__all__ = [
    "AUTO_ACTOR",
    "ApprovalRequest",
    "DraftFacts",
    "GateRoute",
    "Policy",
    "Status",
    "evaluate",
    "load_policy",
    "may_decide",
    "parse_policy",
]
