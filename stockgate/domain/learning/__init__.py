"""The learning loop: measure what people's edits did, and suggest policy and forecast changes from evidence.

- ``fva``: forecast value added of seasonal naive, the machine and the human-adjusted plan against actual sales.
- ``suggestions``: policy changes the decision history supports (for example a safe auto-approval threshold).
- ``adjustments``: forecast adjustments learned from recurring edits; proposals only, never applied unless a
  person enables them.
"""
