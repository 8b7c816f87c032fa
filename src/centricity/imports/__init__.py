"""Import and ingest: files and API batches into customers, orders and the contact log."""
