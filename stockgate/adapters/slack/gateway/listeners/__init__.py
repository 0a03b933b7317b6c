"""Bolt listeners: buttons (actions), modal submissions (views) and events (App Home)."""
