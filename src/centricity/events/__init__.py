"""Scheduled customer events (deliveries, visits, appointments, service) and the notices
that come before them: a task to phone the customer, or a reminder e-mail."""
