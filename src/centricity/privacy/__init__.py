"""Per-person export and erasure that walk every domain's `privacy.py`."""
