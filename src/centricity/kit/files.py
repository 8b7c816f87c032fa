"""Files that hold personal data or secrets are readable by their owner only."""

from __future__ import annotations

import os
from pathlib import Path


def private_dir(path: Path) -> Path:
    """Create a folder (and parents) that only the owner can enter (mode 700)."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    path.chmod(0o700)
    return path


def private_file(path: Path) -> Path:
    """Create an empty file readable by its owner only (mode 600), or tighten an existing one."""
    descriptor = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
    os.close(descriptor)
    path.chmod(0o600)
    return path


def write_secret(path: Path, value: str) -> None:
    """Write a new secret file with mode 600 from the start (never readable by others)."""
    descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(value)
