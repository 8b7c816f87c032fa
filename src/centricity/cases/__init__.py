"""The service desk: cases and tasks, service-level policies and the clocks of their targets."""
