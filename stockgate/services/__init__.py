"""Use cases combining the domain and the adapters: the single decision path and the exactly-once commit."""
