"""Run `centricity import` so that it halts for good at a chosen checkpoint, to be killed.

    python kill_harness.py MODE TARGET MARKER -- <centricity arguments>

The first batch that takes the job's checkpoint to TARGET or beyond decides the halt:
MODE `inside` halts inside that batch's transaction, after its rows, quarantine and
checkpoint were written but before the commit; MODE `between` lets it commit and halts
before the next batch's first write. The harness then writes the checkpoint it halted at
to MARKER and waits forever, so the test's SIGKILL always lands at that exact point and
the import can never finish first, however fast the machine.
"""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

MODES = ("inside", "between")


def _halt(marker: Path, checkpoint: int) -> None:
    partial = marker.with_suffix(".partial")
    partial.write_text(str(checkpoint), encoding="utf-8")
    os.replace(partial, marker)  # the test never reads a half-written number
    threading.Event().wait()  # until SIGKILL


def main() -> None:
    """Patch the import's batch bookkeeping to halt at the target, then run the CLI."""
    mode, target, marker, separator, *arguments = sys.argv[1:]
    if mode not in MODES or separator != "--":
        raise SystemExit(__doc__)
    goal, path = int(target), Path(marker)

    from centricity import cli
    from centricity.imports.load import jobstore
    from centricity.imports.models import ImportJob

    record_batch, write_lock = jobstore.record_batch, jobstore.write_lock
    committed: list[int] = []

    def recording(session: Session, job_id: int, *args: Any, **kwargs: Any) -> None:
        record_batch(session, job_id, *args, **kwargs)
        checkpoint = session.scalar(
            select(ImportJob.checkpoint_records).where(ImportJob.id == job_id)
        )
        if checkpoint is not None and checkpoint >= goal:
            if mode == "inside":
                _halt(path, checkpoint)
            committed.append(checkpoint)

    def locking(session: Session, *args: Any, **kwargs: Any) -> None:
        if committed:  # the batch that reached the target has been committed
            _halt(path, committed[0])
        write_lock(session, *args, **kwargs)

    jobstore.record_batch = recording
    jobstore.write_lock = locking
    sys.argv = ["centricity", *arguments]
    cli.main()


if __name__ == "__main__":
    main()
