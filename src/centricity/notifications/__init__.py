"""Notices to staff in the app, and every e-mail the product sends through one outbox."""
