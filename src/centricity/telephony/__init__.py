"""Telephony: calls from the phone system (live events and call records), call-back tasks
for the calls nobody answered, and the phone metrics of the Service page."""
