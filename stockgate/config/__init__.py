"""Embedded configuration files (the safe default approval policy), read with ``importlib.resources``."""
