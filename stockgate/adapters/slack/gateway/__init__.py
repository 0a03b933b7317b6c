"""The Slack gateway: a Bolt app (HTTP or Socket Mode) that turns signed clicks into ledger decisions."""
