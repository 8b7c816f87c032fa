"""Fixtures of the idea tests (the arrangements live in `ideas_data`)."""

from ideas_data import shop

__all__ = ["shop"]
