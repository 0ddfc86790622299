"""Gosportal: the citizen cabinet of a state-services portal."""
