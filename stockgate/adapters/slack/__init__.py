"""Slack side of the approval gate: the Web API client, briefing cards, the notifier and the gateway.

Slack only displays and collects decisions; the ledger is the record. Nothing here is imported by the domain.
"""
