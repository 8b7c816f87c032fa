"""Centricity: a self-hosted customer-centricity platform."""

__version__ = "0.1.0"
