"""What the listeners share: the approval store, the authorizer, the notifier, a worker pool and the hooks.

Listeners ``ack()`` first and hand slow work (Slack lookups, the ledger decision, message updates, waking the
Prefect run) to ``run_later``; a refused or failed click gets a private message saying why and what to do.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from slack_sdk import WebClient
from slack_sdk.webhook import WebhookClient

from stockgate.adapters.slack.gateway.authz import Authorizer, SlackIdentity
from stockgate.adapters.slack.notifier import SLACK_FAILURES, SlackNotifier
from stockgate.adapters.slack.ports import Action, ApprovalsPort
from stockgate.adapters.slack.snapshot import RequestSnapshot
from stockgate.errors import AlreadyDecided, StockgateError

log = logging.getLogger(__name__)
UNEXPECTED = (
    "Stockgate could not process your click because of an internal error; the request is unchanged unless its "
    "message says otherwise. Try again in a minute, or decide with `stockgate approvals`."
)
OnDecided = Callable[[str], None]


@dataclass
class GatewayServices:
    """Shared by every listener. ``on_decided(request_id)`` runs in a worker thread after a final decision."""

    approvals: ApprovalsPort
    authorizer: Authorizer
    notifier: SlackNotifier
    on_decided: OnDecided | None = None
    workers: ThreadPoolExecutor = field(default_factory=lambda: ThreadPoolExecutor(8, thread_name_prefix="slack"))

    @property
    def client(self) -> WebClient:
        return self.notifier.client

    def run_later(
        self, work: Callable[[], None], *, user_id: str, channel: str | None, response_url: str | None = None
    ) -> Future[None]:
        """Run ``work`` after the ack; refusals and failures become a private message to ``user_id``."""
        return self.workers.submit(self._guarded, work, user_id, channel, response_url)

    def _guarded(self, work: Callable[[], None], user_id: str, channel: str | None, response_url: str | None) -> None:
        try:
            work()
        except StockgateError as exc:
            log.info("Slack click by %s refused: %s", user_id, exc)
            self.tell(user_id, channel, str(exc), response_url=response_url)
        except Exception:
            log.exception("Slack click by %s failed", user_id)
            self.tell(user_id, channel, UNEXPECTED, response_url=response_url)

    def tell(self, user_id: str, channel: str | None, text: str, *, response_url: str | None = None) -> None:
        """A private message: ephemeral in ``channel`` (or through ``response_url``), else a direct message."""
        try:
            if channel:
                self.client.chat_postEphemeral(channel=channel, user=user_id, text=text)
            else:
                self.client.chat_postMessage(channel=user_id, text=text)
            return
        except SLACK_FAILURES as exc:
            log.warning("Could not tell %s directly (%s)", user_id, type(exc).__name__)
        if response_url:
            self._respond(response_url, text)

    def _respond(self, response_url: str, text: str) -> None:
        """Ephemeral reply through the interaction's ``response_url`` (valid about 30 min, 5 uses)."""
        try:
            response = WebhookClient(response_url, timeout=10).send(
                text=text, response_type="ephemeral", replace_original=False
            )
            if response.status_code != 200:
                log.warning("response_url answered %s", response.status_code)
        except SLACK_FAILURES as exc:
            log.warning("Could not reply through response_url: %s", type(exc).__name__)

    def identify(self, user_id: str, snap: RequestSnapshot) -> SlackIdentity:
        """The verified identity of the clicker for this request (NotAuthorized says why not)."""
        return self.authorizer.identify(user_id, approvers=snap.approvers)

    def decide(
        self, who: SlackIdentity, *, request_id: str, version: int, action: Action, **extra: Any
    ) -> RequestSnapshot:
        """Record the decision through the one decision path, then redraw the message and wake the run."""
        try:
            after = self.approvals.decide(
                request_id=request_id,
                expected_version=version,
                actor=who.actor,
                actor_groups=who.groups,
                action=action,
                **extra,
            )
        except AlreadyDecided:
            self.notifier.refresh(request_id)  # e.g. expired just now: show it
            if self.on_decided is not None and self.approvals.snapshot(request_id).status == "expired":
                self._wake(request_id)  # let the waiting run see the expiry now (harmless if it already has)
            raise
        self.notifier.refresh(request_id)
        if after.decisions:
            self.notifier.audit(request_id, after.decisions[-1])
        if not after.is_pending and self.on_decided is not None:
            self._wake(request_id)
        return after

    def _wake(self, request_id: str) -> None:
        try:
            self.on_decided(request_id)  # type: ignore[misc]
        except Exception:
            log.exception("on_decided hook failed for request %s; the run re-reads the ledger later", request_id)
