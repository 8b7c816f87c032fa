"""Load: write checked batches into the store, batch by batch, resumable after a crash.

`runner.py` is the import loop (read → check → stage → merge → commit). Each batch is
loaded into a temporary table by `staging.py`, merged into its target table by
`merge.py` (set-based, exact counts, no duplicates), and committed together with the
job's checkpoint and the batch's quarantined rows kept by `jobstore.py`, so a re-run
resumes after the last committed batch.
"""
