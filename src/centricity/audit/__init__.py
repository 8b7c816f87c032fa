"""Audit log: who changed what, without the personal data itself."""
