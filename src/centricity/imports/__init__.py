"""Import and ingest: files and API batches into customers, orders and the contact log.

The stages a file goes through are sub-packages, in flow order: `read` (any format into
String rows), `check` (headers mapped to fields, values parsed and validated, references
resolved), `load` (batches staged, merged and committed with a checkpoint) and `review`
(quarantined rows, likely duplicate customers). This level holds the domain's definitions
(`registry.py`, `kinds.py`, `models.py`, `schemas.py`, `reasons.py`: the texts every stage
stores), what spans the stages (`plan.py` prepares an import, `service.py`, `ingest.py`,
`access.py`, `idempotency.py`) and the edges (`cli.py`, `api.py`, `pages.py`,
`duplicate_pages.py`, `jobs.py`, `exports.py`, `privacy.py`).
"""
