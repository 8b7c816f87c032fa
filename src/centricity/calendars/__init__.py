"""Business calendars: working hours, time zones, holidays; the clock of service targets."""
