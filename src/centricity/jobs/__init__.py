"""Database-backed job queue, scheduler and worker."""
