"""Feedback from every source: survey answers, reviews, imports, the API, and contact
notes or case replies that staff mark as feedback."""
