"""Opt-in content capture: request and response content in the GenAI message format.

Nothing in this package runs unless content capture is on (see ``config.py``).
"""
