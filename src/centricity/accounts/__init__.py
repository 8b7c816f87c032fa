"""Staff accounts, departments, web sessions and API tokens."""
