"""Logging helpers that keep personal data out of logs."""

from __future__ import annotations

import traceback


def frames_only(exc: BaseException) -> str:
    """The exception's class and code frames, without its message (which can quote values)."""
    return type(exc).__name__ + "\n" + "".join(traceback.format_tb(exc.__traceback__))
