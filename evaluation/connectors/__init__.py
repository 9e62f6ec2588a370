"""Connectors: an account's public activity read from its platform (base.py says how)."""
