"""Review: what an import leaves for people to look at after it ran.

`quarantine.py` writes a job's rejected rows back out in the input's own format, with
their line and reason, ready to be fixed and imported again; `duplicates.py` finds
likely duplicate customers, shows them as pairs and merges or dismisses them (its page
is `duplicate_pages.py`, at the top with the other edges).
"""
